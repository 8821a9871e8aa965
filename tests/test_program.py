"""The whole program (`__main__.py`) per stack file, under Pulumi's mock engine."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

import kubernetes_validate
import pulumi
import pytest

from components import rotation
from components.graph import DELEGATED_PERMISSION_TYPE, DELEGATED_SCOPE_IDS, GRAPH_APP_ID
from components.secret_data import CLIENT_SECRET_KEYS, LABELS, SECRET_KEYS
from components.settings import PROJECT
from tests.stacks import STAGING_OWNER, run_fixture
from tools import offline
from tools.offline import PlaceholderCloud, Registration, run_program, stack_config

STACKS = offline.stack_names()
OUTPUTS = {
    "client_id",
    "application_object_id",
    "service_principal_object_id",
    "tenant_id",
    "provider_url",
    "redirect_urls",
    "client_secret",
    "client_secret_expires_at",
    "kubernetes_secret",
    "kubernetes_secrets",
}
PLANTED = "planted-Client~Secret.value-0123456789abcdef"
# Microsoft's sign-in (issuer) hosts of the global, US Government and China clouds.
LOGIN_HOSTS_PUBLISHED = (
    "login.microsoftonline.com",
    "login.microsoftonline.us",
    "login.partner.microsoftonline.cn",
)
APPLICATION = ":Application"
PASSWORD = ":ApplicationPassword"
SERVICE_PRINCIPAL = "servicePrincipal:ServicePrincipal"
SECRET = "core/v1:Secret"


def planted_cloud() -> PlaceholderCloud:
    return PlaceholderCloud(client_secret=PLANTED)


def stack_setting(stack: str, key: str) -> Any:
    import json

    raw = stack_config(stack)[f"{PROJECT}:{key}"]
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", STACKS)
def test_stack_registers_the_guides_resources(stack: str, now: datetime) -> None:
    run = run_program(stack, now=now, cloud=planted_cloud())
    application = run.one(APPLICATION).inputs
    urls = [c["authenticateServiceUrl"].rstrip("/") for c in stack_setting(stack, "clusters")] or [
        stack_setting(stack, "authenticateServiceUrl").rstrip("/")
    ]

    # The first cluster's URL is the sign-on URL; every cluster's callback, once.
    assert application["web"]["homepageUrl"] == urls[0]
    callbacks = list(dict.fromkeys(url + "/oauth2/callback" for url in urls))
    extra = stack_setting(stack, "additionalRedirectUrls")
    assert application["web"]["redirectUris"] == list(dict.fromkeys([*callbacks, *extra]))
    assert application["signInAudience"] == stack_setting(stack, "signInAudience")
    assert application["groupMembershipClaims"] == stack_setting(stack, "groupMembershipClaims")
    (graph,) = application["requiredResourceAccesses"]
    assert graph["resourceAppId"] == GRAPH_APP_ID
    assert {(a["id"], a["type"]) for a in graph["resourceAccesses"]} == {
        (DELEGATED_SCOPE_IDS[name], DELEGATED_PERMISSION_TYPE)
        for name in stack_setting(stack, "graphScopes")
    }

    service_principal = run.one(SERVICE_PRINCIPAL)
    assert service_principal.inputs["clientId"] == run.outputs["client_id"].value
    assert service_principal.inputs["owners"] == application["owners"]
    assert len(run.of_type(PASSWORD)) == 2
    assert len(run.of_type(SECRET)) == max(1, len(stack_setting(stack, "clusters")))


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", STACKS)
def test_stack_outputs_are_the_contract(stack: str, now: datetime) -> None:
    run = run_program(stack, now=now, cloud=planted_cloud())
    assert set(run.outputs) == OUTPUTS
    secret_outputs = {name for name, output in run.outputs.items() if output.secret}
    assert secret_outputs == {"client_secret"}
    outputs = {name: output.value for name, output in run.outputs.items()}
    tenant = outputs["tenant_id"]
    assert outputs["provider_url"] in (
        f"https://{host}/{tenant}/v2.0" for host in LOGIN_HOSTS_PUBLISHED
    ) or (outputs["provider_url"] == "https://login.microsoftonline.com/common/v2.0")
    assert outputs["kubernetes_secret"] == "{}/{}".format(
        stack_setting(stack, "kubernetesNamespace"), stack_setting(stack, "kubernetesSecretName")
    )
    assert outputs["redirect_urls"] == run.one(APPLICATION).inputs["web"]["redirectUris"]
    assert outputs["application_object_id"] == run.one(APPLICATION).state["objectId"]
    assert outputs["service_principal_object_id"] == run.one(SERVICE_PRINCIPAL).state["objectId"]

    days = int(stack_setting(stack, "clientSecretRotationDays"))
    plan = rotation.plan_rotation(now, days)
    assert outputs["client_secret_expires_at"] == plan.current.end_date
    current = next(p for p in run.of_type(PASSWORD) if p.name.endswith(plan.current.slot))
    # The Secret carries the current slot's credential (the mock's value is PLANTED-<keyId>).
    assert outputs["client_secret"] == f"{PLANTED}-{current.state['keyId']}"


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", STACKS)
def test_kubernetes_secret_holds_what_pomerium_reads(stack: str, now: datetime) -> None:
    run = run_program(stack, now=now, cloud=planted_cloud())
    # The component names a cluster's Secret pomerium-kubernetes-secret-<cluster>.
    clusters = {
        "-".join(filter(None, ["pomerium-kubernetes-secret", c["cluster"]])): c
        for c in run.outputs["kubernetes_secrets"].value
    }
    assert len(run.of_type(SECRET)) == len(clusters)
    for secret in run.of_type(SECRET):
        manifest = secret.inputs
        data = manifest["stringData"]
        assert set(data) == set(SECRET_KEYS)
        assert data["client_id"] == data["IDP_CLIENT_ID"] == run.outputs["client_id"].value
        assert data["client_secret"] == data["IDP_CLIENT_SECRET"]
        assert data["client_secret"] == run.outputs["client_secret"].value
        assert data["IDP_PROVIDER"] == "azure"
        assert data["IDP_PROVIDER_URL"] == run.outputs["provider_url"].value
        # Each cluster's own authenticate URL and Secret, as the stack file sets them.
        cluster = clusters[secret.name]
        assert data["AUTHENTICATE_SERVICE_URL"] == cluster["authenticate_service_url"]
        assert "{namespace}/{name}".format(**manifest["metadata"]) == cluster["secret"]
        assert manifest["type"] == "Opaque"
        assert manifest["metadata"]["labels"] == LABELS
        # The whole data block reaches the engine as a Pulumi secret.
        assert "stringData" in secret.secret_inputs
        # A Secret Kubernetes itself would accept.
        kubernetes_validate.validate(manifest, "1.33", strict=True)
    urls = [c["authenticateServiceUrl"] for c in stack_setting(stack, "clusters")] or [
        stack_setting(stack, "authenticateServiceUrl")
    ]
    assert sorted(c["authenticate_service_url"] for c in clusters.values()) == sorted(
        url.rstrip("/") for url in urls
    )


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", STACKS)
def test_client_secret_appears_nowhere_in_plain_text(stack: str, now: datetime) -> None:
    run = run_program(stack, now=now, cloud=planted_cloud())
    for name, output in run.outputs.items():
        if not output.secret:
            assert PLANTED not in str(output.value), name
    for registration in run.registrations:
        plain = {
            k: v for k, v in registration.inputs.items() if k not in registration.secret_inputs
        }
        assert PLANTED not in str(plain), registration.name
    assert not any(PLANTED in line for line in run.logs)
    assert set(CLIENT_SECRET_KEYS) <= set(SECRET_KEYS)


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", STACKS)
def test_default_stack_makes_one_invoke(stack: str, now: datetime) -> None:
    run = run_program(stack, now=now)
    consent = stack_setting(stack, "grantAdminConsent")
    adopting = bool(stack_setting(stack, "adoptApplicationObjectId"))
    tokens = [invoke.token for invoke in run.invokes]
    assert tokens[0] == "azuread:index/getClientConfig:getClientConfig"
    assert len(tokens) == 1 + (1 if consent else 0) + (2 if adopting else 0)


def test_the_guides_delegated_group_read_all_is_requested(now: datetime) -> None:
    application = run_fixture("dev", now=now).one(APPLICATION).inputs
    (graph,) = application["requiredResourceAccesses"]
    assert graph["resourceAppId"] == "00000003-0000-0000-c000-000000000000"
    # Group.Read.All as a delegated permission (Scope), as the guide asks; not
    # the application permission 5b567255-7703-4780-807c-7be8301ae99b.
    assert {"id": "5f8c59db-677d-491f-a6b8-5f174b11ec1d", "type": "Scope"} in graph[
        "resourceAccesses"
    ]
    assert application["signInAudience"] == "AzureADMyOrg"
    assert application["groupMembershipClaims"] == ["SecurityGroup"]


def test_admin_consent_grants_the_scopes_to_graph(now: datetime) -> None:
    run = run_fixture("dev", now=now, overrides={f"{PROJECT}:grantAdminConsent": True})
    grant = run.one("ServicePrincipalDelegatedPermissionGrant").inputs
    graph_lookup = run.invokes[1]
    assert graph_lookup.args == {"clientId": GRAPH_APP_ID}
    assert grant["servicePrincipalObjectId"] == run.outputs["service_principal_object_id"].value
    assert grant["resourceServicePrincipalObjectId"] == offline.placeholder_id(
        "service-principal", GRAPH_APP_ID
    )
    # The guide's scopes: Pomerium's defaults and Group.Read.All.
    assert grant["claimValues"] == [
        "openid",
        "profile",
        "email",
        "offline_access",
        "Group.Read.All",
    ]
    assert "userObjectId" not in grant  # all principals: tenant-wide
    # Without the setting there is no grant.
    assert not run_fixture("dev", now=now).of_type("ServicePrincipalDelegatedPermissionGrant")


def test_prod_protects_all_but_the_rotating_secrets(now: datetime) -> None:
    run = run_fixture("prod", now=now)
    protected = {r.name for r in run.registrations if r.protect}
    assert protected == {
        "pomerium-application",
        "pomerium-service-principal",
        "pomerium-kubernetes-secret",
    }
    assert not any(r.protect for r in run_fixture("dev", now=now).registrations)


def test_owners_include_the_deployer_unless_switched_off(now: datetime) -> None:
    cloud = PlaceholderCloud(deployer_object_id="11111111-1111-1111-1111-111111111111")
    listed = [STAGING_OWNER]
    run = run_fixture("staging", now=now, cloud=cloud)
    assert run.one(APPLICATION).inputs["owners"] == sorted([*listed, cloud.deployer_object_id])
    run = run_fixture(
        "staging", now=now, cloud=cloud, overrides={f"{PROJECT}:includeDeployerAsOwner": False}
    )
    assert run.one(APPLICATION).inputs["owners"] == listed
    assert run.one(SERVICE_PRINCIPAL).inputs["owners"] == listed


def test_display_name_defaults_to_the_stack(now: datetime) -> None:
    assert run_fixture("dev", now=now).one(APPLICATION).inputs["displayName"] == "Pomerium (dev)"
    assert run_fixture("prod", now=now).one(APPLICATION).inputs["displayName"] == "Pomerium"


@pytest.mark.parametrize(
    ("overrides", "environment", "host"),
    [
        ({"azuread:environment": "usgovernment"}, {}, "login.microsoftonline.us"),
        ({}, {"ARM_ENVIRONMENT": "china"}, "login.partner.microsoftonline.cn"),
        (
            {"azuread:environment": "public"},
            {"ARM_ENVIRONMENT": "china"},
            "login.microsoftonline.com",
        ),
    ],
)
def test_provider_url_follows_the_cloud(
    overrides: dict[str, str], environment: dict[str, str], host: str, now: datetime
) -> None:
    run = run_fixture("dev", now=now, overrides=overrides, environment=environment)
    tenant = run.outputs["tenant_id"].value
    assert run.outputs["provider_url"].value == f"https://{host}/{tenant}/v2.0"


def test_multi_tenant_app_uses_the_common_url(now: datetime) -> None:
    run = run_fixture(
        "dev", now=now, overrides={f"{PROJECT}:signInAudience": "AzureADMultipleOrgs"}
    )
    assert run.outputs["provider_url"].value == "https://login.microsoftonline.com/common/v2.0"
    assert run.one(APPLICATION).inputs["signInAudience"] == "AzureADMultipleOrgs"


def test_pinned_tenant_is_used(now: datetime) -> None:
    tenant = "0303f438-3c5c-4190-9854-08d3eb31bd9f"
    run = run_fixture("dev", now=now, overrides={"azuread:tenantId": tenant})
    assert run.outputs["provider_url"].value == f"https://login.microsoftonline.com/{tenant}/v2.0"


def test_bad_config_stops_before_any_resource(now: datetime) -> None:
    record: list[Registration] = []
    overrides = {
        f"{PROJECT}:authenticateServiceUrl": "http://authenticate.example.com/path",
        f"{PROJECT}:graphScopes": ["openid", "Directory.ReadWrite.All"],
        f"{PROJECT}:kubernetesNamespace": "Pomerium",
        "azuread:environment": "usgovernment",
        f"{PROJECT}:signInAudience": "AzureADMultipleOrgs",
    }
    with pytest.raises(pulumi.RunError) as caught:
        run_fixture("dev", now=now, overrides=overrides, record=record)
    message = str(caught.value)
    for key in ("authenticateServiceUrl", "graphScopes", "kubernetesNamespace"):
        assert f"pomerium-azure-ad:{key}: expected" in message
    assert "pomerium-azure-ad:signInAudience with azuread:environment" in message
    assert record == []


# --- rotation through the program ------------------------------------------------


def password_inputs(run: offline.ProgramRun) -> dict[str, dict[str, Any]]:
    return {p.name: p.inputs for p in run.of_type(PASSWORD)}


def all_inputs(run: offline.ProgramRun) -> dict[str, Any]:
    return {r.name: r.inputs for r in run.registrations}


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", STACKS)
def test_a_second_deploy_in_the_period_changes_nothing(stack: str, now: datetime) -> None:
    first = run_program(stack, now=now)
    second = run_program(stack, now=now + timedelta(days=6, hours=23))
    assert all_inputs(second) == all_inputs(first)
    assert second.outputs == first.outputs


def test_the_next_period_replaces_one_credential_and_moves_the_secret(now: datetime) -> None:
    days = 30  # the dev fixture's
    plan = rotation.plan_rotation(now, days)
    before = run_fixture("dev", now=now)
    after = run_fixture("dev", now=plan.next_rotation)
    changed = {
        name
        for name, inputs in password_inputs(after).items()
        if inputs != password_inputs(before)[name]
    }
    assert changed == {f"pomerium-client-secret-{plan.previous.slot}"}
    assert after.outputs["client_secret_expires_at"].value != (
        before.outputs["client_secret_expires_at"].value
    )
    moved_to = next(p for p in after.of_type(PASSWORD) if p.name in changed)
    assert after.outputs["client_secret"].value.endswith(moved_to.state["keyId"])


def recording_sleep() -> tuple[list[float], Callable[[float], Awaitable[None]]]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return waits, sleep


def test_the_program_never_waits(now: datetime) -> None:
    """No fixed sleep for replication: the Secret takes the client secret through the
    proof, which only a real deploy makes (tests/test_proof_step.py)."""
    waits, sleep = recording_sleep()
    run = run_fixture("dev", now=now, sleep=sleep, cloud=planted_cloud())
    assert waits == []
    assert run.of_type("core/v1:Secret")


class EchoMocks(pulumi.runtime.Mocks):
    """Pulumi's documented unit-test mocks: every resource echoes its inputs."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list]:
        return {"tenantId": "t", "objectId": "00000000-0000-4000-8000-000000000001"}, []


def test_no_wait_under_mocks_that_echo_inputs(now: datetime) -> None:
    """No start date means the credential was not just created here: a user's
    unit tests of the component must not wait."""
    waits, sleep = recording_sleep()
    run_fixture("dev", now=now, cloud=EchoMocks(), sleep=sleep)
    assert waits == []
