"""Pomerium in several clusters behind one app registration: the `clusters` setting."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pulumi
import pytest

from components.settings import ConfigError, args_from_config, settings_from_args
from tests.stacks import run_fixture

EAST = {
    "name": "east",
    "context": "aks-prod-east",
    "authenticateServiceUrl": "https://authenticate.example.com/",
}
WEST = {
    "name": "west",
    "context": "aks-prod-west",
    "authenticateServiceUrl": "https://authenticate-west.example.com",
    "kubernetesNamespace": "pomerium-west",
}


def problems(raw: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        args_from_config(raw, environment=None, stack="prod")
    return {p.key: p.expects for p in caught.value.problems}


def clusters(*entries: dict[str, Any]) -> dict[str, str]:
    return {"clusters": json.dumps(list(entries))}


def test_each_cluster_has_its_secret_and_every_reply_url_once() -> None:
    blue_green = {
        **WEST,
        "name": "green",
        "context": "aks-green",
        "authenticateServiceUrl": ("https://authenticate.example.com"),
    }
    args = args_from_config(clusters(EAST, WEST, blue_green), environment=None, stack="prod")
    settings = settings_from_args(args, stack="prod")
    assert [(c.name, c.context, c.secret) for c in settings.clusters] == [
        ("east", "aks-prod-east", "pomerium/idp"),
        ("west", "aks-prod-west", "pomerium-west/idp"),
        ("green", "aks-green", "pomerium-west/idp"),  # WEST's namespace, copied
    ]
    # The blue/green pair shares one authenticate URL: its callback is there once.
    assert settings.redirect_urls == (
        "https://authenticate.example.com/oauth2/callback",
        "https://authenticate-west.example.com/oauth2/callback",
    )
    assert settings.authenticate_service_url == "https://authenticate.example.com"
    assert settings.kubernetes_secret == "pomerium/idp"


C = "pomerium-azure-ad:clusters"
URL = (
    "an https URL with a host and an optional port, and no path, query, fragment or user info "
    "(e.g. https://authenticate.example.com)"
)
LABEL = (
    "a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending "
    "with a letter or digit"
)


@pytest.mark.parametrize(
    ("entries", "said"),
    [
        ([EAST, {**WEST, "name": "east"}], [f"{C}: two clusters have name 'east'"]),
        (
            [EAST, {**WEST, "context": "aks-prod-east"}],
            [f"{C}: two clusters have context 'aks-prod-east'"],
        ),
        ([{**EAST, "name": "East"}], [f"{C}[0] (East): name: expected {LABEL}; got 'East'"]),
        (
            [EAST, {**WEST, "name": "green", "context": ""}],
            [
                f"{C}[1] (green): context: expected the name of a kubeconfig context (not "
                "empty, at most 253 characters); got ''"
            ],
        ),
        (
            [EAST, {k: v for k, v in WEST.items() if k != "context"} | {"name": "green"}],
            [f"{C}[1] (green): context is missing"],
        ),
        (
            [{**EAST, "kubeconfig": "/root/.kube/config"}],
            [f"{C}[0] (east): kubeconfig is not a key of a cluster"],
        ),
        (
            [EAST, {**WEST, "kubeNamespace": "x"}],
            [
                f"{C}[1] (west): kubeNamespace is not a key of a cluster; did you mean "
                "kubernetesNamespace?"
            ],
        ),
        (
            [{**EAST, "authenticateServiceUrl": "http://authenticate.example.com"}],
            [
                f"{C}[0] (east): authenticateServiceUrl: expected {URL}; got "
                "'http://authenticate.example.com'"
            ],
        ),
        (
            [{**EAST, "authenticate_service_url": "https://a.example.com"}],
            [
                f"{C}[0] (east): authenticate_service_url is not a key of a cluster; did you "
                "mean authenticateServiceUrl?"
            ],
        ),
        (
            ["east"],
            [
                f"{C}[0]: expected a mapping of name, context, authenticateServiceUrl, "
                "kubernetesNamespace, kubernetesSecretName; got 'east'"
            ],
        ),
    ],
    ids=[
        "name-twice",
        "context-twice",
        "label",
        "empty-context",
        "no-context",
        "unknown-key",
        "typo",
        "http",
        "snake-case",
        "not-a-mapping",
    ],
)
def test_a_wrong_cluster_is_named_by_its_place_and_name_in_the_users_spelling(
    entries: list[Any], said: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        args_from_config(clusters(*entries), environment=None, stack="prod")
    assert [str(p) for p in caught.value.problems] == said


def test_clusters_and_the_top_level_url_exclude_each_other() -> None:
    found = problems({**clusters(EAST), "authenticateServiceUrl": "https://a.example.com"})
    assert list(found) == [
        "pomerium-azure-ad:authenticateServiceUrl and pomerium-azure-ad:clusters"
    ]
    found = problems({})
    assert list(found) == ["pomerium-azure-ad:authenticateServiceUrl"]


def test_each_cluster_gets_its_own_provider_and_secret(now: datetime) -> None:
    run = run_fixture(
        "prod",
        now=now,
        overrides={
            "pomerium-azure-ad:authenticateServiceUrl": "",
            "pomerium-azure-ad:clusters": [EAST, WEST],
        },
    )
    providers = {p.name: p for p in run.of_type("pulumi:providers:kubernetes")}
    assert set(providers) == {"pomerium-kubernetes-east", "pomerium-kubernetes-west"}
    # Only the context's name, and an empty kubeconfig: neither its contents nor the
    # KUBECONFIG path reach the state. The name is the cluster's id.
    assert {k: v for k, v in providers["pomerium-kubernetes-west"].inputs.items()} == {
        "kubeconfig": "",
        "context": "aks-prod-west",
        "clusterIdentifier": "west",
        "enableSecretMutable": "true",
        "upsertExistingObjects": "false",
    }
    secrets = {s.name: s for s in run.of_type("core/v1:Secret")}
    assert set(secrets) == {"pomerium-kubernetes-secret-east", "pomerium-kubernetes-secret-west"}
    west = secrets["pomerium-kubernetes-secret-west"]
    assert west.provider.startswith(providers["pomerium-kubernetes-west"].urn + "::")
    assert west.inputs["metadata"]["namespace"] == "pomerium-west"
    assert west.inputs["stringData"]["AUTHENTICATE_SERVICE_URL"] == (
        "https://authenticate-west.example.com"
    )
    # The first cluster's keep the single-cluster names as aliases (moving a stack).
    east = secrets["pomerium-kubernetes-secret-east"]
    assert any(a.endswith("::pomerium-kubernetes-secret") for a in east.aliases)
    assert not west.aliases
    assert run.outputs["kubernetes_secrets"].value == [
        {
            "cluster": "east",
            "context": "aks-prod-east",
            "secret": "pomerium/idp",
            "authenticate_service_url": "https://authenticate.example.com",
        },
        {
            "cluster": "west",
            "context": "aks-prod-west",
            "secret": "pomerium-west/idp",
            "authenticate_service_url": "https://authenticate-west.example.com",
        },
    ]
    assert run.outputs["kubernetes_secret"].value == "pomerium/idp"


def test_a_stack_without_clusters_lists_its_one_secret(now: datetime) -> None:
    run = run_fixture("dev", now=now)
    assert run.outputs["kubernetes_secrets"].value == [
        {
            "cluster": "",
            "context": "",
            "secret": "pomerium/idp",
            "authenticate_service_url": "https://authenticate.dev.example.com",
        }
    ]


def test_a_callers_provider_cannot_serve_several_clusters(now: datetime) -> None:
    from components.identity_provider import PomeriumIdentityProvider
    from tools import offline

    def program() -> None:
        import pulumi_kubernetes as kubernetes

        mine = kubernetes.Provider("mine", enable_secret_mutable=True)
        PomeriumIdentityProvider(
            "pomerium",
            {
                "clusters": [
                    {
                        "name": "east",
                        "context": "a",
                        "authenticate_service_url": "https://a.example.com",
                    }
                ]
            },
            pulumi.ResourceOptions(providers={"kubernetes": mine}),
        )

    with pytest.raises(pulumi.RunError, match="do not pass the component a kubernetes provider"):
        offline.run(program, stack="app", config={}, now=now)


def test_the_components_cluster_mistakes_use_the_python_names() -> None:
    east = {"name": "east", "context": "aks-east", "authenticate_service_url": "https://a.test"}
    green = {"name": "green", "context": "aks-green", "authenticateServiceUrl": "https://b.test"}
    with pytest.raises(ConfigError) as caught:
        settings_from_args({"clusters": [east, green]}, stack="prod")
    assert [str(p) for p in caught.value.problems] == [
        "clusters[1] (green): authenticateServiceUrl is not a key of a cluster; did you mean "
        "authenticate_service_url?",
        "clusters[1] (green): authenticate_service_url is missing",
    ]
