"""Reading and validating the settings: every bad value is named in one message."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components import rotation
from components.args import GroupMembershipClaim, SignInAudience
from components.graph import DEFAULT_GRAPH_SCOPES, DELEGATED_SCOPE_IDS
from components.settings import (
    OPTIONS,
    ConfigError,
    args_from_config,
    settings_from_args,
)

GOOD_URL = "https://authenticate.example.com"


def config_problems(raw: dict[str, str], environment: str | None = None) -> list[str]:
    """The keys named by the error for `raw` (plus a valid authenticate URL)."""
    with pytest.raises(ConfigError) as caught:
        args_from_config(
            {"authenticateServiceUrl": GOOD_URL, **raw}, environment=environment, stack="dev"
        )
    return [p.key for p in caught.value.problems]


def settings_for(**args: object):
    return settings_from_args({"authenticate_service_url": GOOD_URL, **args}, stack="dev")


def test_defaults_give_the_guides_app() -> None:
    settings = settings_for()
    assert settings.redirect_urls == (GOOD_URL + "/oauth2/callback",)
    assert settings.display_name == "Pomerium (dev)"
    assert settings.sign_in_audience is SignInAudience.AZURE_AD_MY_ORG
    assert settings.graph_scopes == DEFAULT_GRAPH_SCOPES
    assert "Group.Read.All" in settings.graph_scopes
    assert settings.group_membership_claims == (GroupMembershipClaim.SECURITY_GROUP,)
    assert settings.client_secret_rotation_days == rotation.DEFAULT_ROTATION_DAYS
    assert settings.kubernetes_secret == "pomerium/idp"
    assert settings.include_deployer_as_owner and not settings.grant_admin_consent
    assert not settings.protect


@pytest.mark.parametrize(
    ("given_url", "normalized"),
    [
        ("https://authenticate.example.com", "https://authenticate.example.com"),
        ("https://authenticate.example.com/", "https://authenticate.example.com"),
        ("https://Auth.Example.com:8443/", "https://auth.example.com:8443"),
    ],
)
def test_authenticate_url_is_normalized(given_url: str, normalized: str) -> None:
    settings = settings_for(authenticate_service_url=given_url)
    assert settings.authenticate_service_url == normalized
    # No "//oauth2/callback" from a trailing slash.
    assert settings.redirect_urls[0] == normalized + "/oauth2/callback"


@pytest.mark.parametrize(
    "bad_url",
    [
        "http://authenticate.example.com",
        "https://",
        "authenticate.example.com",
        "https://authenticate.example.com/oauth2/callback",
        "https://authenticate.example.com/path",
        "https://authenticate.example.com/?q=1",
        "https://authenticate.example.com/#frag",
        "https://user:pw@authenticate.example.com",
        "https://authenticate.example.com:99999",
        "https://bad_host!.example.com",
        "",
    ],
)
def test_bad_authenticate_url_is_named(bad_url: str) -> None:
    assert config_problems({"authenticateServiceUrl": bad_url}) == [
        "pomerium-azure-ad:authenticateServiceUrl"
    ]


@pytest.mark.parametrize(
    "urls",
    [
        ["http://second.example.com/oauth2/callback"],
        ["https://second.example.com/"],
        ["https://second.example.com/oauth2/callback?x=1"],
        [
            "https://second.example.com/oauth2/callback",
            "https://second.example.com/oauth2/callback",
        ],
        "not a list",
    ],
)
def test_bad_additional_redirect_urls(urls: object) -> None:
    raw = urls if isinstance(urls, str) else json.dumps(urls)
    assert config_problems({"additionalRedirectUrls": raw}) == [
        "pomerium-azure-ad:additionalRedirectUrls"
    ]


def test_additional_redirect_urls_follow_the_primary() -> None:
    extra = "https://authenticate.west.example.com/oauth2/callback"
    settings = settings_for(additional_redirect_urls=[extra])
    assert settings.redirect_urls == (GOOD_URL + "/oauth2/callback", extra)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("signInAudience", "AzureADandPersonalMicrosoftAccount"),
        ("graphScopes", json.dumps(["openid", "Group.ReadWrite.All"])),
        ("graphScopes", json.dumps([])),
        ("graphScopes", json.dumps(["openid", "openid"])),
        ("groupMembershipClaims", json.dumps(["Security"])),
        ("groupMembershipClaims", json.dumps(["None", "SecurityGroup"])),
        ("groupMembershipClaims", json.dumps([])),
        ("owners", json.dumps(["not-a-guid"])),
        ("owners", json.dumps(["00000000-0000-0000-0000-00000000000"])),
        ("kubernetesNamespace", "Pomerium"),
        ("kubernetesNamespace", "pomerium.system"),
        ("kubernetesNamespace", "a" * 64),
        ("kubernetesSecretName", "idp_secret"),
        ("kubernetesSecretName", "-idp"),
        ("clientSecretRotationDays", str(rotation.MIN_ROTATION_DAYS - 1)),
        ("clientSecretRotationDays", str(rotation.MAX_ROTATION_DAYS + 1)),
        ("clientSecretRotationDays", "ninety"),
        ("grantAdminConsent", "yes"),
        ("includeDeployerAsOwner", "1"),
        ("protect", "True"),
        ("displayName", "x" * 121),
    ],
)
def test_each_bad_value_is_named(key: str, value: str) -> None:
    assert config_problems({key: value}) == [f"pomerium-azure-ad:{key}"]


def test_unknown_cloud_is_named() -> None:
    assert config_problems({}, environment="mars") == ["azuread:environment"]


@pytest.mark.parametrize("environment", ["usgovernment", "dod", "china"])
def test_multi_tenant_outside_the_global_cloud_names_both_settings(environment: str) -> None:
    problems = config_problems({"signInAudience": "AzureADMultipleOrgs"}, environment=environment)
    assert problems == ["pomerium-azure-ad:signInAudience with azuread:environment"]


def test_every_problem_in_one_message() -> None:
    raw = {
        "authenticateServiceUrl": "http://x",
        "graphScopes": json.dumps(["Nope"]),
        "clientSecretRotationDays": "7",
        "kubernetesNamespace": "Bad_NS",
        "protect": "maybe",
    }
    with pytest.raises(ConfigError) as caught:
        args_from_config(raw, environment=None, stack="prod")
    message = str(caught.value)
    assert message.startswith('Invalid configuration for stack "prod" (5 problems)')
    for key in raw:
        assert f"pomerium-azure-ad:{key}: expected " in message
    # It says what each key expects, and what it got.
    assert "from 14 to 124" in message and "got '7'" not in message and "got 7" in message
    assert "Traceback" not in message


BAD_ARGS = {"authenticate_service_url": "ftp://x", "client_secret_rotation_days": 3}


def test_component_errors_name_the_arguments_a_python_caller_wrote() -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from_args(BAD_ARGS, stack="dev")
    assert [p.key for p in caught.value.problems] == [
        "authenticate_service_url",
        "client_secret_rotation_days",
    ]


def test_the_plugins_errors_name_the_schema_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other languages write the schema's names; the plugin says so at start."""
    monkeypatch.setattr("components.args.SCHEMA_NAMES_IN_MESSAGES", True)
    with pytest.raises(ConfigError) as caught:
        settings_from_args(BAD_ARGS, stack="dev")
    assert [p.key for p in caught.value.problems] == [
        "authenticateServiceUrl",
        "clientSecretRotationDays",
    ]


