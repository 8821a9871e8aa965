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


# Worked out by hand from the docstring: after a rotation at least 2N - 7 days; before it
# 2N - 7 less a week of deploys (7 days) less a day of schedule grace.
THRESHOLDS = [
    # N, after, before
    (14, 21, 13),
    (30, 53, 45),
    (90, 173, 165),
    (124, 241, 233),
]


@pytest.mark.parametrize(("days", "after", "before"), THRESHOLDS)
def test_thresholds_in_days(days: int, after: int, before: int) -> None:
    assert required_remaining(days, When.AFTER) == timedelta(days=after)
    assert required_remaining(days, When.BEFORE) == timedelta(days=before)


EXPIRY_NOW = datetime(2026, 11, 26, 15, tzinfo=UTC)


@pytest.mark.parametrize(("days", "after", "before"), THRESHOLDS)
@pytest.mark.parametrize("when", [When.AFTER, When.BEFORE])
def test_one_day_either_side_of_the_threshold(
    days: int, after: int, before: int, when: When
) -> None:
    threshold = after if when is When.AFTER else before

    def ok(remaining: timedelta) -> bool:
        return ExpiryCheck("prod", when, EXPIRY_NOW + remaining, EXPIRY_NOW, days).ok

    assert ok(timedelta(days=threshold + 1))
    assert ok(timedelta(days=threshold))
    assert not ok(timedelta(days=threshold, seconds=-1))
    assert not ok(timedelta(days=threshold - 1))


def test_the_messages_name_the_days() -> None:
    expires = datetime(2027, 5, 18, 15, tzinfo=UTC)  # 173 days after EXPIRY_NOW
    good = ExpiryCheck("prod", When.AFTER, expires, EXPIRY_NOW, 90)
    assert good.message() == (
        "stack prod, after rotation: the client secret in the Kubernetes Secret expires at "
        "2027-05-18T15:00:00Z, 173.0 days from now; at least 173.0 days are guaranteed: OK"
    )
    late = ExpiryCheck("prod", When.BEFORE, expires - timedelta(days=9), EXPIRY_NOW, 90)
    assert not late.ok
    assert late.message() == (
        "stack prod, before rotation: the client secret in the Kubernetes Secret expires at "
        "2027-05-09T15:00:00Z, 164.0 days from now, but clientSecretRotationDays=90 "
        "guarantees at least 165.0 days (the last deploys were missed or failed). Run the "
        "rotation or a deploy of this stack now, and check that Pomerium still signs users in."
    )


def test_the_worked_rotation_example_passes_after_and_its_previous_fails() -> None:
    # N = 30 on 2026-11-26T15:00Z: the current credential ends 2027-02-07 (72.4 days, at
    # least 53), the previous one 2027-01-08 (42.4 days).
    current = datetime(2027, 2, 7, tzinfo=UTC)
    previous = datetime(2027, 1, 8, tzinfo=UTC)
    assert ExpiryCheck("dev", When.AFTER, current, EXPIRY_NOW, 30).ok
    assert not ExpiryCheck("dev", When.AFTER, previous, EXPIRY_NOW, 30).ok
    assert not ExpiryCheck("dev", When.BEFORE, previous, EXPIRY_NOW, 30).ok


def test_parse_expiry_turns_any_zone_into_utc() -> None:
    assert expiry_check.parse_expiry(" 2027-02-07T01:00:00+01:00\n") == datetime(
        2027, 2, 7, tzinfo=UTC
    )
    assert expiry_check.parse_expiry("2027-02-07T00:00:00Z") == datetime(2027, 2, 7, tzinfo=UTC)


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
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = ["--project-dir", str(team_project(tmp_path)), "--stack", "monthly"]
    # Every 30 days: 53 days left is enough after a rotation, 40 is not.
    ok = main([*root, "--when", "after", "--expires-at", "2027-01-18T00:00:00Z"], now=NOW)
    assert ok == 0
    assert "OK" in capsys.readouterr().out
    late = ["--when", "after", "--expires-at", "2027-01-05T00:00:00Z"]
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main([*root, *late], now=NOW) == 1
    assert capsys.readouterr().out.startswith(
        "::error title=Client secret close to expiry::stack monthly, after rotation: "
    )
    # A person at a terminal gets plain words on stderr, no workflow command.
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert main([*root, *late], now=NOW) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: stack monthly, after rotation: ")


