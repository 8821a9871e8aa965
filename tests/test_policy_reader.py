"""The policy reader against a Graph that answers from a table, and the credential chain."""

from __future__ import annotations

from typing import Any

import pytest

from components import policy_credentials
from components.policy_reader import Graph, PolicyRequest, cloud_endpoints, read_policies
from tests.policy_graph_standin import Answer, GraphTable, serve_over_http
from tests.test_app_management_policy import PER_APP_POLICY, block, tenant_default

APP_ID = "11111111-2222-3333-4444-555555555555"
APP = {
    "id": APP_ID,
    "appId": "client",
    "displayName": "Pomerium (dev)",
    "createdDateTime": "2026-01-01T00:00:00Z",
    "passwordCredentials": [],
}
DEFAULT_PATH = "/policies/defaultAppManagementPolicy"


def read(table: GraphTable, **request: Any) -> Any:
    graph = Graph("https://graph.example.test", "token-for-graph", table)
    return read_policies(
        graph, PolicyRequest(environment="global", display_name="Pomerium (dev)", **request)
    )


def test_no_permission_names_the_one_that_would_allow_the_read() -> None:
    table = GraphTable(
        {
            DEFAULT_PATH: Answer(403, {"error": {"code": "Authorization_RequestDenied"}}),
            "/applications": Answer(200, {"value": []}),
        }
    )
    reading = read(table)
    assert reading.tenant_default is None
    assert reading.unread == (
        "403 from GET /v1.0/policies/defaultAppManagementPolicy (needs Policy.Read.All)",
    )
    assert reading.policy is None


def test_a_new_application_meets_the_tenant_default() -> None:
    table = GraphTable(
        {
            DEFAULT_PATH: Answer(200, tenant_default(block())),
            "/applications": Answer(200, {"value": []}),
        }
    )
    reading = read(table)
    assert reading.application is None
    assert reading.new_application
    assert reading.unread == ()
    assert reading.policy is not None and reading.policy.tenant_default
    # The application was looked up by its display name, as Graph's $filter writes it.
    assert "displayName%20eq%20%27Pomerium%20%28dev%29%27" in table.asked[1]
    assert table.headers[0] == {"Authorization": "Bearer token-for-graph"}


def test_an_existing_applications_own_policy_replaces_the_default() -> None:
    table = GraphTable(
        {
            DEFAULT_PATH: Answer(200, tenant_default(block())),
            "/applications": Answer(200, {"value": [APP]}),
            f"/applications/{APP_ID}/appManagementPolicies": Answer(
                200, {"value": [PER_APP_POLICY]}
            ),
        }
    )
    reading = read(table)
    assert reading.application is not None and reading.application.object_id == APP_ID
    assert (
        reading.policy is not None and reading.policy.id == "a4ab1ed9-46bb-4bef-88d4-86fd6398dd5d"
    )


def test_an_adopted_application_is_read_by_its_object_id() -> None:
    table = GraphTable(
        {
            DEFAULT_PATH: Answer(200, tenant_default()),
            f"/applications/{APP_ID}": Answer(200, APP),
            f"/applications/{APP_ID}/appManagementPolicies": Answer(403, {}),
        }
    )
    reading = read(table, application_object_id=APP_ID)
    assert reading.application is not None
    assert reading.unread == (
        f"403 from GET /v1.0/applications/{APP_ID}/appManagementPolicies "
        "(needs Application.Read.All and Policy.Read.All)",
    )
    assert reading.policy is None


def test_two_applications_of_the_same_name_leave_the_check_undone() -> None:
    table = GraphTable(
        {
            DEFAULT_PATH: Answer(200, tenant_default()),
            "/applications": Answer(200, {"value": [APP, {**APP, "id": "other"}]}),
        }
    )
    reading = read(table)
    assert reading.policy is None
    assert "adoptApplicationObjectId" in reading.unread[0]


@pytest.mark.parametrize(
    ("environment", "graph", "login"),
    [
        # learn.microsoft.com, Graph national cloud deployments.
        ("global", "https://graph.microsoft.com", "login.microsoftonline.com"),
        ("usgovernment", "https://graph.microsoft.us", "login.microsoftonline.us"),
        ("dod", "https://dod-graph.microsoft.us", "login.microsoftonline.us"),
        ("china", "https://microsoftgraph.chinacloudapi.cn", "login.partner.microsoftonline.cn"),
    ],
)
def test_the_clouds_graph(environment: str, graph: str, login: str) -> None:
    assert cloud_endpoints(environment) == (graph, login)