def test_enums_and_their_string_values_are_accepted() -> None:
    as_enum = settings_for(
        sign_in_audience=SignInAudience.AZURE_AD_MULTIPLE_ORGS,
        group_membership_claims=[GroupMembershipClaim.APPLICATION_GROUP],
    )
    as_text = settings_for(
        sign_in_audience="AzureADMultipleOrgs", group_membership_claims=["ApplicationGroup"]
    )
    assert as_enum == as_text
    assert as_enum.multi_tenant


def test_every_option_has_a_field_and_an_expectation() -> None:
    assert len({o.key for o in OPTIONS}) == len({o.field for o in OPTIONS}) == len(OPTIONS)
    assert all(o.expects for o in OPTIONS)


# --- properties -------------------------------------------------------------

hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}[a-z0-9](\.[a-z][a-z0-9]{0,10}){1,3}", fullmatch=True)


@given(
    host=hosts,
    port=st.one_of(st.none(), st.integers(1, 65535)),
    slash=st.booleans(),
    days=st.integers(rotation.MIN_ROTATION_DAYS, rotation.MAX_ROTATION_DAYS),
    scopes=st.lists(st.sampled_from(sorted(DELEGATED_SCOPE_IDS)), min_size=1, unique=True),
)
def test_valid_settings_are_accepted(
    host: str, port: int | None, slash: bool, days: int, scopes: list[str]
) -> None:
    url = f"https://{host}{f':{port}' if port else ''}{'/' if slash else ''}"
    settings = settings_for(
        authenticate_service_url=url, client_secret_rotation_days=days, graph_scopes=scopes
    )
    assert settings.redirect_urls[0] == url.rstrip("/") + "/oauth2/callback"
    assert settings.graph_scopes == tuple(scopes)


