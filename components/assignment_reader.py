"""Reads who is assigned to an enterprise application from Microsoft Graph (thin I/O; no Pulumi
import).

`GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo`, least privileged permission
Application.Read.All (microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0/api/
serviceprincipal-list-approleassignedto.md), following `@odata.nextLink` until the last page
(learn.microsoft.com/graph/paging). The token is the deploy identity's, from the chain and
settings the app management policy reader uses (policy_credentials.py, policy_reader.py).

Injected like that reader: a deploy uses `read_from_graph`; the mock engine and the offline
plan run inside `use_reader(...)` with a reader that makes no request (tests/conftest.py,
tools/offline.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .injection import Injected
from .policy_reader import Graph, GraphError, cloud_endpoints

PERMISSION = "Application.Read.All"
MAX_PAGES = 1000


@dataclass(frozen=True)
class AssignmentRequest:
    """Whose assignments to read, and with whose credentials."""

    environment: str
    service_principal_object_id: str
    provider: Mapping[str, str] = field(default_factory=dict, repr=False)
    """The azuread provider's settings; may hold a client secret, so never shown."""
    graph_url: str = ""
    """Microsoft Graph's base URL; empty: the cloud's."""
    login_host: str = ""
    """The sign-in host tokens are requested from; empty: the cloud's."""


@dataclass(frozen=True)
class AssignmentReading:
    assignments: tuple[Mapping[str, Any], ...] = ()
    """The `value` items Graph returned, every page."""
    offline: str = ""
    """Why nothing was read (the offline plan, tests); empty when Graph was read."""


class AssignmentReadError(Exception):
    """Graph could not be read: one line, no secret, no traceback."""


AssignmentReader = Callable[[AssignmentRequest], AssignmentReading]


def assignments_path(service_principal_object_id: str) -> str:
    return f"/v1.0/servicePrincipals/{service_principal_object_id}/appRoleAssignedTo"


def read_assignments(graph: Graph, service_principal_object_id: str) -> AssignmentReading:
    """Every page of the list. AssignmentReadError names the request that failed."""
    path, found = assignments_path(service_principal_object_id), []
    for _ in range(MAX_PAGES):
        try:
            page = graph.get(path)
        except GraphError as error:
            raise AssignmentReadError(_why(error, service_principal_object_id)) from None
        except (OSError, ValueError) as error:
            raise AssignmentReadError(
                f"GET {path.split('?')[0]} failed ({type(error).__name__})"
            ) from None
        found += list(page.get("value") or [])
        following = str(page.get("@odata.nextLink") or "")
        if not following:
            return AssignmentReading(assignments=tuple(found))
        if not following.startswith(graph.base_url + "/"):
            raise AssignmentReadError(f"Graph's next page is not on {graph.base_url}")
        path = following.removeprefix(graph.base_url)
    raise AssignmentReadError(f"more than {MAX_PAGES} pages of assignments")


def _why(error: GraphError, service_principal_object_id: str) -> str:
    if error.status in (401, 403):
        return f"{error} (the deploy identity needs {PERMISSION})"
    if error.status == 404:
        return (
            f"{error} (no enterprise application {service_principal_object_id}: check "
            "adoptServicePrincipalObjectId)"
        )
    return str(error)


def read_from_graph(request: AssignmentRequest) -> AssignmentReading:
    """The real reader; AssignmentReadError when Graph cannot be read."""
    import requests

    graph_url, login_host = cloud_endpoints(request.environment)
    base = request.graph_url or graph_url
    try:
        from .policy_credentials import graph_token

        token = graph_token(request.provider, request.login_host or login_host, base)
    except Exception as error:  # the type only: a message may carry a credential
        raise AssignmentReadError(f"no Microsoft Graph token ({type(error).__name__})") from None
    with requests.Session() as session:
        return read_assignments(Graph(base, token, session), request.service_principal_object_id)


# --- injection (injection.py) ---------------------------------------------------------

_reader: Injected[AssignmentReader] = Injected(read_from_graph)
current = _reader.current
use_reader = _reader.use


def offline_reader(reason: str) -> AssignmentReader:
    """A reader that reads nothing and says why."""
    return lambda request: AssignmentReading(offline=reason)


def fixed_reader(*assignments: Mapping[str, Any]) -> AssignmentReader:
    """A reader that answers these assignments (tests)."""
    return lambda request: AssignmentReading(assignments=tuple(assignments))
