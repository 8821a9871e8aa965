"""A test oracle for what a real `pulumi up` does between two runs of the program.

Pulumi's mock engine shows what a run *declares*. This module derives, from the
state an earlier run left and what the next run declares, the steps the real
engine would take: same, create, update, replace (create before delete, or
delete before replace), import, delete, and the refusals. It models only the
rules written in facts.py, each read in the engine's or a provider's source
(docs/deploy-facts.md); it is not an engine and talks to nothing.

Engine rules (pulumi/pulumi v3.272.0, pkg/resource/deploy/step_generator.go):
- a resource is matched with the state by URN, or by one of its aliases; no
  match is a create, and a state entry nothing matches is a delete;
- a change to an input the provider says forces replacement is a replace,
  create-before-delete unless the provider (or the resource's option) says
  delete-before-replace; the replaced resource is deleted at the end;
- a resource whose provider changes is replaced only if the provider's
  DiffConfig says the new provider may point elsewhere;
- a protected resource (in the old and the new state) is never replaced or
  deleted: `up` stops with an error, a preview reports it;
- a resource already in the state that still declares `import` cannot be
  replaced (error in `up`, warning in preview);
- an import whose declared inputs differ from the live object imports, then
  updates (CLI >= 3.174.0);
- `--target` leaves every other resource as it is, and refuses a targeted
  resource whose provider or parent is untargeted and does not exist yet;
- after a failed `up`, what was done stays in the state; a replaced resource
  not yet deleted is deleted at the end of the next `up`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from tools.offline import ProgramRun, Registration

from . import facts


@dataclass(frozen=True)
class Resource:
    """One resource as the state holds it."""

    urn: str
    type: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    id: str
    protect: bool
    provider: str
    """Explicit provider reference (`urn::id`), or "" for the default provider."""
    import_id: str
    parent: str
    delete_before_replace: bool = False
    aliases: tuple[str, ...] = ()

    @classmethod
    def of(cls, registration: Registration) -> Resource:
        return cls(
            urn=registration.urn,
            type=registration.type,
            custom=registration.custom,
            inputs=registration.inputs,
            outputs=registration.outputs,
            id=registration.id,
            protect=registration.protect,
            provider=registration.provider,
            import_id=registration.import_id,
            parent=registration.parent,
            delete_before_replace=registration.delete_before_replace,
            aliases=registration.aliases,
        )

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "aliases"}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Resource:
        return cls(**data)


@dataclass
class State:
    """The stack's state: its resources in registration order, the stack's
    config (the default providers read their settings from it), and replaced
    resources a failed deploy left to delete."""

    resources: dict[str, Resource] = field(default_factory=dict)
    config: dict[str, str] = field(default_factory=dict)
    pending_delete: list[Resource] = field(default_factory=list)

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.type == type_]


@dataclass
class World:
    """What exists outside the state: objects made by hand."""

    kubernetes_secrets: set[str] = field(default_factory=set)
    """`namespace/name` of Secrets that exist in the cluster."""
    imports: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Import id -> the live object's inputs, for everything that can be adopted."""
    admin_consent_granted: bool = False
    """A tenant-wide grant for the app already exists (someone clicked the portal's button)."""
    groups_assigned_by_hand: set[str] = field(default_factory=set)
    """Groups someone assigned the default app role in the portal (Users and groups)."""
    refuses_client_secret: bool = False
    """Entra ID refuses the client secret the deploy proves: the proof fails."""
    unreachable: set[str] = field(default_factory=set)
    """Types whose create, update and delete fail in `up` (a cluster or API that is down)."""


@dataclass(frozen=True)
class Step:
    op: str
    """create, update, replace, import, delete, or same."""
    urn: str
    type: str
    delete_before_replace: bool = False
    reasons: tuple[str, ...] = ()
    """Inputs (or "provider") that made it update or replace."""


@dataclass(frozen=True)
class Operation:
    """One thing the engine does to the cloud, in the order it does it."""

    action: str
    """create (a new or replacement resource), update, import, or delete."""
    resource: Resource


@dataclass
class Deployment:
    steps: list[Step]
    operations: list[Operation]
    errors: list[str]
    warnings: list[str]
    state: State

    @property
    def changes(self) -> list[Step]:
        return [s for s in self.steps if s.op != "same"]

    def ops(self, op: str, type_: str | None = None) -> list[Step]:
        return [s for s in self.steps if s.op == op and (type_ is None or s.type == type_)]

    @property
    def ok(self) -> bool:
        return not self.errors


