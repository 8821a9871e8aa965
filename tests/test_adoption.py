"""Adopting an app registration, enterprise application and Secret made by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pulumi
import pytest

from components import adoption
from components.graph import DEFAULT_GRAPH_SCOPES, DELEGATED_SCOPE_IDS, GRAPH_APP_ID
from components.settings import PROJECT, settings_from_args
from tests.stacks import run_fixture
from tools import offline
from tools.offline import PlaceholderCloud, Registration

APP = "0303f438-3c5c-4190-9854-08d3eb31bd9f"
SP = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
CLIENT_ID = "9f8e7d6c-5b4a-4392-8170-6a5b4c3d2e1f"
DEPLOYER = "11111111-2222-4333-8444-555555555555"
ADOPT = {f"{PROJECT}:adoptApplicationObjectId": APP, f"{PROJECT}:adoptServicePrincipalObjectId": SP}
LOOKUPS = {"getApplication", "getServicePrincipal"}


def existing_app(**changes: Any) -> dict[str, Any]:
    """The dev stack's app as Graph would describe it, made by hand."""
    app = {
        "clientId": CLIENT_ID,
        "objectId": APP,
        "displayName": "Pomerium (dev)",
        "signInAudience": "AzureADMyOrg",
        "webs": [
            {
                "homepageUrl": "https://authenticate.dev.example.com",
                "redirectUris": ["https://authenticate.dev.example.com/oauth2/callback"],
                "logoutUrl": "",
                "implicitGrants": [],
            }
        ],
        "groupMembershipClaims": ["SecurityGroup"],
        "requiredResourceAccesses": [
            {
                "resourceAppId": GRAPH_APP_ID,
                "resourceAccesses": [
                    {"id": DELEGATED_SCOPE_IDS[name], "type": "Scope"}
                    for name in DEFAULT_GRAPH_SCOPES
                ],
            }
        ],
        "owners": [DEPLOYER],
    }
    app.update(changes)
    return app


def cloud(**app_changes: Any) -> PlaceholderCloud:
    return PlaceholderCloud(
        deployer_object_id=DEPLOYER,
        answers={
            "getApplication": existing_app(**app_changes),
            "getServicePrincipal": {
                "clientId": CLIENT_ID,
                "objectId": SP,
                "appRoleAssignmentRequired": False,
            },
        },
    )


def imports(run: offline.ProgramRun) -> dict[str, str]:
    return {r.name: r.import_id for r in run.registrations if r.import_id}


def invoked(run: offline.ProgramRun) -> set[str]:
    return {invoke.token.split(":")[-1] for invoke in run.invokes}


def test_without_adopt_settings_nothing_is_imported_or_looked_up(now: datetime) -> None:
    run = run_fixture("dev", now=now, cloud=cloud())
    assert imports(run) == {}
    assert not invoked(run) & LOOKUPS
    annotations = run.one("core/v1:Secret").inputs["metadata"].get("annotations")
    assert not annotations


def test_adopt_imports_exactly_the_application_and_service_principal(now: datetime) -> None:
    run = run_fixture("dev", now=now, cloud=cloud(), overrides=ADOPT)
    assert imports(run) == {
        "pomerium-application": f"/applications/{APP}",
        # The importer validates /servicePrincipals/<id>; a bare id fails it.
        "pomerium-service-principal": f"/servicePrincipals/{SP}",
    }
    assert invoked(run) >= LOOKUPS
    # Client secrets cannot be imported: the stack makes its own.
    assert len(run.of_type(":ApplicationPassword")) == 2


def test_adopt_kubernetes_secret_takes_it_over_in_place(now: datetime) -> None:
    overrides = {f"{PROJECT}:adoptKubernetesSecret": True}
    run = run_fixture("dev", now=now, cloud=cloud(), overrides=overrides)
    secret = run.one("core/v1:Secret")
    assert secret.inputs["metadata"]["annotations"] == {"pulumi.com/patchForce": "true"}
    assert secret.inputs["metadata"]["name"] == "idp"
    assert imports(run) == {}  # an upsert, not an import: its data is bound to change
    # A create that takes it over again (its provider replaced, its URN changed) must not be
    # followed by a delete of the old resource, which removes the object by name
    # (tests/real/test_issue20_defects.py).
    assert secret.retain_on_delete is True


def adoption_warning(run: offline.ProgramRun) -> str:
    (warning,) = [line for line in run.warnings if "this deploy imports it" in line]
    return warning


def test_matching_app_is_told_only_what_cannot_be_read(now: datetime) -> None:
    run = run_fixture("dev", now=now, cloud=cloud(), overrides=ADOPT)
    warning = adoption_warning(run)
    # The enterprise application's owners cannot be looked up before the deploy.
    assert warning.count("\n  - ") == 1
    assert f"owners of the enterprise application: this deploy makes them [{DEPLOYER}]" in warning
    assert any(f"az ad app credential list --id {CLIENT_ID}" in line for line in run.logs)
    assert any("remove the adopt settings" in line for line in run.logs)


