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


# --- what each message says, in full (docs/mutation-testing.md) ------------------
# A deploy fails on these messages: each names the resource's field, the value at fault
# and the fix. Written out as literals, so that a changed word, key or id fails here.

DEFERRED = "not known until deploy, so checked when pulumi up runs this policy again: "
OTHER_API = "00000002-0000-0000-c000-000000000000"
USER_READ = "e1fe6dd8-ba31-4d61-89e7-88639da4683d"
OPENID = "37f7f235-527c-4136-accd-4a02d197296e"
GRAPH = "00000003-0000-0000-c000-000000000000"
ROLE_MESSAGE = (
    "requests 5b567255-7703-4780-807c-7be8301ae99b as an application permission (type Role): "
    "Pomerium signs users in with delegated permissions; request the delegated permission "
    "(type Scope) instead, or remove it."
)
USER_READ_MESSAGE = (
    "requests the Microsoft Graph permission User.Read (e1fe6dd8-ba31-4d61-89e7-88639da4683d), "
    "which is not in the allow-list (openid, profile, email, offline_access, Group.Read.All): "
    "remove it from the application, or have it added to this policy's allowedScopes config."
)
OTHER_API_MESSAGE = (
    "requests permissions from the API 00000002-0000-0000-c000-000000000000: Pomerium needs "
    "only Microsoft Graph (00000003-0000-0000-c000-000000000000); remove the permissions for "
    "00000002-0000-0000-c000-000000000000."
)


def block(api: Any, entries: Any) -> dict[str, Any]:
    return {"resourceAppId": api, "resourceAccesses": entries}


def test_permission_messages_name_the_permission_the_allow_list_and_the_fix() -> None:
    role = block(GRAPH, [{"id": GROUP_READ_ALL_ROLE, "type": "Role"}])
    user_read = block(GRAPH, [{"id": OPENID, "type": "Scope"}, {"id": USER_READ, "type": "Scope"}])
    other = block(OTHER_API, [{"id": OPENID, "type": "Scope"}])
    props = {"requiredResourceAccesses": [other, role, user_read]}
    # Every block is checked: one of another API does not stop the ones after it.
    assert run(PERMISSIONS, types.APPLICATION, props) == Outcome(
        [OTHER_API_MESSAGE, ROLE_MESSAGE, USER_READ_MESSAGE]
    )


def test_the_allow_list_in_a_message_is_the_configured_one() -> None:
    props = {"requiredResourceAccesses": [block(GRAPH, [{"id": USER_READ, "type": "Scope"}])]}
    custom = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    [empty] = run(PERMISSIONS, types.APPLICATION, props, config={"allowedScopes": []}).violations
    assert "which is not in the allow-list (none): remove it" in empty
    own = {"allowedScopes": ["openid", custom]}
    [listed] = run(PERMISSIONS, types.APPLICATION, props, config=own).violations
    assert f"which is not in the allow-list (openid, {custom}): remove it" in listed


def test_unknown_parts_of_requested_permissions_are_named_in_full() -> None:
    role = block(GRAPH, [{"id": GROUP_READ_ALL_ROLE, "type": "Role"}])
    cases: list[tuple[list[Any], list[str], str]] = [
        # A whole block unknown: the next block is still checked.
        ([UNKNOWN, role], [ROLE_MESSAGE], "requiredResourceAccesses[0]"),
        (
            [block(UNKNOWN, [{"id": OPENID, "type": "Scope"}])],
            [],
            "requiredResourceAccesses[0].resourceAppId",
        ),
        (
            [block(GRAPH, UNKNOWN), role],
            [ROLE_MESSAGE],
            "requiredResourceAccesses[0].resourceAccesses",
        ),
        # An unknown type is not taken for a Role.
        (
            [block(GRAPH, [{"id": USER_READ, "type": UNKNOWN}])],
            [],
            "requiredResourceAccesses[0].resourceAccesses[0]",
        ),
    ]
    for accesses, violations, deferred in cases:
        outcome = run(PERMISSIONS, types.APPLICATION, {"requiredResourceAccesses": accesses})
        assert outcome == Outcome(violations, DEFERRED + deferred), accesses
    whole = run(PERMISSIONS, types.APPLICATION, {"requiredResourceAccesses": UNKNOWN})
    assert whole == Outcome([], DEFERRED + "requiredResourceAccesses (the requested permissions)")


