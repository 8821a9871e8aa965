"""`pomerium-azure-ad verify` against loopback stand-ins: an Entra-shaped discovery and token
server, a Kubernetes API serving the Secret behind a kubeconfig, and a fake `pulumi` on PATH
(tests/verify_standins.py). No network."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from components.secret_data import IdentityProviderValues, secret_data
from tests.conftest import NOW
from tests.verify_standins import (
    Entra,
    Kubernetes,
    install_fake_pulumi,
    serve,
    url,
    write_kubeconfig,
    write_kubeconfig_contexts,
)
from tools import cli, verify
from tools.offline import PROJECT_DIR

TENANT = "0303f438-3c5c-4190-9854-08d3eb31bd9f"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
# Planted: must never appear in anything verify prints. Characters that URL-encode on purpose.
SECRET = "pl4nted~Secret/Value+Q8="
AUTHENTICATE = "https://authenticate.example.com"
SECRET_REF = "pomerium/idp"


@dataclass
class World:
    entra: Entra
    kubernetes: Kubernetes
    provider_root: str
    bin: Path
    kubeconfig: Path
    outputs: dict[str, Any] = field(default_factory=dict)

    def stack(self, **changes: Any) -> dict[str, Any]:
        self.outputs.update(changes)
        install_fake_pulumi(self.bin, {"dev": self.outputs})
        return self.outputs

    def secret(self, **changes: str) -> dict[str, str]:
        data = secret_data(
            IdentityProviderValues(
                client_id=self.outputs["client_id"],
                client_secret=self.outputs["client_secret"],
                provider_url=self.outputs["provider_url"],
                authenticate_service_url=AUTHENTICATE,
            )
        )
        data.update(changes)
        self.kubernetes.secrets[SECRET_REF] = data
        return data


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    entra = Entra(clients={CLIENT_ID: SECRET})
    kubernetes = Kubernetes()
    with serve(entra=entra) as idp, serve(kubernetes=kubernetes) as api:
        bin_dir = tmp_path / "bin"
        w = World(
            entra=entra,
            kubernetes=kubernetes,
            provider_root=url(idp),
            bin=bin_dir,
            kubeconfig=write_kubeconfig(tmp_path / "kubeconfig", url(api), kubernetes.token),
        )
        w.stack(
            client_id=CLIENT_ID,
            application_object_id="aaaaaaaa-0000-0000-0000-000000000001",
            service_principal_object_id="aaaaaaaa-0000-0000-0000-000000000002",
            tenant_id=TENANT,
            provider_url=f"{url(idp)}/{TENANT}/v2.0",
            redirect_urls=[f"{AUTHENTICATE}/oauth2/callback"],
            client_secret=SECRET,
            client_secret_expires_at="2027-03-01T00:00:00Z",
            kubernetes_secret=SECRET_REF,
        )
        w.secret()
        monkeypatch.setenv("PATH", str(bin_dir))
        for name in ("ARM_ENVIRONMENT", "GITHUB_ACTIONS", "KUBECONFIG"):
            monkeypatch.delenv(name, raising=False)
        yield w


def run(
    world: World,
    capsys: pytest.CaptureFixture[str],
    *extra: str,
    multi_tenant_url: str | None = None,
) -> tuple[int, str]:
    """verify's main() in this process; returns the exit status and everything it printed,
    checked for the planted secret."""
    argv = ["--stack", "dev", "--kubeconfig", str(world.kubeconfig), "--wait", "0", *extra]
    kwargs: dict[str, Any] = {"now": NOW}
    if multi_tenant_url:
        kwargs["multi_tenant_url"] = multi_tenant_url
    status = verify.main(argv, **kwargs)
    out, err = capsys.readouterr()
    printed = out + err
    for form in verify.secret_forms([SECRET]):
        assert form not in printed, "a form of the client secret was printed"
    return status, printed


def line(printed: str, name: str) -> str:
    [found] = [x for x in printed.splitlines() if f" {name}:" in x[: len(name) + 7]]
    return found


def test_accepted(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    status, printed = run(world, capsys)
    assert status == 0, printed
    assert line(printed, "Secret matches the stack").startswith("ok ")
    assert line(printed, "issuer").startswith("ok ")
    assert line(printed, "token request").startswith("ok ")
    assert line(printed, "expiry").startswith("ok ")
    assert printed.rstrip().endswith("verified: all checks hold")
    [request] = world.entra.requests
    assert request == {
        "tenant": TENANT,
        "client_id": CLIENT_ID,
        "grant_type": "client_credentials",
        "scope": "https://graph.microsoft.com/.default",
        "client_secret": SECRET,
    }
    assert world.kubernetes.requests == ["/api/v1/namespaces/pomerium/secrets/idp"]


def test_a_wrong_secret_is_refused_and_the_reason_shown(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.entra.clients[CLIENT_ID] = "the-one-entra-knows"
    world.entra.echo_secret = True  # the error text carries the secret: it must be redacted
    status, printed = run(world, capsys)
    assert status == 1
    token = line(printed, "token request")
    assert token.startswith("FAIL ")
    assert "invalid_client: AADSTS7000215: Invalid client secret provided" in token
    assert f"(sent: {verify.REDACTED})" in token
    assert "NOT verified: token request" in printed


def test_entra_replication_refusals_are_retried(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.entra.refuse_first = 2
    sleeps: list[float] = []
    argv = ["--stack", "dev", "--kubeconfig", str(world.kubeconfig), "--wait", "60"]
    assert verify.main(argv, now=NOW, sleep=sleeps.append) == 0
    assert sleeps == [verify.RETRY_INTERVAL] * 2
    assert SECRET not in capsys.readouterr().out


def test_drift_between_the_secret_and_the_stack(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    # An old Secret restored: another client secret (still valid at Entra) and an old URL.
    world.entra.clients[CLIENT_ID] = "old-but-valid-secret"
    world.secret(
        client_secret="old-but-valid-secret",
        IDP_CLIENT_SECRET="old-but-valid-secret",
        IDP_CLIENT_ID="99999999-0000-0000-0000-000000000000",
    )
    status, printed = run(world, capsys)
    assert status == 1
    drift = line(printed, "Secret matches the stack")
    assert drift.startswith("FAIL ")
    assert "client_secret differs from the stack's client_secret" in drift
    assert "IDP_CLIENT_SECRET differs" in drift
    assert "IDP_CLIENT_ID is '99999999-0000-0000-0000-000000000000'" in drift
    assert "old-but-valid-secret" not in printed
    # The token request uses what Pomerium uses: the Secret's credential.
    assert line(printed, "token request").startswith("ok ")
    assert world.entra.requests[0]["client_secret"] == "old-but-valid-secret"


def test_a_secret_missing_a_key_or_pointing_elsewhere_is_drift(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    data = world.secret(AUTHENTICATE_SERVICE_URL="https://elsewhere.example.com")
    del data["IDP_PROVIDER_URL"]
    status, printed = run(world, capsys)
    assert status == 1
    drift = line(printed, "Secret matches the stack")
    assert "IDP_PROVIDER_URL is missing" in drift
    assert "'https://elsewhere.example.com/oauth2/callback' is not one of" in drift


def test_issuer_mismatch(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.entra.issuer = "https://sts.windows.net/" + TENANT + "/"
    status, printed = run(world, capsys)
    assert status == 1
    issuer = line(printed, "issuer")
    assert issuer.startswith("FAIL ") and "Pomerium refuses this provider URL" in issuer
    assert f"'https://sts.windows.net/{TENANT}/'" in issuer
    assert line(printed, "token request").startswith("FAIL ")
    assert world.entra.requests == []


def test_the_multi_tenant_url_skips_the_issuer_check_and_uses_tenant_id(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    common = f"{world.provider_root}/common/v2.0"
    world.stack(provider_url=common)
    world.secret()
    world.entra.issuer = "https://login.microsoftonline.com/{tenantid}/v2.0"  # as Entra's common
    status, printed = run(world, capsys, multi_tenant_url=common)
    assert status == 0, printed
    issuer = line(printed, "issuer")
    assert issuer.startswith("skip ") and f"tenant {TENANT}" in issuer
    assert [r["tenant"] for r in world.entra.requests] == [TENANT]


def test_the_common_url_is_only_skipped_when_it_is_pomeriums(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another host's /common/v2.0 (e.g. login.microsoftonline.us) is checked, and fails."""
    world.stack(provider_url=f"{world.provider_root}/common/v2.0")
    world.secret()
    world.entra.issuer = "https://login.microsoftonline.com/{tenantid}/v2.0"
    status, printed = run(world, capsys)
    assert status == 1
    assert line(printed, "issuer").startswith("FAIL ")


