"""Run each stack's program offline, in this one process, and collect its plan
or the errors a deploy would report."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pulumi

from components import policy_reader
from components.settings import (
    ENVIRONMENT_KEY,
    OPTIONS,
    PROJECT,
    ConfigError,
    args_from_config,
    settings_from_args,
)

from .. import cli_config, offline, permissions, stack_secrets
from . import placeholders, policies
from .redact import secret_values
from .summary import StackPlan, summarize

TENANT_KEY = "azuread:tenantId"
NO_CONFIG = (
    "sets no config (the file is empty, or has no `config:` mapping): a stack needs at least "
    f"{PROJECT}:authenticateServiceUrl, or {PROJECT}:clusters (README, Configuration)"
)
ROTATION_KEY = f"{PROJECT}:clientSecretRotationDays"
DEPLOYER_KEY = f"{PROJECT}:deployerObjectId"


@dataclass
class StackResult:
    stack: str
    plan: StackPlan | None = None
    errors: list[str] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    """The errors one by one, each naming its key, policy or file (for --json)."""
    warnings: list[str] = field(default_factory=list)
    encrypted: list[str] = field(default_factory=list)
    """Keys the stack file sets encrypted (`secure:`): a deploy decrypts them."""
    run: offline.ProgramRun | None = None
    """The run with placeholder tokens in place of cloud-assigned ids."""
    secrets: set[str] = field(default_factory=set)
    """Secret values of the run: never to be printed or written."""

    @property
    def ok(self) -> bool:
        return not self.errors


def advice(stack: str, project_dir: Path, overrides: dict[str, Any] | None) -> list[str]:
    """Warnings about settings a deploy accepts but that may not do what was meant."""
    values = dict(cli_config.read_stack_config(offline.stack_file(stack, project_dir)))
    values.update(overrides or {})
    assignment = values.get(f"{PROJECT}:assignmentRequired")
    if assignment in (False, "false") and values.get(f"{PROJECT}:allowedGroups"):
        return [
            f"{PROJECT}:assignmentRequired is false, but {PROJECT}:allowedGroups turns "
            "assignment on: only assigned users (through those groups) can sign in"
        ]
    return []


def _pulumi_problem(path: str, message: str) -> dict[str, Any]:
    found = re.search(r"configuration (?:key|value) '([^']+)'", message)
    return {
        "source": "pulumi",
        "file": path,
        "key": found[1] if found else None,
        "message": message,
    }


def check_settings(stack: str, config: dict[str, str]) -> Any:
    """The program's own checks of its config (settings.args_from_config), as
    __main__.py makes them: ConfigError names every wrong key."""
    raw = {
        option.key: config[f"{PROJECT}:{option.key}"]
        for option in OPTIONS
        if f"{PROJECT}:{option.key}" in config
    }
    environment = config.get(ENVIRONMENT_KEY) or os.environ.get("ARM_ENVIRONMENT")
    return args_from_config(
        raw, environment=environment, tenant_id=config.get(TENANT_KEY), stack=stack, keys=config
    )


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


class _Stop(Exception):
    """The stack is invalid: its result says why."""


def _checked_config(
    result: StackResult, project_dir: Path, overrides: dict[str, Any] | None
) -> tuple[dict[str, str], Any]:
    """The config as the CLI hands it over and the program's arguments, or _Stop
    with every problem in `result`: plaintext credentials, then the CLI's or the
    program's."""
    stack = result.stack
    try:
        result.warnings = advice(stack, project_dir, overrides)
        values = offline.stack_values(stack, project_dir, overrides=overrides)
        path = offline.stack_file(stack, project_dir)
        if not values:
            raise offline.StackConfigError(path, [NO_CONFIG])
        credentials = stack_secrets.review(values)
        result.encrypted = credentials.encrypted
        if credentials.problems:
            _refuse(result, offline.StackConfigError(path, credentials.problems))
        config = offline.stack_config(stack, project_dir, overrides=overrides)
        args = check_settings(stack, config)
    except offline.StackConfigError as error:
        _refuse(result, error)
    except ConfigError as error:
        result.errors.append(str(error))
        result.problems += [
            {"source": "program", "key": p.key, "expected": p.expects, "got": p.got}
            for p in error.problems
        ]
    if result.errors:
        raise _Stop
    return config, args


def _refuse(result: StackResult, error: offline.StackConfigError) -> None:
    result.errors.append(str(error))
    result.problems += [_pulumi_problem(error.path, p) for p in error.problems]


def _run(result: StackResult, cloud: offline.PlaceholderCloud, **kwargs: Any) -> offline.ProgramRun:
    try:
        return offline.run_program(result.stack, cloud=cloud, **kwargs)
    except Exception as error:  # the program itself failed: report it, plan the others
        text = (
            str(error)
            if isinstance(error, pulumi.RunError)
            else f"the program failed: {type(error).__name__}: {error}"
        )
        result.errors.append(text)
        result.problems.append({"source": "program", "message": text})
        raise _Stop from None


def plan_stack(
    stack: str,
    *,
    now: datetime,
    project_dir: Path = offline.PROJECT_DIR,
    overrides: dict[str, Any] | None = None,
    client_secret: str | None = None,
    pack_config: dict[str, Any] | None = None,
    reader: policy_reader.PolicyReader | None = None,
) -> StackResult:
    """Plan one stack. Errors are those a deploy would stop at: the CLI's checks of
    the stack file against Pulumi.yaml, the program's own, then the policy pack's."""
    result = StackResult(stack)
    try:
        config, args = _checked_config(result, project_dir, overrides)
        tenant = config.get(TENANT_KEY)
        cloud = offline.PlaceholderCloud(
            tenant_id=tenant,
            # The plan deploys as the identity the stack names, if it names one: a
            # placeholder identity would be "not the configured one" in every plan.
            deployer_object_id=config.get(DEPLOYER_KEY, "").lower() or None,
            client_secret=client_secret or offline.PLACEHOLDER_CLIENT_SECRET,
        )
        run = _run(
            result, cloud, now=now, project_dir=project_dir, overrides=overrides, reader=reader
        )
    except _Stop:
        return result
    verdict = policies.judge(run, now=now, stack_config=config, pack_config=pack_config or {})
    result.errors += [f.line for f in verdict.violations]
    result.problems += [f.as_problem() for f in verdict.violations]
    result.warnings += [f.line for f in verdict.advisories]
    result.secrets = secret_values(run, cloud)
    tokens = placeholders.placeholder_values(
        run, cloud, tenant_pinned=tenant is not None, deployer_known=bool(config.get(DEPLOYER_KEY))
    )
    result.run = _with_tokens(run, tokens)
    result.plan = summarize(result.run, now=now, rotation_days=int(config[ROTATION_KEY]))
    result.plan.deploy_identity = [
        dataclasses.asdict(need)
        for need in permissions.deployer_needs(settings_from_args(args, stack=stack))
    ]
    shown = json.dumps(dataclasses.asdict(result.plan))
    result.plan.placeholders = {
        token: meaning for token, meaning in placeholders.legend(tokens).items() if token in shown
    }
    return result


def plan_stacks(
    stacks: list[str], *, now: datetime, project_dir: Path = offline.PROJECT_DIR, **kwargs: Any
) -> list[StackResult]:
    return [plan_stack(stack, now=now, project_dir=project_dir, **kwargs) for stack in stacks]
