"""Does the tenant let this stack add its client secrets? The verdict (no Pulumi import).

A secret made by this project lives `rotation.credential_lifetime_days(N)` days at most
(from its period's start to its end date; it is created at or after that start), so a
`passwordLifetime` cap fits when that many days are within `maxLifetime`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from . import policy_commands, rotation
from .app_management_policy import (
    PASSWORD_ADDITION,
    PASSWORD_LIFETIME,
    Policy,
    PolicyError,
    Restriction,
    parse_datetime,
)

# Starts every line the deploy's check logs (the offline plan shows that line).
LOG_PREFIX = "App management policy check: "
_UNDATED = datetime(2019, 1, 1, tzinfo=UTC)
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ExistingSecret:
    display_name: str
    end: datetime
    start: datetime | None = None


@dataclass(frozen=True)
class ExistingApplication:
    """The stack's application as Graph knows it, when it exists."""

    object_id: str
    client_id: str
    created: datetime
    secrets: tuple[ExistingSecret, ...] = ()


@dataclass(frozen=True)
class Reading:
    """What the deploy identity could read of the tenant's rules."""

    tenant_default: Policy | None = None
    assigned: Policy | None = None
    """The per-app policy assigned to the application; it replaces the default."""
    application: ExistingApplication | None = None
    new_application: bool = False
    """Graph has no application of this name: the deploy would create it."""
    unread: tuple[str, ...] = ()
    """One line per read that failed: what, and the permission that would allow it."""
    offline: str = ""
    """Set when nothing was read on purpose (the offline plan): why."""
    graph_url: str = "https://graph.microsoft.com"

    @property
    def policy(self) -> Policy | None:
        """The policy that applies: the assigned one, else the default, unless a failed read
        leaves open whether another applies."""
        if self.assigned is not None:
            return self.assigned
        return None if self.unread else self.tenant_default


def parse_application(document: Any) -> ExistingApplication:
    """An application as Graph returns it (`id`, `appId`, `createdDateTime`,
    `passwordCredentials` with `displayName` and `endDateTime`)."""
    if not isinstance(document, Mapping) or not document.get("id"):
        raise PolicyError("an application is a JSON object with an id")
    created = parse_datetime(document.get("createdDateTime"), "createdDateTime")
    secrets = tuple(
        ExistingSecret(
            display_name=str(entry.get("displayName") or ""),
            end=parse_datetime(entry.get("endDateTime"), "endDateTime") or _NEVER,
            start=parse_datetime(entry.get("startDateTime"), "startDateTime"),
        )
        for entry in document.get("passwordCredentials") or []
        if isinstance(entry, Mapping)
    )
    return ExistingApplication(
        object_id=str(document["id"]),
        client_id=str(document.get("appId") or ""),
        # Graph's docs: objects whose createdDateTime is null count as created 2019-01-01.
        created=created or _UNDATED,
        secrets=secrets,
    )


class Outcome(enum.Enum):
    UNCHECKED = "unchecked"
    ALLOWED = "allowed"
    FITS = "fits"
    TOO_LONG = "too long"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    message: str
    largest_rotation_days: int | None = None
    ways_out: tuple[str, ...] = field(default=())

    @property
    def stops(self) -> bool:
        return self.outcome in (Outcome.BLOCKED, Outcome.TOO_LONG)


def largest_fitting_rotation_days(cap: timedelta) -> int | None:
    """The largest clientSecretRotationDays whose secrets live within `cap`, or None."""
    days = cap // timedelta(days=1)
    fitting = [
        n
        for n in range(rotation.MIN_ROTATION_DAYS, rotation.MAX_ROTATION_DAYS + 1)
        if rotation.credential_lifetime_days(n) <= days
    ]
    return max(fitting) if fitting else None


