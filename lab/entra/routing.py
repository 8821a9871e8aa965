"""Requests, routes and the lab's shared parts (no sockets here: server.py serves them)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from . import answers
from .store import Store
from .tokens import Signer


@dataclass
class Knobs:
    """What tests tell the stand-in at /_lab/ (kept in memory: a restart clears them)."""

    not_replicated_until: dict[str, tuple[float, int]] = field(default_factory=dict)
    refusals: dict[str, dict[str, Any]] = field(default_factory=dict)
    lacking: dict[str, set[str]] = field(default_factory=dict)
    clock_offset: timedelta = timedelta(0)
    """How far the tenant's clock is from the real one (a test's faked "now")."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def replicating(self, client_id: str) -> int | None:
        """The "not replicated yet" code to answer for `client_id` now, if any."""
        until, code = self.not_replicated_until.get(client_id, (0.0, 0))
        return code if time.monotonic() < until else None


@dataclass
class Lab:
    store: Store
    signer: Signer
    base: str
    """https://host:port, the stand-in's own address."""
    knobs: Knobs = field(default_factory=Knobs)

    def now(self) -> datetime:
        """The tenant's "now": when secrets start and end, apps are created, policies apply."""
        return datetime.now(UTC) + self.knobs.clock_offset


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    authorization: str
    lab: Lab
    params: dict[str, str] = field(default_factory=dict)
    caller: dict[str, Any] = field(default_factory=dict)
    """A Graph call's token claims."""


Handler = Callable[[Request], answers.Answer]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    needs: tuple[tuple[str, ...], ...] = ()
    """Graph permissions: one of each tuple (learn.microsoft.com, each API's "Permissions")."""


def route(
    method: str, pattern: str, needs: tuple[tuple[str, ...], ...] = ()
) -> Callable[[Handler], Route]:
    def register(handler: Handler) -> Route:
        return Route(method, re.compile(f"^{pattern}$"), handler, needs)

    return register


def find(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    for candidate in routes:
        found = candidate.pattern.match(path)
        if found and candidate.method == method:
            return candidate, found.groupdict()
    return None


def unknown_call(method: str, path: str) -> answers.Answer:
    return 501, {
        "error": {
            "code": "NotImplementedInLab",
            "message": f"the lab's stand-in does not serve {method} {path}",
        }
    }
