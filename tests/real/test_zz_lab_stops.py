"""The lab stops clean. Runs last on purpose (pytest takes a folder's files in name order):
it stops the session's lab, and the session fixture's own stop then finds nothing running."""

import json
import subprocess
from pathlib import Path

from .conftest import ROOT

LAB = str(ROOT / "scripts" / "lab")


def _gone(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    # A zombie is gone too: it holds no port and runs nothing (its parent reaps it).
    return not stat.exists() or stat.read_text().split(")")[-1].split()[0] == "Z"


def test_stop_leaves_nothing_running_and_succeeds_when_nothing_runs(lab: dict[str, str]) -> None:
    pids = json.loads((ROOT / ".lab" / "pids.json").read_text())
    assert set(pids) >= {"etcd", "kube-apiserver-blue", "kube-apiserver-green", "entra"}
    assert subprocess.run([LAB, "stop"], capture_output=True, check=False).returncode == 0
    assert all(_gone(pid) for pid in pids.values())
    assert subprocess.run([LAB, "stop"], capture_output=True, check=False).returncode == 0
