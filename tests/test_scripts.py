"""scripts/uv-env.sh, scripts/deploy, scripts/plan and scripts/pomerium-azure-ad, run for real in
subprocesses.

Each test copies the scripts into a temporary project and runs them with a controlled
environment: a fresh HOME, a PATH holding only the few system programs the scripts use (so no uv
and, unless a test puts one there, no python3), and pip pointed at a local folder instead of PyPI.
`python3 -m venv` and pip are the real ones; what pip installs is a tiny stand-in wheel named `uv`
whose `uv` program records its arguments, so these tests need no network and take seconds.
One opt-in test (UV_ENV_NETWORK_TEST=1) installs the real uv from PyPI.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ("uv-env.sh", "test", "deploy", "plan", "pomerium-azure-ad")
# What the scripts run besides bash builtins, python3, uv and pulumi.
SYSTEM_PROGRAMS = [
    "bash",
    "sh",
    "env",
    "dirname",
    "mkdir",
    "mktemp",
    "cp",
    "mv",
    "rm",
    "rmdir",
    "cat",
]
FAKE_VERSION = "uv 99.0.0 (stand-in)"
# Records each call (its arguments and which `uv` its own PATH finds) in $FAKE_LOG.
FAKE_UV = textwrap.dedent(
    f"""\
    #!/bin/sh
    echo "uv $*" >> "${{FAKE_LOG:-/dev/null}}"
    if [ "$1" = --version ]; then echo "{FAKE_VERSION}"; fi
    exit 0
    """
)
FAKE_PULUMI = textwrap.dedent(
    """\
    #!/bin/sh
    echo "pulumi $*" >> "$FAKE_LOG"
    if [ "$1" = up ]; then echo "pulumi up sees uv at $(command -v uv)" >> "$FAKE_LOG"; fi
    exit 0
    """
)
# What Debian's and Ubuntu's python3 prints (and leaves behind) when python3-venv is missing.
DEBIAN_NO_VENV = textwrap.dedent(
    """\
    #!/bin/sh
    if [ "$1" = -m ] && [ "$2" = venv ]; then
      for last; do :; done
      mkdir -p "$last/bin"
      echo "The virtual environment was not created successfully because ensurepip is not"
      echo "available.  On Debian/Ubuntu systems, you need to install the python3-venv"
      echo "package using the following command."
      echo
      echo "    apt install python3.11-venv"
      exit 1
    fi
    exec {python} "$@"
    """
)
INSTALL_HINTS = (
    "sudo apt-get install python3-venv",
    "pipx install uv",
    "curl -LsSf https://astral.sh/uv/install.sh | sh",
)


def executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def fake_uv_wheel(folder: Path) -> None:
    """A wheel `uv` 99.0.0 whose scripts are the stand-in uv and uvx."""
    dist = "uv-99.0.0"
    files = {
        f"{dist}.data/scripts/uv": FAKE_UV.encode(),
        f"{dist}.data/scripts/uvx": b"#!/bin/sh\nexit 0\n",
        f"{dist}.dist-info/METADATA": b"Metadata-Version: 2.1\nName: uv\nVersion: 99.0.0\n",
        f"{dist}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [record_line(name, data) for name, data in files.items()]
    files[f"{dist}.dist-info/RECORD"] = "\n".join(
        [*record, f"{dist}.dist-info/RECORD,,", ""]
    ).encode()
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / f"{dist}-py3-none-any.whl", "w") as wheel:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            wheel.writestr(info, data)


def python_facts(python: str) -> dict[str, bool]:
    code = (
        "import importlib.util as u, os, sys, sysconfig; "
        "print(sys.prefix == sys.base_prefix, u.find_spec('pip') is not None, "
        "u.find_spec('ensurepip') is not None, "
        "os.path.exists(os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')))"
    )
    out = subprocess.run([python, "-I", "-c", code], capture_output=True, text=True, check=True)
    base, pip, ensurepip, managed = (word == "True" for word in out.stdout.split())
    return {"base": base, "pip": pip, "ensurepip": ensurepip, "managed": managed}


def base_python() -> str:
    """The interpreter behind the test's virtualenv (has venv and usually pip)."""
    python = os.path.realpath(sys.executable)
    if not python_facts(python)["base"]:
        pytest.skip("the test interpreter is not a plain installation")
    return python


