"""The component alone, as another program (or language) would use it."""

from __future__ import annotations

from datetime import datetime

import pulumi
import pytest

from components.args import GroupMembershipClaim, PomeriumIdentityProviderArgs
from components.identity_provider import TYPE_TOKEN, PomeriumIdentityProvider
from tools import offline
from tools.offline import Registration

ARGS: PomeriumIdentityProviderArgs = {
    "authenticate_service_url": "https://authenticate.corp.example.com",
    "group_membership_claims": [GroupMembershipClaim.APPLICATION_GROUP],
    "kubernetes_namespace": "pomerium-system",
    "kubernetes_secret_name": "azure-idp",
    "include_deployer_as_owner": False,
    "owners": ["22222222-2222-2222-2222-222222222222"],
}


def build(args: PomeriumIdentityProviderArgs) -> None:
    idp = PomeriumIdentityProvider("corp-idp", args)
    pulumi.export("kubernetes_secret", idp.kubernetes_secret)
    pulumi.export("client_secret", idp.client_secret)


def test_children_are_named_from_the_component_and_parented_to_it(now: datetime) -> None:
    run = offline.run(lambda: build(ARGS), stack="test", config={}, now=now)
    component = run.one(TYPE_TOKEN)
    children = [r for r in run.registrations if r is not component]
    assert {r.name for r in children} == {
        "corp-idp-application",
        "corp-idp-service-principal",
        "corp-idp-client-secret-a",
        "corp-idp-client-secret-b",
        "corp-idp-kubernetes-secret",
        "corp-idp-kubernetes",
    }
    assert all(r.parent.endswith(f"{TYPE_TOKEN}::corp-idp") for r in children)


def test_the_secret_goes_through_its_own_provider_that_updates_it_in_place(
    now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The environment does not make a create take a live Secret over: an upsert followed by
    # the old resource's delete removes the Secret (pulumi-kubernetes CHANGELOG 4.29.0).
    monkeypatch.setenv("PULUMI_K8S_UPSERT_EXISTING_OBJECTS", "true")
    run = offline.run(lambda: build(ARGS), stack="test", config={}, now=now)
    provider = run.one("pulumi:providers:kubernetes")
    secret = run.one("core/v1:Secret")
    assert secret.provider.startswith(provider.urn + "::")
    assert provider.inputs["enableSecretMutable"] == "true"
    assert provider.inputs["upsertExistingObjects"] == "false"
    assert secret.retain_on_delete is False  # the stack's own Secret goes with the stack


def test_the_stacks_kubernetes_settings_are_forwarded(now: datetime) -> None:
    config = {
        "kubernetes:context": "aks-westeurope",
        "kubernetes:cluster": "aks-westeurope-admin",
        "kubernetes:clusterIdentifier": "westeurope",
        "kubernetes:kubeconfig": "/home/ci/.kube/config",
        "kubernetes:renderYamlToDirectory": "/tmp/rendered",
    }
    run = offline.run(lambda: build(ARGS), stack="test", config=config, now=now, secret_keys=[])
    provider = run.one("pulumi:providers:kubernetes")
    flags = ("enableSecretMutable", "upsertExistingObjects")
    assert {k: v for k, v in provider.inputs.items() if k not in flags} == {
        "context": "aks-westeurope",
        "cluster": "aks-westeurope-admin",
        "clusterIdentifier": "westeurope",
        "kubeconfig": "/home/ci/.kube/config",
    }
    # A kubeconfig's contents may hold credentials.
    assert "kubeconfig" in provider.secret_inputs


def test_a_callers_provider_is_used_as_it_is(now: datetime) -> None:
    def program() -> None:
        import pulumi_kubernetes as kubernetes

        mine = kubernetes.Provider("mine", context="blue", enable_secret_mutable=True)
        PomeriumIdentityProvider(
            "corp-idp", ARGS, pulumi.ResourceOptions(providers={"kubernetes": mine})
        )

    run = offline.run(program, stack="test", config={}, now=now)
    (provider,) = run.of_type("pulumi:providers:kubernetes")
    assert provider.name == "mine"
    assert run.one("core/v1:Secret").provider.startswith(provider.urn + "::")


def test_taking_over_a_secret_lets_the_provider_create_over_it(now: datetime) -> None:
    args = {**ARGS, "adopt_kubernetes_secret": True}
    run = offline.run(lambda: build(args), stack="test", config={}, now=now)  # type: ignore[arg-type]
    assert run.one("pulumi:providers:kubernetes").inputs["upsertExistingObjects"] == "true"


def test_component_arguments_reach_the_resources(now: datetime) -> None:
    run = offline.run(lambda: build(ARGS), stack="test", config={}, now=now)
    application = run.one(":Application").inputs
    assert application["groupMembershipClaims"] == ["ApplicationGroup"]
    assert application["owners"] == ARGS["owners"]
    assert run.one("core/v1:Secret").inputs["metadata"]["namespace"] == "pomerium-system"
    assert run.outputs["kubernetes_secret"].value == "pomerium-system/azure-idp"
    assert run.outputs["client_secret"].secret
    assert run.invokes[0].token.endswith("getClientConfig")


def test_invalid_arguments_register_nothing_and_name_the_inputs(now: datetime) -> None:
    record: list[Registration] = []
    bad: PomeriumIdentityProviderArgs = {
        "authenticate_service_url": "https://authenticate.corp.example.com/pomerium",
        "kubernetes_secret_name": "Azure_IdP",
    }
    with pytest.raises(pulumi.RunError) as caught:
        offline.run(lambda: build(bad), stack="test", config={}, now=now, record=record)
    message = str(caught.value)
    assert message.startswith("Invalid PomeriumIdentityProvider arguments (2 problems)")
    # The names this Python caller wrote, not the schema's (authenticateServiceUrl).
    assert "  - authenticate_service_url: expected" in message
    assert "  - kubernetes_secret_name: expected" in message
    assert record == []


def test_an_unknown_argument_is_named_with_the_nearest_one(now: datetime) -> None:
    record: list[Registration] = []
    bad = {
        "authenticate_url": "https://authenticate.corp.example.com",
        "client_secret": "s3cr3t-value-never-echoed",
        "client_secret_rotation_day": 30,
    }
    with pytest.raises(pulumi.RunError) as caught:
        offline.run(lambda: build(bad), stack="test", config={}, now=now, record=record)  # type: ignore[arg-type]
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        "Invalid PomeriumIdentityProvider arguments (4 problems); nothing was deployed:"
    )
    assert lines[1:4] == [
        "  - authenticate_url: not an argument of PomeriumIdentityProvider; "
        "did you mean authenticate_service_url?",
        "  - client_secret: not an argument of PomeriumIdentityProvider",
        "  - client_secret_rotation_day: not an argument of PomeriumIdentityProvider; "
        "did you mean client_secret_rotation_days?",
    ]
    # authenticate_service_url itself is then missing.
    assert lines[4].startswith("  - authenticate_service_url: not set, nor clusters")
    assert "s3cr3t-value-never-echoed" not in str(caught.value)
    assert record == []
