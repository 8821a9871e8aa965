"""The program's verdict on the tenant's app management policy, under the mock engine.

The reader is injected (policy_reader.use_reader, through offline.run's `reader`): no network,
no credentials. Expected figures by hand: the dev fixture rotates every 30 days, so its
secrets live up to 3 x 30 - 7 = 83 days; a 60-day cap fits N = 22 (59 days), not 23 (62).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pulumi
import pytest

from components import policy_reader
from components.app_management_policy import parse_policy
from components.policy_reader import PolicyRequest
from components.policy_verdict import Reading
from components.settings import PROJECT
from tests.stacks import run_fixture
from tests.test_app_management_policy import block, lifetime, tenant_default
from tools.offline import Registration

ROTATION = f"{PROJECT}:clientSecretRotationDays"


def reader_of(document: dict[str, Any]) -> policy_reader.PolicyReader:
    return policy_reader.fixed_reader(Reading(tenant_default=parse_policy(document)))


@pytest.mark.parametrize("preview", [True, False])
def test_blocked_secrets_stop_before_anything_is_registered(now: datetime, preview: bool) -> None:
    record: list[Registration] = []
    with pytest.raises(pulumi.RunError) as caught:
        run_fixture(
            "dev",
            now=now,
            record=record,
            preview=preview,
            reader=reader_of(tenant_default(block())),
        )
    message = str(caught.value)
    assert (
        '"Default app management tenant policy" (00000000-0000-0000-0000-000000000000)' in message
    )
    assert "passwordAddition, for applications created on or after 2025-01-01T00:00:00Z" in message
    assert record == []


def test_a_60_day_cap_stops_a_30_day_rotation_naming_22(now: datetime) -> None:
    record: list[Registration] = []
    with pytest.raises(pulumi.RunError) as caught:
        run_fixture(
            "dev", now=now, record=record, reader=reader_of(tenant_default(lifetime("P60D")))
        )
    assert "set clientSecretRotationDays to 22 or less" in str(caught.value)
    assert "live up to 83 days" in str(caught.value)
    assert record == []


@pytest.mark.parametrize("later_days", [0, 22, 44])
def test_22_days_then_deploys_and_rotates(now: datetime, later_days: int) -> None:
    at = now + timedelta(days=later_days)
    run = run_fixture(
        "dev", now=at, overrides={ROTATION: 22}, reader=reader_of(tenant_default(lifetime("P60D")))
    )
    assert run.warnings == []
    assert any("59 days" in line and "1 day to spare" in line for line in run.logs)
    passwords = run.of_type(":ApplicationPassword")
    assert len(passwords) == 2
    for password in passwords:
        # "pomerium <period start> (a)": each ends 59 days after its period starts, within 60.
        start = datetime.strptime(password.inputs["displayName"].split()[1], "%Y-%m-%d")
        end = datetime.strptime(password.inputs["endDate"], "%Y-%m-%dT%H:%M:%SZ")
        assert end - start == timedelta(days=59)


def test_no_read_permission_warns_and_deploys(now: datetime) -> None:
    """What a deploy declares when Graph refused the read. The reading is the one the reader
    makes of Graph's 403 (tests/test_policy_reader.py, against the lab's Graph stand-in); the
    whole chain, deployed by the real CLI, is tests/real/test_app_management_policy.py's."""
    seen: list[PolicyRequest] = []

    def forbidden(request: PolicyRequest) -> Reading:
        seen.append(request)
        return Reading(
            unread=(
                "403 from GET /v1.0/policies/defaultAppManagementPolicy (needs Policy.Read.All)",
            )
        )

    run = run_fixture(
        "dev", now=now, overrides={"azuread:environment": "usgovernment"}, reader=forbidden
    )
    assert len(run.of_type(":ApplicationPassword")) == 2
    (warning,) = [w for w in run.warnings if "App management policy" in w]
    assert "Policy.Read.All" in warning
    assert "goes on" in warning
    assert seen[0].environment == "usgovernment"
    assert seen[0].display_name == "Pomerium (dev)"


def test_the_offline_plan_says_the_check_runs_at_deploy(now: datetime) -> None:
    run = run_fixture("dev", now=now)
    assert any("checked at deploy time" in line for line in run.logs)
    assert run.warnings == []