def test_application_api_access_messages_and_unknowns() -> None:
    api = types.APPLICATION_API_ACCESS
    other = {"apiClientId": OTHER_API, "roleIds": [GROUP_READ_ALL_ROLE], "scopeIds": [USER_READ]}
    # Another API: one violation, and nothing else about its ids.
    assert run(PERMISSIONS, api, other) == Outcome([OTHER_API_MESSAGE])
    upper = {"apiClientId": GRAPH.upper(), "scopeIds": [OPENID.upper()]}
    assert run(PERMISSIONS, api, upper) == Outcome()
    both = {"apiClientId": GRAPH, "roleIds": [GROUP_READ_ALL_ROLE], "scopeIds": [OPENID, USER_READ]}
    assert run(PERMISSIONS, api, both) == Outcome([ROLE_MESSAGE, USER_READ_MESSAGE])
    cases: list[tuple[dict[str, Any], list[str], str]] = [
        ({"apiClientId": UNKNOWN, "scopeIds": [OPENID]}, [], "apiClientId"),
        ({"apiClientId": GRAPH, "roleIds": UNKNOWN, "scopeIds": UNKNOWN}, [], "roleIds; scopeIds"),
        (
            {"apiClientId": GRAPH, "roleIds": [UNKNOWN, GROUP_READ_ALL_ROLE]},
            [ROLE_MESSAGE],
            "roleIds",
        ),
        (
            {"apiClientId": GRAPH, "scopeIds": [UNKNOWN, USER_READ]},
            [USER_READ_MESSAGE],
            "scopeIds",
        ),
    ]
    for props, violations, deferred in cases:
        assert run(PERMISSIONS, api, props) == Outcome(violations, DEFERRED + deferred), props


def test_reply_url_message_and_an_unknown_list() -> None:
    props = {"web": {"redirectUris": ["http://a.example.com/oauth2/callback"]}}
    assert run(REPLY_URLS, types.APPLICATION, props).violations == [
        "web.redirectUris has the reply URL 'http://a.example.com/oauth2/callback': every reply "
        "URL must be https and end with /oauth2/callback, e.g. "
        "https://authenticate.example.com/oauth2/callback; fix or remove it."
    ]
    unknown = run(REPLY_URLS, types.APPLICATION, {"web": {"redirectUris": UNKNOWN}})
    assert unknown == Outcome([], DEFERRED + "web.redirectUris")


FIX_END_DATE = "set endDate (RFC 3339, e.g. 2026-01-31T00:00:00Z) at most 365 days ahead."


def test_end_date_messages_say_which_secret_and_when() -> None:
    too_far = {"applicationId": "/applications/x", "endDate": "2027-11-27T12:00:00Z"}
    assert run(END_DATE, types.APPLICATION_PASSWORD, too_far).violations == [
        f"the client secret ends on 2027-11-27T12:00:00Z, 366 days from now: {FIX_END_DATE}"
    ]
    block_props = {"password": {"displayName": "x", "endDate": "2027-11-27T12:00:00Z"}}
    assert run(END_DATE, types.APPLICATION, block_props).violations == [
        "the application's password block ends on 2027-11-27T12:00:00Z, 366 days from now: "
        + FIX_END_DATE
    ]


def test_a_secret_ending_this_moment_has_ended() -> None:
    now = {"applicationId": "/applications/x", "endDate": "2026-11-26T12:00:00Z"}  # NOW
    assert run(END_DATE, types.APPLICATION_PASSWORD, now).violations == [
        f"the client secret ended on 2026-11-26T12:00:00Z: {FIX_END_DATE}"
    ]


