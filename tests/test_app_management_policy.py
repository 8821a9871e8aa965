"""The verdict on a tenant's app management policy, against Graph's documented JSON.

Examples: microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0/api/
tenantappmanagementpolicy-get.md (the tenant default as it ships) and appmanagementpolicy-post.md
(a per-app policy). Expected figures are worked by hand from the rotation's rule (README:
each secret ends 3N - 7 days after its period starts).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.app_management_policy import PolicyError, parse_duration, parse_policy
from components.policy_verdict import (
    ExistingApplication,
    ExistingSecret,
    Outcome,
    Reading,
    decide,
    largest_fitting_rotation_days,
    parse_application,
)

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
NAME = "Pomerium (dev)"

# tenantappmanagementpolicy-get.md, its response (as it ships: disabled, nothing restricted).
TENANT_DEFAULT_AS_SHIPPED: dict[str, Any] = {
    "id": "00000000-0000-0000-0000-000000000000",
    "displayName": "Default app management tenant policy",
    "description": "Default tenant policy that enforces app management restrictions on "
    "applications and service principals.",
    "isEnabled": False,
    "applicationRestrictions": {"passwordCredentials": [], "keyCredentials": []},
    "servicePrincipalRestrictions": {"passwordCredentials": [], "keyCredentials": []},
}
# appmanagementpolicy-post.md, its response.
PER_APP_POLICY: dict[str, Any] = {
    "id": "a4ab1ed9-46bb-4bef-88d4-86fd6398dd5d",
    "displayName": "credential management policy",
    "description": "Lorem ipsum",
    "isEnabled": True,
    "restrictions": {
        "passwordCredentials": [
            {
                "restrictionType": "passwordAddition",
                "maxLifetime": None,
                "restrictForAppsCreatedAfterDateTime": "2019-10-19T10:37:00Z",
            },
            {
                "restrictionType": "passwordLifetime",
                "maxLifetime": "P4DT12H30M5S",
                "restrictForAppsCreatedAfterDateTime": "2018-10-19T10:37:00Z",
            },
        ]
    },
}


def tenant_default(*restrictions: dict[str, Any], enabled: bool = True) -> dict[str, Any]:
    document = copy.deepcopy(TENANT_DEFAULT_AS_SHIPPED)
    document["isEnabled"] = enabled
    document["applicationRestrictions"]["passwordCredentials"] = list(restrictions)
    return document


def lifetime(duration: str, state: str = "enabled", since: str | None = None) -> dict[str, Any]:
    return {
        "restrictionType": "passwordLifetime",
        "state": state,
        "maxLifetime": duration,
        "restrictForAppsCreatedAfterDateTime": since,
    }


def block(since: str | None = "2025-01-01T00:00:00Z", state: str = "enabled") -> dict[str, Any]:
    return {
        "restrictionType": "passwordAddition",
        "state": state,
        "maxLifetime": None,
        "restrictForAppsCreatedAfterDateTime": since,
    }


def verdict_for(reading: Reading, rotation_days: int = 30) -> Any:
    return decide(reading, rotation_days, NOW, NAME)


def test_the_tenant_default_as_it_ships_restricts_nothing() -> None:
    found = verdict_for(Reading(tenant_default=parse_policy(TENANT_DEFAULT_AS_SHIPPED)))
    assert found.outcome is Outcome.ALLOWED
    assert not found.stops
    assert "(disabled)" in found.message


def test_graphs_example_policy_blocks_a_new_application() -> None:
    found = verdict_for(Reading(assigned=parse_policy(PER_APP_POLICY)))
    assert found.outcome is Outcome.BLOCKED
    assert found.stops
    for part in (
        '"credential management policy"',
        "a4ab1ed9-46bb-4bef-88d4-86fd6398dd5d",
        "passwordAddition",
        "2019-10-19T10:37:00Z",
        "Nothing was deployed",
        "az rest --method POST",
    ):
        assert part in found.message


def test_an_application_made_before_the_block_date_meets_only_the_lifetime_cap() -> None:
    # Created 2019-01-01: after the lifetime's 2018-10-19, before the block's 2019-10-19.
    app = ExistingApplication("obj", "client", datetime(2019, 1, 1, tzinfo=UTC))
    found = verdict_for(Reading(assigned=parse_policy(PER_APP_POLICY), application=app))
    assert found.outcome is Outcome.TOO_LONG
    # 4 days 12:30:05 is shorter than the shortest rotation's secrets (3 x 14 - 7 = 35 days).
    assert found.largest_rotation_days is None
    assert "no clientSecretRotationDays fits" in found.message


def test_graphs_duration_example() -> None:
    assert parse_duration("P4DT12H30M5S") == timedelta(days=4, hours=12, minutes=30, seconds=5)
    assert parse_duration("P90D") == timedelta(days=90)
    assert parse_duration("PT36H") == timedelta(days=1, hours=12)


@pytest.mark.parametrize("text", ["P1Y", "P2M", "90", "P", "PT", "", "P-3D"])
def test_durations_graph_does_not_write_are_refused(text: str) -> None:
    with pytest.raises(PolicyError):
        parse_duration(text)


# A 60-day cap: N = 22 gives 3 x 22 - 7 = 59 days (fits, 1 day to spare); N = 23 gives
# 3 x 23 - 7 = 62 days (too long). So 22 is the largest N.
def test_a_60_day_cap_names_22_as_the_largest_rotation() -> None:
    reading = Reading(tenant_default=parse_policy(tenant_default(lifetime("P60D"))))
    too_long = verdict_for(reading, rotation_days=23)
    assert too_long.outcome is Outcome.TOO_LONG
    assert too_long.largest_rotation_days == 22
    assert "set clientSecretRotationDays to 22 or less" in too_long.message
    assert "live up to 62 days" in too_long.message
    assert "the setting was not changed" in too_long.message
    fits = verdict_for(reading, rotation_days=22)
    assert fits.outcome is Outcome.FITS
    assert "1 day to spare" in fits.message


def test_largest_fitting_rotation_by_hand() -> None:
    assert largest_fitting_rotation_days(timedelta(days=60)) == 22
    # 180 days: (180 + 7) / 3 = 62.3, so 62 (179 days); 365 days: 124 (365 days exactly).
    assert largest_fitting_rotation_days(timedelta(days=180)) == 62
    assert largest_fitting_rotation_days(timedelta(days=365)) == 124
    # 35 days is the shortest rotation's lifetime (3 x 14 - 7); a day less fits none.
    assert largest_fitting_rotation_days(timedelta(days=35)) == 14
    assert largest_fitting_rotation_days(timedelta(days=34, hours=23)) is None


def test_a_cap_that_fits_says_the_margin() -> None:
    reading = Reading(tenant_default=parse_policy(tenant_default(lifetime("P180D"))))
    found = verdict_for(reading, rotation_days=30)
    # 3 x 30 - 7 = 83 days; 180 - 83 = 97.
    assert found.outcome is Outcome.FITS
    assert "live up to 83 days" in found.message
    assert "97 days to spare" in found.message


def test_a_disabled_restriction_or_policy_is_not_evaluated() -> None:
    disabled_state = tenant_default(block(state="disabled"), lifetime("P30D", state="disabled"))
    assert verdict_for(Reading(tenant_default=parse_policy(disabled_state))).outcome is (
        Outcome.ALLOWED
    )
    disabled_policy = tenant_default(block(), enabled=False)
    assert verdict_for(Reading(tenant_default=parse_policy(disabled_policy))).outcome is (
        Outcome.ALLOWED
    )


def test_no_date_restricts_every_application() -> None:
    old = ExistingApplication("obj", "client", datetime(2015, 1, 1, tzinfo=UTC))
    reading = Reading(
        tenant_default=parse_policy(tenant_default(block(since=None))), application=old
    )
    found = verdict_for(reading)
    assert found.outcome is Outcome.BLOCKED
    assert "every application" in found.message


def test_an_application_created_before_the_date_is_not_restricted() -> None:
    old = ExistingApplication("obj", "client", datetime(2024, 12, 31, tzinfo=UTC))
    reading = Reading(tenant_default=parse_policy(tenant_default(block())), application=old)
    assert verdict_for(reading).outcome is Outcome.ALLOWED


def test_a_per_app_policy_replaces_the_default_even_when_disabled() -> None:
    blocking_default = parse_policy(tenant_default(block()))
    exemption = {
        "id": "e1",
        "displayName": "Pomerium exemption",
        "isEnabled": True,
        "restrictions": {"passwordCredentials": [lifetime("P365D")]},
    }
    found = verdict_for(Reading(tenant_default=blocking_default, assigned=parse_policy(exemption)))
    assert found.outcome is Outcome.FITS
    assert '"Pomerium exemption" (e1)' in found.message
    disabled = {**exemption, "isEnabled": False}
    found = verdict_for(Reading(tenant_default=blocking_default, assigned=parse_policy(disabled)))
    assert found.outcome is Outcome.ALLOWED


def test_custom_passwords_only_do_not_stop_generated_secrets() -> None:
    custom = {
        "restrictionType": "customPasswordAddition",
        "state": "enabled",
        "maxLifetime": None,
        "restrictForAppsCreatedAfterDateTime": None,
    }
    found = verdict_for(Reading(tenant_default=parse_policy(tenant_default(custom))))
    assert found.outcome is Outcome.ALLOWED


def test_what_could_not_be_read_leaves_the_check_undone() -> None:
    unread = ("403 from GET /v1.0/policies/defaultAppManagementPolicy (needs Policy.Read.All)",)
    found = verdict_for(Reading(unread=unread))
    assert found.outcome is Outcome.UNCHECKED
    assert "Policy.Read.All" in found.message
    # The default read, but not whether a per-app policy replaces it: still undone.
    blocking = parse_policy(tenant_default(block()))
    assert verdict_for(Reading(tenant_default=blocking, unread=unread)).outcome is (
        Outcome.UNCHECKED
    )


def test_the_ways_out_when_blocked() -> None:
    app = ExistingApplication(
        "11111111-2222-3333-4444-555555555555",
        "client",
        datetime(2026, 1, 1, tzinfo=UTC),
        secrets=(
            # 2026-11-26 15:00 to 2026-12-31 00:00: 34 days 9 hours.
            ExistingSecret("pomerium 2026-10-17 (a)", datetime(2026, 12, 31, tzinfo=UTC)),
            ExistingSecret("expired", datetime(2026, 1, 1, tzinfo=UTC)),
        ),
    )
    reading = Reading(
        tenant_default=parse_policy(tenant_default(block())),
        application=app,
        graph_url="https://graph.microsoft.us",
    )
    found = verdict_for(reading, rotation_days=30)
    assert found.outcome is Outcome.BLOCKED
    commands, keeping = found.ways_out
    assert (
        "--url 'https://graph.microsoft.us/v1.0/applications/"
        "11111111-2222-3333-4444-555555555555/appManagementPolicies/$ref'" in commands
    )
    assert "--url 'https://graph.microsoft.us/v1.0/policies/appManagementPolicies'" in commands
    # The exemption still caps secrets, at this stack's own lifetime: 3 x 30 - 7 = 83 days.
    assert '"maxLifetime": "P83D"' in commands
    assert "pomerium 2026-10-17 (a) ends 2026-12-31 (34 days left)" in keeping
    assert "expired" not in keeping


def test_a_quote_in_the_display_name_stays_inside_the_shell_quotes() -> None:
    reading = Reading(tenant_default=parse_policy(tenant_default(block())))
    found = decide(reading, 30, NOW, "Pomerium (Bob's)")
    assert "Pomerium (Bob'\\''s)" in found.ways_out[0]


def test_an_application_as_graph_returns_it() -> None:
    app = parse_application(
        {
            "id": "obj",
            "appId": "client",
            "createdDateTime": None,
            "passwordCredentials": [
                {"displayName": "a", "endDateTime": "2027-01-08T00:00:00Z", "keyId": "k"}
            ],
        }
    )
    # Graph's docs (appmanagementpolicy-post.md): a null createdDateTime counts as 2019-01-01.
    assert app.created == datetime(2019, 1, 1, tzinfo=UTC)
    assert app.secrets == (ExistingSecret("a", datetime(2027, 1, 8, tzinfo=UTC)),)


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"restrictions": {"passwordCredentials": {"restrictionType": "passwordAddition"}}},
        {"restrictions": {"passwordCredentials": [{"maxLifetime": "P1D"}]}},
        {"restrictions": {"passwordCredentials": [lifetime("P10D", since="yesterday")]}},
    ],
)
def test_an_unreadable_policy_is_one_clear_error(document: Any) -> None:
    with pytest.raises(PolicyError):
        parse_policy(document)


def test_a_new_application_has_nothing_to_keep_and_must_be_made_first() -> None:
    blocking = parse_policy(tenant_default(block()))
    commands, keeping = verdict_for(Reading(tenant_default=blocking, new_application=True)).ways_out
    assert "applications/<application object id>/appManagementPolicies/$ref" in commands
    assert "the application does not exist yet: an administrator registers it" in commands
    assert keeping == "the application does not exist yet: it has no client secret to keep"
    # A policy given as a file says nothing of the application: neither is claimed.
    commands, keeping = verdict_for(Reading(tenant_default=blocking)).ways_out
    assert "does not exist yet" not in commands + keeping
    assert "az ad app credential list --id <client id>" in keeping


@given(cap_days=st.integers(min_value=35, max_value=400), hours=st.integers(0, 23))
def test_the_largest_rotation_fits_and_the_next_does_not(cap_days: int, hours: int) -> None:
    # The README's rule: a secret lives at most 3N - 7 days, N from 14 to 124.
    cap = timedelta(days=cap_days, hours=hours)
    largest = largest_fitting_rotation_days(cap)
    assert largest is not None
    assert timedelta(days=3 * largest - 7) <= cap
    assert largest == 124 or timedelta(days=3 * (largest + 1) - 7) > cap
