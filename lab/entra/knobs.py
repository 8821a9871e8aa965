"""The lab's own calls, at /_lab/: what tests tell the stand-in to do. They answer
204 (or the knobs, for GET) and change nothing in the tenant's state."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from . import answers
from .policies import parse_time
from .routing import Request, route

# The token endpoint's "not replicated yet" answers (components/proof.py).
REPLICATION_CODES = (7000215, 700016, 7000229)


def _client(request: Request) -> str | None:
    client_id = request.body.get("client_id")
    return client_id if isinstance(client_id, str) and client_id else None


@route("POST", "/_lab/not-replicated")
def not_replicated(request: Request) -> answers.Answer:
    """{"client_id", "seconds", "code"?}: answer "not replicated yet" for that long."""
    client_id, code = _client(request), int(request.body.get("code", 7000215))
    if client_id is None or code not in REPLICATION_CODES:
        return 400, {"error": f"client_id and a code in {REPLICATION_CODES} are required"}
    until = time.monotonic() + float(request.body.get("seconds", 0))
    with request.lab.knobs.lock:
        request.lab.knobs.not_replicated_until[client_id] = (until, code)
    return 204, None


@route("POST", "/_lab/refuse")
def refuse(request: Request) -> answers.Answer:
    """{"client_id", "code", "status"?, "error"?, "text"?}: refuse every token
    request of that client with that AADSTS code; without "code", stop refusing."""
    client_id = _client(request)
    if client_id is None:
        return 400, {"error": "client_id is required"}
    with request.lab.knobs.lock:
        if request.body.get("code") is None:
            request.lab.knobs.refusals.pop(client_id, None)
        else:
            request.lab.knobs.refusals[client_id] = dict(request.body)
    return 204, None


@route("POST", "/_lab/lacking-permissions")
def lacking_permissions(request: Request) -> answers.Answer:
    """{"client_id", "permissions": [...]}: Graph answers as if that client had not
    been granted these permissions (an empty list gives them back)."""
    client_id, permissions = _client(request), request.body.get("permissions")
    if client_id is None or not isinstance(permissions, list):
        return 400, {"error": "client_id and permissions (a list) are required"}
    with request.lab.knobs.lock:
        request.lab.knobs.lacking[client_id] = set(map(str, permissions))
    return 204, None


@route("POST", "/_lab/clock")
def clock(request: Request) -> answers.Answer:
    """{"now": "2027-06-01T00:00:00Z"}: the tenant's clock reads that time from now on
    (and runs on), as a program under libfaketime sees it; {"now": null}: the real clock."""
    wanted = request.body.get("now")
    try:
        moment = parse_time(wanted) if wanted else None
    except (TypeError, ValueError):
        return 400, {"error": f"now: expected an ISO 8601 time, got {wanted!r}"}
    with request.lab.knobs.lock:
        offset = moment - datetime.now(UTC) if moment else timedelta(0)
        request.lab.knobs.clock_offset = offset
    return 204, None


@route("GET", "/_lab/knobs")
def show(request: Request) -> answers.Answer:
    knobs = request.lab.knobs
    with knobs.lock:
        return 200, {
            "not_replicated": {c: code for c, (_, code) in knobs.not_replicated_until.items()},
            "refusals": dict(knobs.refusals),
            "lacking_permissions": {c: sorted(p) for c, p in knobs.lacking.items()},
            "now": request.lab.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


ROUTES = [not_replicated, refuse, lacking_permissions, clock, show]
