"""The Pulumi program: read the stack's config, build the component, export its outputs."""

import os

import pulumi
from pulumi.runtime import config as runtime_config

from components.identity_provider import PomeriumIdentityProvider
from components.settings import OPTIONS, PROJECT, ConfigError, args_from_config

config = pulumi.Config(PROJECT)
raw = {option.key: value for option in OPTIONS if (value := config.get(option.key)) is not None}
# The cloud and the tenant are the azuread provider's own settings, with the
# fallbacks it uses.
azuread = pulumi.Config("azuread")
environment = azuread.get("environment") or os.environ.get("ARM_ENVIRONMENT")
tenant_id = azuread.get("tenantId") or os.environ.get("ARM_TENANT_ID")
# Every key of the stack's config, for the check of keys no setting declares: the
# language host hands the program the whole map as JSON in PULUMI_CONFIG (pulumi/pulumi
# sdk/python/cmd/pulumi-language-python/main.go, `pulumiConfigVar`); the mock engine and
# inline programs set it with set_all_config (pulumi/runtime/config.py).
keys = sorted({*runtime_config.CONFIG.get(), *runtime_config.get_config_env()})
try:
    args = args_from_config(
        raw, environment=environment, tenant_id=tenant_id, stack=pulumi.get_stack(), keys=keys
    )
except ConfigError as error:
    raise pulumi.RunError(str(error)) from None

idp = PomeriumIdentityProvider("pomerium", args)

pulumi.export("client_id", idp.client_id)
pulumi.export("application_object_id", idp.application_object_id)
pulumi.export("service_principal_object_id", idp.service_principal_object_id)
pulumi.export("tenant_id", idp.tenant_id)
pulumi.export("provider_url", idp.provider_url)
pulumi.export("redirect_urls", idp.redirect_urls)
pulumi.export("client_secret", idp.client_secret)
pulumi.export("client_secret_expires_at", idp.client_secret_expires_at)
pulumi.export("kubernetes_secret", idp.kubernetes_secret)
pulumi.export("kubernetes_secrets", idp.kubernetes_secrets)
