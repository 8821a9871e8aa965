"""The rotation over time, per stack (no Pulumi, no plotting): what
`pomerium-azure-ad plan --timeline FILE` draws (tools/timeline_draw.py).

Each deploy declares the credentials of components/rotation.py's plan at its
moment; the first deploy of a period creates that period's client secret in the
older slot (replacing the one there) and switches the Kubernetes Secret to it.
The deploys are the scheduled rotation's, from the cron line in
.github/workflows/rotate.yml (read with croniter, as GitHub reads five-field cron).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import yaml
from croniter import croniter

from components import rotation

ROTATE_WORKFLOW = Path(".github/workflows/rotate.yml")


@dataclass(frozen=True)
class Life:
    """One client secret: made by a deploy, replaced by a later one or ending."""

    slot: str
    period: int
    created: datetime
    """The deploy that created it, and switched the Secret to it."""
    ends: datetime
    """Its end date (Graph's endDateTime)."""
    replaced: datetime | None
    """The deploy that replaced it (deleting it), if one falls in the window."""


@dataclass(frozen=True)
class StackTimeline:
    stack: str
    rotation_days: int
    lives: list[Life]
    switches: list[datetime]
    """When the Kubernetes Secret moves to a new client secret."""
    deploys: list[datetime]
    """The scheduled deploys in the window."""


def scheduled_cron(project_dir: Path) -> str:
    """The scheduled rotation's cron line (ValueError when there is none)."""
    path = project_dir / ROTATE_WORKFLOW
    workflow = yaml.safe_load(path.read_text()) if path.exists() else {}
    # PyYAML reads the key `on` as True (YAML 1.1).
    triggers = (workflow or {}).get("on", (workflow or {}).get(True)) or {}
    for entry in triggers.get("schedule") or []:
        return str(entry["cron"])
    raise ValueError(f"{ROTATE_WORKFLOW} has no schedule: the timeline needs its cron line")


def deploys_between(cron: str, start: datetime, end: datetime) -> list[datetime]:
    """The cron's moments from `start` (inclusive) to `end` (exclusive), in UTC."""
    moments = croniter(cron, start - timedelta(seconds=1))
    found: list[datetime] = []
    while (moment := moments.get_next(datetime)) < end:
        found.append(moment)
    return found


def stack_timeline(
    stack: str, rotation_days: int, *, cron: str, start: datetime, end: datetime
) -> StackTimeline:
    """The client secrets alive between `start` and `end`, deployed by `cron`
    (from early enough before `start` that every credential alive then was made)."""
    lookback = timedelta(days=rotation.credential_lifetime_days(rotation_days))
    deploys = deploys_between(cron, start - lookback, end)
    made: dict[int, datetime] = {}
    switches: list[datetime] = []
    for moment in deploys:
        current = rotation.plan_rotation(moment, rotation_days).current.period
        if current not in made:
            made[current] = moment
            switches.append(moment)
    lives = []
    for period, created in sorted(made.items()):
        credential = rotation.credential_for(period, rotation_days)
        replaced = made.get(period + len(rotation.SLOTS))
        if (replaced or credential.expires) > start:
            lives.append(Life(credential.slot, period, created, credential.expires, replaced))
    return StackTimeline(
        stack,
        rotation_days,
        lives,
        [s for s in switches if start <= s],
        [d for d in deploys if start <= d],
    )
