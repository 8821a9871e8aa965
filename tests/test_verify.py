"""`pomerium-azure-ad verify`: its logic without servers, and its Entra ID checks (discovery,
token request, the app management policy) against the lab's stand-in (lab/entra/).

What needs the `pulumi` CLI and a Kubernetes API server (the stack's outputs, each cluster's
Secret through its kubeconfig context, drift as the API server holds it, a missing Secret, an
unreachable cluster, exit codes, every printed line free of the secret) is run for real by
tests/real/test_verify.py, against stacks the real CLI deployed."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from components import clouds, policy_reader, proof
from tests.conftest import NOW
from tests.lab.standin import Admin, Running, end_in
from tests.test_app_management_policy import lifetime, tenant_default
from tools import cli, verify
from tools.offline import PROJECT_DIR

TENANT = "0303f438-3c5c-4190-9854-08d3eb31bd9f"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
# Planted: must never appear in anything verify prints. Characters that URL-encode on purpose.
SECRET = "pl4nted~Secret/Value+Q8="
AUTHENTICATE = "https://authenticate.example.com"
SECRET_REF = "pomerium/idp"


def outputs(**changes: Any) -> dict[str, Any]:
    """A stack's outputs, as `pulumi stack output --json --show-secrets` prints them."""
    return {
        "client_id": CLIENT_ID,
        "application_object_id": "aaaaaaaa-0000-0000-0000-000000000001",
        "tenant_id": TENANT,
        "provider_url": f"https://login.microsoftonline.com/{TENANT}/v2.0",
        "redirect_urls": [f"{AUTHENTICATE}/oauth2/callback"],
        "client_secret": SECRET,
        "client_secret_expires_at": "2027-03-01T00:00:00Z",
        "kubernetes_secret": SECRET_REF,
        **changes,
    }


def held(**changes: str) -> dict[str, str]:
    """The Secret's data as a deploy writes it (README, "Outputs"), by hand."""
    return {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "IDP_PROVIDER": "azure",
        "IDP_PROVIDER_URL": f"https://login.microsoftonline.com/{TENANT}/v2.0",
        "IDP_CLIENT_ID": CLIENT_ID,
        "IDP_CLIENT_SECRET": SECRET,
        "AUTHENTICATE_SERVICE_URL": AUTHENTICATE,
        **changes,
    }


def args(*argv: str) -> argparse.Namespace:
    return verify.parser().parse_args(["--stack", "dev", *argv])


# --- check 1: the Secret against the stack's outputs --------------------------------------


def test_a_secret_as_deployed_matches_the_stack() -> None:
    check = verify.secret_matches(outputs(), held(), AUTHENTICATE)
    assert check.ok is True
    assert check.detail == (
        "client_id, client_secret, IDP_PROVIDER, IDP_PROVIDER_URL, IDP_CLIENT_ID, "
        "IDP_CLIENT_SECRET, AUTHENTICATE_SERVICE_URL as in the stack's outputs; "
        "AUTHENTICATE_SERVICE_URL's callback is a redirect URL of the application"
    )


def test_drift_between_the_secret_and_the_stack() -> None:
    # An old Secret restored: another client secret and another client id.
    data = held(
        client_secret="old-but-valid-secret",
        IDP_CLIENT_SECRET="old-but-valid-secret",
        IDP_CLIENT_ID="99999999-0000-0000-0000-000000000000",
    )
    drift = verify.secret_matches(outputs(), data, AUTHENTICATE)
    assert drift.line().startswith("FAIL Secret matches the stack: ")
    assert "client_secret differs from the stack's client_secret" in drift.detail
    assert "IDP_CLIENT_SECRET differs" in drift.detail
    assert "IDP_CLIENT_ID is '99999999-0000-0000-0000-000000000000'" in drift.detail
    assert "old-but-valid-secret" not in drift.detail and SECRET not in drift.detail


def test_a_secret_missing_a_key_or_pointing_elsewhere_is_drift() -> None:
    data = held(AUTHENTICATE_SERVICE_URL="https://elsewhere.example.com")
    del data["IDP_PROVIDER_URL"]
    drift = verify.secret_matches(outputs(), data)
    assert drift.ok is False
    assert "IDP_PROVIDER_URL is missing" in drift.detail
    assert "'https://elsewhere.example.com/oauth2/callback' is not one of" in drift.detail


