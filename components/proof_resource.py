"""What stacks deployed by earlier releases still need of the proof's dynamic resource.

Until issue 20 the proof was a dynamic resource (`pulumi-python:dynamic:Resource`,
`<name>-client-secret-proof`). Its state holds its provider pickled by reference to
`components.proof_resource.CredentialProofProvider`, which the engine's dynamic-provider
host unpickles (pulumi/dynamic/__main__.py `get_provider`) to delete it: in the first
`pulumi up` of this release (the program no longer declares it), or in a `pulumi destroy`.
So this module keeps that path, and deleting a proof does nothing, as it always did.
`pulumi refresh` reads it back unchanged (ResourceProvider.read).

The proof itself is proof_step.py now: it runs wherever the component runs.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import ResourceProvider


class CredentialProofProvider(ResourceProvider):
    """An earlier release's proof: nothing in the cloud, so nothing to delete."""

    serialize_as_secret_always = False

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None