@pytest.fixture
def no_arm_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "ARM_TENANT_ID",
        "ARM_CLIENT_ID",
        "ARM_CLIENT_SECRET",
        "ARM_USE_OIDC",
        "ARM_OIDC_TOKEN",
        "ARM_OIDC_TOKEN_FILE_PATH",
        "ARM_OIDC_REQUEST_URL",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ARM_OIDC_REQUEST_TOKEN",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


def test_the_credential_chain_follows_the_azuread_settings(
    no_arm_variables: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = "login.microsoftonline.com"
    ids = {"tenantId": "tenant", "clientId": "client"}
    assert type(policy_credentials.credential({}, host)).__name__ == "AzureCliCredential"
    with_secret = policy_credentials.credential({**ids, "clientSecret": "s"}, host)
    assert type(with_secret).__name__ == "ClientSecretCredential"
    oidc = policy_credentials.credential({**ids, "useOidc": "true"}, host)
    assert type(oidc).__name__ == "ClientAssertionCredential"
    # The pipeline's way: ARM_* variables, as the azuread provider reads them.
    monkeypatch.setenv("ARM_USE_OIDC", "true")
    monkeypatch.setenv("ARM_TENANT_ID", "tenant")
    monkeypatch.setenv("ARM_CLIENT_ID", "client")
    assert type(policy_credentials.credential({}, host)).__name__ == "ClientAssertionCredential"


def test_an_oidc_token_given_or_in_a_file(no_arm_variables: None, tmp_path: Any) -> None:
    assert policy_credentials.oidc_assertion({"oidcToken": "jwt-1"})() == "jwt-1"
    path = tmp_path / "token"
    path.write_text("jwt-2\n")
    assert policy_credentials.oidc_assertion({"oidcTokenFilePath": str(path)})() == "jwt-2"
    with pytest.raises(RuntimeError, match="no OIDC token"):
        policy_credentials.oidc_assertion({})()


# Graph's error body for a missing permission (Microsoft Graph error responses docs).
DENIED = {
    "error": {
        "code": "Authorization_RequestDenied",
        "message": "Insufficient privileges to complete the operation.",
    }
}


def test_the_real_reader_over_http(monkeypatch: pytest.MonkeyPatch) -> None:
    from components import policy_reader

    tokens: list[tuple[str, str]] = []

    def token(provider: Any, login_host: str, graph_url: str) -> str:
        tokens.append((login_host, graph_url))
        return "token-for-graph"

    monkeypatch.setattr(policy_credentials, "graph_token", token)
    table = GraphTable(
        {DEFAULT_PATH: Answer(403, DENIED), "/applications": Answer(200, {"value": []})}
    )
    with serve_over_http(table) as base:
        request = PolicyRequest(
            environment="usgovernment", display_name="Pomerium (dev)", graph_url=base
        )
        reading = policy_reader.read_from_graph(request)
    assert reading.unread == (
        "403 from GET /v1.0/policies/defaultAppManagementPolicy (needs Policy.Read.All)",
    )
    # The cloud's sign-in host; the Graph it was pointed at.
    assert tokens == [("login.microsoftonline.us", base)]
    assert table.headers[0]["Authorization"] == "Bearer token-for-graph"


def test_no_credential_is_a_reading_that_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from components import policy_reader

    def no_token(*_args: Any) -> str:
        raise RuntimeError("secret-looking detail that must not be shown")

    monkeypatch.setattr(policy_credentials, "graph_token", no_token)
    reading = policy_reader.read_from_graph(PolicyRequest(environment="global", display_name="x"))
    assert reading.unread == ("no Microsoft Graph token (RuntimeError)",)


def test_a_request_never_shows_the_client_secret() -> None:
    request = PolicyRequest(
        environment="global", display_name="x", provider={"clientSecret": "s3cr3t-value"}
    )
    assert "s3cr3t-value" not in repr(request)
