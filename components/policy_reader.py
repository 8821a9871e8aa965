"""Reads the tenant's app management policy from Microsoft Graph (thin I/O; no Pulumi import).

Injected like the clock (clock.py): a deploy uses `read_from_graph`; the mock engine and the
offline plan run inside `use_reader(...)` with a reader that makes no request.

Credentials: the deploy identity's own, through the chain the azuread provider uses, from the
same settings (`azuread:*` config, else the `ARM_*` variables: hashicorp/terraform-provider-azuread
`internal/provider/provider.go`): a client secret; OpenID Connect (a token, a token file, or the
GitHub Actions token request); else the Azure CLI. Made with azure-identity
(learn.microsoft.com/python/api/azure-identity: ClientSecretCredential,
ClientAssertionCredential, AzureCliCredential).

Reads and the permissions Graph's docs list for them (api-reference/v1.0/api):
- the tenant default, `GET /policies/defaultAppManagementPolicy`: Policy.Read.All
  (tenantappmanagementpolicy-get.md);
- the application: `GET /applications/{id}` or `?$filter=displayName eq '…'`:
  Application.Read.All (application-get.md, application-list.md);
- its assigned policy, `GET /applications/{id}/appManagementPolicies`: Application.Read.All
  and Policy.Read.All (appmanagementpolicy-list-appliesto.md lists the same pair).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from . import clouds
from .app_management_policy import PolicyError, parse_policy
from .injection import Injected
from .policy_verdict import ExistingApplication, Reading, parse_application

HTTP_TIMEOUT = 30.0
DEFAULT_POLICY_PATH = "/v1.0/policies/defaultAppManagementPolicy"
APPLICATION_FIELDS = "id,appId,displayName,createdDateTime,passwordCredentials"
# What each read needs (Microsoft Graph application permissions), for the 403 warning.
TENANT_DEFAULT_PERMISSION = "Policy.Read.All"
APPLICATION_PERMISSION = "Application.Read.All"
ASSIGNED_POLICY_PERMISSION = "Application.Read.All and Policy.Read.All"


@dataclass(frozen=True)
class PolicyRequest:
    """What to read, and with whose credentials."""

    environment: str
    display_name: str
    application_object_id: str = ""
    """The adopted application's object id; otherwise it is looked up by display name."""
    provider: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The azuread provider's settings (`azuread:*` config keys, without the namespace); may
    hold a client secret, so never shown."""
    graph_url: str = ""
    """Microsoft Graph's base URL; empty: the cloud's (cloud_endpoints)."""
    login_host: str = ""
    """The sign-in host tokens are requested from; empty: the cloud's."""


PolicyReader = Callable[[PolicyRequest], Reading]


def cloud_endpoints(environment: str) -> tuple[str, str]:
    """The one link to clouds.py: Graph's base URL and the sign-in host of the cloud."""
    graph = clouds.graph_scope(environment).removesuffix("/.default")
    return graph, urlsplit(clouds.authority(environment, "organizations")).netloc


class GraphError(Exception):
    def __init__(self, status: int, path: str) -> None:
        super().__init__(f"{status} from GET {path}")
        self.status = status


class Graph:
    """GET requests to Microsoft Graph with a bearer token."""

    def __init__(self, base_url: str, token: str, session: Any) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {token}"}
        self._session = session

    def get(self, path: str) -> Any:
        response = self._session.get(
            self.base_url + path, headers=self._headers, timeout=HTTP_TIMEOUT
        )
        if response.status_code != 200:
            raise GraphError(response.status_code, path.split("?")[0])
        return response.json()


def read_from_graph(request: PolicyRequest) -> Reading:
    """The real reader: never raises; what it could not read is in `unread`."""
    import requests

    graph_url, login_host = cloud_endpoints(request.environment)
    base = request.graph_url or graph_url
    try:
        from .policy_credentials import graph_token

        token = graph_token(request.provider, request.login_host or login_host, base)
    except Exception as error:  # no credential: the azuread provider will say why
        return Reading(
            unread=(f"no Microsoft Graph token ({type(error).__name__})",), graph_url=base
        )
    with requests.Session() as session:
        try:
            return read_policies(Graph(base, token, session), request)
        except PolicyError as error:
            unread = f"the policy Graph returned is unreadable: {error}"
        except Exception as error:  # a warning, never a traceback in the deploy
            unread = f"reading the policy failed ({type(error).__name__})"
    return Reading(unread=(unread,), graph_url=base)


def read_policies(graph: Graph, request: PolicyRequest) -> Reading:
    unread: list[str] = []
    default = _read(graph, DEFAULT_POLICY_PATH, TENANT_DEFAULT_PERMISSION, unread)
    application = _find_application(graph, request, unread)
    assigned = None
    if application is not None:
        found = _read(
            graph,
            f"/v1.0/applications/{application.object_id}/appManagementPolicies",
            ASSIGNED_POLICY_PERMISSION,
            unread,
        )
        policies = (found or {}).get("value") or []
        assigned = parse_policy(policies[0]) if policies else None
    return Reading(
        tenant_default=parse_policy(default) if default is not None else None,
        assigned=assigned,
        application=application,
        new_application=application is None and not unread,
        unread=tuple(unread),
        graph_url=graph.base_url,
    )


def _read(graph: Graph, path: str, permission: str, unread: list[str]) -> Any:
    try:
        return graph.get(path)
    except GraphError as error:
        reason = f"needs {permission}" if error.status in (401, 403) else "failed"
        unread.append(f"{error} ({reason})")
    except (OSError, ValueError, PolicyError) as error:
        unread.append(f"GET {path.split('?')[0]} failed ({type(error).__name__})")
    return None


def _find_application(
    graph: Graph, request: PolicyRequest, unread: list[str]
) -> ExistingApplication | None:
    if request.application_object_id:
        path = f"/v1.0/applications/{request.application_object_id}?$select={APPLICATION_FIELDS}"
        found = _read(graph, path, APPLICATION_PERMISSION, unread)
        return parse_application(found) if found else None
    name = request.display_name.replace("'", "''")
    query = quote(f"displayName eq '{name}'")
    found = _read(
        graph,
        f"/v1.0/applications?$filter={query}&$select={APPLICATION_FIELDS}",
        APPLICATION_PERMISSION,
        unread,
    )
    matches = (found or {}).get("value") or []
    if len(matches) > 1:
        unread.append(
            f"{len(matches)} applications are named {request.display_name!r}: set "
            "adoptApplicationObjectId to tell which is this stack's"
        )
    return parse_application(matches[0]) if len(matches) == 1 else None


# --- injection (injection.py) ---------------------------------------------------------

_reader: Injected[PolicyReader] = Injected(read_from_graph)
current = _reader.current
use_reader = _reader.use


def offline_reader(reason: str) -> PolicyReader:
    """A reader that reads nothing and says why (the offline plan)."""
    return lambda request: Reading(
        offline=reason, graph_url=cloud_endpoints(request.environment)[0]
    )


def reading_from_file(path: Path) -> Reading:
    """A policy as Graph returns it, saved to a file: the tenant default or a per-app
    policy (then it is the one assigned to the application). ValueError: unreadable."""
    try:
        document = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg}, line {error.lineno})") from None
    policy = parse_policy(document)
    if policy.tenant_default:
        return Reading(tenant_default=policy)
    return Reading(assigned=policy)


def fixed_reader(reading: Reading) -> PolicyReader:
    """A reader that answers `reading` (a policy file, tests), with the cloud's Graph URL."""
    return lambda request: replace(reading, graph_url=cloud_endpoints(request.environment)[0])
