"""The rotation's --target URNs name exactly what the program registers."""

from __future__ import annotations

from datetime import UTC, datetime

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


@pytest.mark.parametrize("stack", offline.stack_names())
def test_targets_are_the_credentials_their_proof_the_secret_and_their_parents(stack: str) -> None:
    run = offline.run_program(stack, now=datetime(2026, 11, 26, tzinfo=UTC))
    urns: dict[str, list[str]] = {r.type: [] for r in run.registrations}
    for registration in run.registrations:
        urns[registration.type].append(engine_urn(registration, stack))
    expected = [
        *sorted(urns["azuread:index/applicationPassword:ApplicationPassword"]),
        # The proof that Entra ID accepts the new secret, which the Secret waits for.
        *urns["pulumi-python:dynamic:Resource"],
        *urns["kubernetes:core/v1:Secret"],
        *urns["pomerium-azure-ad:index:PomeriumIdentityProvider"],
        f"urn:pulumi:{stack}::pomerium-azure-ad::pulumi:pulumi:Stack::pomerium-azure-ad-{stack}",
    ]
    targets = rotation_targets(stack)
    # Every cluster's Secret, in the order of the stack's clusters.
    assert sorted(targets) == sorted(expected)
    assert targets[:3] == expected[:3] and targets[-2:] == expected[-2:]
    untouched = [
        *urns["azuread:index/application:Application"],
        *urns["azuread:index/servicePrincipal:ServicePrincipal"],
    ]
    assert untouched and not set(untouched) & set(rotation_targets(stack))


def test_cli_prints_one_urn_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--stack", "prod"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == rotation_targets("prod")
    assert lines[0] == (
        "urn:pulumi:prod::pomerium-azure-ad::pomerium-azure-ad:index:PomeriumIdentityProvider"
        "$azuread:index/applicationPassword:ApplicationPassword::pomerium-client-secret-a"
    )
