"""Constructing the component the way the plugin does for other languages.

The plugin's provider maps the engine's inputs (schema names, enums as strings,
numbers as floats) onto the args TypedDict and calls the real component, here
under Pulumi's mock engine. Bad input must fail in the component, before any
resource is registered, with one message naming the schema's input names.
"""

import re
import runpy
from datetime import datetime
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.server import ComponentInitError

from components.identity_provider import TYPE_TOKEN
from components.proof import Answer
from components.settings import PROJECT
from tests.test_provider_schema import served_schema
from tests.token_endpoint import TokenEndpoint
from tools import offline

PLUGIN_MAIN = Path(__file__).resolve().parent.parent / "provider" / "__main__.py"
SECRET = "kubernetes:core/v1:Secret"
URL = "https://authenticate.example.com"


@pytest.fixture(autouse=True)
def schema_names_in_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the plugin's process does when it starts (provider/__main__.py)."""
    monkeypatch.setattr("components.args.SCHEMA_NAMES_IN_MESSAGES", True)


def plugin_provider() -> ComponentProvider:
    """The provider the plugin serves, with the plugin's own component list."""
    plugin = runpy.run_path(str(PLUGIN_MAIN), run_name="plugin")
    return ComponentProvider(components=plugin["COMPONENTS"], name=PROJECT, version="0.0.0")


def construct(inputs: dict[str, Any], now: datetime) -> offline.ProgramRun:
    provider = plugin_provider()

    def program() -> None:
        result = provider.construct("pomerium", TYPE_TOKEN, inputs, None)
        for name, value in result.state.items():
            pulumi.export(name, value)

    return offline.run(program, stack="dev", config={}, now=now)


def test_inputs_from_another_language_reach_the_component(now: datetime) -> None:
    run = construct(
        {
            "authenticateServiceUrl": "https://authenticate.example.com",
            "signInAudience": "AzureADMyOrg",
            "groupMembershipClaims": ["ApplicationGroup"],
            "clientSecretRotationDays": 30.0,  # numbers arrive as floats
            "kubernetesSecretName": "pomerium-idp",
        },
        now,
    )
    assert run.one(":PomeriumIdentityProvider").type == TYPE_TOKEN
    application = run.one(":Application")
    assert application.inputs["groupMembershipClaims"] == ["ApplicationGroup"]
    assert application.inputs["signInAudience"] == "AzureADMyOrg"
    assert run.outputs["kubernetesSecret"].value == "pomerium/pomerium-idp"
    assert run.outputs["redirectUrls"].value == ["https://authenticate.example.com/oauth2/callback"]


def test_the_client_secret_stays_secret_across_the_plugin(now: datetime) -> None:
    run = construct({"authenticateServiceUrl": "https://authenticate.example.com"}, now)
    secret = run.outputs["clientSecret"]
    assert secret.secret
    assert secret.value.startswith(offline.PLACEHOLDER_CLIENT_SECRET)
    assert not any(offline.PLACEHOLDER_CLIENT_SECRET in line for line in run.logs)
    assert not run.outputs["clientId"].secret


def test_bad_inputs_fail_in_one_message_before_anything_is_registered(now: datetime) -> None:
    bad = {
        "authenticateServiceUrl": "http://authenticate.example.com/path",
        "clientSecretRotationDays": 5.0,
        "kubernetesNamespace": "Not_A_Label",
        "owners": ["not-a-guid"],
        "azureEnvironment": "mars",
    }
    provider = plugin_provider()
    errors: list[ComponentInitError] = []
    monitor_registrations: list[offline.Registration] = []

    def program() -> None:
        try:
            provider.construct("pomerium", TYPE_TOKEN, bad, None)
        except ComponentInitError as error:
            errors.append(error)

    run = offline.run(program, stack="dev", config={}, now=now)
    monitor_registrations.extend(run.registrations)

    assert len(errors) == 1
    assert isinstance(errors[0].inner, pulumi.RunError)
    message = str(errors[0])
    assert message.startswith("Invalid PomeriumIdentityProvider arguments (5 problems)")
    named = re.findall(r"^  - (\w+):", message, flags=re.MULTILINE)
    assert sorted(named) == sorted(bad)
    # The names are the schema's input names, the ones the user wrote.
    schema_inputs = served_schema()["resources"][TYPE_TOKEN]["inputProperties"]
    assert set(named) <= set(schema_inputs)
    assert monitor_registrations == []


def test_a_missing_required_input_is_refused_by_name(now: datetime) -> None:
    provider = plugin_provider()
    with pytest.raises(Exception, match="authenticateServiceUrl"):
        offline.run(
            lambda: provider.construct("pomerium", TYPE_TOKEN, {}, None),
            stack="dev",
            config={},
            now=now,
        )


# --- the proof, in the plugin's process (issue 20) ----------------------------------------


def test_the_plugin_proves_the_client_secret_before_it_registers_the_secret(
    now: datetime, token_endpoint: TokenEndpoint
) -> None:
    """For another language the component runs in the plugin's process, and so does its
    proof: the consuming program's runtime plays no part (components/proof_step.py)."""
    run = construct({"authenticateServiceUrl": "https://authenticate.example.com"}, now)
    (asked,) = token_endpoint.requests
    assert asked.authority.startswith("https://login.microsoftonline.com/")
    assert asked.client_secret.startswith(offline.PLACEHOLDER_CLIENT_SECRET)
    assert SECRET not in asked.registered_before
    assert run.one(SECRET).inputs["stringData"]["client_secret"] == asked.client_secret
    assert run.outputs["clientSecret"].secret


def test_a_refused_client_secret_fails_the_construct_and_registers_no_secret(
    now: datetime, token_endpoint: TokenEndpoint
) -> None:
    token_endpoint.answer = Answer(False, (53003,), "AADSTS53003: Access has been blocked.")
    provider = plugin_provider()
    registered: list[offline.Registration] = []

    def program() -> None:
        result = provider.construct("pomerium", TYPE_TOKEN, {"authenticateServiceUrl": URL}, None)
        pulumi.export("clientSecret", result.state["clientSecret"])

    with pytest.raises(Exception, match="Conditional Access blocked") as failed:
        offline.run(program, stack="dev", config={}, now=now, record=registered)
    assert offline.PLACEHOLDER_CLIENT_SECRET not in str(failed.value)
    assert SECRET not in [r.type for r in registered]