def test_another_clusters_authenticate_url_is_drift() -> None:
    urls = ["https://a.example.com/oauth2/callback", "https://b.example.com/oauth2/callback"]
    data = held(AUTHENTICATE_SERVICE_URL="https://a.example.com")
    drift = verify.secret_matches(outputs(redirect_urls=urls), data, "https://b.example.com")
    assert drift.ok is False
    assert (
        "AUTHENTICATE_SERVICE_URL is 'https://a.example.com', the stack has "
        "'https://b.example.com' for this cluster"
    ) in drift.detail


# --- which Secrets: the kubernetes_secrets output and the command line ---------------------

TWO_CLUSTERS = [
    {"cluster": c, "context": f"aks-{c}", "secret": SECRET_REF, "authenticate_service_url": u}
    for c, u in (("west", "https://w.example.com"), ("east", "https://e.example.com"))
]


def test_every_cluster_is_read_through_its_own_context() -> None:
    targets = verify.select_targets(outputs(kubernetes_secrets=TWO_CLUSTERS), args())
    assert targets == [
        verify.Target("west", "aks-west", SECRET_REF, "https://w.example.com"),
        verify.Target("east", "aks-east", SECRET_REF, "https://e.example.com"),
    ]
    assert targets[1].check_name() == "Secret matches the stack in cluster east"


def test_the_cluster_and_context_options() -> None:
    stack = outputs(kubernetes_secrets=TWO_CLUSTERS)
    assert verify.select_targets(stack, args("--cluster", "east", "--context", "other")) == [
        verify.Target("east", "other", SECRET_REF, "https://e.example.com")
    ]
    with pytest.raises(verify.UsageError) as unknown:
        verify.select_targets(stack, args("--cluster", "north"))
    assert str(unknown.value) == (
        "--cluster north: stack dev has no such cluster (its clusters: west, east)"
    )
    with pytest.raises(verify.UsageError, match="add --cluster NAME"):
        verify.select_targets(stack, args("--context", "aks-east"))


def test_a_single_cluster_stack_uses_the_current_context_and_its_authenticate_url() -> None:
    single = [
        {
            "cluster": "",
            "context": "",
            "secret": SECRET_REF,
            "authenticate_service_url": AUTHENTICATE,
        }
    ]
    stack = outputs(kubernetes_secrets=single)
    assert verify.select_targets(stack, args()) == [
        verify.Target("", None, SECRET_REF, AUTHENTICATE)
    ]
    assert verify.select_targets(stack, args("--context", "other"))[0].context == "other"
    with pytest.raises(
        verify.UsageError, match=r"\(it has no named clusters\); leave --cluster out"
    ):
        verify.select_targets(stack, args("--cluster", "west"))


def test_a_stack_deployed_before_kubernetes_secrets_falls_back_to_kubernetes_secret() -> None:
    stack = outputs()  # no kubernetes_secrets output
    assert verify.select_targets(stack, args()) == [verify.Target("", None, SECRET_REF, None)]
    # No authenticate URL in the outputs: only its callback is checked, as before.
    check = verify.secret_matches(stack, held(AUTHENTICATE_SERVICE_URL=f"{AUTHENTICATE}/"))
    assert check.ok is True
    assert "AUTHENTICATE_SERVICE_URL as" not in check.detail and "is a redirect URL" in check.detail
    with pytest.raises(verify.UsageError, match="stack dev has no such cluster"):
        verify.select_targets(stack, args("--cluster", "west"))


@pytest.mark.parametrize(
    "value",
    [
        [],
        "pomerium/idp",
        [{"cluster": "west", "context": "c", "secret": "pomerium/idp"}],
        [
            {"cluster": "a", "context": "c", "secret": "p/i", "authenticate_service_url": "u"},
            {"cluster": "a", "context": "d", "secret": "p/i", "authenticate_service_url": "u"},
        ],
    ],
    ids=["empty", "string", "no-url", "same-name"],
)
def test_a_malformed_kubernetes_secrets_output(value: Any) -> None:
    with pytest.raises(verify.VerifyError, match="kubernetes_secrets output is not a list"):
        verify.select_targets(outputs(kubernetes_secrets=value), args())


# --- check 4, transport, redaction, scopes: pure ------------------------------------------


def test_an_expiring_credential() -> None:
    soon = (NOW + timedelta(days=13, hours=23)).strftime("%Y-%m-%dT%H:%M:%SZ")
    expiry = verify.expiry(outputs(client_secret_expires_at=soon), NOW, 14)
    assert expiry.ok is False and "in 14.0 days, less than --min-days 14" in expiry.detail
    assert verify.expiry(outputs(client_secret_expires_at=soon), NOW, 7).ok is True