def test_unknown_password_blocks_and_end_dates_are_named() -> None:
    assert run(END_DATE, types.APPLICATION, {"password": UNKNOWN}) == Outcome(
        [], DEFERRED + "password"
    )
    assert run(END_DATE, types.APPLICATION_PASSWORD, {"endDate": UNKNOWN}) == Outcome(
        [], DEFERRED + "endDate"
    )


def test_too_many_secrets_are_reported_on_the_application_or_the_first_secret() -> None:
    from pulumi_policy import StackValidationPolicy

    stack_policy = policy(COUNT)
    assert isinstance(stack_policy, StackValidationPolicy)

    def reported(resources: list[Any]) -> list[tuple[str, str | None]]:
        # The harness keeps messages only; the engine shows a stack policy's violation
        # on the resource it names.
        found: list[tuple[str, str | None]] = []

        def report(message: str, resource_urn: str | None = None) -> None:
            found.append((message, resource_urn))

        stack_policy.validate(StackValidationArgs(resources, {}), report)
        return found

    three = [secret("a"), secret("b"), secret("c")]
    assert reported([application(), *three]) == [
        (
            "application 'app' has 3 client secrets in the stack (a, b, c); at most 2 are "
            "allowed: remove the extra ApplicationPassword resources (or password blocks).",
            "urn:pulumi:dev::pomerium-azure-ad::azuread:index/application:Application::app",
        )
    ]
    # The application is not in this stack: the violation goes on its first secret.
    assert reported(three) == [
        (
            "application /applications/72e2ccb5-41a4-57e2-a334-6159a99381f3 has 3 client "
            "secrets in the stack (a, b, c); at most 2 are allowed: remove the extra "
            "ApplicationPassword resources (or password blocks).",
            "urn:pulumi:dev::pomerium-azure-ad::"
            "azuread:index/applicationPassword:ApplicationPassword::a",
        )
    ]


def test_the_note_counts_the_secrets_whose_application_is_unknown() -> None:
    no_id = stack_resource(
        types.APPLICATION_PASSWORD, {"endDate": "2027-01-01T00:00:00Z"}, name="n"
    )
    outcome = count([secret("a", UNKNOWN), secret("b", UNKNOWN), no_id])
    assert outcome == Outcome(
        [], DEFERRED + "the application of 3 client secret(s) (applicationId)"
    )


def test_applications_not_yet_identified_are_counted_apart() -> None:
    block_props = {"displayName": "x", "endDate": "2027-01-01T00:00:00Z"}
    for object_id in (UNKNOWN, None):
        apps = [
            stack_resource(
                types.APPLICATION, {"objectId": object_id, "password": block_props}, name=n
            )
            for n in ("one", "two")
        ]
        assert count(apps, {"maxSecretsPerApplication": 1.0}) == Outcome(), object_id
        # Each new application with two secrets of its own (applicationId unknown).
        secrets = [secret(f"{a.name}-{i}", UNKNOWN, depends_on=a) for a in apps for i in (1, 2)]
        assert count([*apps, *secrets], {"maxSecretsPerApplication": 3.0}) == Outcome(), object_id


def test_audience_messages_name_what_to_set() -> None:
    personal = {"signInAudience": "AzureADandPersonalMicrosoftAccount"}
    assert run(AUDIENCE, types.APPLICATION, personal).violations == [
        "signInAudience is AzureADandPersonalMicrosoftAccount: set signInAudience to AzureADMyOrg."
    ]
    allowed = {"allowMultiTenant": True}
    assert run(AUDIENCE, types.APPLICATION, personal, config=allowed).violations == [
        "signInAudience is AzureADandPersonalMicrosoftAccount: set signInAudience to "
        "AzureADMyOrg or AzureADMultipleOrgs."
    ]
    multi = {"signInAudience": "AzureADMultipleOrgs"}
    assert run(AUDIENCE, types.APPLICATION, multi).violations == [
        "signInAudience is AzureADMultipleOrgs: set signInAudience to AzureADMyOrg (the "
        "project's signInAudience config), or have multi-tenant sign-in allowed with this "
        "policy's allowMultiTenant config."
    ]
    unknown = run(AUDIENCE, types.APPLICATION, {"signInAudience": UNKNOWN})
    assert unknown == Outcome([], DEFERRED + "signInAudience")