def test_a_missing_secret(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.kubernetes.secrets.clear()
    status, printed = run(world, capsys)
    assert status == 1
    missing = line(printed, "Secret matches the stack")
    assert missing.startswith("FAIL ") and "Secret pomerium/idp not found" in missing
    assert "current context" in missing
    # The other checks still run, with the stack's credential.
    assert "the stack's (the Secret's is unavailable) credential" in line(printed, "token request")


def test_the_context_option_picks_the_kubeconfig_context(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    status, printed = run(world, capsys, "--context", "other")
    assert status == 1
    assert "HTTP 401 Unauthorized" in line(printed, "Secret matches the stack")
    assert "context other" in printed
    status, printed = run(world, capsys, "--context", "nowhere")
    assert status == 1 and "cannot use kubeconfig" in printed


def test_kubeconfig_from_the_environment(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBECONFIG", str(world.kubeconfig))
    assert verify.main(["--stack", "dev", "--wait", "0"], now=NOW) == 0
    assert SECRET not in capsys.readouterr().out


def test_an_expiring_credential(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    soon = NOW + timedelta(days=13, hours=23)
    world.stack(client_secret_expires_at=soon.strftime("%Y-%m-%dT%H:%M:%SZ"))
    status, printed = run(world, capsys)
    assert status == 1
    expiry = line(printed, "expiry")
    assert expiry.startswith("FAIL ") and "in 14.0 days, less than --min-days 14" in expiry
    status, printed = run(world, capsys, "--min-days", "7")
    assert status == 0, printed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_provider(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.stack(provider_url=f"http://127.0.0.1:{free_port()}/{TENANT}/v2.0")
    world.secret()
    status, printed = run(world, capsys)
    assert status == 1
    issuer = line(printed, "issuer")
    assert issuer.startswith("FAIL cannot reach") or "cannot reach" in issuer
    assert "Traceback" not in printed


def test_an_unreachable_cluster(
    world: World, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    kubeconfig = write_kubeconfig(tmp_path / "down", f"http://127.0.0.1:{free_port()}", "t")
    status = verify.main(
        ["--stack", "dev", "--kubeconfig", str(kubeconfig), "--wait", "0"], now=NOW
    )
    printed = capsys.readouterr().out
    assert status == 1
    assert "cannot reach the Kubernetes API" in line(printed, "Secret matches the stack")
    assert "Traceback" not in printed and SECRET not in printed


@pytest.mark.parametrize(
    "provider_url",
    [
        f"http://login.microsoftonline.com/{TENANT}/v2.0",
        "http://10.0.0.1/tenant/v2.0",
        "http://127.0.0.1.example.com/tenant/v2.0",
        "ftp://127.0.0.1/tenant/v2.0",
    ],
)
def test_a_non_https_provider_off_loopback_is_refused_before_any_request(
    world: World, capsys: pytest.CaptureFixture[str], provider_url: str
) -> None:
    world.stack(provider_url=provider_url)
    status, printed = run(world, capsys)
    assert status == 1
    assert "is not an https URL" in printed and "refused before any request" in printed
    assert world.kubernetes.requests == [] and world.entra.requests == []


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.4.5", "[::1]", "localhost"])
def test_loopback_hosts(host: str) -> None:
    verify.require_secure(f"http://{host}:8080/t/v2.0", "provider_url")


def test_pulumi_missing(
    world: World,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    status, printed = run(world, capsys)
    assert status == 1
    assert printed.startswith("FAIL the pulumi CLI is not on PATH")
    assert "Traceback" not in printed


def test_a_failing_pulumi_stack_output(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    status = verify.main(["--stack", "nope", "--kubeconfig", str(world.kubeconfig)], now=NOW)
    printed = capsys.readouterr().out
    assert status == 1
    assert "`pulumi stack output --stack nope` failed (exit 255)" in printed
    assert "no stack named 'nope' found" in printed


def test_a_stack_without_the_outputs(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    del world.outputs["client_secret_expires_at"]
    world.stack()
    status, printed = run(world, capsys)
    assert status == 1 and "has no output client_secret_expires_at" in printed


def test_the_secret_never_appears_in_any_output(
    world: World, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every path that prints: success, refusal with an echoing server, drift, GitHub
    annotations. `run` checks each output for every form of the planted value."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run(world, capsys)[0] == 0
    world.entra.echo_secret = True
    world.entra.clients[CLIENT_ID] = "x" * 20
    status, printed = run(world, capsys)
    assert status == 1 and "::error title=Verify::token request:" in printed
    world.secret(client_secret="y" * 20)
    assert run(world, capsys)[0] == 1


def test_redact_covers_encoded_forms() -> None:
    text = f"a {SECRET} b %2F c"
    for form in verify.secret_forms([SECRET]):
        assert verify.REDACTED in verify.redact(f"x{form}y", [SECRET])
    assert SECRET not in verify.redact(text, [SECRET])


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


def test_graph_scope_option(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.entra.scopes = {"https://dod-graph.microsoft.us/.default"}
    assert run(world, capsys)[0] == 1
    status, _ = run(world, capsys, "--graph-scope", "https://dod-graph.microsoft.us/.default")
    assert status == 0
    assert world.entra.requests[-1]["scope"] == "https://dod-graph.microsoft.us/.default"


def test_against_a_real_oidc_provider(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    """oidc-provider-mock, a real OpenID Connect provider: its discovery document passes the
    issuer check (its issuer is its root URL); its token endpoint has no client-credentials
    grant, and verify shows that refusal."""
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread() as server:
        root = f"http://localhost:{server.server_port}"
        world.stack(provider_url=root)
        world.secret()
        status, printed = run(world, capsys)
    assert status == 1
    assert line(printed, "issuer").startswith("ok ")
    token = line(printed, "token request")
    assert token.startswith("FAIL ") and "unsupported_grant_type" in token


# --- several clusters: the kubernetes_secrets output ------------------------------------

WEST = ("west", "aks-staging-west", "https://authenticate.staging-west.example.com")
EAST = ("east", "aks-staging-east", "https://authenticate.staging-east.example.com")


@dataclass
class Clusters:
    """Two Kubernetes API stand-ins behind two contexts of one kubeconfig, as the pipeline's
    sign-in writes it; the current context reaches neither (a wrong token)."""

    world: World
    apis: dict[str, Kubernetes]
    kubeconfig: Path

    def secret(self, cluster: tuple[str, str, str], **changes: str) -> dict[str, str]:
        outputs = self.world.outputs
        data = secret_data(
            IdentityProviderValues(
                client_id=outputs["client_id"],
                client_secret=outputs["client_secret"],
                provider_url=outputs["provider_url"],
                authenticate_service_url=cluster[2],
            )
        )
        data.update(changes)
        self.apis[cluster[0]].secrets[SECRET_REF] = data
        return data

    def run(self, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
        self.world.kubeconfig = self.kubeconfig
        return run(self.world, capsys, *extra)


@pytest.fixture
def clusters(world: World, tmp_path: Path) -> Iterator[Clusters]:
    west, east = world.kubernetes, Kubernetes(token="east-token")
    with serve(kubernetes=east) as east_api:
        west_url = world.kubeconfig.read_text().split('"server": "')[1].split('"')[0]
        kubeconfig = write_kubeconfig_contexts(
            tmp_path / "clusters-kubeconfig",
            {
                WEST[1]: (west_url, west.token),
                EAST[1]: (url(east_api), east.token),
                "elsewhere": (west_url, "not-a-token"),
            },
            current="elsewhere",
        )
        world.stack(
            redirect_urls=[f"{WEST[2]}/oauth2/callback", f"{EAST[2]}/oauth2/callback"],
            kubernetes_secrets=[
                {"cluster": n, "context": c, "secret": SECRET_REF, "authenticate_service_url": u}
                for n, c, u in (WEST, EAST)
            ],
        )
        c = Clusters(world, {"west": west, "east": east}, kubeconfig)
        c.secret(WEST)
        c.secret(EAST)
        yield c


def test_every_cluster_is_read_through_its_own_context(
    clusters: Clusters, capsys: pytest.CaptureFixture[str]
) -> None:
    status, printed = clusters.run(capsys)
    assert status == 0, printed
    for name, context, _ in (WEST, EAST):
        drift = line(printed, f"Secret matches the stack in cluster {name}")
        assert drift.startswith("ok ") and f"(context {context})" in drift
        assert "AUTHENTICATE_SERVICE_URL as in the stack's outputs" in drift
        assert clusters.apis[name].requests == ["/api/v1/namespaces/pomerium/secrets/idp"]
    # The credential is shared: one issuer check, one token request, one expiry check.
    assert line(printed, "issuer").startswith("ok ")
    token = line(printed, "token request")
    assert token.startswith("ok ") and "(the Secret of clusters west, east)" in token
    assert len(clusters.world.entra.requests) == 1
    assert line(printed, "expiry").startswith("ok ")
    assert printed.splitlines()[0].endswith(
        "Secrets pomerium/idp in cluster west (context aks-staging-west), "
        "pomerium/idp in cluster east (context aks-staging-east)"
    )


def test_a_drifted_cluster_fails_and_is_named(
    clusters: Clusters, capsys: pytest.CaptureFixture[str]
) -> None:
    # East's Secret restored from west's: the wrong authenticate URL for that cluster,
    # although its callback is one of the application's redirect URLs.
    clusters.secret(EAST, AUTHENTICATE_SERVICE_URL=WEST[2])
    status, printed = clusters.run(capsys)
    assert status == 1
    assert line(printed, "Secret matches the stack in cluster west").startswith("ok ")
    east = line(printed, "Secret matches the stack in cluster east")
    assert east.startswith("FAIL ")
    assert f"AUTHENTICATE_SERVICE_URL is '{WEST[2]}', the stack has '{EAST[2]}'" in east
    assert printed.rstrip().endswith("NOT verified: Secret matches the stack in cluster east")


def test_a_cluster_holding_another_credential_gets_its_own_token_request(
    clusters: Clusters, capsys: pytest.CaptureFixture[str]
) -> None:
    clusters.secret(WEST, client_secret="old-secret-value", IDP_CLIENT_SECRET="old-secret-value")
    status, printed = clusters.run(capsys)
    assert status == 1
    assert "client_secret differs" in line(printed, "Secret matches the stack in cluster west")
    assert line(printed, "token request (cluster west)").startswith("FAIL ")
    assert line(printed, "token request (cluster east)").startswith("ok ")
    assert "old-secret-value" not in printed
    assert (
        "NOT verified: Secret matches the stack in cluster west, token request (cluster west)"
        in printed
    )


def test_a_cluster_without_its_secret(
    clusters: Clusters, capsys: pytest.CaptureFixture[str]
) -> None:
    clusters.apis["east"].secrets.clear()
    status, printed = clusters.run(capsys)
    assert status == 1
    east = line(printed, "Secret matches the stack in cluster east")
    assert "Secret pomerium/idp not found (context aks-staging-east)" in east
    # West's Secret still gives the token request its credential.
    assert "(the Secret of cluster west)" in line(printed, "token request")


def test_the_cluster_option_checks_one_cluster(
    clusters: Clusters, capsys: pytest.CaptureFixture[str]
) -> None:
    clusters.secret(EAST, AUTHENTICATE_SERVICE_URL=WEST[2])  # not looked at
    status, printed = clusters.run(capsys, "--cluster", "west")
    assert status == 0, printed
    assert "cluster east" not in printed and clusters.apis["east"].requests == []
    assert line(printed, "Secret matches the stack in cluster west").startswith("ok ")
    status, printed = clusters.run(capsys, "--cluster", "east")
    assert status == 1 and "NOT verified: Secret matches the stack in cluster east" in printed


def test_an_unknown_cluster_is_a_wrong_command_line(
    clusters: Clusters, capsys: pytest.CaptureFixture[str]
) -> None:
    status, printed = clusters.run(capsys, "--cluster", "north")
    assert status == 2
    assert "--cluster north: stack dev has no such cluster (its clusters: west, east)" in printed
    assert clusters.apis["west"].requests == clusters.apis["east"].requests == []


def test_context_with_several_clusters_needs_the_cluster_option(
    clusters: Clusters, capsys: pytest.CaptureFixture[str]
) -> None:
    status, printed = clusters.run(capsys, "--context", EAST[1])
    assert status == 2 and "add --cluster NAME" in printed
    # With --cluster, --context replaces that cluster's context (another kubeconfig's name).
    status, printed = clusters.run(capsys, "--cluster", "east", "--context", "elsewhere")
    assert status == 1
    drift = line(printed, "Secret matches the stack in cluster east")
    assert "HTTP 401 Unauthorized" in drift and "context elsewhere" in drift
    status, printed = clusters.run(capsys, "--cluster", "east", "--context", EAST[1])
    assert status == 0, printed


def test_a_single_cluster_stack_uses_the_current_context_and_its_authenticate_url(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    world.stack(
        kubernetes_secrets=[
            {
                "cluster": "",
                "context": "",
                "secret": SECRET_REF,
                "authenticate_service_url": AUTHENTICATE,
            }
        ]
    )
    status, printed = run(world, capsys)
    assert status == 0, printed
    drift = line(printed, "Secret matches the stack")
    assert "AUTHENTICATE_SERVICE_URL as in the stack's outputs" in drift
    assert "cluster" not in drift
    status, printed = run(world, capsys, "--context", "other")
    assert status == 1 and "context other" in line(printed, "Secret matches the stack")
    status, printed = run(world, capsys, "--cluster", "west")
    assert status == 2 and "it has no named clusters" in printed


def test_a_stack_deployed_before_kubernetes_secrets_falls_back_to_kubernetes_secret(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "kubernetes_secrets" not in world.outputs
    world.secret(AUTHENTICATE_SERVICE_URL="https://authenticate.example.com/")
    status, printed = run(world, capsys)
    assert status == 0, printed
    # No authenticate URL in the outputs: only its callback is checked, as before.
    drift = line(printed, "Secret matches the stack")
    assert "AUTHENTICATE_SERVICE_URL as" not in drift and "is a redirect URL" in drift
    assert world.kubernetes.requests == ["/api/v1/namespaces/pomerium/secrets/idp"]
    status, printed = run(world, capsys, "--cluster", "west")
    assert status == 2 and "stack dev has no such cluster" in printed


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
def test_a_malformed_kubernetes_secrets_output(
    world: World, capsys: pytest.CaptureFixture[str], value: Any
) -> None:
    world.stack(kubernetes_secrets=value)
    status, printed = run(world, capsys)
    assert status == 1 and "kubernetes_secrets output is not a list" in printed
    assert world.kubernetes.requests == []


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
