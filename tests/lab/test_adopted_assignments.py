"""The program's read of an adopted enterprise application's group assignments, against the
lab's stand-in: the real reader (azure-identity's token, then Graph), the requests it makes
(the stand-in's request log), and what the adopting deploy then imports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from components.assignment_adoption import assignments_to_import
from components.assignment_reader import AssignmentReadError, AssignmentRequest, read_from_graph

from .standin import Admin, Running, start

DEFAULT_ACCESS = "00000000-0000-0000-0000-000000000000"  # the "Default Access" app role


@pytest.fixture
def admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Admin]:
    running = start(tmp_path_factory.mktemp("entra"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", running.ready["ca_file"])
        patch.setenv("SSL_CERT_FILE", running.ready["ca_file"])
        yield Admin(running)
    running.stop()


def request_for(running: Running, service_principal: str) -> AssignmentRequest:
    """What the component asks for with the lab's settings: the deploy identity's client
    secret, and the cloud its metadata host describes (Graph and sign-in on the stand-in)."""
    ready = running.ready
    return AssignmentRequest(
        environment="global",
        service_principal_object_id=service_principal,
        provider={
            "tenantId": ready["tenant_id"],
            "clientId": ready["client_id"],
            "clientSecret": ready["client_secret"],
        },
        graph_url=running.base,
        login_host=ready["metadata_host"],
    )


def requests_logged(running: Running) -> list[dict[str, Any]]:
    log = (running.state_dir / "requests.jsonl").read_text().splitlines()
    return [json.loads(line) for line in log]


def enterprise_application(admin: Admin) -> dict[str, Any]:
    app = admin.register("Pomerium (dev)")
    return dict(admin.call("GET", f"/servicePrincipals(appId='{app['appId']}')").json())


def assign(admin: Admin, group: dict[str, Any], sp: dict[str, Any]) -> dict[str, Any]:
    body = {"principalId": group["id"], "resourceId": sp["id"], "appRoleId": DEFAULT_ACCESS}
    made = admin.call("POST", f"/servicePrincipals/{sp['id']}/appRoleAssignedTo", body)
    assert made.status_code == 201
    return dict(made.json())


def test_the_group_assigned_by_hand_is_read_and_imported(admin: Admin) -> None:
    sp = enterprise_application(admin)
    by_hand = admin.call("POST", "/groups", {"displayName": "pomerium-users"}).json()
    later = admin.call("POST", "/groups", {"displayName": "pomerium-admins"}).json()
    made = assign(admin, by_hand, sp)
    before = len(requests_logged(admin.running))

    reading = read_from_graph(request_for(admin.running, sp["id"]))

    assert [(a["principalId"], a["appRoleId"]) for a in reading.assignments] == [
        (by_hand["id"], DEFAULT_ACCESS)
    ]
    assert assignments_to_import([by_hand["id"], later["id"]], sp["id"], reading.assignments) == {
        by_hand["id"]: f"/servicePrincipals/{sp['id']}/appRoleAssignedTo/{made['id']}"
    }
    made_now = requests_logged(admin.running)[before:]
    tenant = admin.running.ready["tenant_id"]
    # MSAL (inside azure-identity) reads the tenant's OpenID configuration, asks for a token
    # with the deploy identity's secret, then the one Graph read.
    assert [(e["method"], e["path"], e["query"], e["status"]) for e in made_now] == [
        ("GET", f"/{tenant}/v2.0/.well-known/openid-configuration", {}, 200),
        ("POST", f"/{tenant}/oauth2/v2.0/token", {}, 200),
        ("GET", f"/v1.0/servicePrincipals/{sp['id']}/appRoleAssignedTo", {}, 200),
    ]
    token = made_now[1]["body"]
    assert (token["grant_type"], token["scope"]) == (
        "client_credentials",
        f"{admin.running.base}/.default",
    )
    assert token["client_secret"].startswith("sha256:")  # the log's digest of it


def test_without_application_read_all_the_read_fails_in_one_line(admin: Admin) -> None:
    sp = enterprise_application(admin)
    lacking = {
        "client_id": admin.running.ready["client_id"],
        # Application.Read.All and the two that include it (the Graph permissions reference).
        "permissions": [
            "Application.Read.All",
            "Application.ReadWrite.All",
            "Application.ReadWrite.OwnedBy",
        ],
    }
    assert admin.running.post("/_lab/lacking-permissions", json=lacking).status_code == 204
    with pytest.raises(AssignmentReadError) as caught:
        read_from_graph(request_for(admin.running, sp["id"]))
    assert str(caught.value) == (
        f"403 from GET /v1.0/servicePrincipals/{sp['id']}/appRoleAssignedTo "
        "(the deploy identity needs Application.Read.All)"
    )
