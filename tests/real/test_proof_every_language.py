"""Issue 20, defect 1: the proof must run whatever the language of the program that uses
the component. The engine starts a Python dynamic provider with the *consuming* program's
runtime options (pkg/host/host.go `Provider` passes `ctx.RuntimeOptions()`, the project's
`runtime.options`: pkg/engine/deployment.go; pkg/resource/plugin/provider_plugin.go turns
them into PULUMI_RUNTIME_*), and the plugin script `pulumi-resource-pulumi-python`
(sdk/v3 python/dist, v3.277.0) runs `python3` from PATH when they name no virtualenv or
toolchain: a YAML or TypeScript program's do not. On the commit before the fix the first test
failed in its preview ("No module named 'pulumi'", docs/proof.md); now the component proves in
its own process, which for a YAML program is the `provider/` plugin (its construct:
tests/test_provider_construct.py; the lab cannot start that plugin, docs/verification.md).
Then the upgrade: a stack the commit before the fix deployed, through the real CLI."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from . import cluster, entra
from .conftest import ROOT
from .fixtures import Deployment, deployment

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


# --- an upgrade from a release whose proof was a dynamic resource -----------------------

# The last commit before the fix: its lab program (tests/real/program.py) declares the proof as
# the dynamic resource every earlier release's state holds.
EARLIER = "f264374c1567e7d02470594458dd7aba16a34680"
PROOF_TYPE = "pulumi-python:dynamic:Resource"
COMPONENT = "pomerium-azure-ad:index:PomeriumIdentityProvider"
# Deploys the earlier commit's lab program through the real CLI, as the pytest process does
# with this one; its `components` comes first on the path (PYTHONPATH), for the program and
# for the dynamic-provider plugin the CLI starts.
EARLIER_UP = """
import sys
from pulumi import automation as auto
from tests.real import program
assert program.__file__.startswith(sys.argv[3]), program.__file__
stack = auto.select_stack(
    stack_name=sys.argv[2], project_name="pomerium-azure-ad", program=program.main,
    opts=auto.LocalWorkspaceOptions(work_dir=sys.argv[1]),
)
stack.up()
"""


def earlier_checkout(tmp_path: Path) -> Path:
    folder = tmp_path / "earlier"
    folder.mkdir()
    paths = ["components", "tests/__init__.py", "tests/real"]
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", EARLIER, *paths],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def changes(steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(op, type::name) of each step that is not a same."""
    return [(op, urn.split("::", 2)[2]) for op, urn in steps if op != "same"]


@pytest.fixture
def earlier_stack(tmp_path: Path) -> Deployment:
    """A stack deployed by the commit before the fix, with its own `components`."""
    (tmp_path / "stack").mkdir()
    d = deployment(tmp_path / "stack")
    earlier = earlier_checkout(tmp_path)
    d.stack.stack()  # the stack, its file and Pulumi.yaml, as this release writes them
    done = subprocess.run(
        [sys.executable, "-c", EARLIER_UP, str(d.stack.folder), d.stack.name, str(earlier)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(earlier)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    (proof,) = [r for r in d.stack.export()["resources"] if r["type"] == PROOF_TYPE]
    assert proof["urn"].endswith("::pomerium-client-secret-proof")
    return d


def test_the_first_deploy_after_the_fix_deletes_the_old_proof_and_nothing_else(
    earlier_stack: Deployment,
) -> None:
    d = earlier_stack
    before = cluster.read_secret(BLUE, d.secret_name)
    assert before is not None and before.metadata is not None
    asked_before = len(entra.token_requests(d.app.client_id))

    # The proof and the default provider of its type go (neither has anything in a cloud);
    # the Secret's provider is updated in place, now that it states upsertExistingObjects
    # (issue 20, defect 5: CHANGELOG); every other step is a same.
    gone = [
        ("delete", f"{COMPONENT}${PROOF_TYPE}::pomerium-client-secret-proof"),
        ("delete", "pulumi:providers:pulumi-python::default"),
        ("update", f"{COMPONENT}$pulumi:providers:kubernetes::pomerium-kubernetes"),
    ]
    d.stack.preview()
    assert sorted(changes(d.stack.started())) == sorted(gone)
    d.stack.up()
    assert sorted(changes(d.stack.steps())) == sorted(gone)

    after = cluster.read_secret(BLUE, d.secret_name)
    assert after is not None and after.metadata is not None
    assert after.metadata.uid == before.metadata.uid
    assert cluster.secret_values(after) == cluster.secret_values(before)
    assert not [r for r in d.stack.export()["resources"] if r["type"] == PROOF_TYPE]
    # This release proved the credential it wrote, in the program's process.
    assert len(entra.token_requests(d.app.client_id)) == asked_before + 1
    d.stack.preview(expect_no_changes=True)


def test_a_destroy_after_the_fix_removes_a_stack_the_earlier_commit_deployed(
    earlier_stack: Deployment,
) -> None:
    d = earlier_stack
    d.stack.destroy()
    assert cluster.read_secret(BLUE, d.secret_name) is None
    assert d.stack.export().get("resources") in (None, [])
