"""The policy reader against the lab's Microsoft Graph stand-in (lab/entra/: policies set as an
administrator sets them, permissions as Graph's docs list them), and the credential chain."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from components import policy_credentials
from components.policy_reader import Graph, PolicyRequest, cloud_endpoints, read_policies
from tests.lab.standin import Admin, Running
from tests.test_app_management_policy import PER_APP_POLICY, block, tenant_default

DEFAULT_POLICY = "/policies/defaultAppManagementPolicy"
# Every permission Graph's docs accept for reading the policies (tenantappmanagementpolicy-get,
# appmanagementpolicy-list-appliesto); the stand-in's deploy identity holds the write one.
POLICY_READ = [
    "Policy.Read.All",
    "Policy.Read.ApplicationConfiguration",
    "Policy.ReadWrite.ApplicationConfiguration",
]


@pytest.fixture
def admin(entra: Running) -> Iterator[Admin]:
    """The tenant's administrator; the tenant default and the deploy identity's permissions
    are put back after the test."""
    admin = Admin(entra)
    yield admin
    entra.knob("/_lab/lacking-permissions", client_id=entra.ready["client_id"], permissions=[])
    assert admin.call("PATCH", DEFAULT_POLICY, tenant_default(enabled=False)).status_code == 204


def lacking(entra: Running, permissions: list[str]) -> None:
    entra.knob(
        "/_lab/lacking-permissions", client_id=entra.ready["client_id"], permissions=permissions
    )


def a_name() -> str:
    return f"Pomerium ({uuid.uuid4().hex[:8]})"


def read(admin: Admin, display_name: str, **request: Any) -> Any:
    """read_policies against the stand-in's Graph, with the deploy identity's token."""
    with requests.Session() as session:
        token = admin.headers["Authorization"].removeprefix("Bearer ")
        graph = Graph(admin.running.base, token, session)
        return read_policies(
            graph, PolicyRequest(environment="global", display_name=display_name, **request)
        )


def test_no_permission_names_the_one_that_would_allow_the_read(admin: Admin) -> None:
    lacking(admin.running, POLICY_READ)
    reading = read(admin, a_name())
    assert reading.tenant_default is None
    assert reading.unread == (
        "403 from GET /v1.0/policies/defaultAppManagementPolicy (needs Policy.Read.All)",
    )
    assert reading.policy is None


def test_a_new_application_meets_the_tenant_default(admin: Admin) -> None:
    assert admin.call("PATCH", DEFAULT_POLICY, tenant_default(block())).status_code == 204
    name = a_name()
    reading = read(admin, name)
    assert reading.application is None
    assert reading.new_application
    assert reading.unread == ()
    assert reading.policy is not None and reading.policy.tenant_default
    assert reading.policy.id == "00000000-0000-0000-0000-000000000000"  # Graph's fixed id
    # The application was looked up by its display name, as Graph's $filter reads it.
    lookup = [r for r in admin.running.logged() if r["path"] == "/v1.0/applications"][-1]
    assert lookup["query"]["$filter"] == f"displayName eq '{name}'"
    assert lookup["status"] == 200


def test_an_existing_applications_own_policy_replaces_the_default(admin: Admin) -> None:
    assert admin.call("PATCH", DEFAULT_POLICY, tenant_default(block())).status_code == 204
    name = a_name()
    app = admin.register(name)
    body = {k: v for k, v in copy.deepcopy(PER_APP_POLICY).items() if k != "id"}
    made = admin.call("POST", "/policies/appManagementPolicies", body).json()
    reference = {
        "@odata.id": f"{admin.running.base}/v1.0/policies/appManagementPolicies/{made['id']}"
    }
    path = f"/applications/{app['id']}/appManagementPolicies/$ref"
    assert admin.call("POST", path, reference).status_code == 204
    reading = read(admin, name)
    assert reading.application is not None and reading.application.object_id == app["id"]
    assert reading.policy is not None and reading.policy.id == made["id"]
    assert not reading.policy.tenant_default


def test_an_adopted_application_is_read_by_its_object_id(admin: Admin) -> None:
    app = admin.register(a_name())
    lacking(admin.running, POLICY_READ)
    # Any name: an adopted application is found by its object id alone.
    reading = read(admin, "another name", application_object_id=app["id"])
    assert reading.application is not None and reading.application.object_id == app["id"]
    assert reading.unread == (
        "403 from GET /v1.0/policies/defaultAppManagementPolicy (needs Policy.Read.All)",
        f"403 from GET /v1.0/applications/{app['id']}/appManagementPolicies "
        "(needs Application.Read.All and Policy.Read.All)",
    )
    assert reading.policy is None


def test_two_applications_of_the_same_name_leave_the_check_undone(admin: Admin) -> None:
    name = a_name()
    admin.register(name)
    admin.register(name)
    reading = read(admin, name)
    assert reading.policy is None
    assert reading.unread == (
        f"2 applications are named {name!r}: set adoptApplicationObjectId to tell which is "
        "this stack's",
    )


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


def test_the_real_reader_gets_its_token_with_the_azuread_settings(admin: Admin) -> None:
    """read_from_graph as a deploy runs it: azure-identity asks the stand-in's token endpoint
    with the deploy identity's client secret, then reads Graph with that token."""
    from components import policy_reader

    entra = admin.running
    ready = entra.ready
    lacking(entra, POLICY_READ)
    settings = {
        "tenantId": ready["tenant_id"],
        "clientId": ready["client_id"],
        "clientSecret": ready["client_secret"],
    }
    request = PolicyRequest(
        environment="global",
        display_name=a_name(),
        provider=settings,
        graph_url=entra.base,
        login_host=ready["metadata_host"],
    )
    reading = policy_reader.read_from_graph(request)
    assert reading.unread == (
        "403 from GET /v1.0/policies/defaultAppManagementPolicy (needs Policy.Read.All)",
    )
    token = [r for r in entra.logged() if r["path"].endswith("/oauth2/v2.0/token")][-1]
    assert token["path"] == f"/{ready['tenant_id']}/oauth2/v2.0/token"
    assert token["body"]["client_id"] == ready["client_id"]
    assert token["body"]["scope"] == f"{entra.base}/.default"
    assert token["status"] == 200


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
