"""Who may sign in: assignment required, group assignments, and the multi-tenant warning."""

from __future__ import annotations

from datetime import datetime

import pulumi
import pytest

from components.settings import PROJECT
from tests.stacks import run_fixture
from tools.offline import ProgramRun, Registration

# Microsoft's id of the "Default Access" role (an app without app roles of its own).
DEFAULT_ACCESS = "00000000-0000-0000-0000-000000000000"
GROUPS = ["3f2504e0-4f89-11d3-9a0c-0305e82c3301", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"]
WARNING = "users of any Entra ID tenant can sign in"


def assignments(run: ProgramRun) -> list[Registration]:
    return run.of_type("appRoleAssignment:AppRoleAssignment")


def test_nothing_assigned_by_default(now: datetime) -> None:
    run = run_fixture("dev", now=now)
    assert run.one("ServicePrincipal").inputs["appRoleAssignmentRequired"] is False
    assert assignments(run) == []


def test_assignment_required_alone(now: datetime) -> None:
    run = run_fixture("dev", now=now, overrides={f"{PROJECT}:assignmentRequired": True})
    assert run.one("ServicePrincipal").inputs["appRoleAssignmentRequired"] is True
    assert assignments(run) == []


def test_each_group_is_assigned_default_access(now: datetime) -> None:
    run = run_fixture("dev", now=now, overrides={f"{PROJECT}:allowedGroups": GROUPS})
    service_principal = run.one("ServicePrincipal")
    # Setting groups turns assignment on.
    assert service_principal.inputs["appRoleAssignmentRequired"] is True
    found = {a.inputs["principalObjectId"]: a for a in assignments(run)}
    assert set(found) == set(GROUPS)
    for group, assignment in found.items():
        assert assignment.name == f"pomerium-group-{group}"
        assert assignment.inputs["appRoleId"] == DEFAULT_ACCESS
        assert assignment.inputs["resourceObjectId"] == service_principal.state["objectId"]


def test_removing_a_group_removes_only_its_assignment(now: datetime) -> None:
    both = run_fixture("dev", now=now, overrides={f"{PROJECT}:allowedGroups": GROUPS})
    one = run_fixture("dev", now=now, overrides={f"{PROJECT}:allowedGroups": GROUPS[:1]})
    kept = {a.name: a.inputs for a in assignments(one)}
    assert kept == {a.name: a.inputs for a in assignments(both) if a.name in kept}
    assert len(kept) == 1


@pytest.mark.parametrize("bad", [["not-a-guid"], [GROUPS[0], GROUPS[0]], [GROUPS[0][:-1]]])
def test_invalid_group_ids_are_config_errors(bad: object, now: datetime) -> None:
    record: list[Registration] = []
    with pytest.raises(pulumi.RunError) as caught:
        run_fixture("dev", now=now, overrides={f"{PROJECT}:allowedGroups": bad}, record=record)
    assert f"{PROJECT}:allowedGroups: expected a list of distinct group object ids" in str(
        caught.value
    )
    assert record == []


@pytest.mark.parametrize(
    ("overrides", "warned"),
    [
        ({}, False),
        ({"signInAudience": "AzureADMultipleOrgs"}, True),
        ({"signInAudience": "AzureADMultipleOrgs", "assignmentRequired": True}, False),
        ({"signInAudience": "AzureADMultipleOrgs", "allowedGroups": GROUPS[:1]}, False),
        ({"assignmentRequired": False}, False),
    ],
)
def test_multi_tenant_without_assignment_warns(
    overrides: dict[str, object], warned: bool, now: datetime
) -> None:
    run = run_fixture("dev", now=now, overrides={f"{PROJECT}:{k}": v for k, v in overrides.items()})
    assert any(WARNING in line for line in run.logs) is warned