def test_owner_and_protect_messages_name_the_config_to_set() -> None:
    assert run(OWNERS, types.APPLICATION, {"owners": []}).violations == [
        "the application has no owners: list at least one owner's object id in owners "
        "(the project's owners config, or includeDeployerAsOwner: true)."
    ]
    assert run(OWNERS, types.APPLICATION, {"owners": UNKNOWN}) == Outcome([], DEFERRED + "owners")
    props = {"displayName": "Pomerium"}
    assert run(PROTECT, types.APPLICATION, props, stack="prod-eu").violations == [
        "stack 'prod-eu' is a production stack (it matches '^prod'), but the application is "
        "not protected: set pomerium-azure-ad:protect: true in the stack's config (or the "
        "protect resource option)."
    ]


def test_kubernetes_secret_messages_name_the_namespace_the_keys_and_the_fix() -> None:
    [no_namespace] = secret_run(k8s_secret(None)).violations
    assert no_namespace == (
        "the Secret has no metadata.namespace, so it lands in the provider's default namespace "
        "(often default): set Pomerium's namespace (the project's kubernetesNamespace config)."
    )
    [default] = secret_run(k8s_secret("default")).violations
    assert default == (
        "the Secret is in the default namespace: move it to Pomerium's own namespace "
        "(the project's kubernetesNamespace config, default pomerium)."
    )
    data = {key: "value" for key in SECRET_KEYS if key != "IDP_PROVIDER_URL"} | {"client_id": ""}
    [missing] = secret_run(k8s_secret(string_data=data)).violations
    assert missing == (
        "the Secret lacks client_id, IDP_PROVIDER_URL (or has them empty): Pomerium's ingress "
        "controller reads client_id and client_secret, a Pomerium container reads the others "
        "as environment variables; write every key (the PomeriumIdentityProvider component "
        "does)."
    )


def test_an_empty_key_in_base64_data_is_missing() -> None:
    props = k8s_secret(string_data={})
    props["data"] = {key: "dmFsdWU=" for key in SECRET_KEYS} | {"client_id": ""}
    [message] = secret_run(props).violations
    assert message.startswith("the Secret lacks client_id (or has them empty):")


def test_unknown_namespace_or_data_of_the_secret_is_named() -> None:
    namespace = secret_run(k8s_secret(UNKNOWN))
    assert namespace == Outcome([], DEFERRED + "metadata.namespace")
    props = k8s_secret(string_data={})
    props["data"] = UNKNOWN  # base64 data unknown, stringData known and empty
    assert secret_run(props) == Outcome(
        [], DEFERRED + "the Secret's data (the keys Pomerium reads)"
    )


def test_the_mutable_provider_message_names_the_provider_and_the_fix() -> None:
    outcome = run(
        MUTABLE,
        types.KUBERNETES_SECRET,
        {"metadata": {"name": "idp", "namespace": "pomerium"}},
        resource_urn=COMPONENT_SECRET_URN,
        provider=provider({}, name="k8s-cluster"),
    )
    assert outcome.violations == [
        "the Secret is written through provider k8s-cluster, which lacks enableSecretMutable: "
        "every rotation would delete and re-create it (and fail in a protected stack). Pass "
        "the component a kubernetes.Provider with enable_secret_mutable=True, or none (it "
        "makes its own)."
    ]


def test_values_get_turns_unknowns_on_the_way_into_unknown() -> None:
    from policy.values import UNKNOWN as UNKNOWN_VALUE
    from policy.values import get

    # Plain data as a policy may build it: the engine's sentinel string anywhere on the path.
    assert get({"metadata": UNKNOWN}, "metadata") is UNKNOWN_VALUE
    assert get({"metadata": UNKNOWN}, "metadata", "namespace") is UNKNOWN_VALUE
    assert get({"metadata": None}, "metadata", "namespace") is None
    assert get(["a", "b"], 1) == "b"
    assert get(["a", "b"], 2) is None
    assert get(["a", "b"], -1) is None
