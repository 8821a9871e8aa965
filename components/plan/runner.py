"""Run each stack's program offline, in this one process, and collect its plan
or the errors a deploy would report."""

from __future__ import annotations

import dataclasses
import difflib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pulumi
import yaml

from .. import offline
from ..settings import PROJECT
from . import placeholders
from .redact import secret_values
from .summary import StackPlan, summarize

TENANT_KEY = "azuread:tenantId"
ROTATION_KEY = f"{PROJECT}:clientSecretRotationDays"


@dataclass
class StackResult:
    stack: str
    plan: StackPlan | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    run: offline.ProgramRun | None = None
    """The run with placeholder tokens in place of cloud-assigned ids."""
    secrets: set[str] = field(default_factory=set)
    """Secret values of the run: never to be printed or written."""

    @property
    def ok(self) -> bool:
        return not self.errors


def undeclared_keys(stack: str, project_dir: Path, overrides: dict[str, Any] | None) -> list[str]:
    """Warnings for stack keys in the project's namespace that Pulumi.yaml does not
    declare: a deploy ignores them silently, which is how typos go unnoticed."""
    project = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    declared = list(project.get("config", {}))
    stack_file = project_dir / project.get("stackConfigDir", ".") / f"Pulumi.{stack}.yaml"
    values = dict((yaml.safe_load(stack_file.read_text()) or {}).get("config") or {})
    values.update(overrides or {})
    warnings = []
    for full_key in values:
        namespace, _, key = full_key.partition(":")
        if namespace == project["name"] and key not in declared:
            close = difflib.get_close_matches(key, declared, n=1)
            hint = f"; did you mean {namespace}:{close[0]}?" if close else ""
            warnings.append(
                f"{full_key} is not declared in Pulumi.yaml, so a deploy ignores it{hint}"
            )
    return warnings


def _with_tokens(run: offline.ProgramRun, tokens: dict[str, str]) -> offline.ProgramRun:
    sub = placeholders.substitute
    return dataclasses.replace(
        run,
        registrations=[
            dataclasses.replace(r, inputs=sub(r.inputs, tokens), state=sub(r.state, tokens))
            for r in run.registrations
        ],
        outputs={
            name: dataclasses.replace(output, value=sub(output.value, tokens))
            for name, output in run.outputs.items()
        },
    )


def plan_stack(
    stack: str,
    *,
    now: datetime,
    project_dir: Path = offline.PROJECT_DIR,
    overrides: dict[str, Any] | None = None,
    client_secret: str | None = None,
) -> StackResult:
    """Plan one stack. Errors are those a deploy would stop at: first the CLI's
    checks of the stack file against Pulumi.yaml, then the program's own."""
    result = StackResult(stack)
    try:
        result.warnings = undeclared_keys(stack, project_dir, overrides)
        config = offline.stack_config(stack, project_dir, overrides=overrides)
    except (offline.StackConfigError, yaml.YAMLError, OSError) as error:
        result.errors.append(str(error))
        return result
    tenant = config.get(TENANT_KEY)
    cloud = offline.PlaceholderCloud(
        tenant_id=tenant, client_secret=client_secret or offline.PLACEHOLDER_CLIENT_SECRET
    )
    try:
        run = offline.run_program(
            stack, now=now, project_dir=project_dir, overrides=overrides, cloud=cloud
        )
    except pulumi.RunError as error:
        result.errors.append(str(error))
        return result
    except Exception as error:  # the program itself failed: report it, plan the others
        result.errors.append(f"the program failed: {type(error).__name__}: {error}")
        return result
    result.secrets = secret_values(run, cloud)
    tokens = placeholders.placeholder_values(run, cloud, tenant_pinned=tenant is not None)
    result.run = _with_tokens(run, tokens)
    result.plan = summarize(result.run, now=now, rotation_days=int(config[ROTATION_KEY]))
    shown = json.dumps(dataclasses.asdict(result.plan))
    result.plan.placeholders = {
        token: meaning for token, meaning in placeholders.legend(tokens).items() if token in shown
    }
    return result


def plan_stacks(
    stacks: list[str], *, now: datetime, project_dir: Path = offline.PROJECT_DIR, **kwargs: Any
) -> list[StackResult]:
    return [plan_stack(stack, now=now, project_dir=project_dir, **kwargs) for stack in stacks]
