"""The project's own program, run under the mock engine for every stack, passes
every policy of the pack (the advisory one too); a stack that breaks the rules
does not."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pulumi
import pytest
from pulumi_policy import (
    PolicyResource,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from components import clock, offline
from policy.harness import Outcome, check, resource_args, stack_resource
from policy.pack import POLICIES

# Inside a rotation period, and the day a new one starts (a rotating deploy).
MOMENTS = [datetime(2026, 11, 26, tzinfo=UTC), datetime(2026, 9, 17, tzinfo=UTC)]
ROOT_TYPE = "pulumi:pulumi:Stack"


def child_urn(parent: str, resource_type: str, name: str) -> str:
    """The URN the engine gives a child of `parent` (the root stack's type is
    not part of a type chain)."""
    prefix, project, chain, _ = parent.split("::")
    types = [t for t in chain.split("$") if t != ROOT_TYPE]
    return "::".join([prefix, project, "$".join([*types, resource_type]), name])


def evaluate(run: offline.ProgramRun, config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Every policy's outcome for every registered resource, as {policy: {resource: Outcome}}
    (resource policies) or {policy: Outcome} (stack policies); only non-empty outcomes."""
    config = config or {}
    results: dict[str, Any] = {}
    resources: list[PolicyResource] = []
    for registration in run.registrations:
        urn = child_urn(registration.parent, registration.type, registration.name)
        for policy in POLICIES:
            if not isinstance(policy, ResourceValidationPolicy):
                continue
            args = resource_args(
                registration.type,
                registration.inputs,
                name=registration.name,
                resource_urn=urn,
                protect=registration.protect,
                config=config.get(policy.name),
            )
            outcome = check(policy, args)
            if outcome != Outcome():
                results.setdefault(policy.name, {})[registration.name] = outcome
        resources.append(
            stack_resource(
                registration.type,
                # The mocks' state holds the new secret's value as an Output.
                {k: v for k, v in registration.state.items() if not isinstance(v, pulumi.Output)},
                name=registration.name,
                resource_urn=urn,
                protect=registration.protect,
            )
        )
    for policy in POLICIES:
        if isinstance(policy, StackValidationPolicy):
            outcome = check(policy, StackValidationArgs(resources, config.get(policy.name)))
            if outcome != Outcome():
                results[policy.name] = outcome
    return results


def run_at(stack: str, now: datetime, **kwargs: Any) -> dict[str, Any]:
    run = offline.run_program(stack, now=now, **kwargs)
    assert len(run.registrations) >= 6
    # The policies read the clock a deploy at `now` would.
    with clock.use_clock(clock.fixed_clock(now)):
        return evaluate(run)


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
    [message] = results["graph-delegated-permissions-only"]["pomerium-application"].violations
    assert "User.Read" in message


def test_a_stricter_pack_config_catches_the_projects_client_secrets() -> None:
    run = offline.run_program("dev", now=MOMENTS[0])
    config = {
        "client-secrets-per-application": {"maxSecretsPerApplication": 1},
        # dev rotates every 30 days: its secrets end within 83 days.
        "client-secret-end-date": {"maxLifetimeDays": 30},
    }
    with clock.use_clock(clock.fixed_clock(MOMENTS[0])):
        results = evaluate(run, config)
    assert set(results) == {"client-secrets-per-application", "client-secret-end-date"}
    [message] = results["client-secrets-per-application"].violations
    assert "'pomerium-application' has 2 client secrets" in message
    assert set(results["client-secret-end-date"]) == {
        "pomerium-client-secret-a",
        "pomerium-client-secret-b",
    }