def managed_python() -> str | None:
    """A python3 that refuses pip installs (PEP 668), e.g. Debian's /usr/bin/python3."""
    for folder in ("/usr/bin", "/usr/local/bin", "/bin"):
        python = shutil.which("python3", path=folder)
        if python and python_facts(python)["managed"] and python_facts(python)["base"]:
            return python
    return None


@dataclass
class Sandbox:
    project: Path
    home: Path
    bin: Path  # on PATH: the system programs, and what a test adds
    tmp: Path  # TMPDIR
    wheels: Path
    log: Path

    def env(self, *, pip_offline: bool = True) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PIP_", "UV_", "PYTHON", "VIRTUAL_ENV", "XDG_BIN_HOME"))
        }
        env.update(
            HOME=str(self.home), PATH=str(self.bin), TMPDIR=str(self.tmp), FAKE_LOG=str(self.log)
        )
        if pip_offline:
            env.update(
                PIP_CONFIG_FILE=os.devnull,
                PIP_NO_INDEX="1",
                PIP_FIND_LINKS=str(self.wheels),
                PIP_DISABLE_PIP_VERSION_CHECK="1",
            )
        return env

    def run(self, *command: str, pip_offline: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=self.project,
            env=self.env(pip_offline=pip_offline),
            capture_output=True,
            text=True,
            timeout=120,
        )

    def source(self, then: str = "", **kwargs: bool) -> subprocess.CompletedProcess[str]:
        """Source uv-env.sh as the scripts do (under `set -euo pipefail`), then run `then`."""
        body = f'set -euo pipefail; . scripts/uv-env.sh; echo "uv: $(command -v uv)"; {then}'
        return self.run("bash", "-c", body, **kwargs)

    def python3(self, python: str) -> None:
        (self.bin / "python3").symlink_to(python)

    def calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    for name in SCRIPTS:
        shutil.copy2(ROOT / "scripts" / name, project / "scripts" / name)
    (project / "stacks").mkdir()
    for stack in ("dev", "qa"):
        (project / "stacks" / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    system_path = "/usr/local/bin:/usr/bin:/bin"
    for program in SYSTEM_PROGRAMS:
        found = shutil.which(program, path=system_path)
        assert found, program
        (bin_dir / program).symlink_to(found)
    box = Sandbox(
        project, tmp_path / "home", bin_dir, tmp_path / "tmp", tmp_path / "wheels", tmp_path / "log"
    )
    for folder in (box.home, box.tmp, box.wheels):
        folder.mkdir()
    yield box
    # Nothing left over: the throw-away virtualenv is always removed, and .tools/ holds uv or
    # is gone.
    assert list(box.tmp.iterdir()) == []
    tools = project / ".tools"
    assert not tools.exists() or [p.name for p in tools.iterdir()] == ["bin"]


def assert_tools_uv_works(box: Sandbox, result: subprocess.CompletedProcess[str]) -> None:
    tools_uv = box.project / ".tools" / "bin" / "uv"
    assert result.returncode == 0, result.stderr
    assert f"uv: {tools_uv}\n" in result.stdout
    # Exported: a child process (as `pulumi up` is) finds the same uv.
    assert f"child: {tools_uv}\n" in result.stdout
    assert FAKE_VERSION in result.stdout
    assert (box.project / ".tools" / "bin" / "uvx").exists()
    assert "Traceback" not in result.stderr


CHILD = 'echo "child: $(bash -c "command -v uv")"; uv --version'


def test_uv_on_path_is_used_without_python3(sandbox: Sandbox) -> None:
    executable(sandbox.bin / "uv", FAKE_UV)
    result = sandbox.source(CHILD)
    assert result.returncode == 0, result.stderr
    assert f"uv: {sandbox.bin / 'uv'}\n" in result.stdout
    assert not (sandbox.project / ".tools").exists()


@pytest.mark.parametrize("folder", [".local/bin", ".cargo/bin"])
def test_uv_installed_off_path_is_put_on_path(sandbox: Sandbox, folder: str) -> None:
    # Where pip --user, pipx and uv's installer put it (~/.local/bin, the user base's bin on
    # Linux), and older uv installers (~/.cargo/bin), neither of them on PATH.
    sandbox.python3(base_python())
    uv = executable(sandbox.home / folder / "uv", FAKE_UV)
    result = sandbox.source(CHILD)
    assert result.returncode == 0, result.stderr
    assert f"uv: {uv}\n" in result.stdout
    assert f"child: {uv}\n" in result.stdout
    assert not (sandbox.project / ".tools").exists()


def test_installs_uv_with_python3_venv_and_its_pip(sandbox: Sandbox) -> None:
    # With an externally-managed (PEP 668) python3 where the machine has one (Debian's here),
    # else the test's own interpreter: a virtualenv takes two to three seconds, so only one.
    managed = managed_python()
    python = managed or base_python()
    if not python_facts(python)["ensurepip"]:
        pytest.skip(f"{python} has no ensurepip")
    sandbox.python3(python)
    if managed and python_facts(python)["pip"]:
        # The README's old advice fails here, as on Debian 12 and Ubuntu 23.04 and later.
        refused = sandbox.run("python3", "-m", "pip", "install", "--user", "uv")
        assert refused.returncode != 0
        assert "externally-managed-environment" in refused.stdout + refused.stderr
    fake_uv_wheel(sandbox.wheels)
    result = sandbox.source(CHILD)
    assert_tools_uv_works(sandbox, result)
    assert (
        "uv not found: installing it into .tools/bin/ (pip install uv, in a temporary virtualenv)"
        in result.stderr
    )
    # The next run finds it there and installs nothing.
    again = sandbox.source(CHILD)
    assert_tools_uv_works(sandbox, again)
    assert again.stderr == ""


def test_python3_with_pip_but_no_venv_module_uses_pip_target(sandbox: Sandbox) -> None:
    # Debian or Ubuntu with python3-pip but without python3-venv.
    with_pip = [p for p in (shutil.which("python3", path="/usr/bin"), base_python()) if p]
    python = next((p for p in with_pip if python_facts(p)["pip"]), None)
    if python is None:
        pytest.skip("no python3 with pip here")
    executable(sandbox.bin / "python3", DEBIAN_NO_VENV.format(python=python))
    fake_uv_wheel(sandbox.wheels)
    result = sandbox.source(CHILD)
    assert_tools_uv_works(sandbox, result)
    assert "(pip install --target; python3 has no venv module)" in result.stderr


def test_pip_failing_to_install_uv_is_reported(sandbox: Sandbox) -> None:
    python = base_python()
    if not python_facts(python)["pip"]:
        pytest.skip(f"{python} has no pip")
    executable(sandbox.bin / "python3", DEBIAN_NO_VENV.format(python=python))
    # No wheel in the (offline) index: as if PyPI were unreachable.
    result = sandbox.source("echo not reached")
    assert result.returncode != 0
    assert "not reached" not in result.stdout
    assert "error: pip could not install uv (its message is above)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (sandbox.project / ".tools" / "bin" / "uv").exists()


def test_stock_debian_python3_without_venv_or_pip_gets_one_message(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    # A real python3 without pip (a virtualenv made --without-pip) whose `-m venv` fails as
    # Debian's does without python3-venv; scripts/test must stop with what to install.
    nopip = tmp_path / "nopip"
    subprocess.run([base_python(), "-m", "venv", "--without-pip", str(nopip)], check=True)
    executable(sandbox.bin / "python3", DEBIAN_NO_VENV.format(python=nopip / "bin" / "python"))
    assert "No module named pip" in sandbox.run("python3", "-m", "pip", "--version").stderr
    result = sandbox.run("./scripts/test")
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"error: uv is not installed, and {sandbox.bin / 'python3'} can neither create a virtual "
        "environment (its venv module or ensurepip is missing) nor run pip to install it."
    )
    assert lines[1] == (
        "(python3 -m venv said: The virtual environment was not created successfully because "
        "ensurepip is not available.  On Debian/Ubuntu systems, you need to install the "
        "python3-venv package using the following command.)"
    )
    for hint in INSTALL_HINTS:
        assert hint in result.stderr
    assert "Traceback" not in result.stderr
    assert len(lines) == 6, result.stderr
    assert not (sandbox.project / ".tools").exists()


def test_no_python3_and_no_uv(sandbox: Sandbox) -> None:
    result = sandbox.run("./scripts/plan")
    assert result.returncode != 0
    assert result.stderr.startswith(
        "error: uv is not installed, and python3 (3.11 or newer) is not on PATH to install it with.\n"
    )
    for hint in INSTALL_HINTS:
        assert hint in result.stderr


def test_plan_runs_the_locked_plan_from_any_folder(sandbox: Sandbox, tmp_path: Path) -> None:
    executable(sandbox.home / ".local" / "bin" / "uv", FAKE_UV)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(sandbox.project / "scripts" / "plan"), "--stack", "dev", "--out", "out"],
        cwd=elsewhere,
        env=sandbox.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == [
        "uv --version",
        f"uv run --locked --project {sandbox.project} pomerium-azure-ad plan --stack dev --out out",
    ]


