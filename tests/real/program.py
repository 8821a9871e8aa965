"""The program the lab deploys through the real CLI.

The azuread provider cannot be built here (its upstream, terraform-provider-azuread, is not
served by the Go module proxy: docs/verification.md), so the lab cannot run `__main__.py`
whole. This program runs every part of it that the built programs can: the stack's settings
read and checked by the same code, the credential proof (the real dynamic provider, against
the Entra ID stand-in's token endpoint), and the Secret written by the component's own
Kubernetes code (components/kubernetes_secret.py) through the real pulumi-resource-kubernetes
into a real API server. The component has the same type token and name as the real one, so
every URN is the one a real stack has.

What the azuread resources would hand on (the application's client id, the current client
secret and its keyId) comes from the stack's `lab:` config: the tests make the application and
its passwords in the stand-in with Graph calls, as an administrator would.
"""

import os

import pulumi

from components.identity_provider import TYPE_TOKEN
from components.kubernetes_secret import write_kubernetes_secrets
from components.proof_resource import CredentialProof
from components.settings import OPTIONS, PROJECT, args_from_config, settings_from_args


class LabIdentityProvider(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        config = pulumi.Config(PROJECT)
        raw = {o.key: v for o in OPTIONS if (v := config.get(o.key)) is not None}
        tenant_id = os.environ["ARM_TENANT_ID"]
        args = args_from_config(raw, environment=None, tenant_id=tenant_id, stack=pulumi.get_stack())
        settings = settings_from_args(args, stack=pulumi.get_stack())
        super().__init__(TYPE_TOKEN, name, None, None)
        lab = pulumi.Config("lab")
        client_id = lab.require("clientId")
        client_secret = lab.require_secret("clientSecret")
        host = os.environ["ARM_METADATA_HOSTNAME"]
        proof = CredentialProof(
            f"{name}-client-secret-proof",
            authority=f"https://{host}/{tenant_id}",
            client_id=client_id,
            client_secret=client_secret,
            scope=f"https://{host}/.default",
            key_id=lab.require("keyId"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        proved = pulumi.Output.secret(
            pulumi.Output.all(client_secret, proof.id).apply(lambda values: values[0])
        )
        provider_url = f"https://{host}/{tenant_id}/v2.0"
        values = pulumi.Output.all(client_id, proved, provider_url).apply(tuple)
        self.secrets = write_kubernetes_secrets(self, name, settings, values)  # type: ignore[arg-type]
        self.register_outputs({})


def main() -> None:
    idp = LabIdentityProvider("pomerium")
    pulumi.export("client_secret", pulumi.Config("lab").require_secret("clientSecret"))
    pulumi.export("kubernetes_secrets", [s.metadata.apply(lambda m: f"{m.namespace}/{m.name}") for s in idp.secrets])