def decide(reading: Reading, rotation_days: int, now: datetime, display_name: str) -> Verdict:
    """The verdict for a stack whose secrets rotate every `rotation_days` days."""
    if reading.offline:
        return Verdict(Outcome.UNCHECKED, reading.offline)
    policy = reading.policy
    if policy is None:
        return Verdict(Outcome.UNCHECKED, "not checked: " + "; ".join(reading.unread))
    created = reading.application.created if reading.application else now
    blocked = policy.restriction(PASSWORD_ADDITION, created)
    if blocked is not None:
        return _blocked(reading, policy, blocked, rotation_days, now, display_name)
    cap = policy.restriction(PASSWORD_LIFETIME, created)
    if cap is None or cap.max_lifetime is None:
        state = "" if policy.is_enabled else " (disabled)"
        return Verdict(
            Outcome.ALLOWED,
            f"{policy.name}{state} does not restrict this application's client secrets",
        )
    return _lifetime(reading, policy, cap, rotation_days, now, display_name)


def _lifetime(
    reading: Reading,
    policy: Policy,
    cap: Restriction,
    rotation_days: int,
    now: datetime,
    display_name: str,
) -> Verdict:
    assert cap.max_lifetime is not None
    lives = rotation.credential_lifetime_days(rotation_days)
    rule = f"{policy.name} caps new client secrets at {_days(cap.max_lifetime)} ({PASSWORD_LIFETIME} {cap.max_lifetime_text}, for {cap.since})"
    ours = f"this stack's live up to {lives} days (3 x clientSecretRotationDays {rotation_days} - {rotation.DEPLOY_INTERVAL_DAYS})"
    spare = cap.max_lifetime - timedelta(days=lives)
    if spare >= timedelta(0):
        return Verdict(Outcome.FITS, f"{rule}; {ours}: {_days(spare)} to spare")
    largest = largest_fitting_rotation_days(cap.max_lifetime)
    if largest is None:
        fix = (
            f"no clientSecretRotationDays fits (the smallest, {rotation.MIN_ROTATION_DAYS}, "
            f"makes secrets of {rotation.credential_lifetime_days(rotation.MIN_ROTATION_DAYS)} days)"
        )
    else:
        fix = (
            f"set clientSecretRotationDays to {largest} or less (its secrets then live up to "
            f"{rotation.credential_lifetime_days(largest)} days); the setting was not changed"
        )
    ways = (fix, *_ways_out(reading, display_name, lives, now))
    message = f"{rule}, and {ours}. Nothing was deployed. Ways out:\n  - " + "\n  - ".join(ways)
    return Verdict(Outcome.TOO_LONG, message, largest, ways)


def _blocked(
    reading: Reading,
    policy: Policy,
    blocked: Restriction,
    rotation_days: int,
    now: datetime,
    display_name: str,
) -> Verdict:
    lives = rotation.credential_lifetime_days(rotation_days)
    ways = _ways_out(reading, display_name, lives, now)
    message = (
        f"{policy.name} blocks new client secrets ({PASSWORD_ADDITION}, for {blocked.since}): "
        "Entra ID would refuse this stack's next client secret. Nothing was deployed. "
        "Ways out:\n  - " + "\n  - ".join(ways)
    )
    return Verdict(Outcome.BLOCKED, message, None, ways)


def _days(span: timedelta) -> str:
    days, rest = divmod(span, timedelta(days=1))
    return f"{days} day{'' if days == 1 else 's'}" + (f" {rest}" if rest else "")


def _ways_out(reading: Reading, display_name: str, lives: int, now: datetime) -> tuple[str, ...]:
    app = reading.application
    exemption = policy_commands.exemption(
        reading.graph_url,
        app.object_id if app else None,
        display_name,
        lives,
        new=reading.new_application,
    )
    if reading.new_application:
        return (exemption, "the application does not exist yet: it has no client secret to keep")
    secrets = [(s.display_name, s.end) for s in app.secrets] if app else None
    return (exemption, policy_commands.keeping_current_secrets(secrets, now))
