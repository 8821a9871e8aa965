"""The stand-in's application management policies: set by an administrator through
Graph, enforced at addPassword with Graph's 400s (bodies from
OfficeDev/microsoft-365-agents-toolkit#10998 and the teamsfx aadErrorCode names),
read with the permissions Graph's docs list."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .standin import Admin, administered, end_in

DEFAULT_POLICY = "/policies/defaultAppManagementPolicy"
LONG_AGO = "2019-10-19T10:37:00Z"  # the docs' example enforcement date
FAR_AHEAD = "2099-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Admin]:
    """One stand-in for this file (a start costs about 0.3 s)."""
    with administered(tmp_path_factory.mktemp("entra")) as admin:
        yield admin


@pytest.fixture
def admin(tenant: Admin) -> Iterator[Admin]:
    """The tenant as each test finds it: its default policy and the lab's knobs are put back
    after the test, and checked to be as they were."""
    knobs = tenant.running.get("/_lab/knobs").json()
    policy = tenant.call("GET", DEFAULT_POLICY).json()
    yield tenant
    tenant.running.knob("/_lab/clock", now=None)
    for client_id in tenant.running.get("/_lab/knobs").json()["lacking_permissions"]:
        tenant.running.knob("/_lab/lacking-permissions", client_id=client_id, permissions=[])
    keep = {k: policy[k] for k in ("isEnabled", "applicationRestrictions")}
    assert tenant.call("PATCH", DEFAULT_POLICY, keep).status_code == 204
    assert tenant.call("GET", DEFAULT_POLICY).json() == policy
    after = tenant.running.get("/_lab/knobs").json()
    assert (after["not_replicated"], after["refusals"]) == (
        knobs["not_replicated"],
        knobs["refusals"],
    )
    assert not any(after["lacking_permissions"].values())


def restriction(kind: str, since: str = LONG_AGO, **more: Any) -> dict[str, Any]:
    return {"restrictionType": kind, "restrictForAppsCreatedAfterDateTime": since, **more}


def set_default(admin: Admin, *restrictions: dict[str, Any], enabled: bool = True) -> None:
    body = {
        "isEnabled": enabled,
        "applicationRestrictions": {"passwordCredentials": list(restrictions)},
    }
    assert admin.call("PATCH", DEFAULT_POLICY, body).status_code == 204


def test_the_tenant_default_starts_disabled(admin: Admin) -> None:
    policy = admin.call("GET", DEFAULT_POLICY).json()
    assert policy["id"] == "00000000-0000-0000-0000-000000000000"
    assert policy["isEnabled"] is False


def test_blocked_password_addition_is_graphs_400(admin: Admin) -> None:
    app = admin.register()
    set_default(admin, restriction("passwordAddition", state="enabled"))
    answer = admin.add_password(app, endDateTime=end_in(30))
    error = answer.json()["error"]
    assert answer.status_code == 400
    assert error["code"] == "CredentialTypeNotAllowedAsPerAppPolicy"
    assert error["message"].startswith("Credential type not allowed as per assigned policy")


def test_a_lifetime_past_the_cap_is_graphs_400_and_one_within_passes(admin: Admin) -> None:
    app = admin.register()
    set_default(admin, restriction("passwordLifetime", state="enabled", maxLifetime="P60D"))
    answer = admin.add_password(app, endDateTime=end_in(90))
    error = answer.json()["error"]
    assert answer.status_code == 400
    assert error["code"] == "CredentialInvalidLifetimeAsPerAppPolicy"
    assert error["message"] == (
        "Credential lifetime exceeds the max value allowed as per assigned policy "
        "'00000000-0000-0000-0000-000000000000'."
    )
    assert error["details"][0]["code"] == "InvalidKeyEndDate"
    assert admin.add_password(app, endDateTime=end_in(59)).status_code == 200


@pytest.mark.parametrize(
    ("enabled", "state", "since"),
    [
        (False, "enabled", LONG_AGO),  # the policy is off
        (True, "disabled", LONG_AGO),  # the restriction is off
        (True, "enabled", FAR_AHEAD),  # the app was created before the enforcement date
    ],
)
def test_a_restriction_that_does_not_apply_lets_secrets_through(
    admin: Admin, enabled: bool, state: str, since: str
) -> None:
    app = admin.register()
    set_default(admin, restriction("passwordAddition", since, state=state), enabled=enabled)
    assert admin.add_password(app, endDateTime=end_in(30)).status_code == 200


def test_an_assigned_policy_replaces_the_tenant_default(admin: Admin) -> None:
    app = admin.register()
    set_default(admin, restriction("passwordAddition", state="enabled"))
    exemption = admin.call(
        "POST",
        "/policies/appManagementPolicies",
        {"displayName": "pomerium exemption", "isEnabled": True, "restrictions": {}},
    ).json()
    reference = {
        "@odata.id": f"{admin.running.base}/v1.0/policies/appManagementPolicies/{exemption['id']}"
    }
    path = f"/applications/{app['id']}/appManagementPolicies"
    assert admin.call("POST", path + "/$ref", reference).status_code == 204
    assert [p["id"] for p in admin.call("GET", path).json()["value"]] == [exemption["id"]]
    assert admin.add_password(app, endDateTime=end_in(30)).status_code == 200


def test_an_assigned_lifetime_cap_names_its_own_policy(admin: Admin) -> None:
    app = admin.register()
    capped = admin.call(
        "POST",
        "/policies/appManagementPolicies",
        {
            "displayName": "60 days",
            "isEnabled": True,
            "restrictions": {
                "passwordCredentials": [
                    restriction("passwordLifetime", state="enabled", maxLifetime="P60D")
                ]
            },
        },
    ).json()
    reference = {
        "@odata.id": f"{admin.running.base}/v1.0/policies/appManagementPolicies/{capped['id']}"
    }
    admin.call("POST", f"/applications/{app['id']}/appManagementPolicies/$ref", reference)
    error = admin.add_password(app, endDateTime=end_in(61)).json()["error"]
    assert error["message"].endswith(f"'{capped['id']}'.")


def test_without_the_read_permissions_policy_reads_are_graphs_403(admin: Admin) -> None:
    app = admin.register()
    lacking = {
        "client_id": admin.running.ready["client_id"],
        "permissions": ["Policy.Read.All", "Policy.ReadWrite.ApplicationConfiguration"],
    }
    assert admin.running.post("/_lab/lacking-permissions", json=lacking).status_code == 204
    for path in (DEFAULT_POLICY, f"/applications/{app['id']}/appManagementPolicies"):
        answer = admin.call("GET", path)
        assert (answer.status_code, answer.json()["error"]["code"]) == (
            403,
            "Authorization_RequestDenied",
        )
    assert admin.call("GET", f"/applications/{app['id']}").status_code == 200


def test_the_lifetime_is_measured_from_the_tenants_clock(admin: Admin) -> None:
    app = admin.register()
    set_default(admin, restriction("passwordLifetime", state="enabled", maxLifetime="P60D"))
    ahead = (datetime.now(UTC) + timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert admin.add_password(app, endDateTime=end_in(250)).status_code == 400
    admin.running.post("/_lab/clock", json={"now": ahead})
    assert admin.add_password(app, endDateTime=end_in(250)).status_code == 200
