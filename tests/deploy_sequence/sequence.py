"""Running the program deploy after deploy, and what must hold of each deploy."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from components.assignment_reader import AssignmentReader
from tools import offline
from tools.offline import PlaceholderCloud, ProgramRun

from . import facts
from .engine import Deployment, State, World, deploy
from .fixtures import DEPLOYER, TENANT


def run(
    config: Mapping[str, Any],
    now: datetime,
    *,
    stack: str = "sequence",
    stack_file: bool = False,
    cloud: PlaceholderCloud | None = None,
    preview: bool = False,
    assignments: AssignmentReader | None = None,
) -> tuple[ProgramRun, dict[str, str]]:
    """One run of `__main__.py` under the mock engine: a fixture's config
    (`stack_file=False`) or a stack file's, and the config as the CLI hands it over."""
    full = offline.stack_config(stack, overrides=config, read_stack_file=stack_file)
    cloud = cloud or PlaceholderCloud(tenant_id=TENANT, deployer_object_id=DEPLOYER)
    program = offline.run_program(
        stack,
        now=now,
        overrides=config,
        cloud=cloud,
        preview=preview,
        read_stack_file=stack_file,
        assignments=assignments,
    )
    return program, full


def up(
    state: State,
    config: Mapping[str, Any],
    now: datetime,
    *,
    world: World | None = None,
    preview: bool = False,
    **kw: Any,
) -> Deployment:
    program, full = run(config, now, preview=preview, **kw)
    return deploy(state, program, config=full, preview=preview, world=world)


# --- what must hold of every deploy -------------------------------------------------


def secret_value(resource: Any) -> str | None:
    data = resource.inputs.get("stringData") or {}
    return data.get("client_secret")


def problems(before: State, deployment: Deployment) -> list[str]:
    """Broken promises: the Secret deleted or replaced, a protected resource
    replaced or deleted, a credential deleted while the Secret points at it."""
    found = list(deployment.errors)
    for step in deployment.steps:
        if step.type == facts.KUBERNETES_SECRET and step.op in ("replace", "delete"):
            found.append(f"the Kubernetes Secret is {step.op}d ({', '.join(step.reasons)})")
        old = before.resources.get(step.urn)
        if step.op in ("replace", "delete") and old is not None and old.protect:
            found.append(f"protected {step.urn} is {step.op}d")
    # What each Secret (every cluster's) holds, as the operations go.
    pointed = {r.urn: secret_value(r) for r in before.of_type(facts.KUBERNETES_SECRET)}
    for operation in deployment.operations:
        resource = operation.resource
        if resource.type == facts.KUBERNETES_SECRET:
            pointed[resource.urn] = None if operation.action == "delete" else secret_value(resource)
        elif (
            resource.type == facts.APPLICATION_PASSWORD
            and operation.action == "delete"
            and resource.outputs.get("value") in pointed.values()
        ):
            found.append(f"{resource.urn} is deleted while a Secret holds it")
    return found


def replaced_credentials(deployment: Deployment) -> int:
    return len(deployment.ops("replace", facts.APPLICATION_PASSWORD))