def test_the_command_line_script_runs_the_locked_tool_once_uv_is_in_tools(
    sandbox: Sandbox,
) -> None:
    # A new shell after ./scripts/plan installed uv into .tools/bin/: uv is not on PATH.
    executable(sandbox.project / ".tools" / "bin" / "uv", FAKE_UV)
    result = sandbox.run("./scripts/pomerium-azure-ad", "rotation-targets", "--stack", "dev")
    assert result.returncode == 0, result.stderr
    assert sandbox.calls() == [
        "uv --version",
        f"uv run --locked --project {sandbox.project} pomerium-azure-ad rotation-targets "
        "--stack dev",
    ]


@pytest.mark.parametrize("args", [[], ["prod"], ["--help"]])
def test_deploy_usage_lists_the_stack_files(sandbox: Sandbox, args: list[str]) -> None:
    result = sandbox.run("./scripts/deploy", *args)
    assert result.returncode == 2
    assert result.stderr.endswith(
        "usage: scripts/deploy <stack> [pulumi up flags...]\n"
        "stacks (stacks/Pulumi.<stack>.yaml): dev, qa\n"
    )
    if args == ["prod"]:
        assert result.stderr.startswith("scripts/deploy: there is no stacks/Pulumi.prod.yaml")
    assert sandbox.calls() == []


