"""Build the lab's programs from their Go modules (lab/go/), with the ordinary Go client.

Each program is built once per machine: the binaries are kept under the user's cache, in a
folder keyed by the modules' files and the Go version, so a change of pin builds anew. Go's own
module and build caches make a rebuild after a pin change mostly a link. Nothing is ever
downloaded but Go modules from the module proxy.
"""

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .programs import GO_DIR, KUBERNETES, PROGRAMS, PULUMI, Program

# Scripts of module github.com/pulumi/pulumi/sdk/v3 at the CLI's release, which the engine runs
# from PATH: the dynamic-provider plugin (python/dist), used by the proof.
SDK_SCRIPTS = ("python/dist/pulumi-resource-pulumi-python",)


class LabError(Exception):
    """The lab cannot be built or started; the message says why."""


def log(message: str) -> None:
    print(f"lab: {message}", file=sys.stderr, flush=True)


def go_env() -> dict[str, str]:
    env = dict(os.environ)
    # go.sum is committed: a build never edits go.mod, and never switches toolchain.
    env.update(GOFLAGS="-mod=readonly", GOTOOLCHAIN="local")
    return env


def go(args: list[str], cwd: Path) -> str:
    if shutil.which("go") is None:
        raise LabError(
            "Go is not installed, so the lab (the real Pulumi CLI, pulumi-resource-kubernetes, "
            "kube-apiserver and etcd, built from their Go modules) cannot be built. Install Go "
            "1.26 or newer (https://go.dev/doc/install) and run it again."
        )
    done = subprocess.run(
        ["go", *args], cwd=cwd, env=go_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise LabError(f"`go {' '.join(args)}` in {cwd} failed:\n{done.stderr.strip()}")
    return done.stdout.strip()


def bin_dir() -> Path:
    """Where this machine keeps the binaries built from these exact pins."""
    digest = hashlib.sha256(go(["version"], GO_DIR).encode())
    for path in sorted(GO_DIR.rglob("*")):
        if path.is_file() and path.suffix in {".mod", ".sum", ".go"}:
            digest.update(str(path.relative_to(GO_DIR)).encode() + path.read_bytes())
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "pomerium-azure-ad" / "lab" / digest.hexdigest()[:16] / "bin"


def module_version(program: Program) -> str:
    return go(
        ["list", "-m", "-f", "{{.Version}}", program.version_module], GO_DIR / program.module_dir
    )


def module_dir(module: str, cwd: Path) -> Path:
    """The module's source, at the version the module in `cwd` requires, downloaded if it is
    not in the module cache yet (`go list -m` names no folder then: its Dir is empty)."""
    found = json.loads(go(["mod", "download", "-json", module], cwd)).get("Dir")
    if not found:
        raise LabError(f"`go mod download {module}` in {cwd} gave no folder")
    return Path(found)


def ldflags(program: Program, version: str) -> str:
    bare = version.removeprefix("v")
    major, minor = bare.split(".")[:2]
    values = {"version": version, "bare": bare, "major": major, "minor": minor}
    return " ".join(f"-X {stamp.format(**values)}" for stamp in program.stamps)


def write_kubernetes_embeds(version: str) -> None:
    """The two files the provider's main embeds, which its own build generates from the
    schema and the Terraform mapping the module carries (cmd/pulumi-resource-kubernetes/
    generate.go: the schema with its version set, both re-serialised)."""
    source = module_dir("github.com/pulumi/pulumi-kubernetes/provider/v4", GO_DIR / "kubernetes")
    source = source / "cmd" / "pulumi-resource-kubernetes"
    schema = json.loads((source / "schema.json").read_text())
    schema["version"] = version.removeprefix("v")
    target = GO_DIR / KUBERNETES.module_dir
    (target / "schema-embed.json").write_text(json.dumps(schema, separators=(",", ":")))
    mapping = json.loads((source / "terraform-mapping.json").read_text())
    (target / "terraform-mapping-embed.json").write_text(json.dumps(mapping, separators=(",", ":")))


def build(program: Program, out: Path) -> dict[str, str]:
    cwd = GO_DIR / program.module_dir
    version = module_version(program)
    if program is KUBERNETES:
        write_kubernetes_embeds(version)
    started = time.monotonic()
    log(f"building {program.binary} {version} (a first build takes minutes)")
    go(
        [
            "build",
            "-o",
            str(out / program.binary),
            "-ldflags",
            ldflags(program, version),
            program.package,
        ],
        cwd,
    )
    log(f"built {program.binary} in {time.monotonic() - started:.0f} s")
    return {"version": version, "seconds": f"{time.monotonic() - started:.1f}"}


def install_sdk_scripts(out: Path) -> None:
    sdk = module_dir("github.com/pulumi/pulumi/sdk/v3", GO_DIR / PULUMI.module_dir)
    for script in SDK_SCRIPTS:
        target = out / Path(script).name
        shutil.copyfile(sdk / script, target)
        target.chmod(0o755)


@contextmanager
def _locked(lock_file: Path) -> Iterator[None]:
    """An exclusive lock, released when the process ends, however it ends: the fast layer's
    test workers may each ask for the runner's yq at once, while `./scripts/lab start` builds."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _ensure(programs: tuple[Program, ...], out: Path) -> None:
    """Build each program that is missing, one build of a program at a time."""
    for program in programs:
        with _locked(out / f".{program.binary}.lock"):
            if (out / program.binary).exists():
                continue
            built = build(program, out)
            with _locked(out / ".versions.lock"):
                record = out / "versions.json"
                versions = json.loads(record.read_text()) if record.exists() else {}
                record.write_text(json.dumps({**versions, program.binary: built}, indent=2))


def ensure_built() -> Path:
    """Build what is missing; return the folder holding every program."""
    out = bin_dir()
    _ensure(PROGRAMS, out)
    install_sdk_scripts(out)
    return out


def ensure_program(program: Program) -> Path:
    """Build one program if it is missing; return its path."""
    out = bin_dir()
    _ensure((program,), out)
    return out / program.binary
