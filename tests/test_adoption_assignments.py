"""Adopting an enterprise application whose groups were assigned by hand (issue 20, defect 6),
under Pulumi's mock engine: what the deploy declares. The assignments Graph lists come from an
injected reader; the reader itself is tested against the lab's stand-in (tests/lab/)."""

from __future__ import annotations

from datetime import datetime

import pulumi
import pytest

from components.assignment_reader import AssignmentReadError, AssignmentReading, AssignmentRequest
from components.settings import PROJECT
from tests.stacks import run_fixture
from tests.test_adoption import ADOPT, SP, cloud, imports
from tools.offline import ProgramRun, Registration

G1 = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
G2 = "1c7d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
GROUPS = {f"{PROJECT}:allowedGroups": [G1, G2]}
DEFAULT_ACCESS = "00000000-0000-0000-0000-000000000000"
ASSIGNMENT_ID = "-WmtM5na7Uus0D8kI1yylpU9Mdo0Pb9OoBJvd3T5eKc"
BY_HAND = {
    "id": ASSIGNMENT_ID,
    "appRoleId": DEFAULT_ACCESS,
    "principalId": G1,
    "principalType": "Group",
    "resourceId": SP,
}


class Recorder:
    """A reader that answers `assignments` and keeps the requests it was given."""

    def __init__(self, *assignments: dict[str, str]) -> None:
        self.assignments = assignments
        self.requests: list[AssignmentRequest] = []

    def __call__(self, request: AssignmentRequest) -> AssignmentReading:
        self.requests.append(request)
        return AssignmentReading(assignments=self.assignments)


def group_assignments(run: ProgramRun) -> dict[str, Registration]:
    return {r.inputs["principalObjectId"]: r for r in run.of_type(":AppRoleAssignment")}


def test_a_group_assigned_by_hand_is_imported_the_others_created(now: datetime) -> None:
    graph = Recorder(BY_HAND)
    run = run_fixture(
        "dev", now=now, cloud=cloud(), overrides={**ADOPT, **GROUPS}, assignments=graph
    )
    assert imports(run) == {
        "pomerium-application": "/applications/0303f438-3c5c-4190-9854-08d3eb31bd9f",
        "pomerium-service-principal": f"/servicePrincipals/{SP}",
        f"pomerium-group-{G1}": f"/servicePrincipals/{SP}/appRoleAssignedTo/{ASSIGNMENT_ID}",
    }
    found = group_assignments(run)
    assert found[G2].import_id in (None, "")  # a plain create
    for group in (G1, G2):
        assert found[group].inputs["appRoleId"] == DEFAULT_ACCESS
    (request,) = graph.requests
    assert (request.service_principal_object_id, request.environment) == (SP, "global")
    assert any(f"1 of allowedGroups already assigned to it by hand ({G1})" in m for m in run.logs)


def test_the_read_uses_the_azuread_providers_credential_settings(now: datetime) -> None:
    graph = Recorder()
    overrides = {**ADOPT, **GROUPS, "azuread:clientId": "0f0e0d0c-0b0a-4909-8807-060504030201"}
    run = run_fixture("dev", now=now, cloud=cloud(), overrides=overrides, assignments=graph)
    (request,) = graph.requests
    assert request.provider == {"clientId": "0f0e0d0c-0b0a-4909-8807-060504030201"}
    assert group_assignments(run).keys() == {G1, G2}
    assert [r for r in run.registrations if r.import_id and "group" in r.name] == []


@pytest.mark.parametrize(
    "overrides",
    [GROUPS, ADOPT],
    ids=["groups without adoption", "adoption without groups"],
)
def test_graph_is_read_only_while_adopting_with_groups(
    overrides: dict[str, object], now: datetime
) -> None:
    graph = Recorder(BY_HAND)
    run = run_fixture("dev", now=now, cloud=cloud(), overrides=overrides, assignments=graph)
    assert graph.requests == []
    assert not any(name.startswith("pomerium-group-") for name in imports(run))


def test_graph_unreadable_stops_before_anything_is_registered(now: datetime) -> None:
    def unreadable(request: AssignmentRequest) -> AssignmentReading:
        raise AssignmentReadError(
            f"403 from GET /v1.0/servicePrincipals/{SP}/appRoleAssignedTo "
            "(the deploy identity needs Application.Read.All)"
        )

    record: list[Registration] = []
    with pytest.raises(pulumi.RunError) as caught:
        run_fixture(
            "dev",
            now=now,
            cloud=cloud(),
            overrides={**ADOPT, **GROUPS},
            assignments=unreadable,
            record=record,
        )
    assert str(caught.value) == (
        f"adoptServicePrincipalObjectId: the group assignments of enterprise application {SP} "
        f"could not be read from Microsoft Graph: 403 from GET /v1.0/servicePrincipals/{SP}/"
        "appRoleAssignedTo (the deploy identity needs Application.Read.All). While adopting, "
        "the allowedGroups already assigned by hand are imported, not assigned a second time "
        "(Graph refuses that), so the deploy stops here (docs/adoption.md)."
    )
    assert record == []


def test_the_offline_plan_reads_nothing_and_says_so(now: datetime) -> None:
    run = run_fixture("dev", now=now, cloud=cloud(), overrides={**ADOPT, **GROUPS})
    assert not any(name.startswith("pomerium-group-") for name in imports(run))
    assert any(
        f"Adopting enterprise application {SP}: its group assignments are not read "
        "(the offline plan reads no tenant)" in line
        for line in run.logs
    )
