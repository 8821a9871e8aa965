"""Rotation over simulated years of deploys, checked against the guarantees in the README.

The simulation keeps what Entra ID would hold: one credential per slot, replaced
(create before delete) when a deploy declares a different end date for the
slot, exactly as Pulumi replaces an ApplicationPassword whose end_date changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components import rotation
from components.rotation import (
    DEPLOY_INTERVAL_DAYS,
    GRAPH_DATE_FORMAT,
    MAX_CREDENTIAL_LIFETIME_DAYS,
    plan_rotation,
)

DAY = timedelta(days=1)
valid_days = st.integers(rotation.MIN_ROTATION_DAYS, rotation.MAX_ROTATION_DAYS)
starts = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)
# Gaps between deploys: any time up to the weekly schedule.
gaps = st.lists(
    st.timedeltas(min_value=timedelta(minutes=1), max_value=timedelta(days=DEPLOY_INTERVAL_DAYS)),
    min_size=60,
    max_size=160,
)


@dataclass
class Existing:
    end_date: str
    created: datetime

    @property
    def expires(self) -> datetime:
        return rotation.parse_graph_date(self.end_date)


class Tenant:
    """Credentials on the application, and which one the Kubernetes Secret holds."""

    def __init__(self) -> None:
        self.slots: dict[str, Existing] = {}
        self.in_secret: Existing | None = None
        self.replaced: Existing | None = None
        self.changes = 0

    def deploy(self, now: datetime, days: int) -> rotation.RotationPlan:
        plan = plan_rotation(now, days)
        before = dict(self.slots)
        for credential in plan.credentials:
            existing = self.slots.get(credential.slot)
            if existing is None or existing.end_date != credential.end_date:
                self.slots[credential.slot] = Existing(credential.end_date, now)
                self.changes += 1
        current = self.slots[plan.current.slot]
        if current is not self.in_secret:
            self.replaced, self.in_secret = self.in_secret, current
        # Replaced credentials are deleted at the end of the deploy; the one the
        # Secret holds is never among them.
        deleted = [c for slot, c in before.items() if self.slots[slot] is not c]
        assert self.in_secret not in deleted
        return plan


@settings(max_examples=150, deadline=None)
@given(days=valid_days, start=starts, gaps=gaps)
def test_guarantees_hold_after_every_weekly_deploy_for_years(
    days: int, start: datetime, gaps: list[timedelta]
) -> None:
    tenant = Tenant()
    now = start
    tenant.deploy(now, days)
    for gap in gaps:
        # Between deploys: at most two credentials, and the Secret's is valid.
        assert len(tenant.slots) <= 2
        assert tenant.in_secret is not None
        assert tenant.in_secret.expires > now + gap
        now += gap
        tenant.deploy(now, days)
        current = tenant.in_secret
        assert current is not None
        # The credential in the Secret is valid for at least N more days.
        assert current.expires - now >= days * DAY
        # The one it replaced still exists and stays valid for N - 7 days.
        previous = [c for c in tenant.slots.values() if c is not current]
        assert len(previous) == 1
        if tenant.replaced is not None:
            assert tenant.replaced in tenant.slots.values()
            assert tenant.replaced.expires - now >= (days - DEPLOY_INTERVAL_DAYS) * DAY
        # No credential lives longer than 3N days, nor 365.
        for credential in tenant.slots.values():
            lifetime = credential.expires - credential.created
            assert lifetime <= 3 * days * DAY
            assert lifetime <= MAX_CREDENTIAL_LIFETIME_DAYS * DAY


@settings(max_examples=100, deadline=None)
@given(days=valid_days, start=starts, offsets=st.lists(st.floats(0, 1), min_size=2, max_size=10))
def test_deploys_within_a_period_change_nothing(
    days: int, start: datetime, offsets: list[float]
) -> None:
    plan = plan_rotation(start, days)
    period_start = plan.next_rotation - days * DAY
    tenant = Tenant()
    tenant.deploy(period_start, days)
    changes = tenant.changes
    for offset in offsets:
        moment = min(period_start + offset * days * DAY, plan.next_rotation - timedelta(seconds=1))
        assert plan_rotation(moment, days) == plan
        tenant.deploy(moment, days)
    assert tenant.changes == changes


@settings(max_examples=100, deadline=None)
@given(days=valid_days, start=starts)
def test_a_new_period_replaces_exactly_one_credential(days: int, start: datetime) -> None:
    plan = plan_rotation(start, days)
    later = plan_rotation(plan.next_rotation, days)
    assert later.previous == plan.current
    assert later.current.slot == plan.previous.slot
    assert later.current.end_date != plan.previous.end_date


@settings(max_examples=100, deadline=None)
@given(
    old_days=valid_days,
    new_days=valid_days,
    start=starts,
    before=gaps,
    after=gaps,
)
def test_secret_stays_valid_through_a_change_of_rotation_days(
    old_days: int, new_days: int, start: datetime, before: list[timedelta], after: list[timedelta]
) -> None:
    tenant = Tenant()
    now = start
    tenant.deploy(now, old_days)
    for gap in before[:20]:
        now += gap
        tenant.deploy(now, old_days)
    for gap in after[:40]:
        # Between deploys, and across the change, the Secret's credential is valid.
        assert tenant.in_secret is not None and tenant.in_secret.expires > now + gap
        now += gap
        tenant.deploy(now, new_days)
        assert tenant.in_secret.expires - now >= new_days * DAY
        assert len(tenant.slots) <= 2


@given(moment=starts, days=valid_days)
def test_end_dates_are_written_as_graph_writes_them(moment: datetime, days: int) -> None:
    for credential in plan_rotation(moment, days).credentials:
        parsed = datetime.strptime(credential.end_date, GRAPH_DATE_FORMAT)
        assert credential.end_date == parsed.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert credential.end_date.endswith("Z") and "+" not in credential.end_date


def test_rotation_days_bounds_follow_from_the_lifetime_cap() -> None:
    top = rotation.MAX_ROTATION_DAYS
    assert rotation.credential_lifetime_days(top) <= MAX_CREDENTIAL_LIFETIME_DAYS
    assert rotation.credential_lifetime_days(top + 1) > MAX_CREDENTIAL_LIFETIME_DAYS
    assert rotation.MIN_ROTATION_DAYS - DEPLOY_INTERVAL_DAYS >= DEPLOY_INTERVAL_DAYS


# --- worked examples (literals computed by hand, not by the code under test) ---------
#
# Epoch 2024-01-01T00:00Z. 2024 has 366 days, so 2025-01-01 is day 366 and 2026-01-01 is
# day 731; 2026-11-26 is day 731 + 329 = 1060 (Jan..Oct of 2026 make 304 days, + 25).
# A period k of N days starts on day k * N; its credential ends 3N - 7 days after that;
# slot "a" holds even periods, "b" odd ones.

WORKED = [
    # now, N, current (slot, period start, end date), next rotation, previous (slot, start, end)
    pytest.param(
        # 1060 // 90 = 11 (odd: b); day 990 = 2026-09-17; + 263 = 2027-06-07; day 1080 =
        # 2026-12-16; period 10 (a): day 900 = 2026-06-19, + 263 = 2027-03-09.
        "2026-11-26T15:00:00+00:00",
        90,
        ("b", "2026-09-17", "2027-06-07T00:00:00Z"),
        "2026-12-16T00:00:00+00:00",
        ("a", "2026-06-19", "2027-03-09T00:00:00Z"),
        id="N=90",
    ),
    pytest.param(
        # 1060 // 30 = 35 (b); day 1050 = 2026-11-16; + 83 = 2027-02-07; day 1080 =
        # 2026-12-16; period 34 (a): day 1020 = 2026-10-17, + 83 = 2027-01-08.
        "2026-11-26T15:00:00+00:00",
        30,
        ("b", "2026-11-16", "2027-02-07T00:00:00Z"),
        "2026-12-16T00:00:00+00:00",
        ("a", "2026-10-17", "2027-01-08T00:00:00Z"),
        id="N=30",
    ),
    pytest.param(
        # 1060 // 14 = 75 (b); day 1050 = 2026-11-16; + 35 = 2026-12-21; day 1064 =
        # 2026-11-30; period 74 (a): day 1036 = 2026-11-02, + 35 = 2026-12-07.
        "2026-11-26T15:00:00+00:00",
        14,
        ("b", "2026-11-16", "2026-12-21T00:00:00Z"),
        "2026-11-30T00:00:00+00:00",
        ("a", "2026-11-02", "2026-12-07T00:00:00Z"),
        id="N=14",
    ),
    pytest.param(
        # 1060 // 124 = 8 (even: a); day 992 = 2026-09-19; + 365 = 2027-09-19; day 1116 =
        # 2027-01-21; period 7 (b): day 868 = 2026-05-18, + 365 = 2027-05-18.
        "2026-11-26T15:00:00+00:00",
        124,
        ("a", "2026-09-19", "2027-09-19T00:00:00Z"),
        "2027-01-21T00:00:00+00:00",
        ("b", "2026-05-18", "2027-05-18T00:00:00Z"),
        id="N=124",
    ),
    pytest.param(
        # One second before period 12 (day 1080) starts: still period 11.
        "2026-12-15T23:59:59+00:00",
        90,
        ("b", "2026-09-17", "2027-06-07T00:00:00Z"),
        "2026-12-16T00:00:00+00:00",
        ("a", "2026-06-19", "2027-03-09T00:00:00Z"),
        id="N=90, last second of a period",
    ),
    pytest.param(
        # Period 12 (a) from its first instant: day 1080 = 2026-12-16, + 263 = 2027-09-05;
        # day 1170 = 2027-03-16; the previous is period 11's (b).
        "2026-12-16T00:00:00+00:00",
        90,
        ("a", "2026-12-16", "2027-09-05T00:00:00Z"),
        "2027-03-16T00:00:00+00:00",
        ("b", "2026-09-17", "2027-06-07T00:00:00Z"),
        id="N=90, first instant of a period",
    ),
    pytest.param(
        # 00:30 at UTC+1 is 23:30 UTC the day before: still period 11.
        "2026-12-16T00:30:00+01:00",
        90,
        ("b", "2026-09-17", "2027-06-07T00:00:00Z"),
        "2026-12-16T00:00:00+00:00",
        ("a", "2026-06-19", "2027-03-09T00:00:00Z"),
        id="N=90, another time zone",
    ),
    pytest.param(
        # The epoch: period 0 (a), ends 2024-09-20 (2024 is a leap year: Sep 1 is day 244);
        # period -1 (b) started 90 days before, 2023-10-03, and ends on day 173 = 2024-06-22.
        "2024-01-01T00:00:00+00:00",
        90,
        ("a", "2024-01-01", "2024-09-20T00:00:00Z"),
        "2024-03-31T00:00:00+00:00",
        ("b", "2023-10-03", "2024-06-22T00:00:00Z"),
        id="N=90, the epoch",
    ),
]


@pytest.mark.parametrize(("now", "days", "current", "next_rotation", "previous"), WORKED)
def test_worked_examples(
    now: str,
    days: int,
    current: tuple[str, str, str],
    next_rotation: str,
    previous: tuple[str, str, str],
) -> None:
    plan = plan_rotation(datetime.fromisoformat(now), days)
    for credential, (slot, start, end) in ((plan.current, current), (plan.previous, previous)):
        assert credential.slot == slot
        assert credential.period_start == datetime.fromisoformat(f"{start}T00:00:00+00:00")
        assert credential.end_date == end
        assert credential.expires == datetime.fromisoformat(end.replace("Z", "+00:00"))
        assert credential.display_name == f"pomerium {start} ({slot})"
    assert plan.next_rotation == datetime.fromisoformat(next_rotation)
    assert plan.current.period == plan.previous.period + 1
    # Slot order: "a" first, whichever is current.
    assert [c.slot for c in plan.credentials] == ["a", "b"]


def test_worked_periods() -> None:
    at = datetime(2026, 11, 26, 15, tzinfo=UTC)
    assert plan_rotation(at, 90).current.period == 11
    assert plan_rotation(at, 30).current.period == 35
    assert plan_rotation(at, 14).current.period == 75
    assert plan_rotation(at, 124).current.period == 8


@pytest.mark.parametrize("days", [13, 125, 0, -90])
def test_rotation_days_outside_14_to_124_are_refused(days: int) -> None:
    with pytest.raises(ValueError, match=f"rotation_days must be 14..124, got {days}"):
        plan_rotation(datetime(2026, 11, 26, tzinfo=UTC), days)


def test_the_published_bounds_and_lifetimes() -> None:
    assert (rotation.MIN_ROTATION_DAYS, rotation.MAX_ROTATION_DAYS) == (14, 124)
    assert rotation.DEFAULT_ROTATION_DAYS == 90
    assert datetime(2024, 1, 1, tzinfo=UTC) == rotation.EPOCH
    assert [rotation.credential_lifetime_days(n) for n in (14, 30, 90, 124)] == [35, 83, 263, 365]


def test_graph_dates_in_graphs_form() -> None:
    moment = datetime(2027, 6, 7, 1, 2, 3, 456789, tzinfo=UTC)
    assert rotation.format_graph_date(moment) == "2027-06-07T01:02:03Z"
    # Another zone is written in UTC.
    plus_two = datetime.fromisoformat("2027-06-07T03:02:03+02:00")
    assert rotation.format_graph_date(plus_two) == "2027-06-07T01:02:03Z"
    assert rotation.parse_graph_date("2027-06-07T01:02:03Z") == datetime(
        2027, 6, 7, 1, 2, 3, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        rotation.parse_graph_date("2027-06-07T01:02:03+00:00")