def test_deploy_needs_the_pulumi_cli(sandbox: Sandbox) -> None:
    result = sandbox.run("./scripts/deploy", "dev")
    assert result.returncode == 1
    assert "The Pulumi CLI is not installed" in result.stderr


def pipeline_policy_packs() -> set[str]:
    """The `policyPacks` input of every pulumi/actions `up` or `preview` in the workflows."""
    found = set()
    for path in (ROOT / ".github" / "workflows").glob("*.yml"):
        for job in (yaml.safe_load(path.read_text()).get("jobs") or {}).values():
            for step in job.get("steps", []):
                inputs = step.get("with", {})
                if str(step.get("uses", "")).startswith("pulumi/actions@") and inputs.get(
                    "command"
                ) in ("up", "preview"):
                    found.add(inputs.get("policyPacks"))
    return found


@pytest.mark.parametrize("stack", ["dev", "acme/qa"])
def test_deploy_runs_pulumi_up_with_the_policy_pack_and_uv_on_its_path(
    sandbox: Sandbox, stack: str
) -> None:
    # uv only in ~/.local/bin, off PATH: `pulumi up` (which runs uv) must still find it.
    uv = executable(sandbox.home / ".local" / "bin" / "uv", FAKE_UV)
    sandbox.python3(base_python())
    executable(sandbox.bin / "pulumi", FAKE_PULUMI)
    result = sandbox.run("./scripts/deploy", stack, "--yes")
    assert result.returncode == 0, result.stderr
    (policy_pack,) = pipeline_policy_packs()
    assert sandbox.calls() == [
        "uv --version",
        "uv sync --locked",
        "pulumi whoami",
        f"pulumi stack select --create {stack}",
        f"pulumi up --stack {stack} --policy-pack {policy_pack} --yes",
        f"pulumi up sees uv at {uv}",
    ]


@pytest.mark.skipif(
    os.environ.get("UV_ENV_NETWORK_TEST") != "1",
    reason="downloads uv from PyPI; run with UV_ENV_NETWORK_TEST=1",
)
def test_installs_the_real_uv_from_pypi(sandbox: Sandbox) -> None:
    python = shutil.which("python3", path="/usr/bin") or base_python()
    sandbox.python3(python)
    env = sandbox.env(pip_offline=False)
    # This machine's pip settings (index, certificates) stay, but not its user config.
    result = subprocess.run(
        ["bash", "-c", f"set -euo pipefail; . scripts/uv-env.sh; {CHILD}"],
        cwd=sandbox.project,
        env={**env, **{k: v for k, v in os.environ.items() if k.startswith("PIP_")}},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    tools_uv = sandbox.project / ".tools" / "bin" / "uv"
    assert f"child: {tools_uv}\n" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("uv ")
