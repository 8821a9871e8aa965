"""Feed resources to the policies the way pulumi_policy's analyzer server does,
without starting it (tests, and anyone trying a policy on a resource by hand).

Properties go through the same steps as an Analyze request: a protobuf Struct
(so numbers become floats), `deserialize_properties`, and the proxy that
raises UnknownValueError on an unknown value. UNKNOWN is the sentinel the
engine sends for a value not known at preview.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from components.settings import PROJECT

# The engine marshals every unknown value as this string.
UNKNOWN = UNKNOWN_STRING_VALUE


def as_sent(props: Mapping[str, Any]) -> Mapping[str, Any]:
    struct = struct_pb2.Struct()
    struct.update(dict(props))
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


def urn(resource_type: str, name: str, *, stack: str = "dev", parents: Sequence[str] = ()) -> str:
    """A resource URN; `parents` are the type tokens of its ancestors, outermost first."""
    chain = "$".join([*parents, resource_type])
    return f"urn:pulumi:{stack}::{PROJECT}::{chain}::{name}"


def options(*, protect: bool = False, parent: str | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def resource_args(
    resource_type: str,
    props: Mapping[str, Any],
    *,
    name: str = "resource",
    resource_urn: str | None = None,
    stack: str = "dev",
    protect: bool = False,
    config: Mapping[str, Any] | None = None,
    provider: PolicyProviderResource | None = None,
) -> ResourceValidationArgs:
    return ResourceValidationArgs(
        resource_type,
        as_sent(props),
        resource_urn or urn(resource_type, name, stack=stack),
        name,
        options(protect=protect),
        provider,
        dict(config or {}),
    )


def stack_resource(
    resource_type: str,
    props: Mapping[str, Any],
    *,
    name: str,
    resource_urn: str | None = None,
    stack: str = "dev",
    protect: bool = False,
    property_dependencies: Mapping[str, list[PolicyResource]] | None = None,
) -> PolicyResource:
    return PolicyResource(
        resource_type,
        as_sent(props),
        resource_urn or urn(resource_type, name, stack=stack),
        name,
        options(protect=protect),
        None,
        None,
        [],
        dict(property_dependencies or {}),
    )


@dataclass
class Outcome:
    violations: list[str] = field(default_factory=list)
    not_checked: str | None = None
    """The advisory note on what only the deploy can check, if any."""


def check(policy: Policy, args: ResourceValidationArgs | StackValidationArgs) -> Outcome:
    """Run one policy as the analyzer server would, collecting its violations
    and its note on what it could not check."""
    outcome = Outcome()

    def report_violation(message: str, _urn: str | None = None) -> None:
        outcome.violations.append(message)

    try:
        if isinstance(policy, ResourceValidationPolicy):
            assert isinstance(args, ResourceValidationArgs)
            result = policy.validate(args, report_violation)
        else:
            assert isinstance(policy, StackValidationPolicy)
            assert isinstance(args, StackValidationArgs)
            result = policy.validate(args, report_violation)
        assert result is None, "the policies are synchronous"
    except UnknownValueError as error:
        outcome.not_checked = error.message
    return outcome


# --- a whole program run, as the engine would feed the pack ---------------------

ROOT_TYPE = "pulumi:pulumi:Stack"


@dataclass
class Finding:
    policy: str
    enforcement: EnforcementLevel
    resource: str
    """The resource's name, or "" for a stack policy."""
    message: str


def child_urn(parent: str, resource_type: str, name: str) -> str:
    """The URN the engine gives a child of `parent` (the root stack's type is
    not part of a type chain)."""
    prefix, project, chain, _ = parent.split("::")
    types = [t for t in chain.split("$") if t != ROOT_TYPE]
    return "::".join([prefix, project, "$".join([*types, resource_type]), name])


def _provider(
    registration: Any, by_urn: Mapping[str, Any], stack_config: Mapping[str, str]
) -> PolicyProviderResource:
    """The resource's provider as the engine describes it: an explicit
    provider's inputs, or a default provider's settings from the stack's config."""
    if registration.provider:
        urn = registration.provider.rsplit("::", 1)[0]
        provider = by_urn.get(urn)
        props = dict(provider.inputs) if provider else {}
        return PolicyProviderResource(provider.type if provider else "", props, urn, urn)
    package = registration.type.split(":", 1)[0]
    props = {k.split(":", 1)[1]: v for k, v in stack_config.items() if k.startswith(f"{package}:")}
    return PolicyProviderResource(f"pulumi:providers:{package}", props, "", f"default_{package}")


def evaluate(
    registrations: Sequence[Any],
    *,
    policies: Sequence[Policy],
    config: Mapping[str, Any] | None = None,
    stack_config: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Every violation of every policy for a program run's registrations
    (tools.offline.Registration), with `config` keyed by policy name."""
    config, stack_config = config or {}, stack_config or {}
    by_urn = {r.urn: r for r in registrations}
    findings: list[Finding] = []
    resources: list[PolicyResource] = []

    def report(policy: Policy, resource: str, outcome: Outcome) -> None:
        level = policy.enforcement_level or EnforcementLevel.ADVISORY
        findings.extend(Finding(policy.name, level, resource, m) for m in outcome.violations)

    for registration in registrations:
        urn = child_urn(registration.parent, registration.type, registration.name)
        provider = _provider(registration, by_urn, stack_config)
        for policy in policies:
            if isinstance(policy, ResourceValidationPolicy):
                args = resource_args(
                    registration.type,
                    registration.inputs,
                    name=registration.name,
                    resource_urn=urn,
                    protect=registration.protect,
                    config=config.get(policy.name),
                    provider=provider,
                )
                report(policy, registration.name, check(policy, args))
        resources.append(
            stack_resource(
                registration.type,
                # The mocks' state may hold a new secret's value as an Output.
                {k: v for k, v in registration.state.items() if _plain(v)},
                name=registration.name,
                resource_urn=urn,
                protect=registration.protect,
            )
        )
    for policy in policies:
        if isinstance(policy, StackValidationPolicy):
            report(
                policy, "", check(policy, StackValidationArgs(resources, config.get(policy.name)))
            )
    return findings


def _plain(value: Any) -> bool:
    return type(value).__name__ != "Output"