def test_an_expired_secret_is_said_to_have_expired_days_ago(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    root = ["--project-dir", str(team_project(tmp_path)), "--stack", "monthly"]
    # NOW is 2026-11-26T00:00Z: 2025-12-20T12:00Z is 340.5 days before it.
    argv = [*root, "--when", "before", "--expires-at", "2025-12-20T12:00:00Z"]
    assert main(argv, now=NOW) == 1
    err = capsys.readouterr().err
    assert "the client secret in the Kubernetes Secret expired at 2025-12-20T12:00:00Z, " in err
    assert "340.5 days ago, but" in err and "-340" not in err


def test_the_pulumi_yaml_default_applies_when_the_stack_sets_none(tmp_path: Path) -> None:
    root = team_project(tmp_path)
    assert expiry_check.stack_rotation_days("plain", root) == 90
    assert expiry_check.stack_rotation_days("monthly", root) == 30


def test_cli_refuses_a_stack_without_a_stack_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    argv = ["--project-dir", str(team_project(tmp_path)), "--stack", "missing"]
    argv += ["--when", "before", "--expires-at", "2027-01-18T00:00:00Z"]
    assert main(argv, now=NOW) == 2
    assert capsys.readouterr().out == (
        "::error title=Client secret expiry check::stack missing: --stack missing: no stack "
        "file stacks/Pulumi.missing.yaml (this project's stacks: monthly, plain): is this the "
        "commit the stack was deployed from?\n"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "client_secret_expires_at is empty: the stack has no such output (deploy it first)"),
        (
            "next week",
            "client_secret_expires_at 'next week' is not a date and time such as "
            "2027-01-18T00:00:00Z",
        ),
        ("2027-01-18T00:00:00", "client_secret_expires_at has no time zone: '2027-01-18T00:00:00'"),
    ],
)
def test_cli_refuses_bad_input_in_plain_words(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    value: str,
    message: str,
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    argv = ["--project-dir", str(team_project(tmp_path)), "--stack", "monthly"]
    assert main([*argv, "--when", "before", "--expires-at", value], now=NOW) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"error: stack monthly: {message}\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["--when", "after", "--expires-at", "2027-01-18T00:00:00Z"],
        ["--stack", "dev", "--expires-at", "2027-01-18T00:00:00Z"],
        ["--stack", "dev", "--when", "after"],
        ["--stack", "dev", "--when", "during", "--expires-at", "2027-01-18T00:00:00Z"],
    ],
)
def test_cli_arguments_are_required_and_checked(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv, now=NOW)
    assert caught.value.code == 2


def test_cli_names_the_stack_and_the_moment(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = ["--project-dir", str(team_project(tmp_path)), "--stack", "monthly"]
    assert main([*root, "--when", "before", "--expires-at", "2027-01-18T00:00:00Z"], now=NOW) == 0
    assert capsys.readouterr().out.startswith(
        "stack monthly, before rotation: the client secret in the Kubernetes Secret expires at "
        "2027-01-18T00:00:00Z, 53.0 days from now; at least 45.0 days are guaranteed: OK"
    )


def test_a_failed_after_check_says_the_deploy_left_an_old_credential() -> None:
    stale = datetime(2027, 1, 8, tzinfo=UTC)  # the previous credential of the worked example
    check = ExpiryCheck("dev", When.AFTER, stale, EXPIRY_NOW, 30)
    assert check.message() == (
        "stack dev, after rotation: the client secret in the Kubernetes Secret expires at "
        "2027-01-08T00:00:00Z, 42.4 days from now, but clientSecretRotationDays=30 guarantees "
        "at least 53.0 days (this deploy did not put the current period's credential in the "
        "Secret). Run the rotation or a deploy of this stack now, and check that Pomerium "
        "still signs users in."
    )


def test_an_empty_expiry_says_the_stack_has_no_such_output() -> None:
    with pytest.raises(ValueError) as caught:
        expiry_check.parse_expiry(" \n")
    assert str(caught.value) == (
        "client_secret_expires_at is empty: the stack has no such output (deploy it first)"
    )


def test_cli_help_names_the_command_and_hides_the_test_option(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one help line per option
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: pomerium-azure-ad expiry-check [-h] --stack STACK")
    assert (
        "Is the client secret in the Kubernetes Secret as far from expiry as rotation "
        "guarantees?" in out
    )
    assert " stack name (stacks/Pulumi.<stack>.yaml)\n" in out
    assert " the stack's client_secret_expires_at output\n" in out
    assert "--project-dir" not in out
