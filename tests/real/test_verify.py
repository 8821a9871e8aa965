"""`pomerium-azure-ad verify` against stacks deployed for real: the stack's outputs from the real
CLI (`pulumi stack output --json --show-secrets`), each cluster's Secret from the lab's API
servers through its kubeconfig context, the token from the stand-in's token endpoint and the
app management policy from its Graph.

Two stacks are deployed once for the module, one on the current context's cluster and one on
clusters blue and green; a test makes drift as an operator would, through the API server, and
the Secrets are put back after it. verify runs in this process (the first test runs its entry
point), and nothing it prints holds any form of a client secret a test knows."""

import hashlib
import os
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tools import verify

from . import cluster, entra
from .conftest import ROOT
from .fixtures import NS, Deployment, deployment
from .stacks import LabStack

VERIFY = str(ROOT / ".venv" / "bin" / "pomerium-azure-ad")
CONTEXTS = ("blue", "green")  # lab/cluster.py; blue is the kubeconfig's current context


@pytest.fixture(autouse=True)
def _lab(lab: dict[str, str]) -> None:
    return None


def verify_entry_point(folder: Path, stack: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [VERIFY, "verify", "--stack", stack],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


# --- one deploy of each stack shape, shared by the tests below ------------------------------


@dataclass
class Deployed:
    d: Deployment
    contexts: tuple[str, ...]
    held: dict[str, dict[str, str]]
    """Each context's Secret as the deploy wrote it."""

    @property
    def name(self) -> str:
        return self.d.stack.name

    @property
    def ref(self) -> str:
        return f"{cluster.NAMESPACE}/{self.d.secret_name}"

    def edit(self, context: str, **values: str) -> None:
        cluster.edit_secret(context, self.d.secret_name, {**self.held[context], **values})

    def put_back(self) -> None:
        for context in self.contexts:
            cluster.put_secret(context, self.d.secret_name, self.held[context])


def deployed(d: Deployment, contexts: tuple[str, ...]) -> Deployed:
    d.stack.up()
    held = {
        c: cluster.secret_values(cluster.read_secret(c, d.secret_name))  # type: ignore[arg-type]
        for c in contexts
    }
    return Deployed(d, contexts, held)


@pytest.fixture(scope="module")
def single_stack(lab: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    """A stack on the kubeconfig's current context (no `clusters`)."""
    return deployed(deployment(tmp_path_factory.mktemp("single")), ("blue",))


@pytest.fixture(scope="module")
def clusters_stack(lab: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    """A stack with `clusters` blue and green, each through its own context."""
    d = deployment(tmp_path_factory.mktemp("clusters"))
    del d.stack.config[f"{NS}:authenticateServiceUrl"]
    d.stack.config[f"{NS}:clusters"] = [
        {"name": c, "context": c, "authenticateServiceUrl": f"https://authenticate.{c}.lab.test"}
        for c in CONTEXTS
    ]
    d.stack.write()
    return deployed(d, CONTEXTS)


@pytest.fixture
def single(single_stack: Deployed) -> Iterator[Deployed]:
    yield single_stack
    single_stack.put_back()


@pytest.fixture
def spread(clusters_stack: Deployed) -> Iterator[Deployed]:
    yield clusters_stack
    clusters_stack.put_back()


@dataclass
class Verify:
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    planted: list[str]

    def __call__(self, stack: Deployed, *extra: str) -> tuple[int, str]:
        """verify's main() in the stack's project folder; its exit status and all it printed,
        checked for every form of every client secret the test knows."""
        self.monkeypatch.chdir(stack.d.stack.folder)
        status = verify.main(["--stack", stack.name, *extra])
        out, err = self.capsys.readouterr()
        printed = out + err
        known = [stack.d.password.secret_text, *self.planted]
        for form in verify.secret_forms(known):
            assert form not in printed, "a form of a client secret was printed"
        assert "Traceback" not in printed
        return status, printed


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Verify:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return Verify(monkeypatch, capsys, [])


def line(printed: str, name: str) -> str:
    [found] = [x for x in printed.splitlines() if x[5:].startswith(f"{name}:")]
    return found


def digest(secret: str) -> str:
    """How the stand-in's request log shows a client secret (lab/entra/server.py)."""
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()[:12]


def kubeconfig(folder: Path, current: str = "blue", port: int | None = None) -> Path:
    """The lab's kubeconfig with another current context, a context `stranger` on blue's
    cluster with a token the API server does not know, and, given `port`, every cluster's
    server moved to that (closed) port."""
    config = yaml.safe_load(Path(os.environ["KUBECONFIG"]).read_text())
    config["users"].append({"name": "stranger", "user": {"token": "not-the-lab-token"}})
    config["contexts"].append(
        {"name": "stranger", "context": {"cluster": "blue", "user": "stranger"}}
    )
    config["current-context"] = current
    if port is not None:
        for entry in config["clusters"]:
            entry["cluster"]["server"] = f"https://127.0.0.1:{port}"
    path = folder / f"kubeconfig-{current}-{port}"
    path.write_text(yaml.safe_dump(config))
    return path


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- a stack on one cluster -------------------------------------------------------------------


def test_verify_passes_after_each_deploy_and_fails_once_the_secret_is_edited(
    single: Deployed,
) -> None:
    """Through the entry point a user runs, in the stack's project folder."""
    d = single.d
    first = verify_entry_point(d.stack.folder, d.stack.name)
    assert first.returncode == 0, first.stdout + first.stderr
    d.use(d.app.add_password())
    d.stack.up()
    single.held["blue"] = cluster.secret_values(cluster.read_secret("blue", d.secret_name))  # type: ignore[arg-type]
    rotated = verify_entry_point(d.stack.folder, d.stack.name)
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    assert d.password.secret_text not in rotated.stdout + rotated.stderr
    single.edit("blue", IDP_CLIENT_SECRET="edited-by-hand")
    edited = verify_entry_point(d.stack.folder, d.stack.name)
    assert edited.returncode == 1
    assert "FAIL" in edited.stdout
    assert "edited-by-hand" not in edited.stdout + edited.stderr


def test_a_deployed_stack_verifies_through_the_kubeconfig_of_the_environment(
    single: Deployed, run: Verify
) -> None:
    host, tenant = os.environ["ARM_METADATA_HOSTNAME"], os.environ["ARM_TENANT_ID"]
    before = len(entra.token_requests(single.d.app.client_id))
    status, printed = run(single)  # no --kubeconfig: $KUBECONFIG, its current context
    assert status == 0, printed
    drift = line(printed, "Secret matches the stack")
    assert drift.startswith("ok ") and "AUTHENTICATE_SERVICE_URL as in the stack's outputs" in drift
    assert line(printed, "issuer") == (
        f"ok   issuer: the discovery document names https://{host}/{tenant}/v2.0"
    )
    assert line(printed, "token request").startswith("ok ")
    assert line(printed, "expiry").startswith("ok ")
    # The lab's tenant default, read from the stand-in's Graph (disabled: nothing restricted).
    assert line(printed, "app management policy") == (
        'ok   app management policy: tenant default app management policy "Default app '
        'management tenant policy" (00000000-0000-0000-0000-000000000000) applies and does not '
        "restrict client secrets"
    )
    assert printed.rstrip().endswith("verified: all checks hold")
    (asked,) = entra.token_requests(single.d.app.client_id)[before:]
    assert asked["body"]["grant_type"] == "client_credentials"
    assert asked["body"]["scope"] == f"https://{host}/.default"
    assert asked["body"]["client_secret"] == digest(single.d.password.secret_text)
    # A single-cluster stack has no named clusters to choose from.
    status, printed = run(single, "--cluster", "blue")
    assert status == 2 and "it has no named clusters" in printed


def test_an_old_but_valid_credential_restored_in_the_secret_is_drift(
    single: Deployed, run: Verify
) -> None:
    """A Secret restored from a backup: another client secret of the application, still
    accepted by Entra ID, and another client id in Pomerium's variable."""
    old = single.d.app.add_password()
    run.planted.append(old.secret_text)
    run.monkeypatch.setenv("GITHUB_ACTIONS", "true")
    single.edit(
        "blue",
        client_secret=old.secret_text,
        IDP_CLIENT_SECRET=old.secret_text,
        IDP_CLIENT_ID="99999999-0000-0000-0000-000000000000",
    )
    try:
        status, printed = run(single)
    finally:
        single.d.app.remove_password(old)
    assert status == 1
    drift = line(printed, "Secret matches the stack")
    assert drift.startswith("FAIL ")
    assert "client_secret differs from the stack's client_secret" in drift
    assert "IDP_CLIENT_SECRET differs" in drift
    assert "IDP_CLIENT_ID is '99999999-0000-0000-0000-000000000000'" in drift
    assert "::error title=Verify::Secret matches the stack:" in printed
    # The token request uses what Pomerium uses: the Secret's credential.
    assert line(printed, "token request").startswith("ok ")
    last = entra.token_requests(single.d.app.client_id)[-1]
    assert last["body"]["client_secret"] == digest(old.secret_text)


def test_a_secret_entra_id_refuses_fails_and_is_never_printed(
    single: Deployed, run: Verify
) -> None:
    wrong = "x" * 20
    run.planted.append(wrong)
    run.monkeypatch.setenv("GITHUB_ACTIONS", "true")
    single.edit("blue", client_secret=wrong, IDP_CLIENT_SECRET=wrong)
    status, printed = run(single, "--wait", "0")
    assert status == 1
    token = line(printed, "token request")
    assert token.startswith("FAIL ")
    # The proof's meaning of Entra ID's code (components/proof.py, one token request).
    assert (
        "not accepted after 0 s (Entra ID does not accept the client secret). Entra ID said: "
        "AADSTS7000215: Invalid client secret provided."
    ) in token
    assert "::error title=Verify::token request:" in printed
    assert "NOT verified: Secret matches the stack, token request" in printed


def test_a_missing_secret_other_contexts_and_an_unreachable_cluster(
    single: Deployed, run: Verify, tmp_path: Path
) -> None:
    # Current context green: the Secret is in blue only.
    status, printed = run(single, "--kubeconfig", str(kubeconfig(tmp_path, current="green")))
    assert status == 1
    missing = line(printed, "Secret matches the stack")
    assert missing == (
        f"FAIL Secret matches the stack: Secret {single.ref} not found (the kubeconfig's "
        "current context)"
    )
    # The other checks still run, with the stack's credential.
    token = line(printed, "token request")
    assert (
        token.startswith("ok ") and "the stack's (the Secret's is unavailable) credential" in token
    )
    status, printed = run(single, "--context", "green")
    assert status == 1 and f"Secret {single.ref} not found (context green)" in printed
    status, printed = run(
        single, "--kubeconfig", str(kubeconfig(tmp_path)), "--context", "stranger"
    )
    assert status == 1
    refused = line(printed, "Secret matches the stack")
    assert "HTTP 401 Unauthorized" in refused and "(context stranger)" in refused
    status, printed = run(single, "--context", "nowhere")
    assert status == 1 and "cannot use kubeconfig" in printed
    down = kubeconfig(tmp_path, port=closed_port())
    status, printed = run(single, "--kubeconfig", str(down))
    assert status == 1
    assert "cannot reach the Kubernetes API" in line(printed, "Secret matches the stack")


def test_what_pulumi_stack_output_cannot_give(single: Deployed, run: Verify) -> None:
    run.monkeypatch.chdir(single.d.stack.folder)
    status = verify.main(["--stack", "nope"])
    printed = run.capsys.readouterr().out
    assert status == 1
    # The CLI's exit code for a stack it cannot find: 6 (pulumi/pulumi v3.277.0,
    # pkg/cmd/pulumi/cmd/exit_codes.go, ExitStackNotFound).
    assert "FAIL `pulumi stack output --stack nope` failed (exit 6)" in printed
    assert "no stack named 'nope' found" in printed
    # A stack made and never deployed has none of the outputs.
    never = LabStack(single.d.stack.folder)
    never.stack()
    status = verify.main(["--stack", never.name])
    printed = run.capsys.readouterr().out
    assert status == 1
    assert printed.strip() == (
        f"FAIL stack {never.name} has no output client_id, tenant_id, provider_url, "
        "client_secret, client_secret_expires_at, kubernetes_secret: deploy it first (a stack "
        "deployed before these outputs existed needs a deploy too)"
    )


# --- a stack on two clusters --------------------------------------------------------------------


def test_every_cluster_is_read_through_its_own_context(spread: Deployed, run: Verify) -> None:
    before = len(entra.token_requests(spread.d.app.client_id))
    status, printed = run(spread)
    assert status == 0, printed
    assert printed.splitlines()[0].endswith(
        f"Secrets {spread.ref} in cluster blue (context blue), "
        f"{spread.ref} in cluster green (context green)"
    )
    for context in CONTEXTS:
        drift = line(printed, f"Secret matches the stack in cluster {context}")
        assert drift.startswith("ok ") and f"({'context ' + context})" in drift
        assert "AUTHENTICATE_SERVICE_URL as in the stack's outputs" in drift
    # The credential is shared: one token request for both.
    token = line(printed, "token request")
    assert token.startswith("ok ") and "(the Secret of clusters blue, green)" in token
    assert len(entra.token_requests(spread.d.app.client_id)) == before + 1


def test_a_drifted_cluster_fails_and_is_named(spread: Deployed, run: Verify) -> None:
    # Green's Secret restored from blue's: blue's authenticate URL, a redirect URL of the app.
    spread.edit("green", AUTHENTICATE_SERVICE_URL="https://authenticate.blue.lab.test")
    status, printed = run(spread)
    assert status == 1
    assert line(printed, "Secret matches the stack in cluster blue").startswith("ok ")
    green = line(printed, "Secret matches the stack in cluster green")
    assert green.startswith("FAIL ")
    assert (
        "AUTHENTICATE_SERVICE_URL is 'https://authenticate.blue.lab.test', the stack has "
        "'https://authenticate.green.lab.test'"
    ) in green
    assert printed.rstrip().endswith("NOT verified: Secret matches the stack in cluster green")
    # --cluster checks one cluster's Secret only.
    status, printed = run(spread, "--cluster", "blue")
    assert status == 0, printed
    assert "cluster green" not in printed
    status, printed = run(spread, "--cluster", "green")
    assert status == 1 and "NOT verified: Secret matches the stack in cluster green" in printed


def test_a_cluster_holding_another_credential_gets_its_own_token_request(
    spread: Deployed, run: Verify
) -> None:
    run.planted.append("old-secret-value")
    spread.edit("blue", client_secret="old-secret-value", IDP_CLIENT_SECRET="old-secret-value")
    status, printed = run(spread, "--wait", "0")
    assert status == 1
    assert "client_secret differs" in line(printed, "Secret matches the stack in cluster blue")
    assert line(printed, "token request (cluster blue)").startswith("FAIL ")
    assert line(printed, "token request (cluster green)").startswith("ok ")
    assert (
        "NOT verified: Secret matches the stack in cluster blue, token request (cluster blue)"
        in printed
    )


def test_a_cluster_without_its_secret(spread: Deployed, run: Verify) -> None:
    cluster.delete_secret("green", spread.d.secret_name)
    status, printed = run(spread)
    assert status == 1
    green = line(printed, "Secret matches the stack in cluster green")
    assert f"Secret {spread.ref} not found (context green)" in green
    # Blue's Secret still gives the token request its credential.
    assert "(the Secret of cluster blue)" in line(printed, "token request")


def test_the_command_line_must_fit_the_stacks_clusters(
    spread: Deployed, run: Verify, tmp_path: Path
) -> None:
    status, printed = run(spread, "--cluster", "north")
    assert status == 2
    assert (
        f"--cluster north: stack {spread.name} has no such cluster (its clusters: blue, green)"
        in printed
    )
    status, printed = run(spread, "--context", "green")
    assert status == 2 and "add --cluster NAME" in printed
    # With --cluster, --context replaces that cluster's context.
    stranger = ["--kubeconfig", str(kubeconfig(tmp_path)), "--cluster", "green"]
    status, printed = run(spread, *stranger, "--context", "stranger")
    assert status == 1
    green = line(printed, "Secret matches the stack in cluster green")
    assert "HTTP 401 Unauthorized" in green and "(context stranger)" in green
    status, printed = run(spread, "--cluster", "green", "--context", "green")
    assert status == 0, printed
