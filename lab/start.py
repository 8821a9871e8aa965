"""`./scripts/lab start`: build what is missing, start every part on loopback, and print the
environment that points the Pulumi CLI, the providers and the project at them."""

import json
import os
import sys
from pathlib import Path

from . import cluster
from .build import LabError, ensure_built, log
from .processes import alive, spawn, started, stop_all, wait_until

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".lab"
ENV_FILE = STATE / "env.json"


def running() -> bool:
    pids = started(STATE)
    return bool(pids) and all(alive(pid) for pid in pids.values()) and ENV_FILE.exists()


def start_entra(state: Path) -> dict[str, str]:
    """Microsoft's endpoints (lab/entra/): the metadata document, the token endpoint, Graph."""
    folder = state / "entra"
    folder.mkdir(exist_ok=True)
    (folder / "ready.json").unlink(missing_ok=True)
    spawn(state, "entra", [sys.executable, "-m", "lab.entra", "--state-dir", str(folder)])
    ready = folder / "ready.json"
    wait_until("the Entra ID stand-in", ready.exists, state, "entra")
    found = json.loads(ready.read_text())
    return {
        "ARM_METADATA_HOSTNAME": found["metadata_host"],
        "ARM_TENANT_ID": found["tenant_id"],
        "ARM_CLIENT_ID": found["client_id"],
        "ARM_CLIENT_SECRET": found["client_secret"],
        "SSL_CERT_FILE": found["ca_file"],
        "REQUESTS_CA_BUNDLE": found["ca_file"],
    }


def environment(bin_dir: Path, kubeconfig: Path) -> dict[str, str]:
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PULUMI_HOME": str(STATE / "pulumi-home"),
        "PULUMI_BACKEND_URL": f"file://{STATE / 'backend'}",
        "PULUMI_CONFIG_PASSPHRASE": "lab",
        # The engine never downloads a plugin, nor asks for a newer CLI: what runs is
        # what the lab built (a plugin on PATH is used whatever version it reports).
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "KUBECONFIG": str(kubeconfig),
    }


def start() -> dict[str, str]:
    if running():
        log("already running")
        return dict(json.loads(ENV_FILE.read_text()))
    stop_all(STATE)
    STATE.mkdir(exist_ok=True)
    (STATE / "backend").mkdir(exist_ok=True)
    bin_dir = ensure_built()
    log("starting etcd and two API servers")
    etcd = cluster.start_etcd(STATE, bin_dir)
    servers, ca = cluster.start_api_servers(STATE, bin_dir, etcd)
    kubeconfig = STATE / "kubeconfig"
    cluster.write_kubeconfig(kubeconfig, servers, ca)
    for server in servers:
        cluster.create_namespace(server, ca)
    cluster.start_garbage_collectors(STATE, bin_dir, servers, ca)
    env = environment(bin_dir, kubeconfig)
    if (ROOT / "lab" / "entra").is_dir():
        env.update(start_entra(STATE))
    ENV_FILE.write_text(json.dumps(env, indent=2))
    log("every part answers")
    return env


def _quoted(value: str) -> str:
    """Single-quoted for any POSIX shell: a quote inside becomes '\\''."""
    return "'" + value.replace("'", "'\\''") + "'"


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    try:
        if command == "start":
            env = start()
            # stdout carries only these lines: `eval "$(./scripts/lab start)"`.
            print("".join(f"export {k}={_quoted(v)}\n" for k, v in env.items()), end="")
            return 0
        if command == "stop":
            stopped = stop_all(STATE)
            ENV_FILE.unlink(missing_ok=True)
            log(f"stopped {', '.join(stopped)}" if stopped else "nothing was running")
            return 0
        if command == "build":
            log(f"programs in {ensure_built()}")
            return 0
    except LabError as error:
        print(f"lab: {error}", file=sys.stderr)
        if command == "start":
            stop_all(STATE)
        return 1
    print("usage: ./scripts/lab start|stop|build", file=sys.stderr)
    return 2
