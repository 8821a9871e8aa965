"""Client-secret rotation arithmetic (no Pulumi import).

Time is cut into rotation periods of N days (N = clientSecretRotationDays),
counted from a fixed epoch. Two credential slots, "a" and "b", take turns:
period k's credential lives in slot k mod 2 and is the one in the Kubernetes
Secret during period k; the other slot keeps period k-1's credential, which
pods that have not reloaded may still use. When period k+1 starts, the first
deploy replaces the older slot (create before delete) and the Secret moves on.

End dates are derived from the period, never from "now", so every deploy
within a period declares the same credentials and changes nothing.

Why 3N - 7 days after the period starts, assuming a deploy at least every
DEPLOY_INTERVAL_DAYS days:
- period k's credential is current for N days, then previous for N days;
- at the last moment it is previous (just before period k+2 starts) it must
  still have N - 7 days left, so end = start + N + N + (N - 7);
- it follows that the current credential always has more than 2N - 7 >= N days
  left, lives at most 3N - 7 days (< 3N), and stays valid through a missed
  week of deploys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Periods are counted from this instant; any fixed midnight works, changing it
# re-keys every stack's periods (and so replaces its credentials).
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
# The cadence of deploys the guarantees assume (the scheduled deploy).
DEPLOY_INTERVAL_DAYS = 7
# Microsoft's recommended maximum lifetime of a client secret.
MAX_CREDENTIAL_LIFETIME_DAYS = 365
# N - 7 >= 7: the replaced credential keeps at least a week for stragglers.
MIN_ROTATION_DAYS = 2 * DEPLOY_INTERVAL_DAYS
# Largest N whose credentials live at most 365 days: 3N - 7 <= 365.
MAX_ROTATION_DAYS = (MAX_CREDENTIAL_LIFETIME_DAYS + DEPLOY_INTERVAL_DAYS) // 3
DEFAULT_ROTATION_DAYS = 90

SLOTS = ("a", "b")
# Graph writes dates back in exactly this form; any other form (isoformat's
# "+00:00", fractions of a second) makes the provider replace the credential on
# every deploy.
GRAPH_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def format_graph_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(GRAPH_DATE_FORMAT)


def parse_graph_date(text: str) -> datetime:
    return datetime.strptime(text, GRAPH_DATE_FORMAT).replace(tzinfo=UTC)


def credential_lifetime_days(rotation_days: int) -> int:
    """Days from a period's start to the end date of its credential."""
    return 3 * rotation_days - DEPLOY_INTERVAL_DAYS


@dataclass(frozen=True)
class Credential:
    """One client secret as declared for a rotation period."""

    slot: str
    """"a" or "b": which of the two ApplicationPassword resources holds it."""
    period: int
    """Index of the rotation period the credential was made for."""
    period_start: datetime
    end_date: str
    """End date in Graph's form (`YYYY-MM-DDTHH:MM:SSZ`)."""

    @property
    def display_name(self) -> str:
        # Shown in the portal's "Certificates & secrets"; derived from the
        # period like the end date, so it never changes within a period.
        return f"pomerium {self.period_start:%Y-%m-%d} ({self.slot})"

    @property
    def expires(self) -> datetime:
        return parse_graph_date(self.end_date)


@dataclass(frozen=True)
class RotationPlan:
    """The two credentials a deploy at a given moment declares."""

    current: Credential
    """The credential written into the Kubernetes Secret."""
    previous: Credential
    """The credential the current one replaced, kept for pods not yet reloaded."""
    next_rotation: datetime
    """When the next period starts: the first deploy after it rotates."""

    @property
    def credentials(self) -> tuple[Credential, Credential]:
        """Both credentials, in slot order ("a" first)."""
        pair = (self.current, self.previous)
        return (pair[0], pair[1]) if pair[0].slot == SLOTS[0] else (pair[1], pair[0])


def credential_for(period: int, rotation_days: int) -> Credential:
    start = EPOCH + timedelta(days=period * rotation_days)
    end = start + timedelta(days=credential_lifetime_days(rotation_days))
    return Credential(
        slot=SLOTS[period % 2],
        period=period,
        period_start=start,
        end_date=format_graph_date(end),
    )


def plan_rotation(now: datetime, rotation_days: int) -> RotationPlan:
    """The credentials to declare at `now` (an aware datetime)."""
    if not MIN_ROTATION_DAYS <= rotation_days <= MAX_ROTATION_DAYS:
        raise ValueError(
            f"rotation_days must be {MIN_ROTATION_DAYS}..{MAX_ROTATION_DAYS}, got {rotation_days}"
        )
    period = (now.astimezone(UTC) - EPOCH) // timedelta(days=rotation_days)
    return RotationPlan(
        current=credential_for(period, rotation_days),
        previous=credential_for(period - 1, rotation_days),
        next_rotation=EPOCH + timedelta(days=(period + 1) * rotation_days),
    )
