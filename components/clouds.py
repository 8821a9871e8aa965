"""Azure clouds and Pomerium's identity-provider URL (no Pulumi import)."""

from __future__ import annotations

# Sign-in host of each cloud, keyed by the azuread provider's `environment`
# setting (or ARM_ENVIRONMENT), aliases included. The host is the *issuer* host
# that Pomerium compares with the provider URL: in China the discovery document
# served at login.chinacloudapi.cn names login.partner.microsoftonline.cn as
# issuer, so a URL on login.chinacloudapi.cn fails Pomerium's issuer check.
GLOBAL_LOGIN_HOST = "login.microsoftonline.com"
LOGIN_HOSTS: dict[str, str] = {
    "global": GLOBAL_LOGIN_HOST,
    "public": GLOBAL_LOGIN_HOST,
    "usgovernment": "login.microsoftonline.us",
    "usgovernmentl4": "login.microsoftonline.us",
    "usgovernmentl5": "login.microsoftonline.us",
    "dod": "login.microsoftonline.us",
    "china": "login.partner.microsoftonline.cn",
}
DEFAULT_ENVIRONMENT = "global"

# Microsoft Graph's `.default` scope in each cloud: a client-credentials token
# request for it proves a client secret (an app with only delegated permissions
# still gets a token, without `roles`). learn.microsoft.com, Graph national
# cloud deployments.
GRAPH_SCOPES: dict[str, str] = {
    "global": "https://graph.microsoft.com/.default",
    "public": "https://graph.microsoft.com/.default",
    "usgovernment": "https://graph.microsoft.us/.default",
    "usgovernmentl4": "https://graph.microsoft.us/.default",
    "usgovernmentl5": "https://dod-graph.microsoft.us/.default",
    "dod": "https://dod-graph.microsoft.us/.default",
    "china": "https://microsoftgraph.chinacloudapi.cn/.default",
}

# Pomerium skips its issuer check only for exactly this URL (its default), which
# is what lets tokens from many tenants through: the only working URL for a
# multi-tenant application, and only on the global host.
MULTI_TENANT_PROVIDER_URL = f"https://{GLOBAL_LOGIN_HOST}/common/v2.0"


def normalize_environment(environment: str | None) -> str:
    """The environment name as the table keys it ("" or None means global)."""
    return (environment or DEFAULT_ENVIRONMENT).strip().lower()


def is_global(environment: str) -> bool:
    return LOGIN_HOSTS.get(normalize_environment(environment)) == GLOBAL_LOGIN_HOST


def provider_url(environment: str, tenant_id: str, *, multi_tenant: bool) -> str:
    """Pomerium's `idp_provider_url`: the OpenID Connect metadata URL without
    `/.well-known/openid-configuration`."""
    if multi_tenant:
        return MULTI_TENANT_PROVIDER_URL
    host = LOGIN_HOSTS[normalize_environment(environment)]
    return f"https://{host}/{tenant_id}/v2.0"


def graph_scope(environment: str) -> str:
    return GRAPH_SCOPES[normalize_environment(environment)]


def authority(environment: str, tenant_id: str) -> str:
    """The tenant's sign-in authority, where its token endpoint lives."""
    return f"https://{LOGIN_HOSTS[normalize_environment(environment)]}/{tenant_id}"
