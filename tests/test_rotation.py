"""Rotation over simulated years of deploys, checked against the guarantees in the README.

The simulation keeps what Entra ID would hold: one credential per slot, replaced
(create before delete) when a deploy declares a different end date for the
slot, exactly as Pulumi replaces an ApplicationPassword whose end_date changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
