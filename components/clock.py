"""The clock the component reads (no Pulumi import).

A deploy always uses the real clock. Tests and the offline plan override it
inside their own process with `use_clock`; it is deliberately not settable
through config or an environment variable, which a real deploy could read (a
frozen clock in production would stop rotation).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from .injection import Injected


@dataclass(frozen=True)
class Clock:
    now: Callable[[], datetime]
    """Current time, timezone-aware."""
    sleep: Callable[[float], Awaitable[None]]
    """Waits that many seconds without blocking other registrations."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


SYSTEM_CLOCK = Clock(now=_utc_now, sleep=asyncio.sleep)
_clock = Injected(SYSTEM_CLOCK)
current = _clock.current
use_clock = _clock.use


def fixed_clock(moment: datetime) -> Clock:
    """A clock stopped at `moment` whose sleeps return at once."""

    async def no_wait(_seconds: float) -> None:
        return None

    return Clock(now=lambda: moment, sleep=no_wait)
