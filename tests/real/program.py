"""The program the lab deploys through the real CLI.

The azuread provider cannot be built here (its upstream, terraform-provider-azuread, is not
served by the Go module proxy: docs/verification.md), so the lab cannot run `__main__.py`
whole. This program runs every step of the component that the built programs can, with the
component's own code: the stack's settings read and checked, the cloud resolved from the
metadata host, the tenant's app management policy read from Graph, the credential proof (against the stand-in's token
endpoint), Pomerium's provider URL (the tenant's issuer), and the Secret, written through the
component's own Kubernetes provider by the real pulumi-resource-kubernetes into a real API
server. Type token and names are the real component's, so every URN is a real stack's.

What the azuread resources would hand on (the application's client id, the current client
secret and its keyId) comes from the stack's `lab:` config: the tests make the application and
its passwords in the stand-in with Graph calls, as an administrator would, with the stack's
`displayName`, so that the tenant's app management policy check finds it.
"""

import os
from types import SimpleNamespace

import pulumi

from components import app_management_policy_check, identity_provider
from components.identity_provider import (
    OUTPUTS,
    TYPE_TOKEN,
    PomeriumIdentityProvider,
    cluster_outputs,
)
from components.settings import OPTIONS, PROJECT, args_from_config, settings_from_args


class LabIdentityProvider(PomeriumIdentityProvider):
    def __init__(self, name: str) -> None:  # the component's steps, less the azuread ones
        config = pulumi.Config(PROJECT)
        raw = {o.key: v for o in OPTIONS if (v := config.get(o.key)) is not None}
        tenant_id = os.environ["ARM_TENANT_ID"]
        stack = pulumi.get_stack()
        args = args_from_config(raw, environment=None, tenant_id=tenant_id, stack=stack)
        settings = settings_from_args(args, stack=stack)
        cloud = identity_provider._cloud_of_metadata_host(settings.multi_tenant)
        app_management_policy_check.check(settings, cloud)
        pulumi.ComponentResource.__init__(self, TYPE_TOKEN, name, None, None)
        self.settings, self.cloud = settings, cloud
        lab = pulumi.Config("lab")
        application = SimpleNamespace(client_id=pulumi.Output.from_input(lab.require("clientId")))
        current = SimpleNamespace(
            value=lab.require_secret("clientSecret"), key_id=lab.require("keyId")
        )
        tenant = pulumi.Output.from_input(tenant_id)
        client_secret = self._prove(application, current, tenant)  # type: ignore[arg-type]
        provider_url = tenant.apply(self._provider_url)
        self._write_kubernetes_secrets(name, application.client_id, client_secret, provider_url)
        self.client_id = application.client_id
        self.application_object_id = pulumi.Output.from_input(lab.require("applicationObjectId"))
        self.service_principal_object_id = pulumi.Output.from_input("")
        self.tenant_id = tenant
        self.provider_url = provider_url
        self.redirect_urls = pulumi.Output.from_input(list(settings.redirect_urls))
        self.client_secret = client_secret
        self.client_secret_expires_at = pulumi.Output.from_input(lab.require("endDate"))
        self.kubernetes_secret = pulumi.Output.from_input(settings.kubernetes_secret)
        self.kubernetes_secrets = pulumi.Output.from_input(cluster_outputs(settings))
        self.register_outputs({key: getattr(self, key) for key in OUTPUTS})


def main() -> None:
    """The real program's outputs (__main__.py exports the component's OUTPUTS)."""
    idp = LabIdentityProvider("pomerium")
    for key in OUTPUTS:
        pulumi.export(key, getattr(idp, key))
