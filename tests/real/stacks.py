"""A stack of the lab's program, driven through the real CLI by Pulumi's automation API
(which runs `pulumi up --yes --skip-preview`, as pulumi/actions does, `pulumi preview`,
`pulumi destroy` and `pulumi stack export`, with the program served by this process)."""

import json
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pulumi import automation as auto

from . import program as lab_program
from .conftest import ROOT

PROJECT = "pomerium-azure-ad"


def write_project(folder: Path, runtime_options: dict[str, str] | None = None) -> None:
    """The project's own Pulumi.yaml (its config types, which the CLI checks, and its
    requiredPulumiVersion), with the stack files beside it. `runtime_options`: the runtime's
    options; by default the checkout's virtualenv. The engine hands them to every plugin it
    starts as PULUMI_RUNTIME_* (pkg/resource/plugin/provider_plugin.go NewProvider), except
    in `up` and `preview` of an inline program, whose runtime is the automation API's
    (`client`, options {address}: pkg/cmd/pulumi/operations/io.go readProjectForUpdate)."""
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    project.pop("stackConfigDir", None)
    if runtime_options is None:
        runtime_options = {**project["runtime"]["options"], "virtualenv": str(ROOT / ".venv")}
    project["runtime"]["options"] = runtime_options
    (folder / "Pulumi.yaml").write_text(yaml.safe_dump(project, sort_keys=False))


@dataclass
class LabStack:
    folder: Path
    name: str = field(default_factory=lambda: f"lab{uuid.uuid4().hex[:8]}")
    config: dict[str, Any] = field(default_factory=dict)
    events: list[auto.EngineEvent] = field(default_factory=list)
    program: Callable[[], None] = lab_program.main
    runtime_options: dict[str, str] | None = None
    """Pulumi.yaml's runtime options (write_project); None: the checkout's virtualenv."""
    env: dict[str, str] = field(default_factory=dict)
    """Environment of the CLI (and so of the plugins it starts), over this process's."""

    def write(self) -> None:
        """The stack file with this config; what the CLI keeps there (the passphrase's
        `encryptionsalt`) stays."""
        path = self.folder / f"Pulumi.{self.name}.yaml"
        document = (yaml.safe_load(path.read_text()) if path.exists() else None) or {}
        document["config"] = self.config
        path.write_text(yaml.safe_dump(document, sort_keys=False))

    def stack(self) -> auto.Stack:
        self.write()
        write_project(self.folder, self.runtime_options)
        workspace = auto.LocalWorkspaceOptions(work_dir=str(self.folder), env_vars=self.env)
        return auto.create_or_select_stack(
            stack_name=self.name, project_name=PROJECT, program=self.program, opts=workspace
        )

    def set_secret(self, key: str, value: str) -> None:
        """A secret setting, encrypted into the stack file as `pulumi config set --secret` does."""
        self.stack().set_config(key, auto.ConfigValue(value, secret=True))
        self.config = yaml.safe_load((self.folder / f"Pulumi.{self.name}.yaml").read_text())[
            "config"
        ]

    def _record(self, event: auto.EngineEvent) -> None:
        self.events.append(event)

    def up(self, **kwargs: Any) -> auto.UpResult:
        self.events = []
        return self.stack().up(on_event=self._record, **kwargs)

    def preview(self, **kwargs: Any) -> auto.PreviewResult:
        self.events = []
        return self.stack().preview(on_event=self._record, **kwargs)

    def destroy(self, **kwargs: Any) -> auto.DestroyResult:
        self.events = []
        return self.stack().destroy(on_event=self._record, **kwargs)

    def export(self) -> dict[str, Any]:
        """`pulumi stack export` (secrets stay encrypted; the automation API's export_stack
        passes --show-secrets)."""
        self.stack()
        done = subprocess.run(
            ["pulumi", "stack", "export", "--stack", self.name],
            cwd=self.folder,
            capture_output=True,
            text=True,
            check=True,
        )
        return dict(json.loads(done.stdout)["deployment"])

    def steps(self) -> list[tuple[str, str]]:
        """(op, URN) of each step the engine finished, in the order it reported them."""
        return [
            (_op(e.res_outputs_event.metadata.op), e.res_outputs_event.metadata.urn)
            for e in self.events
            if e.res_outputs_event
        ]

    def started(self) -> list[tuple[str, str]]:
        """(op, URN) of each step the engine started (or, in a preview, planned)."""
        return [
            (_op(e.resource_pre_event.metadata.op), e.resource_pre_event.metadata.urn)
            for e in self.events
            if e.resource_pre_event
        ]

    def diagnostics(self) -> list[str]:
        return [e.diagnostic_event.message for e in self.events if e.diagnostic_event]


def _op(op: object) -> str:
    return str(getattr(op, "value", op))
