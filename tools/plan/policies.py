"""The policy pack's verdict on a planned stack: the same policies, fed what a
deploy would feed them, so that the plan and `pulumi preview --policy-pack
policy` agree."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from components import clock

from .. import offline

LEVELS = ("advisory", "mandatory", "remediate", "disabled")


class PackConfigError(ValueError):
    """The --policy-pack-config file is not what `pulumi preview` accepts."""


@dataclass(frozen=True)
class Violation:
    policy: str
    resource: str
    message: str

    @property
    def line(self) -> str:
        where = f" ({self.resource})" if self.resource else ""
        return f"policy {self.policy}{where}: {self.message}"

    def as_problem(self) -> dict[str, Any]:
        return {
            "source": "policy",
            "policy": self.policy,
            "resource": self.resource,
            "message": self.message,
        }


@dataclass
class Verdict:
    violations: list[Violation] = field(default_factory=list)
    """Mandatory policies the deploy would stop at."""
    advisories: list[Violation] = field(default_factory=list)


def read_pack_config(path: Path | None) -> dict[str, Any]:
    """A JSON object keyed by policy name, as `--policy-pack-config` takes it:
    a level ("disabled", ...) or an object of settings and `enforcementLevel`."""
    if path is None:
        return {}
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackConfigError(f"{path}: cannot be read as JSON: {error}") from None
    if not isinstance(document, dict):
        raise PackConfigError(f"{path}: must be a JSON object keyed by policy name")
    return document


def _level(policy: Any, entry: Any) -> str:
    chosen = entry if isinstance(entry, str) else (entry or {}).get("enforcementLevel")
    return str(chosen or policy.enforcement_level.value)


def judge(
    run: offline.ProgramRun,
    *,
    now: datetime,
    stack_config: Mapping[str, str],
    pack_config: dict[str, Any],
) -> Verdict:
    from policy.harness import evaluate
    from policy.pack import POLICIES

    settings = {
        name: {k: v for k, v in entry.items() if k != "enforcementLevel"}
        for name, entry in pack_config.items()
        if isinstance(entry, dict)
    }
    policies = [p for p in POLICIES if _level(p, pack_config.get(p.name)) != "disabled"]
    # The policies read the clock a deploy at `now` would.
    with clock.use_clock(clock.fixed_clock(now)):
        findings = evaluate(
            run.registrations, policies=policies, config=settings, stack_config=stack_config
        )
    verdict = Verdict()
    by_name = {p.name: p for p in policies}
    for finding in findings:
        violation = Violation(finding.policy, finding.resource, finding.message)
        level = _level(by_name[finding.policy], pack_config.get(finding.policy))
        (verdict.violations if level == "mandatory" else verdict.advisories).append(violation)
    return verdict
