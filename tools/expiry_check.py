"""Is the client secret in the Kubernetes Secret as far from expiry as rotation guarantees?

Run by the scheduled rotation before and after its deploy:

    uv run pomerium-azure-ad expiry-check --stack prod --when before \\
        --expires-at "$(pulumi stack output client_secret_expires_at --stack prod)"

Exit status 0 when the credential has at least the guaranteed time left, 1 when it has
less, 2 on bad input. The failed run is the alert: under GitHub Actions
(GITHUB_ACTIONS=true, which the runner sets) problems are `::error` workflow commands on
stdout; at a terminal they are plain `error:` lines on stderr. No Pulumi import at module
level: reading the stack file is the only use of the offline runner's config loader.

What rotation.py guarantees for a rotation period of N days:
- after a deploy, the Secret holds the current period's credential, with more than
  credential_lifetime_days(N) - N = 2N - 7 days left;
- before a deploy, the Secret holds what the last deploy wrote; with deploys at least
  every DEPLOY_INTERVAL_DAYS days that is at least 2N - 7 - DEPLOY_INTERVAL_DAYS days,
  less SCHEDULE_GRACE for a scheduled run that starts late.
Less than that means a deploy was missed or failed, or the clock or end date is wrong.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from components import clock, rotation
from components.settings import PROJECT

from .stack_choice import StackChoiceError, check_stack

# GitHub starts scheduled runs late under load (minutes, sometimes hours).
SCHEDULE_GRACE = timedelta(days=1)
ROTATION_DAYS_KEY = f"{PROJECT}:clientSecretRotationDays"


class When(StrEnum):
    BEFORE = "before"
    AFTER = "after"


def required_remaining(rotation_days: int, when: When) -> timedelta:
    """The least time to expiry that the rotation guarantees at `when`."""
    after = timedelta(days=rotation.credential_lifetime_days(rotation_days) - rotation_days)
    if when is When.AFTER:
        return after
    return after - timedelta(days=rotation.DEPLOY_INTERVAL_DAYS) - SCHEDULE_GRACE


@dataclass(frozen=True)
class ExpiryCheck:
    stack: str
    when: When
    expires_at: datetime
    now: datetime
    rotation_days: int

    @property
    def remaining(self) -> timedelta:
        return self.expires_at - self.now

    @property
    def required(self) -> timedelta:
        return required_remaining(self.rotation_days, self.when)

    @property
    def ok(self) -> bool:
        return self.remaining >= self.required

    def message(self) -> str:
        days = self.remaining / timedelta(days=1)
        needed = self.required / timedelta(days=1)
        at = rotation.format_graph_date(self.expires_at)
        when = (
            f"expires at {at}, {days:.1f} days from now"
            if days >= 0
            else f"expired at {at}, {-days:.1f} days ago"
        )
        head = (
            f"stack {self.stack}, {self.when.value} rotation: the client secret in the "
            f"Kubernetes Secret {when}"
        )
        if self.ok:
            return f"{head}; at least {needed:.1f} days are guaranteed: OK"
        cause = (
            "the last deploys were missed or failed"
            if self.when is When.BEFORE
            else "this deploy did not put the current period's credential in the Secret"
        )
        return (
            f"{head}, but clientSecretRotationDays={self.rotation_days} guarantees at least "
            f"{needed:.1f} days ({cause}). Run the rotation or a deploy of this stack now, "
            "and check that Pomerium still signs users in."
        )


def parse_expiry(text: str) -> datetime:
    """`client_secret_expires_at` (RFC 3339) as an aware datetime; ValueError if not."""
    value = text.strip()
    if not value:
        raise ValueError(
            "client_secret_expires_at is empty: the stack has no such output (deploy it first)"
        )
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"client_secret_expires_at {value!r} is not a date and time such as "
            "2027-01-18T00:00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(f"client_secret_expires_at has no time zone: {value!r}")
    return moment.astimezone(UTC)


def stack_rotation_days(stack: str, project_dir: Path | None = None) -> int:
    """clientSecretRotationDays of a stack file, with Pulumi.yaml's default;
    StackChoiceError (a ValueError) for a stack this project has no valid file for."""
    try:
        return int(check_stack(stack, project_dir)[ROTATION_DAYS_KEY])
    except StackChoiceError as error:
        raise StackChoiceError(
            f"{error}: is this the commit the stack was deployed from?"
        ) from None


def report(title: str, message: str, *, ok: bool = False) -> None:
    """To Actions as a workflow command when run by Actions; to a person as plain text."""
    if ok:
        print(message)
    elif os.environ.get("GITHUB_ACTIONS") == "true":
        # Workflow commands are read from stdout (GitHub docs, "Workflow commands").
        print(f"::error title={title}::{message}")
    else:
        print(f"error: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None, *, now: datetime | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pomerium-azure-ad expiry-check", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--stack", required=True, help="stack name (stacks/Pulumi.<stack>.yaml)")
    parser.add_argument("--when", required=True, choices=[w.value for w in When])
    parser.add_argument(
        "--expires-at", required=True, help="the stack's client_secret_expires_at output"
    )
    parser.add_argument("--project-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        expires_at = parse_expiry(args.expires_at)
        days = stack_rotation_days(args.stack, args.project_dir)
    except ValueError as error:
        report("Client secret expiry check", f"stack {args.stack}: {error}")
        return 2
    check = ExpiryCheck(
        stack=args.stack,
        when=When(args.when),
        expires_at=expires_at,
        now=now or clock.current().now(),
        rotation_days=days,
    )
    report("Client secret close to expiry", check.message(), ok=check.ok)
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main())
