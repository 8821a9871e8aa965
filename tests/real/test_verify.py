"""`pomerium-azure-ad verify` against a stack deployed for real: the stack's outputs from the
real CLI, the Secret from the API server, the token from the stand-in's token endpoint."""

import subprocess
from pathlib import Path

import pytest

from . import cluster
from .conftest import ROOT
from .fixtures import deployment

VERIFY = str(ROOT / ".venv" / "bin" / "pomerium-azure-ad")


@pytest.fixture(autouse=True)
def _lab(lab: dict[str, str]) -> None:
    return None


def verify(folder: Path, stack: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VERIFY, "verify", "--stack", stack],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


def test_verify_passes_after_each_deploy_and_fails_once_the_secret_is_edited(
    tmp_path: Path,
) -> None:
    d = deployment(tmp_path)
    d.stack.up()
    first = verify(tmp_path, d.stack.name)
    assert first.returncode == 0, first.stdout + first.stderr
    d.use(d.app.add_password())
    d.stack.up()
    rotated = verify(tmp_path, d.stack.name)
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    assert d.password.secret_text not in rotated.stdout + rotated.stderr
    held = cluster.secret_values(cluster.read_secret("blue", d.secret_name))  # type: ignore[arg-type]
    cluster.edit_secret("blue", d.secret_name, {**held, "IDP_CLIENT_SECRET": "edited-by-hand"})
    edited = verify(tmp_path, d.stack.name)
    assert edited.returncode == 1
    assert "FAIL" in edited.stdout
    assert "edited-by-hand" not in edited.stdout + edited.stderr
