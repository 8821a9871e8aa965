"""Start the lab's servers in the background and stop them from any shell.

Each server runs in a session of its own, with its output in a log file of the lab's state
folder (never the caller's stdout, so `eval "$(./scripts/lab start)"` returns), and its pid in
pids.json there, which `stop` reads.
"""

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from .build import LabError, log


def pids_file(state: Path) -> Path:
    return state / "pids.json"


def started(state: Path) -> dict[str, int]:
    path = pids_file(state)
    return json.loads(path.read_text()) if path.exists() else {}


def spawn(state: Path, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
    with open(state / f"{name}.log", "ab") as output:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    pids = started(state)
    pids[name] = process.pid
    pids_file(state).write_text(json.dumps(pids))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie of ours counts as gone.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def wait_until(
    what: str, ready: Callable[[], bool], state: Path, name: str, seconds: float = 90
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        pid = started(state).get(name)
        if pid is not None and not alive(pid):
            tail = (state / f"{name}.log").read_text(errors="replace")[-3000:]
            raise LabError(f"{what} exited before it answered; the end of its log:\n{tail}")
        time.sleep(0.3)
    raise LabError(f"{what} did not answer within {seconds:.0f} s (log: {state / name}.log)")


def stop_all(state: Path) -> list[str]:
    """Stop every server the lab started; return their names. etcd goes last: an API server
    whose etcd is gone retries its shutdown's writes (its lease) instead of exiting."""
    pids = started(state)
    last = {name: pid for name, pid in pids.items() if name == "etcd"}
    first = {name: pid for name, pid in pids.items() if name not in last}
    for group in (first, last):
        _stop(group)
    pids_file(state).unlink(missing_ok=True)
    return list(pids)


def _stop(pids: dict[str, int]) -> None:
    """SIGTERM, up to 20 s to exit, then SIGKILL and up to 10 s for the kernel to end them."""
    for pid in pids.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.2)
    for name, pid in pids.items():
        if alive(pid):
            log(f"{name} did not stop on SIGTERM: killing it")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
