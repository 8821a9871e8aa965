"""Issue 20, defect 1: the proof must run whatever the language of the program that uses
the component. The engine starts a Python dynamic provider with the *consuming* program's
runtime options (pkg/host/host.go `Provider` passes `ctx.RuntimeOptions()`, the project's
`runtime.options`: pkg/engine/deployment.go; pkg/resource/plugin/provider_plugin.go turns
them into PULUMI_RUNTIME_*), and the plugin script `pulumi-resource-pulumi-python`
(sdk/v3 python/dist, v3.277.0) runs `python3` from PATH when they name no virtualenv or
toolchain: a YAML or TypeScript program's do not."""

import os
import sys
from pathlib import Path

import pytest

from . import cluster, entra
from .fixtures import deployment

BLUE = "blue"


@pytest.fixture(autouse=True)
def _lab(lab: dict[str, str]) -> None:
    return None


def path_without_this_virtualenv() -> str:
    """PATH as a machine without the project's virtualenv has it: its `python3` has neither
    `components` nor `pulumi` (the lab checks it below)."""
    venv_bin = str(Path(sys.prefix) / "bin")
    return os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p != venv_bin)


def test_a_program_whose_runtime_names_no_python_gets_its_client_secret_proven(
    tmp_path: Path,
) -> None:
    """What a YAML program's deploy hands the engine: runtime options without a virtualenv,
    and a `python3` without the project. The deploy proves the client secret, then writes it."""
    d = deployment(tmp_path)
    d.stack.runtime_options = {}
    d.stack.env = {"PATH": path_without_this_virtualenv()}
    # The machine's python3 (the one the dynamic-provider script would run) lacks the SDK.
    import subprocess

    found = subprocess.run(
        ["python3", "-c", "import pulumi"],
        env={**os.environ, **d.stack.env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode != 0 and "No module named 'pulumi'" in found.stderr

    d.stack.preview()
    d.stack.up()

    secret = cluster.read_secret(BLUE, d.secret_name)
    assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == d.password.secret_text  # type: ignore[arg-type]
    assert entra.token_requests(d.app.client_id), "the proof never asked the token endpoint"
    # A rotation, then a destroy (which runs no program: the project's runtime options).
    d.use(d.app.add_password())
    d.stack.up()
    secret = cluster.read_secret(BLUE, d.secret_name)
    assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == d.password.secret_text  # type: ignore[arg-type]
    d.stack.destroy()
    assert cluster.read_secret(BLUE, d.secret_name) is None
