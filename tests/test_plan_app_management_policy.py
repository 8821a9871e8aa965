"""`plan --app-management-policy FILE`: the offline plan against a tenant's policy.

Figures by hand: 30-day rotation -> secrets of 3 x 30 - 7 = 83 days; under a 60-day cap the
largest rotation is 22 (59 days; 23 would make 62).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_app_management_policy import PER_APP_POLICY, lifetime, tenant_default
from tests.test_plan import VALID, plan, plan_json, project

AT = "2026-11-26"


def policy_file(tmp_path: Path, document: object) -> str:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(document))
    return str(path)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return project(
        tmp_path / "project",
        {
            "thirty": {**VALID, "clientSecretRotationDays": 30},
            "twentytwo": {**VALID, "clientSecretRotationDays": 22},
        },
    )


def test_without_a_file_the_plan_says_the_check_runs_at_deploy(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = plan(capsys, "--project-dir", str(root), "--at", AT)
    assert code == 0
    assert "  App management policy: checked at deploy time" in out


def test_a_60_day_cap_from_a_file(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = policy_file(tmp_path, tenant_default(lifetime("P60D")))
    code, document = plan_json(
        capsys, "--project-dir", str(root), "--at", AT, "--app-management-policy", path
    )
    assert code == 1
    stacks = {entry["stack"]: entry for entry in document["stacks"]}
    (error,) = stacks["thirty"]["errors"]
    assert "set clientSecretRotationDays to 22 or less" in error
    assert "live up to 83 days" in error
    assert stacks["twentytwo"]["ok"] is True
    assert "1 day to spare" in stacks["twentytwo"]["plan"]["app_management_policy"]


def test_a_per_app_policy_file_that_blocks(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = policy_file(tmp_path, PER_APP_POLICY)
    code, out, _ = plan(
        capsys, "--project-dir", str(root), "--stack", "thirty", "--app-management-policy", path
    )
    assert code == 1
    assert "Stack thirty: INVALID, a deploy would stop here" in out
    assert '"credential management policy" (a4ab1ed9-46bb-4bef-88d4-86fd6398dd5d)' in out


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("{not json", "not JSON"),
        ('{"restrictions": {"passwordCredentials": [{}]}}', "restrictionType"),
    ],
)
def test_an_unreadable_file_is_one_line_and_exit_2(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, said: str
) -> None:
    path = tmp_path / "policy.json"
    path.write_text(content)
    code, out, err = plan(capsys, "--project-dir", str(root), "--app-management-policy", str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"pomerium-azure-ad plan: --app-management-policy {path}: ")
    assert said in err and "Traceback" not in err
    code, _, err = plan(capsys, "--app-management-policy", str(tmp_path / "missing.json"))
    assert code == 2 and "No such file" in err
