"""The proof as a resource: its create asks Entra ID to accept the credential.

A dynamic resource (pulumi.dynamic) runs its create only in a real `pulumi up`:
never in a preview, never under the mock engine (Pulumi's documented unit-test
mocks included), so tests and the offline plan make no request and never wait.
The Kubernetes Secret takes the client secret through this resource's output,
so the engine writes it only once the proof succeeded; a failed proof fails
the deploy, leaves nothing in the state, and the Secret keeps the credential it
holds. The next deploy proves again (the proof is not in the state).

Replacement: any change of the credential (keyId), tenant authority, client or
scope is a new proof (`diff` below); the bridge never deletes before
replacing, and deleting a proof does nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, Resource, ResourceProvider

# What the proof is about: a change of any of these is a new proof.
PROVED = ("authority", "clientId", "scope", "keyId")


class CredentialProofProvider(ResourceProvider):
    # The serialized provider holds no secret: the credential arrives as a
    # (secret) input at create.
    serialize_as_secret_always = False

    def create(self, props: dict[str, Any]) -> CreateResult:
        from components import proof

        def request() -> proof.Answer:
            return proof.request_token(
                props["authority"], props["clientId"], props["clientSecret"], props["scope"]
            )

        tries = proof.prove(request, secret=props["clientSecret"])
        outs = {key: props[key] for key in PROVED}
        outs["provedAt"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        outs["tries"] = tries
        return CreateResult(id_=str(props["keyId"]), outs=outs)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [key for key in PROVED if olds.get(key) != news.get(key)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=False)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class CredentialProof(Resource):
    """A client secret that Entra ID accepted (created only once it has; its id is
    the credential's keyId)."""

    def __init__(
        self,
        name: str,
        *,
        authority: pulumi.Input[str],
        client_id: pulumi.Input[str],
        client_secret: pulumi.Input[str],
        scope: str,
        key_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "authority": authority,
            "clientId": client_id,
            "clientSecret": pulumi.Output.secret(client_secret),
            "scope": scope,
            "keyId": key_id,
            "provedAt": None,
            "tries": None,
        }
        super().__init__(CredentialProofProvider(), name, props, opts)