class _Stop(Exception):
    """`up` stops at its first error."""


def _changed(old: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    keys = sorted(set(old) | set(new))
    return tuple(k for k in keys if _canonical(old.get(k)) != _canonical(new.get(k)))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _flag(value: Any) -> bool:
    return value is True or value == "true"


class _Deploy:
    def __init__(self, state: State, run: ProgramRun, config: dict[str, str], **kw: Any) -> None:
        self.old, self.run, self.config = state, run, config
        self.preview: bool = kw["preview"]
        self.world: World = kw["world"]
        self.targets: set[str] | None = kw["targets"]
        self.steps: list[Step] = []
        self.operations: list[Operation] = []
        self.late_deletes: list[Resource] = []
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.resources: dict[str, Resource] = {}
        self.pending = list(state.pending_delete)
        self.untargeted_creates: set[str] = set()

    # --- providers ------------------------------------------------------------

    def provider_settings(self, ref: str, resources: dict[str, Resource], config: dict) -> dict:
        """The settings of the provider a resource uses: an explicit provider's
        inputs, or the stack config's `kubernetes:*` for the default one."""
        if ref:
            provider = resources.get(ref.rsplit("::", 1)[0])  # a reference is `urn::id`
            return dict(provider.inputs) if provider else {}
        return {k.split(":", 1)[1]: v for k, v in config.items() if k.startswith("kubernetes:")}

    def same_cluster(self, old: dict, new: dict) -> bool:
        ids = old.get(facts.CLUSTER_IDENTIFIER), new.get(facts.CLUSTER_IDENTIFIER)
        if all(ids):
            return ids[0] == ids[1]
        # Without a kubeconfig value on a side ("" is unset too), DiffConfig finds no active
        # cluster there and replaces nothing (pulumi-kubernetes provider.go, util.go
        # parseKubeconfigString; the component passes "" since the lab showed the path in state).
        if not old.get("kubeconfig") or not new.get("kubeconfig"):
            return True
        return all(old.get(k) == new.get(k) for k in facts.PROVIDER_CLUSTER_INPUTS)

    # --- diff -----------------------------------------------------------------

    def diff(self, old: Resource, new: Resource) -> tuple[str, tuple[str, ...], bool]:
        """(op, reasons, delete_before_replace) for a resource in both states."""
        changed = _changed(self.prior(old, new), new.inputs)
        replace_keys = self.replace_keys(old, new, changed)
        if new.type.startswith("kubernetes:") and old.provider != new.provider:
            was = self.provider_settings(old.provider, self.old.resources, self.old.config)
            now = self.provider_settings(new.provider, self.resources, self.config)
            if not self.same_cluster(was, now):
                # The engine builds this DiffResult itself, without deleteBeforeReplace:
                # create first (step_generator.go providerChanged; shown in tests/real/
                # test_engine_rules.py).
                return "replace", ("provider",), False
        if replace_keys:
            return "replace", replace_keys, self.deletes_first(old, new)
        return ("update" if changed else "same"), changed, False

    @staticmethod
    def deletes_first(old: Resource, new: Resource) -> bool:
        if new.delete_before_replace:
            return True
        if new.type != facts.KUBERNETES_SECRET:
            return False  # the bridge sets it for none of the azuread types
        old_meta, new_meta = old.inputs.get("metadata") or {}, new.inputs.get("metadata") or {}
        same = all(old_meta.get(k) == new_meta.get(k) for k in facts.SECRET_IDENTITY)
        return bool(new_meta.get("name")) and same

    @staticmethod
    def prior(old: Resource, new: Resource) -> dict[str, Any]:
        """What the provider diffs the new inputs against: the Terraform bridge
        diffs against the prior state (as the provider read it back, e.g. Graph's
        lowercase ids); pulumi-kubernetes diffs against the old inputs."""
        if not new.type.startswith("azuread:"):
            return old.inputs
        keys = set(old.inputs) | set(new.inputs)
        return {k: old.outputs.get(k, old.inputs.get(k)) for k in keys}

    def replace_keys(self, old: Resource, new: Resource, changed: Sequence[str]) -> tuple:
        if new.type == facts.KUBERNETES_SECRET:
            return self.secret_replace_keys(old, new, changed)
        if new.type == facts.KUBERNETES_PROVIDER:
            return () if self.same_cluster(old.inputs, new.inputs) else ("cluster",)
        type_facts = facts.TYPES.get(new.type)
        if type_facts is None:
            return ()
        if type_facts.replace_on is None:
            return tuple(changed)
        return tuple(k for k in changed if k in type_facts.replace_on)

    def secret_replace_keys(self, old: Resource, new: Resource, changed: Sequence[str]) -> tuple:
        settings = self.provider_settings(new.provider, self.resources, self.config)
        immutable = _flag(new.inputs.get("immutable")) or _flag(old.inputs.get("immutable"))
        keys: tuple[str, ...] = ()
        if immutable or not _flag(settings.get("enableSecretMutable")):
            keys = tuple(k for k in changed if k in facts.SECRET_DATA_INPUTS)
        old_meta, new_meta = old.inputs.get("metadata") or {}, new.inputs.get("metadata") or {}
        keys += tuple(
            f"metadata.{k}" for k in facts.SECRET_IDENTITY if old_meta.get(k) != new_meta.get(k)
        )
        return keys

    # --- steps ----------------------------------------------------------------

    def fail(self, message: str, *, preview_warning: bool = False) -> None:
        if self.preview and preview_warning:
            self.warnings.append(message)
            return
        self.errors.append(message)
        if not self.preview:
            raise _Stop

    def match(self, new: Resource) -> Resource | None:
        for urn in (new.urn, *new.aliases):
            if urn in self.old.resources:
                return self.old.resources[urn]
        return None

    def targeted(self, new: Resource) -> bool:
        # Providers are always part of a targeted run (step_generator.go; shown in
        # tests/real/test_engine_rules.py).
        provider = new.type.startswith("pulumi:providers:")
        return self.targets is None or provider or new.urn in self.targets

    def step(self, new: Resource) -> None:
        if new.type == facts.KUBERNETES_SECRET:
            self.prove()
        old = self.match(new)
        if not self.targeted(new):
            if old is not None:
                self.resources[new.urn] = old
            elif new.custom:
                self.untargeted_creates.add(new.urn)
            return
        self.check_target_dependencies(new)
        if old is None:
            self.create_or_import(new)
            return
        op, reasons, dbr = self.diff(old, new)
        if op == "replace":
            self.replace(old, new, reasons, dbr)
            return
        if op == "update":
            self.reach(new)
        self.steps.append(Step(op, new.urn, new.type, reasons=reasons))
        if op == "update":
            self.operations.append(Operation("update", new))
        self.resources[new.urn] = replace(new, id=old.id, outputs=new.outputs or old.outputs)

    def check_target_dependencies(self, new: Resource) -> None:
        needs = [new.provider.rsplit("::", 1)[0] if new.provider else "", new.parent]
        for urn in needs:
            if urn and urn in self.untargeted_creates:
                self.fail(facts.UNTARGETED.format(urn=new.urn, dep=urn))

    def reach(self, resource: Resource) -> None:
        if resource.type in self.world.unreachable and not self.preview:
            self.fail(f"{resource.urn}: unreachable")

    def prove(self) -> None:
        """The program proves the client secret in every `up` (not in a preview), before
        it registers any Secret, whether targeted or not; a refusal fails the program
        there (components/proof_step.py)."""
        if self.world.refuses_client_secret and not self.preview:
            self.fail("the client secret was not accepted: the program stops before the Secret")

    def create_or_import(self, new: Resource) -> None:
        self.reach(new)
        if new.import_id:
            self.import_(new)
            return
        if new.type == facts.KUBERNETES_SECRET:
            meta = new.inputs.get("metadata") or {}
            settings = self.provider_settings(new.provider, self.resources, self.config)
            exists = f"{meta.get('namespace')}/{meta.get('name')}" in self.world.kubernetes_secrets
            upsert = _flag(settings.get("upsertExistingObjects"))
            # A preview (server-side apply, the default) passes.
            if exists and not upsert and not self.preview:
                self.fail(facts.ALREADY_EXISTS.format(urn=new.urn))
        if new.type == facts.PERMISSION_GRANT and self.world.admin_consent_granted:
            self.fail(f"{new.urn}: 409 Permission entry already exists")
        if (
            new.type == facts.APP_ROLE_ASSIGNMENT
            and new.inputs.get("principalObjectId") in self.world.groups_assigned_by_hand
            and not self.preview
        ):
            self.fail(facts.ASSIGNMENT_EXISTS.format(urn=new.urn))
        self.steps.append(Step("create", new.urn, new.type))
        if new.custom:
            self.operations.append(Operation("create", new))
        self.resources[new.urn] = new

    def import_(self, new: Resource) -> None:
        type_facts = facts.TYPES.get(new.type)
        pattern = type_facts.import_id if type_facts else None
        if pattern is None or not pattern.match(new.import_id):
            self.fail(facts.BAD_IMPORT_ID.format(urn=new.urn, id=new.import_id))
        live = self.world.imports.get(new.import_id)
        if live is None:
            self.fail(f"{new.urn}: nothing to import at {new.import_id}")
            return
        self.steps.append(Step("import", new.urn, new.type))
        self.operations.append(Operation("import", new))
        changed = _changed(live, new.inputs)
        if changed:  # CLI >= 3.174.0: import, then update to the declared inputs
            self.steps.append(Step("update", new.urn, new.type, reasons=changed))
            self.operations.append(Operation("update", new))
        self.resources[new.urn] = new

    def replace(self, old: Resource, new: Resource, reasons: tuple, dbr: bool) -> None:
        if old.protect and new.protect:
            self.fail(facts.PROTECTED_REPLACE.format(urn=new.urn))
        if new.import_id:
            self.fail(facts.IMPORTED_REPLACE, preview_warning=True)
        self.reach(new)
        self.steps.append(Step("replace", new.urn, new.type, dbr, reasons))
        if dbr:
            self.operations += [Operation("delete", old), Operation("create", new)]
        else:
            self.operations.append(Operation("create", new))
            self.late_deletes.append(old)
        self.resources[new.urn] = new

    def deletes(self) -> None:
        matched = {m.urn for r in self.run.registrations if (m := self.match(Resource.of(r)))}
        gone = [r for urn, r in self.old.resources.items() if urn not in matched]
        if self.targets is not None:
            kept = [r for r in gone if r.urn not in self.targets]
            self.resources.update({r.urn: r for r in kept})
            gone = [r for r in gone if r.urn in self.targets]
        for old in reversed(gone):
            if old.protect:
                # A protected delete fails and the others go on (step_executor.go:
                # continueOnError for a deleteProtectedError; tests/real/).
                self.errors.append(facts.PROTECTED_DELETE.format(urn=old.urn))
                continue
            self.steps.append(Step("delete", old.urn, old.type))
            if old.custom:
                self.operations.append(Operation("delete", old))
        # Replaced resources go last, after everything that used them has moved.
        for old in [*self.late_deletes, *self.pending]:
            self.operations.append(Operation("delete", old))
        self.late_deletes, self.pending = [], []

    def execute(self) -> Deployment:
        try:
            for registration in self.run.registrations:
                self.step(Resource.of(registration))
            self.deletes()
        except _Stop:
            pass
        return Deployment(
            steps=self.steps,
            operations=self.operations,
            errors=self.errors,
            warnings=self.warnings,
            state=self.after(),
        )

    def after(self) -> State:
        if self.preview:
            return self.old
        if not self.errors:
            return State(dict(self.resources), dict(self.config), [])
        # A failed `up`: what was done stays; the rest of the old state too.
        kept = {**self.old.resources, **self.resources}
        return State(kept, dict(self.config), [*self.pending, *self.late_deletes])


def deploy(
    state: State,
    run: ProgramRun,
    *,
    config: dict[str, str],
    preview: bool = False,
    world: World | None = None,
    targets: Iterable[str] | None = None,
) -> Deployment:
    """What `pulumi up` (or `pulumi preview`) does to `state` for `run`, the
    program's registrations under the mock engine with the stack's `config`."""
    return _Deploy(
        state,
        run,
        dict(config),
        preview=preview,
        world=world or World(),
        targets=set(targets) if targets is not None else None,
    ).execute()


def initial_state(config: dict[str, str] | None = None) -> State:
    return State({}, dict(config or {}), [])
