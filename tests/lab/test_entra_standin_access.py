"""The stand-in's owners, groups, app role assignments and tenant-wide delegated
permission grants, as an administrator (and the azuread provider) make them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jwt
import pytest
import requests

from .standin import Admin, administered, end_in, msal_token

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
DEFAULT_ACCESS = "00000000-0000-0000-0000-000000000000"  # the "Default Access" app role
POLICY_READ_ALL = "246dd0d5-5bd0-4def-940b-0421030a5b68"  # Graph permissions reference


@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Admin]:
    with administered(tmp_path_factory.mktemp("entra")) as admin:
        yield admin


def service_principal(admin: Admin, app: dict[str, Any]) -> dict[str, Any]:
    path = f"/servicePrincipals(appId='{app['appId']}')"
    return admin.call("GET", path).json()


def test_a_group_assigned_to_the_application_once(admin: Admin) -> None:
    sp = service_principal(admin, admin.register())
    group = admin.call("POST", "/groups", {"displayName": "pomerium-users"}).json()
    body = {"principalId": group["id"], "resourceId": sp["id"], "appRoleId": DEFAULT_ACCESS}
    path = f"/servicePrincipals/{sp['id']}/appRoleAssignedTo"
    made = admin.call("POST", path, body)
    assert (made.status_code, made.json()["principalType"]) == (201, "Group")
    assert [a["principalId"] for a in admin.call("GET", path).json()["value"]] == [group["id"]]
    again = admin.call("POST", path, body)
    # The duplicate's answer (lab/entra/access.py says where it comes from).
    assert (again.status_code, again.json()["error"]["code"]) == (400, "Request_BadRequest")
    assert (
        again.json()["error"]["message"] == "Permission being assigned already exists on the object"
    )
    assert [a["principalId"] for a in admin.call("GET", path).json()["value"]] == [group["id"]]


def test_a_second_tenant_wide_grant_is_a_409(admin: Admin) -> None:
    sp = service_principal(admin, admin.register())
    graph = admin.call("GET", f"/servicePrincipals(appId='{GRAPH_APP_ID}')").json()
    grant = {
        "clientId": sp["id"],
        "consentType": "AllPrincipals",
        "resourceId": graph["id"],
        "scope": "openid profile email offline_access Group.Read.All",
    }
    made = admin.call("POST", "/oauth2PermissionGrants", grant)
    assert made.status_code == 201
    again = admin.call("POST", "/oauth2PermissionGrants", grant)
    # hashicorp/terraform-provider-azuread#690, word for word.
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "Request_MultipleObjectsWithSameKeyValue"
    assert again.json()["error"]["message"] == "Permission entry already exists."
    path = f"/oauth2PermissionGrants/{made.json()['id']}"
    assert admin.call("PATCH", path, {"clientId": graph["id"]}).json()["error"]["message"] == (
        "Property cannot be updated: clientId"
    )


def test_owners_are_added_once(admin: Admin) -> None:
    app = admin.register()
    owner = {
        "@odata.id": f"{admin.running.base}/v1.0/directoryObjects/{admin.running.ready['object_id']}"
    }
    path = f"/applications/{app['id']}/owners"
    assert admin.call("POST", path + "/$ref", owner).status_code == 204
    assert admin.call("POST", path + "/$ref", owner).status_code == 400
    (listed,) = admin.call("GET", path).json()["value"]
    assert listed["@odata.type"] == "#microsoft.graph.servicePrincipal"
    assert listed["id"] == admin.running.ready["object_id"]


def test_an_application_permission_granted_through_graph_reaches_the_token(admin: Admin) -> None:
    app = admin.register("reader")
    secret = admin.add_password(app, endDateTime=end_in(30)).json()["secretText"]
    token = msal_token(admin.running, app["appId"], secret)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{admin.running.base}/v1.0/policies/defaultAppManagementPolicy"
    verify = admin.running.ready["ca_file"]
    assert requests.get(url, headers=headers, verify=verify, timeout=10).status_code == 403
    graph = admin.call("GET", f"/servicePrincipals(appId='{GRAPH_APP_ID}')").json()
    sp = service_principal(admin, app)
    body = {"principalId": sp["id"], "resourceId": graph["id"], "appRoleId": POLICY_READ_ALL}
    assert admin.call("POST", f"/servicePrincipals/{graph['id']}/appRoleAssignedTo", body).ok
    fresh = msal_token(admin.running, app["appId"], secret)
    claims = jwt.decode(fresh["access_token"], options={"verify_signature": False})
    assert "Policy.Read.All" in claims["roles"]
    assert requests.get(url, headers=headers, verify=verify, timeout=10).status_code == 200
