"""The rotation's --target URNs name exactly what the program registers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from components.settings import PROJECT
from tools import offline
from tools.rotation_targets import main, rotation_targets

MOCK_STACK_PREFIX = "pulumi:pulumi:Stack$"


def engine_urn(registration: offline.Registration, stack: str) -> str:
    """The URN the Pulumi engine gives a registration. The mock engine's URNs carry
    the root stack's type in front of every qualified type; the engine's do not."""
    parent_type = registration.parent.split("::")[2].removeprefix(MOCK_STACK_PREFIX)
    qualified = registration.type
    if parent_type != "pulumi:pulumi:Stack":
        qualified = f"{parent_type}${qualified}"
    return f"urn:pulumi:{stack}::{PROJECT}::{qualified}::{registration.name}"


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", offline.stack_names())
def test_targets_are_the_credentials_the_secret_and_their_parents(stack: str) -> None:
    run = offline.run_program(stack, now=datetime(2026, 11, 26, tzinfo=UTC))
    urns: dict[str, list[str]] = {r.type: [] for r in run.registrations}
    for registration in run.registrations:
        urns[registration.type].append(engine_urn(registration, stack))
    expected = [
        *sorted(urns["azuread:index/applicationPassword:ApplicationPassword"]),
        # (The proof that Entra ID accepts the new secret is made by the program, in any
        # `up`: no resource, so no target.)
        *urns["kubernetes:core/v1:Secret"],
        *urns["pomerium-azure-ad:index:PomeriumIdentityProvider"],
        f"urn:pulumi:{stack}::pomerium-azure-ad::pulumi:pulumi:Stack::pomerium-azure-ad-{stack}",
    ]
    targets = rotation_targets(stack)
    # Every cluster's Secret, in the order of the stack's clusters.
    assert sorted(targets) == sorted(expected)
    assert targets[:2] == expected[:2] and targets[-2:] == expected[-2:]
    untouched = [
        *urns["azuread:index/application:Application"],
        *urns["azuread:index/servicePrincipal:ServicePrincipal"],
    ]
    assert untouched and not set(untouched) & set(rotation_targets(stack))


def team_project(tmp_path: Path) -> Path:
    """A project of the tests' own, with one stack, `team`, on two clusters."""
    (tmp_path / "Pulumi.yaml").write_text((offline.PROJECT_DIR / "Pulumi.yaml").read_text())
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.team.yaml").write_text(
        "config:\n  pomerium-azure-ad:clusters:\n"
        "    - {name: blue, context: b, authenticateServiceUrl: https://a.blue.test}\n"
        "    - {name: green, context: g, authenticateServiceUrl: https://a.green.test}\n"
    )
    return tmp_path


def test_cli_prints_one_urn_a_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--project-dir", str(team_project(tmp_path)), "--stack", "team"]) == 0
    lines = capsys.readouterr().out.splitlines()
    component = "pomerium-azure-ad:index:PomeriumIdentityProvider"
    child = f"urn:pulumi:team::pomerium-azure-ad::{component}$"
    assert lines == [
        f"{child}azuread:index/applicationPassword:ApplicationPassword::pomerium-client-secret-a",
        f"{child}azuread:index/applicationPassword:ApplicationPassword::pomerium-client-secret-b",
        f"{child}kubernetes:core/v1:Secret::pomerium-kubernetes-secret-blue",
        f"{child}kubernetes:core/v1:Secret::pomerium-kubernetes-secret-green",
        f"urn:pulumi:team::pomerium-azure-ad::{component}::pomerium",
        "urn:pulumi:team::pomerium-azure-ad::pulumi:pulumi:Stack::pomerium-azure-ad-team",
    ]


@pytest.mark.parametrize(
    ("stack", "message"),
    [
        (
            "nosuch",
            "--stack nosuch: no stack file stacks/Pulumi.nosuch.yaml (this project's stacks: team)",
        ),
        (
            "acme/team",
            "--stack acme/team: give the stack's name without organization or project "
            "(--stack team), the NAME of stacks/Pulumi.NAME.yaml",
        ),
    ],
)
def test_cli_refuses_a_stack_the_project_has_no_file_for(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, stack: str, message: str
) -> None:
    assert main(["--project-dir", str(team_project(tmp_path)), "--stack", stack]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"pomerium-azure-ad rotation-targets: {message}\n"


def test_cli_refuses_a_stack_file_the_cli_would_refuse(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = team_project(tmp_path)
    (root / "stacks" / "Pulumi.team.yaml").write_text(
        "config:\n  pomerium-azure-ad:protect: maybe\n"
    )
    assert main(["--project-dir", str(root), "--stack", "team"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "'pomerium-azure-ad:protect' must be of type 'boolean'" in err
    assert "Traceback" not in err
