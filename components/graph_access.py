"""How the program's own Graph reads reach Graph: the azuread provider's credential settings
and a metadata host's cloud (thin Pulumi shell). Shared by the app management policy check and
the adoption of group assignments; the credential chain itself is policy_credentials.py."""

from typing import TypedDict
from urllib.parse import urlsplit

import pulumi

from . import clouds

# The azuread provider's settings that choose its credentials (policy_credentials.py).
CREDENTIAL_KEYS = (
    "tenantId",
    "clientId",
    "clientSecret",
    "useOidc",
    "oidcToken",
    "oidcTokenFilePath",
    "oidcRequestUrl",
    "oidcRequestToken",
)


class GraphAccess(TypedDict, total=False):
    provider: dict[str, str]
    graph_url: str
    login_host: str


def graph_access(cloud: clouds.Cloud | None) -> GraphAccess:
    """`provider` (the azuread provider's credential settings that are set), and for a cloud a
    metadata host describes, `graph_url` and `login_host`, which replace the environment's."""
    azuread_config = pulumi.Config("azuread")
    access = GraphAccess(provider={k: v for k in CREDENTIAL_KEYS if (v := azuread_config.get(k))})
    if cloud is not None:
        access["graph_url"] = cloud.graph_scope.removesuffix("/.default")
        access["login_host"] = urlsplit(cloud.authority_host).netloc
    return access
