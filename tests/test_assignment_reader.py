"""The assignment reader's paging and its one-line failures, against a Graph that answers from
a table by full URL (no network). Its requests to the lab's stand-in: tests/lab/."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from components import policy_credentials
from components.assignment_reader import (
    AssignmentReadError,
    AssignmentRequest,
    read_assignments,
    read_from_graph,
)
from components.policy_reader import Graph

BASE = "https://graph.example.test"
SP = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
FIRST = f"{BASE}/v1.0/servicePrincipals/{SP}/appRoleAssignedTo"
# learn.microsoft.com/graph/paging: the next page's full URL, with a $skiptoken.
SECOND = f"{FIRST}?$skiptoken=X%274453707402000100000017%27"


@dataclass
class Answer:
    """A response as Graph.get reads it (status and JSON body)."""

    status_code: int
    body: Any = None

    def json(self) -> Any:
        return self.body


class ByUrl:
    """Answers by full URL: paging and failures the lab's stand-in does not serve (a second
    page, a 503, a next page on another host); its real requests are tests/lab/'s."""

    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers, self.asked = answers, list[str]()

    def get(self, url: str, headers: dict[str, str], timeout: float) -> Answer:
        self.asked.append(url)
        return self.answers.get(url, Answer(404, {"error": {"code": "Request_ResourceNotFound"}}))


def test_every_page_is_read() -> None:
    table = ByUrl(
        {
            FIRST: Answer(200, {"value": [{"id": "a"}], "@odata.nextLink": SECOND}),
            SECOND: Answer(200, {"value": [{"id": "b"}, {"id": "c"}]}),
        }
    )
    reading = read_assignments(Graph(BASE, "token", table), SP)
    assert [a["id"] for a in reading.assignments] == ["a", "b", "c"]
    assert table.asked == [FIRST, SECOND]


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (
            403,
            f"403 from GET /v1.0/servicePrincipals/{SP}/appRoleAssignedTo "
            "(the deploy identity needs Application.Read.All)",
        ),
        (
            404,
            f"404 from GET /v1.0/servicePrincipals/{SP}/appRoleAssignedTo (no enterprise "
            f"application {SP}: check adoptServicePrincipalObjectId)",
        ),
        (503, f"503 from GET /v1.0/servicePrincipals/{SP}/appRoleAssignedTo"),
    ],
)
def test_a_refused_read_is_one_line(status: int, reason: str) -> None:
    table = ByUrl({FIRST: Answer(status, {"error": {"code": "x"}})})
    with pytest.raises(AssignmentReadError) as caught:
        read_assignments(Graph(BASE, "token", table), SP)
    assert str(caught.value) == reason


def test_a_next_page_elsewhere_is_not_followed() -> None:
    elsewhere = "https://graph.attacker.test/v1.0/next"
    table = ByUrl({FIRST: Answer(200, {"value": [], "@odata.nextLink": elsewhere})})
    with pytest.raises(AssignmentReadError) as caught:
        read_assignments(Graph(BASE, "token", table), SP)
    assert str(caught.value) == f"Graph's next page is not on {BASE}"
    assert table.asked == [FIRST]


def test_no_token_is_one_line_without_its_detail(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_token(*_args: Any) -> str:
        raise RuntimeError("detail with s3cr3t-value")

    monkeypatch.setattr(policy_credentials, "graph_token", no_token)
    request = AssignmentRequest(
        environment="global", service_principal_object_id=SP, provider={"clientSecret": "s3cr3t"}
    )
    with pytest.raises(AssignmentReadError) as caught:
        read_from_graph(request)
    assert str(caught.value) == "no Microsoft Graph token (RuntimeError)"
    assert "s3cr3t" not in repr(request)
