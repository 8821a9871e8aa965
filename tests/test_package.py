"""The component as a package: the wheel installed the ordinary way, not editable.

The wheel is built with `uv build` and installed into a fresh virtualenv with the
locked dependencies, offline from uv's cache; the programs below run there, from
a folder outside the checkout, so nothing of the checkout is on their path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROOF_STATE = ROOT / "tests/deploy_sequence/proof_state_2b2d046.json"
# One worker builds the wheel and the virtualenv for the whole module.
pytestmark = pytest.mark.xdist_group("package")

# Another team's Pulumi program, under Pulumi's documented unit-test mocks.
CONSUMER = """
import json
import pulumi

class Cloud(pulumi.runtime.Mocks):
    registered = []
    def new_resource(self, args):
        self.registered.append((args.typ, args.inputs))
        return args.name + "-id", args.inputs
    def call(self, args):
        return {"tenantId": "0303f438-3c5c-4190-9854-08d3eb31bd9f",
                "objectId": "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b", "clientId": "c"}

cloud = Cloud()
pulumi.runtime.set_mocks(cloud, project="platform", stack="prod", preview=False)

import pomerium_azure_ad
from pomerium_azure_ad import PomeriumIdentityProvider, PomeriumIdentityProviderArgs

args: PomeriumIdentityProviderArgs = {
    "authenticate_service_url": "https://authenticate.corp.example.net"
}

seen = {}

@pulumi.runtime.test
def build():
    idp = PomeriumIdentityProvider("idp", args)
    outputs = pulumi.Output.all(idp.provider_url, idp.client_id, idp.kubernetes_secret)
    return outputs.apply(lambda values: seen.update(provider_url=values[0]))

build()
print(json.dumps({
    "package": pomerium_azure_ad.__file__,
    "provider_url": seen["provider_url"],
    "types": sorted({t for t, _ in cloud.registered}),
    "reply_urls": [i["web"]["redirectUris"] for t, i in cloud.registered
                   if t.endswith(":Application")],
}))
"""

# What the dynamic provider host does with an earlier release's proof, which this
# release's program no longer declares: in its first `up` (or a destroy) the engine
# deletes it, and a refresh reads it. pulumi/dynamic/__main__.py `get_provider`
# unpickles `__provider` (dill.loads of its base64), then calls Delete or Read. (That
# module serves gRPC when imported, so its two lines are repeated here.)
PROVIDER_HOST = """
import base64, json, sys
import dill

resource = json.load(open(sys.argv[1]))["resource"]
olds = resource["outputs"]
provider = dill.loads(base64.b64decode(olds["__provider"]))
read = provider.read(resource["id"], olds)
print(json.dumps({
    "module": type(provider).__module__,
    "read": [read.id == resource["id"], read.outs == olds],
    "deleted": provider.delete(resource["id"], olds),
}))
"""


def uv(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["uv", *args], cwd=ROOT, check=True, capture_output=True, text=True, **kw)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    uv("build", "--wheel", "--offline", "--quiet", "--out-dir", str(out))
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv: the locked dependencies, then the wheel (not editable)."""
    venv = tmp_path_factory.mktemp("consumer") / "venv"
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}
    uv(
        "sync",
        "--locked",
        "--offline",
        "--quiet",
        "--no-default-groups",
        "--no-install-project",
        env=env,
    )
    interpreter = venv / "bin" / "python"
    uv(
        "pip",
        "install",
        "--offline",
        "--quiet",
        "--no-deps",
        "--python",
        str(interpreter),
        str(wheel),
    )
    return interpreter


def run_in(python: Path, code: str, *args: str, cwd: Path) -> dict:
    done = subprocess.run(
        [str(python), "-c", code, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_wheel_holds_the_component_under_both_import_paths(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "pomerium_azure_ad/__init__.py" in names
    assert "components/proof_resource.py" in names
    assert "components/identity_provider.py" in names
    # The checkout's tools, policy pack and tests stay out of anyone's site-packages.
    tops = {name.split("/")[0] for name in names if "/" in name}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"pomerium_azure_ad", "components"}
    # The picture's and the tests' libraries are the checkout's, not the package's.
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    requires = [
        line.split(":", 1)[1].strip()
        for line in zipfile.ZipFile(wheel).read(metadata).decode().splitlines()
        if line.startswith("Requires-Dist:")
    ]
    assert "pulumi-azuread<7,>=6.11" in requires
    assert not [r for r in requires if r.startswith(("matplotlib", "croniter", "pytest"))]


def test_another_program_uses_the_installed_component(python: Path, tmp_path: Path) -> None:
    result = run_in(python, CONSUMER, cwd=tmp_path)

    site = python.parent.parent / "lib"
    assert Path(result["package"]).is_relative_to(site)
    assert result["provider_url"] == (
        "https://login.microsoftonline.com/0303f438-3c5c-4190-9854-08d3eb31bd9f/v2.0"
    )
    assert result["reply_urls"] == [["https://authenticate.corp.example.net/oauth2/callback"]]
    assert "kubernetes:core/v1:Secret" in result["types"]
    # No dynamic resource: the proof runs in the program's process, in `pulumi up` only
    # (not under these mocks), and needs no provider the engine starts elsewhere.
    assert "pulumi-python:dynamic:Resource" not in result["types"]


def test_a_state_deployed_before_the_package_still_finds_its_proof_provider(
    python: Path, tmp_path: Path
) -> None:
    """The state names the proof's provider `components.proof_resource`; the
    installed package still has it, so the update that deletes it, a destroy and a
    refresh load it (for real, through the CLI: tests/real/test_proof_every_language.py)."""
    state = json.loads(PROOF_STATE.read_text())
    assert "components.proof_resource" in __import__("base64").b64decode(
        state["resource"]["inputs"]["__provider"]
    ).decode("latin-1")

    result = run_in(python, PROVIDER_HOST, str(PROOF_STATE), cwd=tmp_path)

    assert result == {"module": "components.proof_resource", "read": [True, True], "deleted": None}


def test_the_command_says_where_it_runs(python: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(python.parent / "pomerium-azure-ad"), "plan"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "run in a checkout of the project" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_checkouts_environment_is_editable() -> None:
    """`uv sync` in the checkout: the tools import from the checkout itself."""
    done = subprocess.run(
        [sys.executable, "-c", "import components, tools; print(components.__file__)"],
        cwd="/",
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()).is_relative_to(ROOT)
