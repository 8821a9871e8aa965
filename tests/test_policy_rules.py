"""Each policy of the pack on resource properties as the engine sends them
(camelCase, unknowns included), passing and violating."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest
from pulumi_policy import EnforcementLevel, Policy, PolicyProviderResource, StackValidationArgs
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG, SPECIAL_SIG_KEY

from components import clock
from components.graph import DEFAULT_GRAPH_SCOPES, DELEGATED_SCOPE_IDS, GRAPH_APP_ID
from components.rotation import format_graph_date
from components.secret_data import SECRET_KEYS
from policy import resource_types as types
from policy.harness import UNKNOWN, Outcome, check, resource_args, stack_resource, urn
from policy.pack import POLICIES

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
GROUP_READ_ALL_ROLE = "5b567255-7703-4780-807c-7be8301ae99b"
OWNER = "11111111-2222-3333-4444-555555555555"


def policy(name: str) -> Policy:
    return next(p for p in POLICIES if p.name == name)


def run(name: str, resource_type: str, props: dict[str, Any], **kwargs: Any) -> Outcome:
    return check(policy(name), resource_args(resource_type, props, **kwargs))


@pytest.fixture(autouse=True)
def fixed_now() -> Iterator[None]:
    with clock.use_clock(clock.fixed_clock(NOW)):
        yield


def graph_access(*entries: tuple[str, str], api: str = GRAPH_APP_ID) -> dict[str, Any]:
    return {
        "resourceAppId": api,
        "resourceAccesses": [{"id": i, "type": t} for i, t in entries],
    }


def scopes(*names: str) -> list[tuple[str, str]]:
    return [(DELEGATED_SCOPE_IDS[n], "Scope") for n in names]


def test_the_pack_has_the_policies_the_issue_lists_with_their_levels() -> None:
    levels = {p.name: p.enforcement_level for p in POLICIES}
    assert levels == {
        "graph-delegated-permissions-only": EnforcementLevel.MANDATORY,
        "reply-urls-https-callback": EnforcementLevel.MANDATORY,
        "client-secret-end-date": EnforcementLevel.MANDATORY,
        "client-secrets-per-application": EnforcementLevel.MANDATORY,
        "single-tenant-sign-in": EnforcementLevel.MANDATORY,
        "application-has-owner": EnforcementLevel.MANDATORY,
        "idp-secret-namespace-and-keys": EnforcementLevel.MANDATORY,
        "idp-secret-updated-in-place": EnforcementLevel.MANDATORY,
        "production-application-protected": EnforcementLevel.ADVISORY,
    }
    assert len(POLICIES) == 9
    assert all(len(p.description) > 60 for p in POLICIES)


# --- Graph delegated permissions -------------------------------------------------


PERMISSIONS = "graph-delegated-permissions-only"


def test_default_scopes_pass() -> None:
    props = {"requiredResourceAccesses": [graph_access(*scopes(*DEFAULT_GRAPH_SCOPES))]}
    assert run(PERMISSIONS, types.APPLICATION, props) == Outcome()


def test_a_role_entry_is_refused_even_for_an_allowed_name() -> None:
    props = {"requiredResourceAccesses": [graph_access((GROUP_READ_ALL_ROLE, "Role"))]}
    [message] = run(PERMISSIONS, types.APPLICATION, props).violations
    assert "application permission (type Role)" in message and GROUP_READ_ALL_ROLE in message


def test_a_scope_outside_the_allow_list_is_refused_by_name() -> None:
    props = {"requiredResourceAccesses": [graph_access(*scopes("openid", "User.Read"))]}
    [message] = run(PERMISSIONS, types.APPLICATION, props).violations
    assert "User.Read" in message and "allowedScopes" in message


def test_the_allow_list_is_configurable_by_name_or_id() -> None:
    props = {"requiredResourceAccesses": [graph_access(*scopes("openid", "User.Read"))]}
    by_name = {"allowedScopes": ["openid", "User.Read"]}
    by_id = {"allowedScopes": ["openid", DELEGATED_SCOPE_IDS["User.Read"].upper()]}
    assert run(PERMISSIONS, types.APPLICATION, props, config=by_name).violations == []
    assert run(PERMISSIONS, types.APPLICATION, props, config=by_id).violations == []
    narrower = {"allowedScopes": ["openid"]}
    assert len(run(PERMISSIONS, types.APPLICATION, props, config=narrower).violations) == 1


def test_permissions_of_another_api_are_refused() -> None:
    other = "00000002-0000-0000-c000-000000000000"
    props = {"requiredResourceAccesses": [graph_access(*scopes("openid"), api=other)]}
    [message] = run(PERMISSIONS, types.APPLICATION, props).violations
    assert other in message


def test_unknown_permissions_are_reported_as_not_checked_after_the_known_ones() -> None:
    props = {
        "requiredResourceAccesses": [
            graph_access((GROUP_READ_ALL_ROLE, "Role"), (UNKNOWN, "Scope")),
        ]
    }
    outcome = run(PERMISSIONS, types.APPLICATION, props)
    assert len(outcome.violations) == 1
    assert outcome.not_checked and "resourceAccesses[1]" in outcome.not_checked
    whole = run(PERMISSIONS, types.APPLICATION, {"requiredResourceAccesses": UNKNOWN})
    assert whole.violations == [] and "requiredResourceAccesses" in (whole.not_checked or "")


def test_application_api_access_is_held_to_the_same_rules() -> None:
    good = {"apiClientId": GRAPH_APP_ID, "scopeIds": [DELEGATED_SCOPE_IDS["openid"]]}
    assert run(PERMISSIONS, types.APPLICATION_API_ACCESS, good) == Outcome()
    bad = {**good, "roleIds": [GROUP_READ_ALL_ROLE]}
    assert len(run(PERMISSIONS, types.APPLICATION_API_ACCESS, bad).violations) == 1


# --- reply URLs ----------------------------------------------------------------


REPLY_URLS = "reply-urls-https-callback"


@pytest.mark.parametrize(
    "url",
    [
        "http://authenticate.example.com/oauth2/callback",
        "https://authenticate.example.com/oauth2/callback/",
        "https://authenticate.example.com/callback",
        "https://authenticate.example.com/oauth2/callback?next=/",
        "https:///oauth2/callback",
    ],
)
def test_reply_urls_must_be_https_and_end_with_the_callback(url: str) -> None:
    props = {"web": {"redirectUris": ["https://a.example.com/oauth2/callback", url]}}
    [message] = run(REPLY_URLS, types.APPLICATION, props).violations
    assert repr(url) in message and "https" in message


def test_reply_urls_everywhere_on_the_application_are_checked() -> None:
    good = "https://authenticate.example.com:8443/oauth2/callback"
    props = {
        "web": {"redirectUris": [good]},
        "singlePageApplication": {"redirectUris": ["https://spa.example.com/"]},
        "publicClient": {"redirectUris": ["http://localhost/oauth2/callback"]},
    }
    assert len(run(REPLY_URLS, types.APPLICATION, props).violations) == 2
    separate = {"redirectUris": ["https://x.example.com/"], "type": "Web"}
    assert len(run(REPLY_URLS, types.APPLICATION_REDIRECT_URIS, separate).violations) == 1


def test_unknown_reply_urls_are_not_checked_but_said() -> None:
    props = {"web": {"redirectUris": [UNKNOWN, "http://x.example.com/oauth2/callback"]}}
    outcome = run(REPLY_URLS, types.APPLICATION, props)
    assert len(outcome.violations) == 1 and "web.redirectUris" in (outcome.not_checked or "")


# --- client secret end date -------------------------------------------------------


END_DATE = "client-secret-end-date"


def password(days: float | None, **extra: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"applicationId": "/applications/x", "displayName": "p", **extra}
    if days is not None:
        props["endDate"] = format_graph_date(NOW + timedelta(days=days))
    return props


def test_an_end_date_within_the_maximum_passes() -> None:
    assert run(END_DATE, types.APPLICATION_PASSWORD, password(365)) == Outcome()


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (password(366), "366 days from now"),
        (password(None), "no end date"),
        (password(None, endDateRelative="8760h"), "endDateRelative"),
        (password(-1), "ended on"),
        ({"endDate": "next year"}, "not an RFC 3339 date"),
        ({"endDate": "2027-01-01T00:00:00"}, "with a time zone"),
    ],
)
def test_end_dates_that_are_missing_or_too_far_are_refused(
    props: dict[str, Any], expected: str
) -> None:
    [message] = run(END_DATE, types.APPLICATION_PASSWORD, props).violations
    assert expected in message and "set endDate" in message


def test_the_maximum_lifetime_is_configurable() -> None:
    config = {"maxLifetimeDays": 180.0}  # JSON numbers arrive as floats
    assert run(END_DATE, types.APPLICATION_PASSWORD, password(179), config=config).violations == []
    assert len(run(END_DATE, types.APPLICATION_PASSWORD, password(181), config=config).violations)


def test_an_application_password_block_is_a_client_secret_too() -> None:
    block = {"displayName": "x", "endDate": format_graph_date(NOW + timedelta(days=400))}
    [message] = run(END_DATE, types.APPLICATION, {"password": block}).violations
    assert "password block" in message
    assert run(END_DATE, types.APPLICATION, {"displayName": "no block"}) == Outcome()


def test_an_unknown_end_date_is_checked_at_deploy() -> None:
    outcome = run(END_DATE, types.APPLICATION_PASSWORD, {"endDate": UNKNOWN})
    assert outcome.violations == [] and "endDate" in (outcome.not_checked or "")


# --- client secrets per application (stack policy) ------------------------------


COUNT = "client-secrets-per-application"
OBJECT_ID = "72e2ccb5-41a4-57e2-a334-6159a99381f3"
APP_ID = f"/applications/{OBJECT_ID}"


def count(resources: list[Any], config: dict[str, Any] | None = None) -> Outcome:
    return check(policy(COUNT), StackValidationArgs(resources, config or {}))


def application(object_id: Any = OBJECT_ID, **props: Any) -> Any:
    return stack_resource(types.APPLICATION, {"objectId": object_id, **props}, name="app")


def secret(name: str, application_id: Any = APP_ID, depends_on: Any = None) -> Any:
    deps = {"applicationId": [depends_on]} if depends_on is not None else None
    return stack_resource(
        types.APPLICATION_PASSWORD,
        {"applicationId": application_id, "endDate": "2027-01-01T00:00:00Z"},
        name=name,
        property_dependencies=deps,
    )


def test_two_secrets_per_application_pass_and_a_third_fails() -> None:
    app = application()
    assert count([app, secret("a"), secret("b")]) == Outcome()
    [message] = count([app, secret("a"), secret("b"), secret("c")]).violations
    assert "'app' has 3 client secrets" in message and "at most 2" in message


def test_secrets_of_different_applications_are_counted_apart() -> None:
    other = "/applications/00000000-0000-0000-0000-00000000000b"
    resources = [application(), secret("a"), secret("b"), secret("c", other), secret("d", other)]
    assert count(resources) == Outcome()
    assert len(count(resources, {"maxSecretsPerApplication": 1.0}).violations) == 2


def test_a_password_block_counts_toward_its_application() -> None:
    block = {"displayName": "x", "endDate": "2027-01-01T00:00:00Z"}
    app = application(password=block)
    assert len(count([app, secret("a"), secret("b")]).violations) == 1


def test_at_preview_secrets_are_attributed_through_their_dependency() -> None:
    # A new application: its id, and so every secret's applicationId, is unknown.
    app = application(UNKNOWN)
    secrets = [secret(n, UNKNOWN, depends_on=app) for n in ("a", "b", "c")]
    assert len(count([app, *secrets]).violations) == 1
    assert count([app, *secrets[:2]]) == Outcome()


def test_secrets_whose_application_cannot_be_told_are_said_not_checked() -> None:
    outcome = count([secret("a", UNKNOWN), secret("b")])
    assert outcome.violations == [] and "applicationId" in (outcome.not_checked or "")


# --- sign-in audience --------------------------------------------------------


AUDIENCE = "single-tenant-sign-in"


def test_single_tenant_passes_and_unset_means_the_provider_default() -> None:
    assert run(AUDIENCE, types.APPLICATION, {"signInAudience": "AzureADMyOrg"}) == Outcome()
    assert run(AUDIENCE, types.APPLICATION, {"displayName": "x"}) == Outcome()


def test_multi_tenant_needs_the_config_flag() -> None:
    props = {"signInAudience": "AzureADMultipleOrgs"}
    [message] = run(AUDIENCE, types.APPLICATION, props).violations
    assert "allowMultiTenant" in message and "AzureADMyOrg" in message
    allowed = {"allowMultiTenant": True}
    assert run(AUDIENCE, types.APPLICATION, props, config=allowed) == Outcome()
    personal = {"signInAudience": "AzureADandPersonalMicrosoftAccount"}
    assert len(run(AUDIENCE, types.APPLICATION_REGISTRATION, personal, config=allowed).violations)


def test_an_unknown_audience_is_said_not_checked() -> None:
    outcome = run(AUDIENCE, types.APPLICATION, {"signInAudience": UNKNOWN})
    assert outcome.violations == [] and "signInAudience" in (outcome.not_checked or "")


# --- owners ------------------------------------------------------------------------


OWNERS = "application-has-owner"


def test_an_application_needs_an_owner() -> None:
    assert run(OWNERS, types.APPLICATION, {"owners": [OWNER]}) == Outcome()
    assert run(OWNERS, types.APPLICATION, {"owners": [UNKNOWN]}) == Outcome()
    no_owners: list[dict[str, Any]] = [{"owners": []}, {"displayName": "no owners"}]
    for props in no_owners:
        [message] = run(OWNERS, types.APPLICATION, props).violations
        assert "no owners" in message
    unknown = run(OWNERS, types.APPLICATION, {"owners": UNKNOWN})
    assert unknown.violations == [] and "owners" in (unknown.not_checked or "")


# --- the Kubernetes Secret -----------------------------------------------------


SECRET = "idp-secret-namespace-and-keys"
COMPONENT_SECRET_URN = urn(
    types.KUBERNETES_SECRET, "pomerium-kubernetes-secret", parents=[types.PROVIDER_COMPONENT]
)


def k8s_secret(namespace: Any = "pomerium", string_data: Any = None) -> dict[str, Any]:
    data = {key: "value" for key in SECRET_KEYS} if string_data is None else string_data
    metadata = {"name": "idp"} | ({"namespace": namespace} if namespace is not None else {})
    return {"metadata": metadata, "type": "Opaque", "stringData": data}


def secret_run(props: dict[str, Any], resource_urn: str = COMPONENT_SECRET_URN) -> Outcome:
    return run(SECRET, types.KUBERNETES_SECRET, props, resource_urn=resource_urn)


def test_the_component_secret_in_its_namespace_with_every_key_passes() -> None:
    assert secret_run(k8s_secret()) == Outcome()


@pytest.mark.parametrize("namespace", ["default", "kube-system", None])
def test_the_secret_may_not_be_in_default_or_kube_system(namespace: str | None) -> None:
    [message] = secret_run(k8s_secret(namespace)).violations
    assert "namespace" in message and "kubernetesNamespace" in message


def test_the_secret_needs_every_key_pomerium_reads() -> None:
    data = {key: "value" for key in SECRET_KEYS if key != "IDP_PROVIDER_URL"}
    data["client_id"] = ""
    [message] = secret_run(k8s_secret(string_data=data)).violations
    assert "client_id, IDP_PROVIDER_URL" in message


def test_keys_in_base64_data_count() -> None:
    props = k8s_secret(string_data={})
    props["data"] = {key: "dmFsdWU=" for key in SECRET_KEYS}
    assert secret_run(props) == Outcome()


def test_at_preview_the_namespace_is_checked_and_unknown_data_is_said_not_checked() -> None:
    # A new or rotating credential makes the whole stringData unknown.
    outcome = secret_run(k8s_secret("default", string_data=UNKNOWN))
    assert len(outcome.violations) == 1
    assert outcome.not_checked and "the keys Pomerium reads" in outcome.not_checked


def test_secret_values_arrive_wrapped_and_are_read_through_the_wrapper() -> None:
    # The engine keeps secrets marked (KeepSecrets): {<sig key>: <secret sig>, value: ...}.
    def wrapped(value: Any) -> dict[str, Any]:
        return {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": value}

    known = k8s_secret(string_data=wrapped({key: "value" for key in SECRET_KEYS}))
    assert secret_run(known) == Outcome()
    unknown = secret_run(k8s_secret(string_data=wrapped(UNKNOWN)))
    assert unknown.violations == [] and "the keys Pomerium reads" in (unknown.not_checked or "")


def test_other_secrets_are_left_alone_and_credential_secrets_are_found_by_key() -> None:
    elsewhere = urn(types.KUBERNETES_SECRET, "bootstrap")
    bootstrap = {"metadata": {"namespace": "default"}, "stringData": {"shared_secret": "x"}}
    assert secret_run(bootstrap, elsewhere) == Outcome()
    by_hand = {"metadata": {"namespace": "default"}, "stringData": {"client_secret": "x"}}
    assert len(secret_run(by_hand, elsewhere).violations) == 2


# --- protect in production (advisory) ----------------------------------------------


PROTECT = "production-application-protected"


def test_production_applications_should_be_protected() -> None:
    props = {"displayName": "Pomerium"}
    [message] = run(PROTECT, types.APPLICATION, props, stack="prod").violations
    assert "'prod'" in message and "protect: true" in message
    assert run(PROTECT, types.APPLICATION, props, stack="prod", protect=True) == Outcome()
    assert run(PROTECT, types.APPLICATION, props, stack="staging") == Outcome()


def test_the_production_pattern_is_configurable() -> None:
    config = {"productionStackPattern": "^(live|prd)-"}
    props = {"displayName": "Pomerium"}
    assert len(run(PROTECT, types.APPLICATION, props, stack="live-eu", config=config).violations)
    assert run(PROTECT, types.APPLICATION, props, stack="prod", config=config) == Outcome()


# --- config schemas, checked as the CLI checks --policy-pack-config --------------


def _schema(p: Policy) -> dict[str, Any]:
    assert p.config_schema is not None
    return {"type": "object", "properties": p.config_schema.properties}


def test_every_config_default_satisfies_its_schema() -> None:
    configured = [p for p in POLICIES if p.config_schema is not None]
    assert len(configured) == 5
    for p in configured:
        schema = _schema(p)
        jsonschema.Draft7Validator.check_schema(schema)
        defaults = {k: v["default"] for k, v in schema["properties"].items()}
        jsonschema.validate(defaults, schema)


def test_the_scope_schema_takes_names_and_ids_and_refuses_anything_else() -> None:
    schema = _schema(policy(PERMISSIONS))
    jsonschema.validate({"allowedScopes": ["User.Read", DELEGATED_SCOPE_IDS["email"]]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"allowedScopes": ["Directory.ReadWrite.All"]}, schema)


# --- the Secret's provider updates it in place ---------------------------------------


MUTABLE = "idp-secret-updated-in-place"


def provider(props: dict[str, Any], name: str = "default_4_34_2") -> PolicyProviderResource:
    return PolicyProviderResource("pulumi:providers:kubernetes", props, f"urn:{name}", name)


@pytest.mark.parametrize(
    ("props", "violations"),
    [
        ({"enableSecretMutable": True}, 0),
        # The default provider's settings arrive as the stack's config strings.
        ({"enableSecretMutable": "true"}, 0),
        ({}, 1),
        ({"enableSecretMutable": False}, 1),
        ({"enableSecretMutable": "false"}, 1),
    ],
)
def test_the_secrets_provider_must_update_it_in_place(
    props: dict[str, Any], violations: int
) -> None:
    outcome = run(
        MUTABLE,
        types.KUBERNETES_SECRET,
        {"metadata": {"name": "idp", "namespace": "pomerium"}},
        resource_urn=COMPONENT_SECRET_URN,
        provider=provider(props),
    )
    assert len(outcome.violations) == violations
    if violations:
        assert "enableSecretMutable" in outcome.violations[0]


def test_other_secrets_and_unknown_providers_are_left_alone() -> None:
    other = urn(types.KUBERNETES_SECRET, "bootstrap")
    assert (
        run(
            MUTABLE, types.KUBERNETES_SECRET, {}, resource_urn=other, provider=provider({})
        ).violations
        == []
    )
    assert (
        run(MUTABLE, types.KUBERNETES_SECRET, {}, resource_urn=COMPONENT_SECRET_URN).violations
        == []
    )
