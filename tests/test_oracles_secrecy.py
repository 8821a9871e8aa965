"""The client secret stays secret because the component says so, not because the mock does.

The real azuread provider marks ApplicationPassword.value secret
(additional_secret_outputs); Pulumi's mock engine does not, and the project's usual mock
returns the value already wrapped in Output.secret, which hides a missing wrapper in the
component. The cloud below returns the value as a plain string, so only the component's
own Output.secret calls can keep it secret.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pulumi
import pytest

from tests.stacks import run_fixture
from tools.offline import PlaceholderCloud, ProgramRun

PLAIN = "plain-Client~Secret.value-fedcba9876543210"
SECRET = "core/v1:Secret"


class PlainValueCloud(PlaceholderCloud):
    """PlaceholderCloud, but ApplicationPassword.value comes back as a plain string."""

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        resource_id, state = super().new_resource(args)
        if args.typ.endswith(":ApplicationPassword"):
            state["value"] = f"{PLAIN}-{state['keyId']}"
        return resource_id, state


def plain_run(stack: str, now: datetime, **overrides: Any) -> ProgramRun:
    return run_fixture(stack, now=now, cloud=PlainValueCloud(), overrides=overrides or None)


def test_the_mock_really_returns_the_value_in_plain_text(now: datetime) -> None:
    run = plain_run("dev", now)
    for password in run.of_type(":ApplicationPassword"):
        assert password.state["value"] == f"{PLAIN}-{password.state['keyId']}"
        assert not isinstance(password.state["value"], pulumi.Output)


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_client_secret_output_is_secret(stack: str, now: datetime) -> None:
    run = plain_run(stack, now)
    client_secret = run.outputs["client_secret"]
    assert client_secret.value.startswith(PLAIN)
    assert client_secret.secret
    for name, output in run.outputs.items():
        if PLAIN in str(output.value):
            assert output.secret, name


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_kubernetes_secret_data_reaches_the_engine_as_a_secret(
    stack: str, now: datetime
) -> None:
    run = plain_run(stack, now)
    secrets = run.of_type(SECRET)
    assert secrets
    for secret in secrets:
        data = secret.inputs["stringData"]
        assert data["client_secret"].startswith(PLAIN)
        assert data["IDP_CLIENT_SECRET"] == data["client_secret"]
        assert "stringData" in secret.secret_inputs
        assert "data" not in secret.inputs or "data" in secret.secret_inputs


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_client_secret_is_nowhere_in_plain_text(stack: str, now: datetime) -> None:
    run = plain_run(stack, now)
    for registration in run.registrations:
        if registration.type.endswith(":ApplicationPassword"):
            continue  # the provider's own output (its value is secret in a real deploy)
        plain = {
            k: v for k, v in registration.inputs.items() if k not in registration.secret_inputs
        }
        assert PLAIN not in str(plain), registration.name
    assert not any(PLAIN in line for line in run.logs)
    assert not any(PLAIN in line for line in run.warnings)