@given(days=st.integers(-1000, 1000))
def test_rotation_days_accepted_exactly_when_credentials_stay_under_a_year(days: int) -> None:
    valid = (
        days >= rotation.MIN_ROTATION_DAYS
        and rotation.credential_lifetime_days(days) <= rotation.MAX_CREDENTIAL_LIFETIME_DAYS
    )
    try:
        settings_for(client_secret_rotation_days=days)
    except ConfigError as error:
        assert not valid
        assert [p.key for p in error.problems] == ["client_secret_rotation_days"]
    else:
        assert valid


@given(
    bad=st.sets(
        st.sampled_from(["authenticateServiceUrl", "graphScopes", "owners", "kubernetesNamespace"]),
        min_size=1,
    )
)
def test_every_bad_key_and_only_those_are_named(bad: set[str]) -> None:
    wrong = {
        "authenticateServiceUrl": "http://x",
        "graphScopes": json.dumps(["Mail.Read"]),
        "owners": json.dumps(["me"]),
        "kubernetesNamespace": "NS",
    }
    raw = {key: wrong[key] for key in bad}
    with pytest.raises(ConfigError) as caught:
        args_from_config({"authenticateServiceUrl": GOOD_URL, **raw}, environment=None, stack="dev")
    assert {p.key for p in caught.value.problems} == {f"pomerium-azure-ad:{k}" for k in bad}


# --- placeholders and tenants the program must not accept ---------------------------


@pytest.mark.parametrize("key", ["owners", "allowedGroups"])
def test_the_nil_guid_placeholder_is_not_an_object_id(key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        args_from_config(
            {
                "authenticateServiceUrl": "https://authenticate.example.com",
                key: '["00000000-0000-0000-0000-000000000000"]',
            },
            environment=None,
            stack="dev",
        )
    assert f"pomerium-azure-ad:{key}: expected" in str(caught.value)


def test_a_tenant_pinned_as_a_domain_is_refused_with_why() -> None:
    with pytest.raises(ConfigError) as caught:
        args_from_config(
            {"authenticateServiceUrl": "https://authenticate.example.com"},
            environment=None,
            tenant_id="corp.onmicrosoft.com",
            stack="dev",
        )
    message = str(caught.value)
    assert "azuread:tenantId: expected the directory (tenant) id, a GUID" in message
    assert "'corp.onmicrosoft.com'" in message


def test_a_tenant_guid_is_accepted() -> None:
    args = args_from_config(
        {"authenticateServiceUrl": "https://authenticate.example.com"},
        environment=None,
        tenant_id="0303f438-3c5c-4190-9854-08d3eb31bd9f",
        stack="dev",
    )
    assert args["authenticate_service_url"] == "https://authenticate.example.com"
