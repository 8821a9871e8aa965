"""Run the Pulumi program offline, under Pulumi's own mock engine.

The program (`__main__.py`) runs for real; only the answers that the cloud
would give (ids, the tenant, the deployer, a new client secret's value) are
stubbed with placeholders. Used by the tests and by the offline plan.

Before the program runs, the stack's config is prepared as the Pulumi CLI
prepares it: stack-file values are type-checked against Pulumi.yaml's declared
types, declared defaults fill unset keys, and values reach the program as
strings (lists as JSON).
"""

from __future__ import annotations

import json
import logging
import runpy
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from components import assignment_reader, clock, policy_reader
from components.rotation import format_graph_date
from components.settings import PROJECT

from . import cli_config, stack_secrets

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Marks every value that only the cloud knows: ids, the tenant, the deployer.
PLACEHOLDER_NAMESPACE = uuid.UUID("5b0b6c5e-6a59-4d0c-9f51-0c6f6e1d2a10")
PLACEHOLDER_CLIENT_SECRET = "placeholder-client-secret"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def placeholder_id(*parts: str) -> str:
    """A stable GUID standing in for an id the cloud would assign."""
    return str(uuid.uuid5(PLACEHOLDER_NAMESPACE, "/".join(parts)))


# The offline plan reads no tenant: the app management policy check is a deploy's.
OFFLINE_POLICY = policy_reader.offline_reader(
    "checked at deploy time, against the tenant's policy (the offline plan reads none; "
    "`plan --app-management-policy FILE` plans against one)"
)
# Nor an adopted enterprise application's group assignments, which a deploy reads.
OFFLINE_ASSIGNMENTS = assignment_reader.offline_reader("the offline plan reads no tenant")


# --- the stack's config, as the CLI hands it to the program -------------------


# The CLI would refuse the stack file before running the program.
StackConfigError = cli_config.StackFileError


def read_project(project_dir: Path = PROJECT_DIR) -> dict[str, Any]:
    project = cli_config.read_yaml(project_dir / "Pulumi.yaml")
    if not isinstance(project, dict) or "name" not in project:
        raise StackConfigError(project_dir / "Pulumi.yaml", ["is not a Pulumi project file"])
    return project


def stack_file(stack: str, project_dir: Path = PROJECT_DIR) -> Path:
    project = read_project(project_dir)
    return project_dir / project.get("stackConfigDir", ".") / f"Pulumi.{stack}.yaml"


def stack_config(
    stack: str,
    project_dir: Path = PROJECT_DIR,
    *,
    overrides: Mapping[str, Any] | None = None,
    read_stack_file: bool = True,
) -> dict[str, str]:
    """Full config keys ("ns:key") to strings, as the CLI hands them to the
    program (cli_config.py); `read_stack_file=False`: the overrides are the whole
    stack file. StackConfigError names the file and every key the CLI refuses."""
    project = read_project(project_dir)
    path = stack_file(stack, project_dir)
    values = stack_values(stack, project_dir, overrides=overrides, read_stack_file=read_stack_file)
    # The CLI decrypts `secure:` values; this runner cannot. The program needs none of
    # the providers' credentials, and no setting of this project is a secret.
    encrypted = [k for k, v in values.items() if stack_secrets.is_encrypted(v)]
    mine = [k for k in encrypted if cli_config.project_keys(project, k)[0] == project["name"]]
    result = cli_config.apply_project_config(
        project, stack, {k: v for k, v in values.items() if k not in encrypted}
    )
    result.problems += [
        f"{key} is encrypted (secure:), but no setting of this project is a secret, and the "
        "offline plan cannot decrypt it: set it in plain text"
        for key in mine
    ]
    if result.problems:
        raise StackConfigError(path, result.problems)
    return result.values


def stack_values(
    stack: str,
    project_dir: Path = PROJECT_DIR,
    *,
    overrides: Mapping[str, Any] | None = None,
    read_stack_file: bool = True,
) -> dict[str, Any]:
    """The stack file's `config:` as written (full or short keys to values), with overrides."""
    path = stack_file(stack, project_dir)
    values: dict[str, Any] = {}
    if read_stack_file and path.exists():
        values.update(cli_config.read_stack_config(path))
    values.update(overrides or {})
    return values


def stack_names(project_dir: Path = PROJECT_DIR) -> list[str]:
    project = read_project(project_dir)
    stack_dir = project_dir / project.get("stackConfigDir", ".")
    return sorted(
        p.name.removeprefix("Pulumi.").removesuffix(".yaml")
        for p in stack_dir.glob("Pulumi.*.yaml")
    )


