"""Azure clouds and Pomerium's identity-provider URL (no Pulumi import)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

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


# --- a cloud given by a metadata host (custom and Azure Stack clouds) -------------
#
# The azuread provider's `metadataHost` setting (ARM_METADATA_HOSTNAME) replaces
# `environment`: the provider fetches https://<host>/metadata/endpoints and takes
# every endpoint from it (terraform-provider-azuread `internal/provider/provider.go`,
# go-azure-sdk `environments.FromEndpoint`, https only). The component does the same,
# then asks the login endpoint's discovery document for the tenant's issuer, which
# is Pomerium's provider URL: the issuer's host need not be the login host (China).

METADATA_API_VERSION = "2022-09-01"  # what go-azure-sdk asks for (sdk/internal/metadata)
METADATA_HOST_KEY = "azuread:metadataHost"
METADATA_HOST_VARIABLE = "ARM_METADATA_HOSTNAME"


class CloudError(ValueError):
    """A metadata host, or a document it leads to, that cannot describe a cloud."""


@dataclass(frozen=True)
class Cloud:
    """A cloud as its metadata document describes it, and the tenant's issuer once
    its discovery document has been read."""

    authority_host: str
    """The login endpoint, e.g. https://login.microsoftonline.com (no trailing slash)."""
    graph_scope: str
    """Microsoft Graph's `.default` scope, e.g. https://graph.microsoft.com/.default."""
    issuer: str = ""
    """The tenant's issuer: Pomerium's provider URL."""

    def authority(self, tenant_id: str) -> str:
        return f"{self.authority_host}/{tenant_id}"

    def discovery_url(self, tenant_id: str) -> str:
        return f"{self.authority(tenant_id)}/v2.0/.well-known/openid-configuration"


def metadata_host(configured: str | None, environment: Mapping[str, str]) -> str | None:
    """The metadata host the azuread provider uses: its setting, else ARM_METADATA_HOSTNAME."""
    host = (configured or environment.get(METADATA_HOST_VARIABLE) or "").strip()
    return host or None


def metadata_url(host: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?", host):
        raise CloudError(
            f"{METADATA_HOST_KEY} ({METADATA_HOST_VARIABLE}): expected a host name, with an "
            f"optional :port and no scheme or path (e.g. management.local.azurestack.external); "
            f"got {host!r}"
        )
    return f"https://{host}/metadata/endpoints?api-version={METADATA_API_VERSION}"


def _https_field(document: Mapping[str, Any], path: str, where: str) -> str:
    value: Any = document
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if not isinstance(value, str) or not value.startswith("https://"):
        raise CloudError(f"{where}: `{path}` must be an https URL; got {value!r}")
    return value.rstrip("/")


def cloud_from_metadata(document: Any, where: str) -> Cloud:
    """The Cloud a metadata document describes. go-azure-sdk's FromEndpoint requires
    `name`, `resourceManager` and `microsoftGraphResourceId`; the component needs
    `authentication.loginEndpoint` too."""
    if not isinstance(document, Mapping):
        raise CloudError(f"{where}: expected a JSON object, got {type(document).__name__}")
    if not isinstance(document.get("name"), str) or not document["name"]:
        raise CloudError(f"{where}: `name` is missing")
    _https_field(document, "resourceManager", where)
    graph = _https_field(document, "microsoftGraphResourceId", where)
    login = _https_field(document, "authentication.loginEndpoint", where)
    return Cloud(authority_host=login, graph_scope=f"{graph}/.default")


def with_issuer(cloud: Cloud, document: Any, where: str) -> Cloud:
    """The cloud with the tenant's issuer, read from its discovery document."""
    if not isinstance(document, Mapping):
        raise CloudError(f"{where}: expected a JSON object, got {type(document).__name__}")
    issuer = _https_field(document, "issuer", where)
    return replace(cloud, issuer=issuer)


def provider_url_in(cloud: Cloud, *, multi_tenant: bool) -> str:
    """Pomerium's provider URL in a cloud given by a metadata host: the tenant's issuer,
    or the multi-tenant URL, which Pomerium accepts only on the global host."""
    if not multi_tenant:
        return cloud.issuer
    if cloud.authority_host != f"https://{GLOBAL_LOGIN_HOST}":
        raise CloudError(
            f"signInAudience AzureADMultipleOrgs needs the global cloud: Pomerium accepts "
            f"multi-tenant sign-in only through {MULTI_TENANT_PROVIDER_URL}, and this "
            f"cloud signs in at {cloud.authority_host}"
        )
    return MULTI_TENANT_PROVIDER_URL
