"""The Entra ID / Microsoft Graph stand-in (lab/entra), started as the lab starts it,
checked against the shapes Microsoft documents: expected values are literals from
Microsoft's docs and cited threads, never the stand-in's own constants."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
import requests

from components import proof

from .standin import ROOT, Admin, Running, end_in, msal_token, start

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"  # Microsoft Graph, in every tenant


@pytest.fixture(scope="module")
def standin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """One stand-in for this module: each test registers applications of its own."""
    running = start(tmp_path_factory.mktemp("entra"))
    with pytest.MonkeyPatch.context() as patch:
        # MSAL's requests session trusts what REQUESTS_CA_BUNDLE names, as in the lab.
        patch.setenv("REQUESTS_CA_BUNDLE", running.ready["ca_file"])
        yield running
    assert running.stop() == b"", "the stand-in wrote to stdout"


# --- sign-in side ---------------------------------------------------------------


def test_the_metadata_document_has_what_go_azure_sdk_requires(standin: Running) -> None:
    # go-azure-sdk environments.FromEndpoint: name, resourceManager,
    # microsoftGraphResourceId required; authentication.loginEndpoint read.
    answer = standin.get("/metadata/endpoints", params={"api-version": "2022-09-01"})
    document = answer.json()
    assert answer.status_code == 200
    assert document["name"]
    assert document["resourceManager"].startswith("https://")
    assert document["microsoftGraphResourceId"].rstrip("/") == standin.base
    assert document["authentication"]["loginEndpoint"].rstrip("/") == standin.base


def test_discovery_names_the_tenant_issuer(standin: Running) -> None:
    tenant = standin.ready["tenant_id"]
    document = standin.get(f"/{tenant}/v2.0/.well-known/openid-configuration").json()
    assert document["issuer"] == f"https://{standin.ready['metadata_host']}/{tenant}/v2.0"
    assert document["token_endpoint"] == f"{standin.base}/{tenant}/oauth2/v2.0/token"


@pytest.mark.parametrize("alias", ["common", "organizations"])
def test_discovery_for_any_tenant_names_the_placeholder_issuer(
    standin: Running, alias: str
) -> None:
    # login.microsoftonline.com/common/v2.0 answers the issuer ".../{tenantid}/v2.0"
    # (coreos/go-oidc#121, MicrosoftDocs/azure-docs#38427); its endpoints stay the alias's.
    document = standin.get(f"/{alias}/v2.0/.well-known/openid-configuration").json()
    assert document["issuer"] == f"https://{standin.ready['metadata_host']}/{{tenantid}}/v2.0"
    assert document["token_endpoint"] == f"{standin.base}/{alias}/oauth2/v2.0/token"


def test_an_unknown_tenant_is_refused_with_aadsts90002(standin: Running) -> None:
    answer = standin.get(
        "/11111111-1111-1111-1111-111111111111/v2.0/.well-known/openid-configuration"
    )
    assert (answer.status_code, answer.json()["error_codes"]) == (400, [90002])


def test_msal_gets_a_token_for_the_deploy_identity(standin: Running) -> None:
    ready = standin.ready
    result = msal_token(standin, ready["client_id"], ready["client_secret"])
    claims = jwt.decode(result["access_token"], options={"verify_signature": False})
    assert result["token_type"] == "Bearer"
    assert (claims["tid"], claims["oid"], claims["appid"]) == (
        ready["tenant_id"],
        ready["object_id"],
        ready["client_id"],
    )


def test_a_wrong_secret_is_refused_with_aadsts7000215(standin: Running) -> None:
    result = msal_token(standin, standin.ready["client_id"], "not-the-secret")
    # 401 invalid_client, AADSTS7000215 (Entra ID error codes; sap-automation#418).
    assert result["error"] == "invalid_client"
    assert result["error_codes"] == [7000215]
    assert result["error_description"].startswith("AADSTS7000215: Invalid client secret provided.")


def test_an_unknown_application_is_refused_with_aadsts700016(standin: Running) -> None:
    result = msal_token(standin, "22222222-2222-2222-2222-222222222222", "x")
    assert (result["error"], result["error_codes"]) == ("unauthorized_client", [700016])


def test_a_password_an_admin_added_signs_in_and_the_proof_accepts_it(standin: Running) -> None:
    admin = Admin(standin)
    app = admin.register()
    added = admin.add_password(app, displayName="slot a", endDateTime=end_in(90))
    credential = added.json()
    assert added.status_code == 200
    assert credential["hint"] == credential["secretText"][:3]
    assert "access_token" in msal_token(standin, app["appId"], credential["secretText"])
    answer = proof.request_token(
        standin.authority, app["appId"], credential["secretText"], f"{standin.base}/.default"
    )
    assert answer == proof.Answer(True)


def test_a_removed_password_no_longer_signs_in(standin: Running) -> None:
    admin = Admin(standin)
    app = admin.register()
    credential = admin.add_password(app, endDateTime=end_in(30)).json()
    removed = admin.call(
        "POST", f"/applications/{app['id']}/removePassword", {"keyId": credential["keyId"]}
    )
    assert removed.status_code == 204
    assert msal_token(standin, app["appId"], credential["secretText"])["error_codes"] == [7000215]


def test_not_replicated_yet_then_accepted_as_the_proof_expects(standin: Running) -> None:
    admin = Admin(standin)
    app = admin.register()
    secret = admin.add_password(app, endDateTime=end_in(30)).json()["secretText"]
    knob = {"client_id": app["appId"], "seconds": 1.0, "code": 7000215}
    assert standin.post("/_lab/not-replicated", json=knob).status_code == 204

    def request() -> proof.Answer:
        return proof.request_token(
            standin.authority, app["appId"], secret, f"{standin.base}/.default"
        )

    assert proof.prove(request, secret=secret) > 1


def test_a_refusal_knob_refuses_with_its_code(standin: Running) -> None:
    client_id = standin.ready["client_id"]
    standin.post("/_lab/refuse", json={"client_id": client_id, "code": 53003})
    assert msal_token(standin, client_id, standin.ready["client_secret"])["error_codes"] == [53003]
    standin.post("/_lab/refuse", json={"client_id": client_id})
    assert "access_token" in msal_token(standin, client_id, standin.ready["client_secret"])


# --- the lab's interface --------------------------------------------------------


def test_state_and_ca_survive_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = start(tmp_path / "entra")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", first.ready["ca_file"])
    admin = Admin(first)
    app = admin.register()
    secret = admin.add_password(app, endDateTime=end_in(30)).json()["secretText"]
    ca = Path(first.ready["ca_file"]).read_bytes()
    assert first.stop() == b""
    second = start(tmp_path / "entra")
    try:
        assert Path(second.ready["ca_file"]).read_bytes() == ca
        assert second.ready["tenant_id"] == first.ready["tenant_id"]
        assert "access_token" in msal_token(second, app["appId"], secret)
    finally:
        assert second.stop() == b""


def test_an_unknown_call_fails_loudly(standin: Running) -> None:
    answer = standin.post("/v1.0/users", json={})
    assert answer.status_code == 501
    assert "POST /v1.0/users" in answer.json()["error"]["message"]
    assert "UNKNOWN CALL POST /v1.0/users" in (standin.state_dir / "server.log").read_text()


def test_requests_are_logged_with_secrets_as_digests(standin: Running) -> None:
    admin = Admin(standin)
    app = admin.register()
    secret = admin.add_password(app, endDateTime=end_in(30)).json()["secretText"]
    msal_token(standin, app["appId"], secret)
    log = (standin.state_dir / "requests.jsonl").read_text()
    entries = [json.loads(line) for line in log.splitlines()]
    token_requests = [e for e in entries if e["path"].endswith("/oauth2/v2.0/token")]
    expected = "sha256:" + hashlib.sha256(secret.encode()).hexdigest()[:12]
    assert token_requests[-1]["body"]["client_secret"] == expected
    assert token_requests[-1]["status"] == 200
    for name in ("requests.jsonl", "server.log", "state.json"):
        assert secret not in (standin.state_dir / name).read_text()


# --- Microsoft Graph ------------------------------------------------------------


def test_graph_needs_a_token(standin: Running) -> None:
    answer = standin.get("/v1.0/applications")
    assert (answer.status_code, answer.json()["error"]["code"]) == (
        401,
        "InvalidAuthenticationToken",
    )


def test_graphs_own_service_principal_is_found_by_app_id(standin: Running) -> None:
    admin = Admin(standin)
    by_key = admin.call("GET", f"/servicePrincipals(appId='{GRAPH_APP_ID}')").json()
    listed = admin.call("GET", "/servicePrincipals").json()["value"]
    filtered = requests.get(
        f"{standin.base}/v1.0/servicePrincipals",
        params={"$filter": f"appId eq '{GRAPH_APP_ID}'"},
        headers=admin.headers,
        verify=standin.ready["ca_file"],
        timeout=10,
    ).json()["value"]
    assert by_key["displayName"] == "Microsoft Graph"
    assert [sp["id"] for sp in filtered] == [by_key["id"]]
    assert len(listed) > len(filtered)
    scopes = {s["value"]: s["id"] for s in by_key["oauth2PermissionScopes"]}
    # Group.Read.All, delegated (Graph permissions reference).
    assert scopes["Group.Read.All"] == "5f8c59db-677d-491f-a6b8-5f174b11ec1d"


def test_a_second_service_principal_for_one_app_is_a_409(standin: Running) -> None:
    admin = Admin(standin)
    app = admin.register()
    again = admin.call("POST", "/servicePrincipals", {"appId": app["appId"]})
    assert (again.status_code, again.json()["error"]["code"]) == (
        409,
        "Request_MultipleObjectsWithSameKeyValue",
    )


def test_a_missing_application_is_graphs_404(standin: Running) -> None:
    answer = Admin(standin).call("GET", "/applications/33333333-3333-3333-3333-333333333333")
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "Request_ResourceNotFound")


def test_the_tenant_clock_follows_a_faked_now(standin: Running) -> None:
    """A program under libfaketime dates its secrets by its own "now": the tenant is
    told the same time, so a secret that ends before it is expired (AADSTS7000222)."""
    admin = Admin(standin)
    app = admin.register()
    secret = admin.add_password(app, endDateTime=end_in(30)).json()["secretText"]
    ahead = (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert standin.post("/_lab/clock", json={"now": ahead}).status_code == 204
    try:
        assert msal_token(standin, app["appId"], secret)["error_codes"] == [7000222]
    finally:
        standin.post("/_lab/clock", json={"now": None})
    assert "access_token" in msal_token(standin, app["appId"], secret)


def test_a_body_that_is_not_json_is_graphs_400(standin: Running) -> None:
    answer = standin.post(
        "/v1.0/applications", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "BadRequest")


def test_a_state_dir_that_cannot_be_used_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    occupied = tmp_path / "a-file"
    occupied.write_text("")
    done = subprocess.run(
        [sys.executable, "-m", "lab.entra", "--state-dir", str(occupied)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith(f"lab.entra: cannot serve from {occupied}:")
    assert "Traceback" not in done.stderr
