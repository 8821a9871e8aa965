"""The deploy identity's token for Microsoft Graph, as the azuread provider would get it.

Settings come from the azuread provider's config keys (`azuread:tenantId`, …) and else its
`ARM_*` variables, the names hashicorp/terraform-provider-azuread reads
(`internal/provider/provider.go`: ARM_CLIENT_SECRET, ARM_USE_OIDC, ARM_OIDC_TOKEN,
ARM_OIDC_TOKEN_FILE_PATH, ARM_OIDC_REQUEST_URL/ACTIONS_ID_TOKEN_REQUEST_URL,
ARM_OIDC_REQUEST_TOKEN/ACTIONS_ID_TOKEN_REQUEST_TOKEN). In that order: a client secret,
OpenID Connect, the Azure CLI. No value read here is ever logged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from . import clouds

# The audience GitHub's token is requested for, as Entra ID's federated credentials expect.
GITHUB_AUDIENCE = "api://AzureADTokenExchange"
_ENV = {
    "tenantId": ("ARM_TENANT_ID",),
    "clientId": ("ARM_CLIENT_ID",),
    "clientSecret": ("ARM_CLIENT_SECRET",),
    "useOidc": ("ARM_USE_OIDC",),
    "oidcToken": ("ARM_OIDC_TOKEN",),
    "oidcTokenFilePath": ("ARM_OIDC_TOKEN_FILE_PATH",),
    "oidcRequestUrl": ("ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL"),
    "oidcRequestToken": ("ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"),
}


def setting(provider: Mapping[str, str], key: str) -> str:
    value = provider.get(key) or ""
    for name in _ENV.get(key, ()):
        value = value or os.environ.get(name, "")
    return value


def credential(provider: Mapping[str, str], authority_host: str) -> Any:
    """The azure-identity credential for these settings."""
    from azure.identity import (
        AzureCliCredential,
        ClientAssertionCredential,
        ClientSecretCredential,
    )

    tenant, client = setting(provider, "tenantId"), setting(provider, "clientId")
    # Instance discovery asks login.microsoftonline.com about the authority: only for
    # Microsoft's own sign-in hosts, not a cloud given by a metadata host (clouds.py).
    options = {"disable_instance_discovery": authority_host not in clouds.LOGIN_HOSTS.values()}
    if tenant and client and setting(provider, "clientSecret"):
        return ClientSecretCredential(
            tenant, client, setting(provider, "clientSecret"), authority=authority_host, **options
        )
    if tenant and client and setting(provider, "useOidc").lower() == "true":
        return ClientAssertionCredential(
            tenant, client, oidc_assertion(provider), authority=authority_host, **options
        )
    return AzureCliCredential(tenant_id=tenant)


def oidc_assertion(provider: Mapping[str, str]) -> Callable[[], str]:
    """The federated token: given, in a file, or requested from GitHub Actions."""

    def assertion() -> str:
        if token := setting(provider, "oidcToken"):
            return token
        if path := setting(provider, "oidcTokenFilePath"):
            return Path(path).read_text().strip()
        return github_token(
            setting(provider, "oidcRequestUrl"), setting(provider, "oidcRequestToken")
        )

    return assertion


def github_token(url: str, bearer: str) -> str:
    """GitHub Actions' ID token for Entra ID (docs.github.com, OIDC in cloud providers)."""
    import requests

    if not url or not bearer:
        raise RuntimeError("ARM_USE_OIDC is set but no OIDC token or token request is")
    response = requests.get(
        url,
        params={"audience": GITHUB_AUDIENCE},
        headers={"Authorization": f"bearer {bearer}"},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["value"])


def graph_token(provider: Mapping[str, str], login_host: str, graph_url: str) -> str:
    """A token for Graph's `.default` scope, from the cloud's sign-in host."""
    return credential(provider, login_host).get_token(f"{graph_url}/.default").token