def test_differences_say_what_the_deploy_changes_and_how_to_keep_it(now: datetime) -> None:
    other = "99999999-9999-4999-8999-999999999999"
    changed = cloud(displayName="Pomerium", owners=[other])
    warning = adoption_warning(run_fixture("dev", now=now, cloud=changed, overrides=ADOPT))
    assert (
        "displayName: the application has 'Pomerium'; this deploy changes it to "
        "'Pomerium (dev)' (to keep it, set displayName to 'Pomerium')"
    ) in warning
    assert (
        f"owners: the application's owners are [{other}]; this deploy makes them [{DEPLOYER}]"
    ) in warning
    assert "includeDeployerAsOwner to false" in warning
    assert "graphScopes" not in warning and "signInAudience" not in warning


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({f"{PROJECT}:adoptApplicationObjectId": "app-1"}, "adoptApplicationObjectId"),
        (
            {**ADOPT, f"{PROJECT}:adoptServicePrincipalObjectId": "sp"},
            "adoptServicePrincipalObjectId",
        ),
        ({f"{PROJECT}:adoptApplicationObjectId": APP}, "adoptServicePrincipalObjectId"),
        ({f"{PROJECT}:adoptServicePrincipalObjectId": SP}, "adoptApplicationObjectId"),
    ],
)
def test_invalid_adopt_ids_are_config_errors(
    overrides: dict[str, str], named: str, now: datetime
) -> None:
    record: list[Registration] = []
    with pytest.raises(pulumi.RunError) as caught:
        run_fixture("dev", now=now, overrides=overrides, record=record)
    assert f"{PROJECT}:{named}: expected empty, or the object id (GUID)" in str(caught.value)
    assert record == []


# --- the comparison itself ---------------------------------------------------------


def settings() -> Any:
    return settings_from_args(
        {"authenticate_service_url": "https://authenticate.dev.example.com"}, stack="dev"
    )


def existing(**changes: Any) -> adoption.ExistingApplication:
    base = adoption.ExistingApplication(
        client_id=CLIENT_ID,
        display_name="Pomerium (dev)",
        sign_in_audience="AzureADMyOrg",
        homepage_url="https://authenticate.dev.example.com",
        redirect_uris=("https://authenticate.dev.example.com/oauth2/callback",),
        group_membership_claims=("SecurityGroup",),
        permissions=tuple(
            adoption.Permission(GRAPH_APP_ID, DELEGATED_SCOPE_IDS[n], "Scope")
            for n in DEFAULT_GRAPH_SCOPES
        ),
        owners=(DEPLOYER,),
    )
    return adoption.ExistingApplication(**{**base.__dict__, **changes})


def differences(**changes: Any) -> list[str]:
    return adoption.application_differences(
        settings(), existing(**changes), [DEPLOYER], namespace="pomerium-azure-ad:"
    )


def test_identical_app_has_no_differences() -> None:
    assert differences() == []


def test_each_managed_setting_is_compared() -> None:
    (line,) = differences(
        redirect_uris=(
            "https://authenticate.dev.example.com/oauth2/callback",
            "https://old.example.com/oauth2/callback",
        )
    )
    assert (
        "set pomerium-azure-ad:additionalRedirectUrls to [https://old.example.com/oauth2/callback]"
        in line
    )
    (line,) = differences(group_membership_claims=("All",))
    assert line.startswith(
        "pomerium-azure-ad:groupMembershipClaims: the application has [All]; "
        "this deploy changes it to [SecurityGroup]"
    )
    (line,) = differences(sign_in_audience="AzureADMultipleOrgs")
    assert "set pomerium-azure-ad:signInAudience to AzureADMultipleOrgs" in line
    (line,) = differences(homepage_url="https://intranet.example.com")
    assert line.startswith("sign-on (home page) URL: the application has")
    assert "changes it to https://authenticate.dev.example.com" in line
    role = adoption.Permission(GRAPH_APP_ID, "5b567255-7703-4780-807c-7be8301ae99b", "Role")
    found = differences(permissions=(*existing().permissions, role))
    assert len(found) == 1 and "does not manage" in found[0] and "removes them" in found[0]
    fewer = tuple(
        p for p in existing().permissions if p.id != DELEGATED_SCOPE_IDS["Group.Read.All"]
    )
    (line,) = differences(permissions=fewer)
    assert line.startswith(
        "pomerium-azure-ad:graphScopes: the application has "
        "[openid, profile, email, offline_access]"
    )