# --- the placeholder cloud -------------------------------------------------------


@dataclass
class Registration:
    """One resource as the program registered it."""

    type: str
    name: str
    inputs: dict[str, Any]
    state: dict[str, Any]
    protect: bool
    parent: str
    import_id: str
    secret_inputs: frozenset[str]
    """Top-level inputs that reached the engine as Pulumi secrets."""
    urn: str = ""
    provider: str = ""
    """The explicit provider reference (`urn::id`), or "" for the default provider."""
    custom: bool = True
    """False for a component resource."""
    delete_before_replace: bool = False
    retain_on_delete: bool = False
    aliases: tuple[str, ...] = ()
    """URNs this resource was known by (the alias specs' URNs)."""
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)
    """The state the mock returned, as plain values (secrets unwrapped)."""


@dataclass
class Invoke:
    token: str
    args: dict[str, Any]


class PlaceholderCloud(pulumi.runtime.Mocks):
    """Answers what Azure AD would, with placeholder ids (stable per name)."""

    def __init__(
        self,
        *,
        tenant_id: str | None = None,
        deployer_object_id: str | None = None,
        client_secret: str = PLACEHOLDER_CLIENT_SECRET,
        now: datetime | None = None,
        answers: Mapping[str, dict[str, Any]] | None = None,
    ) -> None:
        """`answers`: what further invokes return, by function name (e.g.
        "getApplication"), for looking up things that already exist."""
        self.tenant_id = tenant_id or placeholder_id("tenant")
        self.deployer_object_id = deployer_object_id or placeholder_id("deployer")
        self.client_secret = client_secret
        self.now = now
        self.invokes: list[Invoke] = []
        self.answers = dict(answers or {})

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        state = dict(args.inputs)
        # An imported resource keeps the id it was imported with.
        imported = (args.resource_id or "").rsplit("/", 1)[-1]
        object_id = imported or placeholder_id(args.typ, args.name)
        if "owners" in state:
            # Graph returns object ids in lowercase, whatever case they were sent in.
            state["owners"] = [str(owner).lower() for owner in state["owners"]]
        match args.typ.split(":")[-1]:
            case "Application":
                state |= {"clientId": placeholder_id("client", args.name), "objectId": object_id}
                return f"/applications/{object_id}", state
            case "ServicePrincipal":
                state |= {"objectId": object_id, "applicationTenantId": self.tenant_id}
                return object_id, state
            case "ApplicationPassword":
                started = self.now or clock.current().now()
                key_id = placeholder_id(args.typ, args.name, str(args.inputs.get("endDate")))
                state |= {
                    "keyId": key_id,
                    "startDate": format_graph_date(started),
                    # One value per credential, as Entra ID makes them: a replaced
                    # credential has a new value.
                    "value": pulumi.Output.secret(f"{self.client_secret}-{key_id}"),
                }
                return f"{args.inputs.get('applicationId')}/password/{key_id}", state
            case "Secret":
                metadata = args.inputs.get("metadata", {})
                return f"{metadata.get('namespace')}/{metadata.get('name')}", state
        return object_id, state

    def call(
        self, args: pulumi.runtime.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        self.invokes.append(Invoke(args.token, dict(args.args)))
        return self._answer(args), []

    def _answer(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        function = args.token.split(":")[-1]
        if function in self.answers:
            return self.answers[function]
        match args.token.split("/")[-1]:
            case "getClientConfig:getClientConfig":
                return {
                    "tenantId": self.tenant_id,
                    "clientId": placeholder_id("deployer-client"),
                    "objectId": self.deployer_object_id,
                }
            case "getServicePrincipal:getServicePrincipal":
                client_id = args.args.get("clientId", "")
                return {
                    "objectId": placeholder_id("service-principal", client_id),
                    "clientId": client_id,
                }
        return {}


class RecordingMonitor(pulumi_mocks.MockMonitor):
    """The mock engine's monitor, also keeping each registration's options and
    which inputs arrived as secrets."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.registrations: list[Registration] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            raw = json.loads(json.dumps(_struct_to_python(request.object)))
            secret_inputs = frozenset(key for key, value in raw.items() if _is_secret_value(value))
            registered = self.resources.get(response.urn)
            self.registrations.append(
                Registration(
                    type=request.type,
                    name=request.name,
                    inputs=_unwrap_secrets(raw),
                    state=dict(registered.state) if registered else {},
                    protect=bool(request.protect),
                    parent=request.parent,
                    import_id=request.importId,
                    secret_inputs=secret_inputs,
                    urn=response.urn,
                    provider=request.provider,
                    custom=bool(request.custom),
                    delete_before_replace=bool(request.deleteBeforeReplace),
                    retain_on_delete=bool(request.retainOnDelete),
                    aliases=tuple(_alias_urns(request, response.urn)),
                    id=registered.id if registered and registered.id else "",
                    outputs=_unwrap_secrets(_struct_to_python(response.object)),
                )
            )
        return response


def _alias_urns(request: Any, urn: str) -> Iterator[str]:
    """The URNs a registration's aliases name (a spec's parts default to the
    resource's own, as the engine resolves them)."""
    prefix, _, rest = urn.partition("::")
    project, chain, name = rest.split("::", 2)[0], *urn.split("::")[2:4]
    for alias in request.aliases:
        if alias.HasField("urn"):
            yield alias.urn
            continue
        spec = alias.spec
        own_type = chain.rsplit("$", 1)[-1]
        parents = chain.rsplit("$", 1)[0] if "$" in chain else ""
        if spec.noParent:
            parents = ""
        elif spec.parentUrn:
            parents = spec.parentUrn.split("::")[2]
        alias_chain = "$".join(p for p in (parents, spec.type or own_type) if p)
        stack = spec.stack or prefix.split(":")[-1]
        yield f"urn:pulumi:{stack}::{spec.project or project}::{alias_chain}::{spec.name or name}"


def _struct_to_python(struct: Any) -> Any:
    from google.protobuf import json_format

    return json_format.MessageToDict(struct)


def _is_secret_value(value: Any) -> bool:
    return isinstance(value, dict) and value.get("4dabf18193072939515e22adb298388d") == _SECRET_SIG


def _unwrap_secrets(value: Any) -> Any:
    if _is_secret_value(value):
        return _unwrap_secrets(value.get("value"))
    if isinstance(value, dict):
        return {k: _unwrap_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap_secrets(v) for v in value]
    return value


# --- running the program --------------------------------------------------------


@dataclass
class StackOutput:
    value: Any
    known: bool
    secret: bool


@dataclass
class ProgramRun:
    stack: str
    registrations: list[Registration]
    invokes: list[Invoke]
    outputs: dict[str, StackOutput]
    logs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What the program logged at warning level or above (also in `logs`)."""

    def of_type(self, suffix: str) -> list[Registration]:
        """Registrations whose type token ends with `suffix` (e.g. ":Application")."""
        return [r for r in self.registrations if r.type.endswith(suffix)]

    def one(self, suffix: str) -> Registration:
        found = self.of_type(suffix)
        if len(found) != 1:
            raise AssertionError(f"expected one {suffix}, found {len(found)}")
        return found[0]


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
        if record.levelno >= logging.WARNING:
            self.warnings.append(record.getMessage())


async def _resolve(output: Any) -> StackOutput:
    out = pulumi.Output.from_input(output)
    return StackOutput(
        value=await out.future(with_unknowns=True),
        known=await out.is_known(),
        secret=await out.is_secret(),
    )


def run(
    func: Any,
    *,
    stack: str,
    config: Mapping[str, str],
    now: datetime,
    cloud: pulumi.runtime.Mocks | None = None,
    project: str = PROJECT,
    preview: bool = False,
    secret_keys: list[str] | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    record: list[Registration] | None = None,
    reader: policy_reader.PolicyReader | None = None,
    assignments: assignment_reader.AssignmentReader | None = None,
) -> ProgramRun:
    """Run `func` (a Pulumi program) once under the mock engine, at `now`.

    `sleep` replaces the clock's waits (default: return at once); registrations
    are also appended to `record`, which keeps them when the program fails;
    `reader` answers for the tenant's app management policy, `assignments` for an adopted
    enterprise application's group assignments (default: none read)."""
    cloud = cloud or PlaceholderCloud()
    handler = _ListHandler()
    logger = _logger(stack, handler)
    # A fresh root stack resource for every run in this process.
    pulumi_settings.ROOT.set(None)
    pulumi.runtime.set_all_config(dict(config), secret_keys or [])
    monitor = RecordingMonitor(cloud)
    if record is not None:
        monitor.registrations = record
    pulumi.runtime.set_mocks(
        cloud, project=project, stack=stack, preview=preview, logger=logger, monitor=monitor
    )
    _forget_outputs_of_earlier_runs()
    _ensure_event_loop().set_exception_handler(_quiet_about_unretrieved_errors)
    from pulumi.runtime.stack import run_pulumi_func

    stopped = clock.fixed_clock(now)
    if sleep is not None:
        stopped = clock.Clock(now=stopped.now, sleep=sleep)
    with (
        clock.use_clock(stopped),
        policy_reader.use_reader(reader or OFFLINE_POLICY),
        assignment_reader.use_reader(assignments or OFFLINE_ASSIGNMENTS),
        _without_source_positions(),
    ):
        _sync_await(run_pulumi_func(func))
        root = pulumi_settings.get_root_resource()
        raw_outputs: dict[str, Any] = dict(getattr(root, "outputs", {}))
        outputs = {name: _sync_await(_resolve(value)) for name, value in raw_outputs.items()}
    return ProgramRun(
        stack=stack,
        registrations=monitor.registrations,
        invokes=getattr(cloud, "invokes", []),
        outputs=outputs,
        logs=handler.messages,
        warnings=handler.warnings,
    )


def _forget_outputs_of_earlier_runs() -> None:
    """Outputs an earlier run in this process left tracked: set_mocks keeps them
    (pulumi/runtime/mocks.py MockSettings sets no `outputs`), so a run that failed would
    fail the next one with its error (pulumi/runtime/stack.py wait_for_rpcs). Their errors
    are marked retrieved (the run that made them has failed already): asyncio reports an
    unretrieved one when it is collected, at any later moment."""
    for leftover in pulumi_settings.SETTINGS.outputs:
        if leftover.done() and not leftover.cancelled():
            leftover.exception()
    pulumi_settings.SETTINGS.outputs = set()


def _quiet_about_unretrieved_errors(loop: Any, context: dict[str, Any]) -> None:
    """A failed run leaves futures whose error nobody retrieves (the outputs of a resource
    whose registration failed); the run has raised that error already. asyncio reports each
    when the garbage collector frees it, from wherever the collector runs. Its logging, run
    from inside an `ast.parse` (pytest rewriting a module being imported), parses another
    module, and Python 3.11's AST builder keeps one recursion counter per interpreter
    (Python/Python-ast.c PyAST_mod2obj): the outer parse then fails with "AST constructor
    recursion depth mismatch" (seen here; the error of python/cpython#106905)."""
    if "exception was never retrieved" not in str(context.get("message", "")):
        loop.default_exception_handler(context)


def _logger(stack: str, handler: logging.Handler) -> logging.Logger:
    """The engine's log of one run, to `handler` only."""
    logger = logging.getLogger(f"pomerium-azure-ad.offline.{stack}")
    logger.propagate = False
    logger.handlers = [handler]
    logger.setLevel(logging.DEBUG)
    return logger


@contextmanager
def _without_source_positions() -> Iterator[None]:
    """At every registration the SDK walks the Python stack for the source
    positions the CLI shows in diagnostics (pulumi/runtime/resource.py
    `_get_stack_trace`); the mock engine drops them, and under pytest the walk
    was a fifth of each run. An empty trace means "no position" to the SDK."""
    from pulumi.runtime import resource
    from pulumi.runtime.proto import source_pb2

    walk = resource._get_stack_trace
    resource._get_stack_trace = source_pb2.StackTrace
    try:
        yield
    finally:
        resource._get_stack_trace = walk


def run_program(
    stack: str,
    *,
    now: datetime,
    project_dir: Path = PROJECT_DIR,
    overrides: Mapping[str, Any] | None = None,
    environment: Mapping[str, str] | None = None,
    cloud: pulumi.runtime.Mocks | None = None,
    preview: bool = False,
    sleep: Callable[[float], Awaitable[None]] | None = None,
    record: list[Registration] | None = None,
    read_stack_file: bool = True,
    reader: policy_reader.PolicyReader | None = None,
    assignments: assignment_reader.AssignmentReader | None = None,
) -> ProgramRun:
    """Run the project's `__main__.py` for a stack file, as `pulumi up` would."""
    config = stack_config(stack, project_dir, overrides=overrides, read_stack_file=read_stack_file)
    if cloud is None:
        tenant = config.get("azuread:tenantId")
        cloud = PlaceholderCloud(tenant_id=tenant)
    main = str(project_dir / "__main__.py")
    with _environment(environment or {}):
        return run(
            lambda: runpy.run_path(main, run_name="__main__"),
            stack=stack,
            config=config,
            now=now,
            cloud=cloud,
            preview=preview,
            sleep=sleep,
            record=record,
            reader=reader,
            assignments=assignments,
        )


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    import os

    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
