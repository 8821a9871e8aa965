"""The rotation's before/after check of client_secret_expires_at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components import rotation
from tools import expiry_check, offline
from tools.expiry_check import ExpiryCheck, When, main, required_remaining

DAYS = st.integers(rotation.MIN_ROTATION_DAYS, rotation.MAX_ROTATION_DAYS)
MOMENTS = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
)


def test_thresholds_follow_the_rotation_arithmetic() -> None:
    # N = 90: credentials end 3N - 7 = 263 days after their period starts.
    assert required_remaining(90, When.AFTER) == timedelta(days=2 * 90 - 7)
    assert (
        required_remaining(90, When.BEFORE)
        == timedelta(days=2 * 90 - 7 - rotation.DEPLOY_INTERVAL_DAYS) - expiry_check.SCHEDULE_GRACE
    )


@given(days=DAYS, now=MOMENTS)
def test_a_deploy_always_passes_the_after_check(days: int, now: datetime) -> None:
    expires = rotation.plan_rotation(now, days).current.expires
    assert ExpiryCheck("prod", When.AFTER, expires, now, days).ok


@given(
    days=DAYS,
    deployed=MOMENTS,
    late=st.timedeltas(
        min_value=timedelta(0),
        max_value=timedelta(days=rotation.DEPLOY_INTERVAL_DAYS) + expiry_check.SCHEDULE_GRACE,
    ),
)
def test_weekly_deploys_always_pass_the_before_check(
    days: int, deployed: datetime, late: timedelta
) -> None:
    expires = rotation.plan_rotation(deployed, days).current.expires
    assert ExpiryCheck("prod", When.BEFORE, expires, deployed + late, days).ok


@given(days=DAYS)
def test_missed_deploys_fail_the_before_check(days: int) -> None:
    # Deployed just before a rotation was due, then nothing for three weeks.
    period_end = rotation.plan_rotation(rotation.EPOCH, days).next_rotation
    deployed = period_end - timedelta(minutes=1)
    expires = rotation.plan_rotation(deployed, days).current.expires
    check = ExpiryCheck("prod", When.BEFORE, expires, deployed + timedelta(days=21), days)
    assert not check.ok
    assert "missed or failed" in check.message()


def test_an_old_credential_fails_the_after_check() -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    stale = rotation.plan_rotation(now, 30).previous.expires
    check = ExpiryCheck("dev", When.AFTER, stale, now, 30)
    assert not check.ok
    assert "did not put the current period's credential" in check.message()


NOW = datetime(2026, 11, 26, tzinfo=UTC)


def team_project(tmp_path: Path) -> Path:
    """A project of the tests' own: a stack rotating every 30 days, one that sets nothing."""
    (tmp_path / "Pulumi.yaml").write_text((offline.PROJECT_DIR / "Pulumi.yaml").read_text())
    (tmp_path / "stacks").mkdir()
    url = "pomerium-azure-ad:authenticateServiceUrl: https://authenticate.example.com"
    (tmp_path / "stacks" / "Pulumi.monthly.yaml").write_text(
        f"config:\n  {url}\n  pomerium-azure-ad:clientSecretRotationDays: 30\n"
    )
    (tmp_path / "stacks" / "Pulumi.plain.yaml").write_text(f"config:\n  {url}\n")
    return tmp_path


def test_cli_reads_the_rotation_days_from_the_stack_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = ["--project-dir", str(team_project(tmp_path)), "--stack", "monthly"]
    # Every 30 days: 53 days left is enough after a rotation, 40 is not.
    ok = main([*root, "--when", "after", "--expires-at", "2027-01-18T00:00:00Z"], now=NOW)
    assert ok == 0
    assert "OK" in capsys.readouterr().out
    late = main([*root, "--when", "after", "--expires-at", "2027-01-05T00:00:00Z"], now=NOW)
    out = capsys.readouterr().out
    assert late == 1
    assert out.startswith("::error title=Client secret close to expiry::")


def test_the_pulumi_yaml_default_applies_when_the_stack_sets_none(tmp_path: Path) -> None:
    root = team_project(tmp_path)
    assert expiry_check.stack_rotation_days("plain", root) == 90
    assert expiry_check.stack_rotation_days("monthly", root) == 30


def test_cli_refuses_a_stack_without_a_stack_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["--project-dir", str(team_project(tmp_path)), "--stack", "missing"]
    argv += ["--when", "before", "--expires-at", "2027-01-18T00:00:00Z"]
    assert main(argv, now=NOW) == 2
    assert (
        "missing configuration value 'pomerium-azure-ad:authenticateServiceUrl'"
        in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "no such output"),
        ("next week", "Invalid isoformat"),
        ("2027-01-18T00:00:00", "time zone"),
    ],
)
def test_cli_refuses_bad_input_loudly(
    capsys: pytest.CaptureFixture[str], value: str, fragment: str
) -> None:
    assert main(["--stack", "dev", "--when", "before", "--expires-at", value], now=NOW) == 2
    out = capsys.readouterr().out
    assert out.startswith("::error title=Client secret expiry check::stack dev:")
    assert fragment in out
