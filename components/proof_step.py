"""The proof in a deploy: the client secret reaches the Secret only once Entra ID accepted it.

`proven` hands the client secret on through an apply that first proves it (proof.py), so
the engine is asked to write the Secret only after the proof succeeded; a failed proof
fails the program there, and the Secret keeps the credential it holds.

The apply runs in the process that runs the component: the Python program, or, for a
YAML, TypeScript, Go, C# or Java program, the project's plugin (provider/), which runs
in its own virtualenv with `components` and msal. A dynamic resource's provider, which
made the proof before, runs instead in a process the engine starts with the *consuming*
program's runtime options, where `components` cannot be found (issue 20;
docs/proof.md#where-the-proof-runs).

It runs in every `pulumi up`, never in a preview, and never under Pulumi's mock engine
(unit tests, the offline plan), so those make no request and never wait.
"""

from __future__ import annotations

import asyncio

import pulumi
from pulumi.runtime import settings as runtime_settings
from pulumi.runtime.mocks import MockMonitor

from . import proof


def proving() -> bool:
    """A real `pulumi up`: not a preview, not Pulumi's mock engine (`set_mocks` installs
    a MockMonitor: pulumi/runtime/mocks.py)."""
    mocked = isinstance(runtime_settings.get_monitor(), MockMonitor)
    return not pulumi.runtime.is_dry_run() and not mocked


def proven(
    client_secret: pulumi.Output[str],
    *,
    authority: pulumi.Output[str],
    client_id: pulumi.Output[str],
    scope: str,
    key_id: pulumi.Output[str],
    parent: pulumi.Resource,
) -> pulumi.Output[str]:
    """The client secret, once a real deploy has proven it (one proof a deploy, however
    many Secrets take it: the apply runs once)."""

    async def prove(values: list[str]) -> str:
        secret, authority_, client_id_, key_id_ = values
        if not proving():
            return secret
        try:
            tries = await asyncio.to_thread(
                # Off the event loop: the proof may wait minutes for replication.
                proof.prove_client_secret,
                authority_,
                client_id_,
                secret,
                scope,
            )
        except proof.ProofFailed as error:
            raise pulumi.RunError(
                f"client secret {key_id_} was not proven, so the Kubernetes Secret keeps "
                f"the one it holds: {error}"
            ) from None
        requests = "1 token request" if tries == 1 else f"{tries} token requests"
        pulumi.log.info(f"Entra ID accepted client secret {key_id_} ({requests})", resource=parent)
        return secret

    values = pulumi.Output.all(client_secret, authority, client_id, key_id)
    return pulumi.Output.secret(values.apply(prove))
