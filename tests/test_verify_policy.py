"""verify's app management policy line, with an injected reader (no network).

The Secret's credential: a 30-day rotation's, started 2026-11-16 and ending 2027-02-07, so it
lives 83 days (3 x 30 - 7), by hand.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from components import policy_reader
from components.app_management_policy import parse_policy
from components.policy_verdict import ExistingApplication, ExistingSecret, Reading
from tests.conftest import NOW
from tests.test_app_management_policy import block, lifetime, tenant_default
from tools import verify

APP_ID = "11111111-2222-3333-4444-555555555555"
OUTPUTS = {
    "application_object_id": APP_ID,
    "client_secret_expires_at": "2027-02-07T00:00:00Z",
    "provider_url": "https://login.microsoftonline.us/tenant/v2.0",
}
APP = ExistingApplication(
    APP_ID,
    "client",
    datetime(2026, 1, 1, tzinfo=UTC),
    secrets=(
        ExistingSecret(
            "pomerium 2026-11-16 (b)",
            datetime(2027, 2, 7, tzinfo=UTC),
            datetime(2026, 11, 16, tzinfo=UTC),
        ),
    ),
)


def check(reading: Reading) -> verify.Check:
    seen: list[policy_reader.PolicyRequest] = []

    def reader(request: policy_reader.PolicyRequest) -> Reading:
        seen.append(request)
        return reading

    with policy_reader.use_reader(reader):
        result = verify.app_management_policy(OUTPUTS, NOW)
    # The stack's application, on the provider URL's cloud's Graph.
    assert seen[0].application_object_id == APP_ID
    assert seen[0].graph_url == "https://graph.microsoft.us"
    return result


def test_a_credential_longer_than_the_cap_fails_naming_the_rotation_that_fits() -> None:
    policy = parse_policy(tenant_default(lifetime("P60D")))
    result = check(Reading(tenant_default=policy, application=APP))
    assert result.ok is False
    assert "lives 83.0 days" in result.detail
    assert "set clientSecretRotationDays to 22 or less" in result.detail
    assert result.line().startswith("FAIL app management policy: ")


def test_a_credential_within_the_cap_conforms() -> None:
    policy = parse_policy(tenant_default(lifetime("P180D")))
    result = check(Reading(tenant_default=policy, application=APP))
    assert result.ok is True
    assert result.detail.endswith("lives 83.0 days: conforms")


def test_a_block_fails_though_the_credential_keeps_working() -> None:
    result = check(Reading(tenant_default=parse_policy(tenant_default(block())), application=APP))
    assert result.ok is False
    assert "keeps working until 2027-02-07T00:00:00Z" in result.detail
    assert "the next rotation will be refused" in result.detail


@pytest.mark.parametrize(
    ("reading", "said"),
    [
        (
            Reading(
                unread=(
                    "403 from GET /v1.0/policies/defaultAppManagementPolicy (needs Policy.Read.All)",
                )
            ),
            "Policy.Read.All",
        ),
        (Reading(offline="tests read no tenant"), "tests read no tenant"),
    ],
)
def test_an_unread_policy_is_skipped(reading: Reading, said: str) -> None:
    result = check(reading)
    assert result.ok is None
    assert said in result.detail
