"""The project's own program, run under the mock engine for every stack, passes
every policy of the pack (the advisory one too); a stack that breaks the rules
does not."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from components import clock
from policy.harness import Finding, evaluate
from policy.pack import POLICIES
from tests.stacks import run_fixture
from tools import offline

# Inside a rotation period, and the day a new one starts (a rotating deploy).
MOMENTS = [datetime(2026, 11, 26, tzinfo=UTC), datetime(2026, 9, 17, tzinfo=UTC)]


def by_policy(findings: list[Finding]) -> dict[str, dict[str, list[str]]]:
    """{policy: {resource ("" for a stack policy): [messages]}}"""
    results: dict[str, dict[str, list[str]]] = {}
    for f in findings:
        results.setdefault(f.policy, {}).setdefault(f.resource, []).append(f.message)
    return results


def judge(run: offline.ProgramRun, config: dict[str, Any] | None = None) -> dict[str, Any]:
    return by_policy(
        evaluate(
            run.registrations,
            policies=POLICIES,
            config=config,
            stack_config=offline.stack_config(run.stack)
            if run.stack in offline.stack_names()
            else {},
        )
    )


def run_at(stack: str, now: datetime, **kwargs: Any) -> dict[str, Any]:
    run = offline.run_program(stack, now=now, **kwargs)
    assert len(run.registrations) >= 6
    # The policies read the clock a deploy at `now` would.
    with clock.use_clock(clock.fixed_clock(now)):
        return judge(run)


@pytest.mark.stack_files
@pytest.mark.parametrize("now", MOMENTS)
@pytest.mark.parametrize("stack", offline.stack_names())
def test_the_projects_stacks_pass_every_policy(stack: str, now: datetime) -> None:
    assert run_at(stack, now) == {}


def test_a_stack_breaking_the_rules_is_caught_by_each_policy() -> None:
    overrides = {
        "pomerium-azure-ad:protect": False,
        "pomerium-azure-ad:kubernetesNamespace": "default",
        "pomerium-azure-ad:signInAudience": "AzureADMultipleOrgs",
        "pomerium-azure-ad:graphScopes": ["openid", "User.Read"],
        "pomerium-azure-ad:owners": [],
        "pomerium-azure-ad:includeDeployerAsOwner": False,
    }
    results = run_at("prod", MOMENTS[0], overrides=overrides)
    assert set(results) == {
        "production-application-protected",
        "idp-secret-namespace-and-keys",
        "single-tenant-sign-in",
        "graph-delegated-permissions-only",
        "application-has-owner",
    }
    assert set(results["idp-secret-namespace-and-keys"]) == {"pomerium-kubernetes-secret"}
    [message] = results["graph-delegated-permissions-only"]["pomerium-application"]
    assert "User.Read" in message


def test_a_stricter_pack_config_catches_the_projects_client_secrets() -> None:
    run = run_fixture("dev", now=MOMENTS[0])
    config = {
        "client-secrets-per-application": {"maxSecretsPerApplication": 1},
        # dev rotates every 30 days: its secrets end within 83 days.
        "client-secret-end-date": {"maxLifetimeDays": 30},
    }
    with clock.use_clock(clock.fixed_clock(MOMENTS[0])):
        results = judge(run, config)
    assert set(results) == {"client-secrets-per-application", "client-secret-end-date"}
    [message] = results["client-secrets-per-application"][""]
    assert "'pomerium-application' has 2 client secrets" in message
    assert set(results["client-secret-end-date"]) == {
        "pomerium-client-secret-a",
        "pomerium-client-secret-b",
    }


def test_a_callers_provider_without_secret_mutable_is_refused() -> None:
    """A program that hands the component a Kubernetes provider of its own must
    let it update the Secret in place."""
    import pulumi
    import pulumi_kubernetes as kubernetes

    from components.identity_provider import PomeriumIdentityProvider

    def program(mutable: bool) -> None:
        provider = kubernetes.Provider("mine", enable_secret_mutable=mutable or None)
        PomeriumIdentityProvider(
            "pomerium",
            {"authenticate_service_url": "https://authenticate.example.com"},
            pulumi.ResourceOptions(providers={"kubernetes": provider}),
        )

    for mutable, expected in ((False, {"pomerium-kubernetes-secret"}), (True, None)):
        run = offline.run(lambda m=mutable: program(m), stack="app", config={}, now=MOMENTS[0])
        found = judge(run).get("idp-secret-updated-in-place")
        assert (set(found) if found else None) == expected