def test_permissions_in_another_order_are_a_change() -> None:
    """requiredResourceAccess is an ordered list: the provider rewrites another order."""
    (line,) = differences(permissions=tuple(reversed(existing().permissions)))
    assert (
        "set pomerium-azure-ad:graphScopes to "
        "[Group.Read.All, offline_access, email, profile, openid]"
    ) in line


def test_reply_urls_in_another_order_are_a_change() -> None:
    (line,) = differences(
        redirect_uris=(
            "https://old.example.com/oauth2/callback",
            "https://authenticate.dev.example.com/oauth2/callback",
        )
    )
    assert "reply URLs" in line


def test_service_principal_of_another_app_is_named() -> None:
    found = adoption.service_principal_differences(
        settings(),
        adoption.ExistingServicePrincipal(client_id="other", app_role_assignment_required=True),
        CLIENT_ID,
        [DEPLOYER],
        namespace="",
    )
    assert [line.split(":")[0] for line in found] == [
        "adoptServicePrincipalObjectId",
        "assignmentRequired",
        "owners of the enterprise application",
    ]
    assert found[0].endswith("it fails")


# --- what the warning says, word for word (what a user acts on) -------------------------

NS = "pomerium-azure-ad:"
DEV_CALLBACK = "https://authenticate.dev.example.com/oauth2/callback"


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        (
            {"display_name": "Pomerium"},
            f"{NS}displayName: the application has 'Pomerium'; this deploy changes it to "
            f"'Pomerium (dev)' (to keep it, set {NS}displayName to 'Pomerium')",
        ),
        (
            {"sign_in_audience": "AzureADMultipleOrgs"},
            f"{NS}signInAudience: the application has AzureADMultipleOrgs; this deploy changes it "
            f"to AzureADMyOrg (to keep it, set {NS}signInAudience to AzureADMultipleOrgs)",
        ),
        (
            {"redirect_uris": ("https://old.example.com/oauth2/callback", DEV_CALLBACK)},
            f"{NS}authenticateServiceUrl/{NS}additionalRedirectUrls (reply URLs): the application "
            f"has [https://old.example.com/oauth2/callback, {DEV_CALLBACK}]; this deploy changes "
            f"it to [{DEV_CALLBACK}] (to keep them, keep {NS}authenticateServiceUrl so that "
            f"{DEV_CALLBACK} is one of them and set {NS}additionalRedirectUrls to "
            "[https://old.example.com/oauth2/callback])",
        ),
        (
            {"homepage_url": ""},
            "sign-on (home page) URL: the application has '(none)'; this deploy changes it to "
            "https://authenticate.dev.example.com (it is always the authenticate service URL)",
        ),
        (
            {"group_membership_claims": ()},
            f"{NS}groupMembershipClaims: the application has [None]; this deploy changes it to "
            f"[SecurityGroup] (to keep it, set {NS}groupMembershipClaims to [None])",
        ),
        (
            {"owners": ("ABCDEF00-0000-4000-8000-000000000001",)},
            f"{NS}owners: the application's owners are [abcdef00-0000-4000-8000-000000000001]; "
            f"this deploy makes them [{DEPLOYER}] (to keep them, set {NS}owners to them and "
            f"{NS}includeDeployerAsOwner to false)",
        ),
    ],
)
def test_each_difference_says_what_changes_and_which_key_keeps_it(
    changes: dict[str, Any], line: str
) -> None:
    assert differences(**changes) == [line]


def test_reordered_permissions_name_the_order_to_keep() -> None:
    (line,) = differences(permissions=tuple(reversed(existing().permissions)))
    kept = "[Group.Read.All, offline_access, email, profile, openid]"
    assert line == (
        f"{NS}graphScopes: the application has {kept}; this deploy changes it to "
        f"[openid, profile, email, offline_access, Group.Read.All] (to keep it, set "
        f"{NS}graphScopes to {kept})"
    )


def test_the_enterprise_applications_differences_word_for_word() -> None:
    found = adoption.service_principal_differences(
        settings(),
        adoption.ExistingServicePrincipal(client_id="other", app_role_assignment_required=True),
        CLIENT_ID,
        [DEPLOYER],
        namespace="ns:",
    )
    assert found == [
        "ns:adoptServicePrincipalObjectId: that service principal belongs to application other, "
        f"not to the adopted application {CLIENT_ID}: this deploy would have to replace it, "
        "which an import refuses; it fails",
        "ns:assignmentRequired: the enterprise application has assignment required = true; this "
        "deploy changes it to false (to keep it, set ns:assignmentRequired to true)",
        f"ns:owners of the enterprise application: this deploy makes them [{DEPLOYER}], replacing "
        "any set by hand (they cannot be read before the deploy)",
    ]