@pytest.mark.parametrize(
    "provider_url",
    [
        f"http://login.microsoftonline.com/{TENANT}/v2.0",
        "http://10.0.0.1/tenant/v2.0",
        "http://127.0.0.1.example.com/tenant/v2.0",
        "ftp://127.0.0.1/tenant/v2.0",
    ],
)
def test_a_non_https_provider_off_loopback_is_refused(provider_url: str) -> None:
    with pytest.raises(verify.VerifyError) as refused:
        verify.require_secure(provider_url, "provider_url")
    assert "is not an https URL" in str(refused.value)
    assert "refused before any request" in str(refused.value)


def test_a_non_https_provider_is_refused_before_any_secret_is_read_or_token_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The order of verify's steps: outputs, then the transport rule, then anything else."""

    def never(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a request was made")

    stack = outputs(provider_url="http://10.0.0.1/tenant/v2.0")
    monkeypatch.setattr(verify, "stack_outputs", lambda _stack: stack)
    monkeypatch.setattr(verify, "read_secret", never)
    monkeypatch.setattr(verify, "fetch_json", never)
    assert verify.main(["--stack", "dev", "--wait", "0"], now=NOW) == 1
    printed = capsys.readouterr().out
    assert printed.startswith("FAIL provider_url 'http://10.0.0.1/tenant/v2.0' is not an https")


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.4.5", "[::1]", "localhost"])
def test_loopback_hosts(host: str) -> None:
    verify.require_secure(f"http://{host}:8080/t/v2.0", "provider_url")


def test_pulumi_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert verify.main(["--stack", "dev", "--wait", "0"], now=NOW) == 1
    printed = capsys.readouterr().out
    assert printed.startswith("FAIL the pulumi CLI is not on PATH")
    assert "Traceback" not in printed


def test_redact_covers_encoded_forms() -> None:
    for form in verify.secret_forms([SECRET]):
        assert verify.REDACTED in verify.redact(f"x{form}y", [SECRET])
    assert SECRET not in verify.redact(f"a {SECRET} b %2F c", [SECRET])


def test_a_secret_echoed_in_a_refusal_is_redacted() -> None:
    """A server that repeats what it was sent (Entra ID does not): the line is redacted."""
    said = verify.Check("token request", False, f"invalid_client: refused (sent: {SECRET})")
    assert verify.redact(said.line(), [SECRET]) == (
        f"FAIL token request: invalid_client: refused (sent: {verify.REDACTED})"
    )


@pytest.mark.parametrize(
    ("provider_url", "environment", "scope"),
    [
        (
            f"https://login.microsoftonline.com/{TENANT}/v2.0",
            None,
            "https://graph.microsoft.com/.default",
        ),
        (
            f"https://login.microsoftonline.us/{TENANT}/v2.0",
            None,
            "https://graph.microsoft.us/.default",
        ),
        (
            f"https://login.microsoftonline.us/{TENANT}/v2.0",
            "usgovernmentl4",
            "https://graph.microsoft.us/.default",
        ),
        (
            f"https://login.microsoftonline.us/{TENANT}/v2.0",
            "usgovernmentl5",
            "https://dod-graph.microsoft.us/.default",
        ),
        (
            f"https://login.microsoftonline.us/{TENANT}/v2.0",
            "DoD",
            "https://dod-graph.microsoft.us/.default",
        ),
        # An environment of another cloud than the URL's is ignored.
        (
            f"https://login.microsoftonline.com/{TENANT}/v2.0",
            "usgovernmentl5",
            "https://graph.microsoft.com/.default",
        ),
        (
            f"https://login.partner.microsoftonline.cn/{TENANT}/v2.0",
            None,
            "https://microsoftgraph.chinacloudapi.cn/.default",
        ),
        ("http://127.0.0.1:8080/t/v2.0", None, "https://graph.microsoft.com/.default"),
    ],
)
def test_graph_scope_by_host(provider_url: str, environment: str | None, scope: str) -> None:
    assert verify.graph_scope_for(provider_url, environment) == scope


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_provider() -> None:
    stack = outputs(provider_url=f"http://127.0.0.1:{free_port()}/{TENANT}/v2.0")
    with requests.Session() as session:
        issuer, endpoint = verify.discover(session, stack, clouds.MULTI_TENANT_PROVIDER_URL)
    assert issuer.ok is False and issuer.detail.startswith("cannot reach http://127.0.0.1:")
    assert endpoint is None
    (token,) = verify.token_checks(stack, [], endpoint, args(), lambda _s: None)
    assert token.line() == "FAIL token request: not tried: no usable discovery document"


# --- checks 2 and 3 against the lab's Entra ID stand-in -------------------------------------


@pytest.fixture
def app(entra: Running) -> tuple[str, str]:
    """A new application with a service principal and a client secret: (client id, secret)."""
    admin = Admin(entra)
    made = admin.register(f"verify-{uuid.uuid4().hex[:8]}")
    secret = admin.add_password(made, endDateTime=end_in(90)).json()["secretText"]
    return made["appId"], secret


def tenant_outputs(entra: Running, client_id: str, secret: str, **changes: Any) -> dict[str, Any]:
    tenant = {
        "client_id": client_id,
        "client_secret": secret,
        "tenant_id": entra.ready["tenant_id"],
        "provider_url": f"{entra.base}/{entra.ready['tenant_id']}/v2.0",
    }
    return outputs(**{**tenant, **changes})


def discover(
    stack: dict[str, Any], multi_tenant_url: str
) -> tuple[verify.Check, verify.TokenEndpoint | None]:
    with requests.Session() as session:
        return verify.discover(session, stack, multi_tenant_url)


def tenant_endpoint(entra: Running) -> verify.TokenEndpoint:
    """The stand-in tenant's token endpoint, as its discovery document names it."""
    tenant = f"{entra.base}/{entra.ready['tenant_id']}"
    return verify.TokenEndpoint(f"{tenant}/oauth2/v2.0/token", f"{tenant}/v2.0")


def token_request(
    entra: Running,
    endpoint: verify.TokenEndpoint,
    client_id: str,
    secret: str,
    wait: float = 0,
    **kwargs: Any,
) -> verify.Check:
    scope = verify.cloud_graph_scope("", {"ARM_METADATA_HOSTNAME": entra.ready["metadata_host"]})
    sleep = kwargs.pop("sleep", lambda _s: None)
    return verify.request_token(
        endpoint, client_id, secret, scope, wait=wait, sleep=sleep, whose="the Secret's"
    )


def test_the_tenants_issuer_and_a_token_for_the_secrets_credential(
    entra: Running, app: tuple[str, str]
) -> None:
    client_id, secret = app
    stack = tenant_outputs(entra, client_id, secret)
    issuer, endpoint = discover(stack, clouds.MULTI_TENANT_PROVIDER_URL)
    assert issuer.line() == f"ok   issuer: the discovery document names {stack['provider_url']}"
    assert endpoint == tenant_endpoint(entra)
    assert endpoint.authority == entra.authority  # the proof's authority: the same request
    token = token_request(entra, endpoint, client_id, secret)
    assert token.line() == (
        f"ok   token request: {endpoint.url} issued a token for {entra.base}/.default to the "
        "Secret's credential (1 token request)"
    )
    (request,) = [r for r in entra.logged() if r["body"].get("client_id") == client_id]
    # client_secret_post, as Pomerium's client sends it: the secret is in the form.
    assert request["body"]["grant_type"] == "client_credentials"
    assert request["body"]["scope"] == f"{entra.base}/.default"
    assert request["body"]["client_secret"].startswith("sha256:")


def test_a_wrong_secret_is_refused_and_the_reason_shown(
    entra: Running, app: tuple[str, str]
) -> None:
    token = token_request(entra, tenant_endpoint(entra), app[0], "the-one-entra-does-not-know")
    assert token.ok is False
    # --wait 0: Entra ID's "not replicated yet" answer is not asked again.
    assert token.detail.startswith(
        f"{tenant_endpoint(entra).url} did not issue a token for {entra.base}/.default to the "
        "Secret's credential: not accepted after 0 s (Entra ID does not accept the client "
        "secret). Entra ID said: AADSTS7000215: Invalid client secret provided."
    )


@pytest.mark.parametrize("code", [7000215, 700016, 7000229])
def test_entra_replication_refusals_are_retried(
    entra: Running, app: tuple[str, str], code: int
) -> None:
    client_id, secret = app
    endpoint = tenant_endpoint(entra)
    entra.knob("/_lab/not-replicated", client_id=client_id, seconds=300, code=code)
    refused = token_request(entra, endpoint, client_id, secret, wait=0)
    assert refused.ok is False and f"AADSTS{code}" in refused.detail
    sleeps: list[float] = []

    def replicated_while_waiting(seconds: float) -> None:
        sleeps.append(seconds)
        entra.knob("/_lab/not-replicated", client_id=client_id, seconds=0, code=code)

    token = token_request(
        entra, endpoint, client_id, secret, wait=60, sleep=replicated_while_waiting
    )
    assert token.ok is True and "(2 token requests)" in token.detail
    assert sleeps == [0.25]  # docs/proof.md: the first wait is a quarter of a second


def test_the_multi_tenant_url_skips_the_issuer_check_and_uses_tenant_id(
    entra: Running, app: tuple[str, str]
) -> None:
    common = f"{entra.base}/common/v2.0"
    stack = tenant_outputs(entra, *app, provider_url=common)
    issuer, endpoint = discover(stack, multi_tenant_url=common)
    assert issuer.ok is None
    assert f"tenant {entra.ready['tenant_id']}" in issuer.detail
    assert endpoint == tenant_endpoint(entra)
    assert token_request(entra, endpoint, *app).ok is True


def test_the_common_url_is_only_skipped_when_it_is_pomeriums(
    entra: Running, app: tuple[str, str]
) -> None:
    """Another host's /common/v2.0 (e.g. login.microsoftonline.us) is checked: its discovery
    names the `{tenantid}` placeholder, which no provider URL equals, and Pomerium refuses it."""
    stack = tenant_outputs(entra, *app, provider_url=f"{entra.base}/common/v2.0")
    issuer, endpoint = discover(stack, clouds.MULTI_TENANT_PROVIDER_URL)
    assert issuer.ok is False and endpoint is None
    assert f"names 'https://{entra.ready['metadata_host']}/{{tenantid}}/v2.0'" in issuer.detail
    assert "Pomerium refuses this provider URL" in issuer.detail


def test_graph_scope_option(
    entra: Running, app: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a metadata host, a loopback provider URL gets the global cloud's scope, which
    the stand-in's tenant does not know (AADSTS500011); --graph-scope names its own."""
    monkeypatch.delenv("ARM_METADATA_HOSTNAME", raising=False)
    monkeypatch.delenv("ARM_ENVIRONMENT", raising=False)
    stack = tenant_outputs(entra, *app)
    endpoint = tenant_endpoint(entra)
    (default,) = verify.token_checks(stack, [], endpoint, args("--wait", "0"), lambda _s: None)
    assert default.ok is False and "https://graph.microsoft.com/.default" in default.detail
    assert "AADSTS500011" in default.detail
    chosen = args("--graph-scope", f"{entra.base}/.default")
    (given,) = verify.token_checks(stack, [], endpoint, chosen, lambda _s: None)
    assert given.ok is True
    assert entra.logged()[-1]["body"]["scope"] == f"{entra.base}/.default"


@pytest.fixture
def tenant_policy(entra: Running) -> Iterator[Admin]:
    admin = Admin(entra)
    yield admin
    answer = admin.call(
        "PATCH", "/policies/defaultAppManagementPolicy", tenant_default(enabled=False)
    )
    assert answer.status_code == 204


def test_check_5_reads_the_policy_in_the_metadata_hosts_cloud(
    entra: Running, tenant_policy: Admin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ARM_METADATA_HOSTNAME, the policy is read from that cloud's Graph with the deploy
    identity's credential, as the component reads it (never from the global cloud). A 90-day
    secret under a 60-day cap: the next rotation would be refused; 3 N - 7 <= 60 gives N = 22."""
    ready = entra.ready
    for name, key in (
        ("ARM_METADATA_HOSTNAME", "metadata_host"),
        ("ARM_TENANT_ID", "tenant_id"),
        ("ARM_CLIENT_ID", "client_id"),
        ("ARM_CLIENT_SECRET", "client_secret"),
    ):
        monkeypatch.setenv(name, ready[key])
    made = tenant_policy.register(f"verify-{uuid.uuid4().hex[:8]}")
    ends = end_in(90)
    tenant_policy.add_password(made, displayName="pomerium 90 days", endDateTime=ends)
    cap = tenant_default(lifetime("P60D", since="2019-10-19T10:37:00Z"))
    answer = tenant_policy.call("PATCH", "/policies/defaultAppManagementPolicy", cap)
    assert answer.status_code == 204
    stack = tenant_outputs(
        entra, made["appId"], "s", application_object_id=made["id"], client_secret_expires_at=ends
    )
    with policy_reader.use_reader(policy_reader.read_from_graph):
        check = verify.app_management_policy(stack, datetime.now(UTC))
    assert check.ok is False, check.line()
    assert "caps client secrets at P60D" in check.detail
    assert "(pomerium 90 days) lives 90.0 days, longer" in check.detail
    assert "set clientSecretRotationDays to 22 or less" in check.detail


def test_against_a_real_oidc_provider() -> None:
    """oidc-provider-mock, a real OpenID Connect provider: its discovery document passes the
    issuer check (its issuer is its root URL); its root is no Entra ID tenant's v2.0 URL, so
    the proof's token request (MSAL, https only) is not tried, and verify says why."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as server:
        root = f"http://localhost:{server.server_port}"
        issuer, endpoint = discover(outputs(provider_url=root), clouds.MULTI_TENANT_PROVIDER_URL)
        assert issuer.ok is True and endpoint is not None
        token = verify.request_token(
            endpoint,
            CLIENT_ID,
            SECRET,
            "openid",
            wait=0,
            sleep=lambda _s: None,
            whose="the Secret's",
        )
    assert token.line() == (
        "FAIL token request: not tried: the proof's token request (MSAL) needs an Entra ID v2.0 "
        f"URL (https://<host>/<tenant>/v2.0) for the discovery document, not {root}"
    )


@pytest.mark.parametrize(
    ("discovered", "authority"),
    [
        # The provider URLs a deploy writes (clouds.py): the issuer without Entra ID's /v2.0.
        (
            f"https://login.microsoftonline.com/{TENANT}/v2.0",
            f"https://login.microsoftonline.com/{TENANT}",
        ),
        (
            f"https://login.partner.microsoftonline.cn/{TENANT}/v2.0",
            f"https://login.partner.microsoftonline.cn/{TENANT}",
        ),
        ("https://127.0.0.5:8443/tenant/v2.0", "https://127.0.0.5:8443/tenant"),
        # MSAL asks only https authorities with a tenant (msal authority.py, canonicalize).
        ("http://127.0.0.1:8080/tenant/v2.0", None),
        ("https://login.microsoftonline.com/v2.0", None),
        ("https://issuer.example.com", None),
    ],
)
def test_the_msal_authority_of_a_discovery_url(discovered: str, authority: str | None) -> None:
    assert verify.authority_of(discovered) == authority


def test_verify_and_the_proof_make_the_same_request_and_read_the_answer_alike(
    entra: Running, app: tuple[str, str]
) -> None:
    """One token request (components/proof.py): for the same stand-in answer, verify's check 3
    fails with the proof's meaning of the code, and both sent the same form."""
    client_id, secret = app
    scope = f"{entra.base}/.default"
    entra.knob("/_lab/refuse", client_id=client_id, code=53003)
    try:
        with pytest.raises(proof.ProofFailed) as proved:
            proof.prove_client_secret(entra.authority, client_id, secret, scope)
        checked = token_request(entra, tenant_endpoint(entra), client_id, secret, wait=60)
    finally:
        entra.knob("/_lab/refuse", client_id=client_id, code=None)
    blocked = "Conditional Access blocked the token request"
    assert blocked in str(proved.value) and "AADSTS53003" in str(proved.value)
    assert checked.ok is False
    assert blocked in checked.detail and "AADSTS53003" in checked.detail
    token_path = f"/{entra.ready['tenant_id']}/oauth2/v2.0/token"
    asked = [
        r
        for r in entra.logged()
        if r["path"] == token_path and r["body"].get("client_id") == client_id
    ]
    assert len(asked) == 2  # 53003 is not asked again, by either
    assert asked[0]["body"] == asked[1]["body"]
    # Accepted alike once the policy no longer blocks it.
    assert proof.prove_client_secret(entra.authority, client_id, secret, scope) == 1
    assert token_request(entra, tenant_endpoint(entra), client_id, secret).ok is True


# --- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [[], ["--stack"], ["--stack", "dev", "--min-days", "-1"], ["--stack", "dev", "--bogus"]],
)
def test_a_wrong_command_line_exits_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        verify.main(argv)
    assert exit.value.code == 2


def test_help_through_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        cli.main(["verify", "--help"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert "--stack NAME" in out and "--context KUBE_CONTEXT" in out and "--min-days" in out
    assert "--cluster NAME" in out


def test_help_through_the_entry_point() -> None:
    """What rotate.yml runs to find out whether the deployed commit has verify."""
    entry = Path(sys.executable).parent / "pomerium-azure-ad"
    result = subprocess.run(
        [str(entry), "verify", "--help"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        env={**os.environ},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage: pomerium-azure-ad verify" in result.stdout
