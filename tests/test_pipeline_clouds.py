"""The pipeline's sign-in (.github/actions/azure-sign-in): the stack's cloud, read once from
its stack file and spelled as each tool wants it, and tokens that outlive the GitHub OIDC
token behind the Azure CLI session.

The expected values below are literals from the tools' published names, not read from the
action: azure/login's `environment` values (Azure/login src/common/LoginConfig.ts), the azuread
provider's environment names (terraform-provider-azuread, go-azure-sdk environments.FromName),
Azure Storage's and Key Vault's DNS suffixes and Entra ID's authority hosts per national cloud
(learn.microsoft.com, azcore cloud.AzurePublic/AzureGovernment/AzureChina).

The shell steps run here for real (bash, the runner's `yq`, `jq`), with `az` and `kubelogin`
replaced by recorders: what GitHub would run, minus the cloud.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
SIGN_IN = ROOT / ".github" / "actions" / "azure-sign-in" / "action.yml"
# GitHub's self-repository form: this repository at the workflow's commit.
SIGN_IN_REF = "./.github/actions/azure-sign-in"

# azure/login: the values it accepts, compared in lower case (LoginConfig.azureSupportedCloudName).
AZURE_LOGIN_ENVIRONMENTS = {
    "azurecloud",
    "azureusgovernment",
    "azurechinacloud",
    "azuregermancloud",
    "azurestack",
}
# The azuread provider's `environment` / ARM_ENVIRONMENT names.
AZUREAD_ENVIRONMENTS = {
    "global",
    "public",
    "usgovernment",
    "usgovernmentl4",
    "usgovernmentl5",
    "dod",
    "china",
}
# What the project accepts in `azuread:environment` (None: the key is absent, i.e. global).
PROJECT_VALUES = [None, *sorted(AZUREAD_ENVIRONMENTS)]

PUBLIC = {
    "azure-login-environment": "AzureCloud",
    "authority-host": "https://login.microsoftonline.com/",
    "storage-domain": "blob.core.windows.net",
    "key-vault-resource": "https://vault.azure.net",
}
US_GOVERNMENT = {
    "azure-login-environment": "AzureUSGovernment",
    "authority-host": "https://login.microsoftonline.us/",
    "storage-domain": "blob.core.usgovcloudapi.net",
    "key-vault-resource": "https://vault.usgovcloudapi.net",
}
CHINA = {
    "azure-login-environment": "AzureChinaCloud",
    "authority-host": "https://login.chinacloudapi.cn/",
    "storage-domain": "blob.core.chinacloudapi.cn",
    "key-vault-resource": "https://vault.azure.cn",
}
# azuread:environment -> the cloud and the ARM_ENVIRONMENT naming the same Graph host.
EXPECTED: dict[str | None, dict[str, str]] = {
    None: {**PUBLIC, "arm-environment": "public"},
    "global": {**PUBLIC, "arm-environment": "public"},
    "public": {**PUBLIC, "arm-environment": "public"},
    "usgovernment": {**US_GOVERNMENT, "arm-environment": "usgovernment"},
    "usgovernmentl4": {**US_GOVERNMENT, "arm-environment": "usgovernment"},
    # DoD (IL5): Azure Government for the CLI, its own Graph host for the provider.
    "usgovernmentl5": {**US_GOVERNMENT, "arm-environment": "usgovernmentl5"},
    "dod": {**US_GOVERNMENT, "arm-environment": "usgovernmentl5"},
    "china": {**CHINA, "arm-environment": "china"},
}
# The Blob backend's token scope: the same in every cloud.
STORAGE_SCOPE = "https://storage.azure.com/.default"
# Cloud-specific literals that may appear only in the one mapping step.
CLOUD_LITERALS = [
    "AzureCloud",
    "AzureUSGovernment",
    "AzureChinaCloud",
    "usgovcloudapi",
    "chinacloudapi",
    "microsoftonline",
    "vault.azure",
    "blob.core",
]


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    if True in data:  # YAML 1.1 reads the key `on` as True.
        data["on"] = data.pop(True)
    return data


def sign_in_steps() -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = load(SIGN_IN)["runs"]["steps"]
    return steps


def step_by_id(step_id: str) -> dict[str, Any]:
    [found] = [s for s in sign_in_steps() if s.get("id") == step_id]
    return found


def step_using(prefix: str) -> dict[str, Any]:
    [found] = [s for s in sign_in_steps() if str(s.get("uses", "")).startswith(prefix)]
    return found


def step_running(fragment: str) -> dict[str, Any]:
    [found] = [s for s in sign_in_steps() if fragment in s.get("run", "")]
    return found


def jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path.name, name, job)
        for path in sorted(WORKFLOWS.glob("*.yml"))
        for name, job in load(path)["jobs"].items()
    ]


# --- running the action's shell steps ---------------------------------------------------

EXPRESSION = re.compile(r"^\$\{\{ (inputs|steps\.(?:cloud|cluster)\.outputs)\.([a-z-]+) \}\}$")


def read_pairs(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        pairs[key] = value
    return pairs


class Runner:
    """Runs composite-action `run:` steps as GitHub does (bash -eo pipefail, env from the
    step's `env:` with `inputs.*` and `steps.cloud.outputs.*` substituted), in a scratch
    checkout whose `az` and `kubelogin` only record their arguments."""

    def __init__(self, tmp: Path, inputs: dict[str, str]) -> None:
        self.tmp = tmp
        self.inputs = inputs
        self.outputs: dict[str, str] = {}
        self.step_outputs: dict[str, dict[str, str]] = {}
        self.github_output: dict[str, str] = {}
        self.github_env: dict[str, str] = {}
        self.calls = tmp / "calls"
        self.bin = tmp / "bin"
        self.bin.mkdir()
        (tmp / "stacks").mkdir()
        for tool in ("az", "kubelogin"):
            script = self.bin / tool
            script.write_text(
                f'#!/bin/sh\necho "{tool} $*" >> "{self.calls}"\n'
                'case "$*" in *get-access-token*) echo "2030-01-01 00:00:00.000000";; esac\n'
            )
            script.chmod(0o755)

    def value(self, template: Any) -> str:
        match = EXPRESSION.match(str(template))
        assert match, f"unexpected expression in a step's env: {template}"
        scope, name = match.groups()
        if scope == "inputs":
            return self.inputs[name]
        return self.step_outputs[scope.split(".")[1]][name]

    def run(self, step: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        assert step["shell"] == "bash"
        github_output = self.tmp / "github_output"
        github_env = self.tmp / "github_env"
        for f in (github_output, github_env, self.calls):
            f.write_text("")
        env = {
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(self.tmp),
            "RUNNER_TEMP": str(self.tmp),
            "GITHUB_OUTPUT": str(github_output),
            "GITHUB_ENV": str(github_env),
        }
        env |= {k: self.value(v) for k, v in step.get("env", {}).items()}
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.tmp,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        self.github_output = read_pairs(github_output)
        self.github_env = read_pairs(github_env)
        self.outputs |= self.github_output
        if "id" in step:
            self.step_outputs[step["id"]] = self.github_output
        return result

    def recorded(self) -> list[str]:
        return self.calls.read_text().splitlines()


# --- the runner's yq ----------------------------------------------------------------------

# `yq --version` of mikefarah/yq: "yq (https://github.com/mikefarah/yq/) version v4.54.3";
# of the jq-based yq (kislyuk/yq, Debian's and pip's `yq`): "yq 3.1.0".
MIKEFARAH = "github.com/mikefarah/yq"
GO_YQ = ROOT / "lab" / "go" / "yq"


def yq_flavour(yq: str) -> str:
    said = subprocess.run([yq, "--version"], capture_output=True, text=True, check=False)
    return "mikefarah" if MIKEFARAH in said.stdout + said.stderr else "jq-based"


def folder_with(yq: str, folder: Path) -> Path:
    """`folder`, made to hold only `yq`, to put first on a step's PATH."""
    (folder / "yq").symlink_to(yq)
    return folder


@pytest.fixture(scope="session")
def path_yq() -> str | None:
    """The yq on PATH before any test changes it (Debian's is the jq-based one)."""
    return shutil.which("yq")


@pytest.fixture(scope="session")
def runner_yq_folder(tmp_path_factory: pytest.TempPathFactory, path_yq: str | None) -> Path:
    """GitHub's ubuntu runners carry mikefarah/yq, the latest release when the image was built
    (actions/runner-images images/ubuntu/scripts/build/install-yq.sh): built here from its Go
    module (lab/go/yq) once per machine; without Go, the yq on PATH, of either kind."""
    if shutil.which("go") is not None:
        from lab.build import ensure_program
        from lab.programs import YQ

        yq = str(ensure_program(YQ))
    elif path_yq is not None:
        yq = path_yq
    else:
        pytest.skip("no yq: install Go (the runner's yq is built from its module) or a yq")
    return folder_with(yq, tmp_path_factory.mktemp("runner-yq"))


@pytest.fixture
def runner_yq(runner_yq_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The steps below run with the runner's yq, first on PATH."""
    monkeypatch.setenv("PATH", f"{runner_yq_folder}{os.pathsep}{os.environ['PATH']}")
    return runner_yq_folder / "yq"


@pytest.mark.skipif(shutil.which("go") is None, reason="the runner's yq is built with Go")
def test_the_steps_run_with_the_yq_of_githubs_runners(runner_yq: Path) -> None:
    said = subprocess.run([runner_yq, "--version"], capture_output=True, text=True, check=True)
    pinned = re.search(r"github.com/mikefarah/yq/v4 (v[0-9.]+)", (GO_YQ / "go.mod").read_text())
    assert pinned is not None
    assert said.stdout.strip() == f"yq (https://{MIKEFARAH}/) version {pinned[1]}"


needs_yq = pytest.mark.usefixtures("runner_yq")


def stack_file(environment: str | None) -> str:
    config = {"pomerium-azure-ad:authenticateServiceUrl": "https://authenticate.example.com"}
    if environment is not None:
        config["azuread:environment"] = environment
    return yaml.safe_dump({"config": config})


def runner(tmp_path: Path, environment: str | None, stack: str = "dev") -> Runner:
    r = Runner(
        tmp_path,
        {
            "stack": stack,
            "client-id": "11111111-1111-1111-1111-111111111111",
            "tenant-id": "22222222-2222-2222-2222-222222222222",
        },
    )
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(stack_file(environment))
    pipeline(tmp_path, "clusters:\n  dev: {resourceGroup: rg-dev, name: aks-dev}\n")
    return r


def pipeline(root: Path, body: str) -> None:
    (root / ".github").mkdir(exist_ok=True)
    (root / ".github" / "pipeline.yml").write_text("promotion: [dev]\n" + body)


# --- A: one mapping, from the stack file ------------------------------------------------


def test_the_expected_spellings_are_the_tools_own() -> None:
    # The literals above against the tools' accepted values (guards the table itself).
    for value, expected in EXPECTED.items():
        assert value is None or value in AZUREAD_ENVIRONMENTS
        assert expected["azure-login-environment"].lower() in AZURE_LOGIN_ENVIRONMENTS
        assert expected["arm-environment"] in AZUREAD_ENVIRONMENTS
        assert expected["authority-host"].endswith("/"), "kubelogin wants the trailing slash"


@needs_yq
@pytest.mark.parametrize("environment", PROJECT_VALUES, ids=lambda v: v or "absent")
def test_every_cloud_the_project_accepts_maps_to_each_tools_spelling(
    tmp_path: Path, environment: str | None
) -> None:
    r = runner(tmp_path, environment)
    result = r.run(step_by_id("cloud"))
    assert result.returncode == 0, result.stdout + result.stderr
    expected = EXPECTED[environment]
    assert r.github_output == expected
    # Exported for the azuread provider (ARM_ENVIRONMENT), the Blob backend (gocloud.dev's
    # AZURE_STORAGE_DOMAIN) and Azure SDK credentials (AZURE_AUTHORITY_HOST), nothing else.
    assert r.github_env == {
        "ARM_ENVIRONMENT": expected["arm-environment"],
        "AZURE_STORAGE_DOMAIN": expected["storage-domain"],
        "AZURE_AUTHORITY_HOST": expected["authority-host"],
    }


@needs_yq
@pytest.mark.parametrize(
    "environment",
    ["germany", "USGovernment", "usgov", "china\nEVIL=1", "AzureCloud", " china"],
    ids=["germany", "case", "unknown", "newline", "cli-name", "space"],
)
def test_a_cloud_outside_the_allow_list_stops_the_job_and_writes_nothing(
    tmp_path: Path, environment: str
) -> None:
    r = runner(tmp_path, environment)
    result = r.run(step_by_id("cloud"))
    assert result.returncode != 0
    assert "::error" in result.stdout and "azuread:environment" in result.stdout
    assert "EVIL" not in result.stdout, "the untrusted value is never echoed"
    assert r.github_env == {} and r.github_output == {}


@needs_yq
@pytest.mark.parametrize("stack", ["staging", "../dev", "dev x"])
def test_a_missing_or_odd_stack_file_stops_the_job(tmp_path: Path, stack: str) -> None:
    r = runner(tmp_path, "china", stack=stack)
    result = r.run(step_by_id("cloud"))
    assert result.returncode != 0 and "::error" in result.stdout
    assert r.github_env == {} and r.github_output == {}


@needs_yq
def test_the_repositorys_own_stacks_resolve(tmp_path: Path) -> None:
    stacks = sorted(
        p.name.removeprefix("Pulumi.").removesuffix(".yaml")
        for p in (ROOT / "stacks").glob("Pulumi.*.yaml")
    )
    assert stacks
    for stack in stacks:
        run_dir = tmp_path / stack
        run_dir.mkdir()
        r = Runner(run_dir, {"stack": stack})
        shutil.copy(ROOT / "stacks" / f"Pulumi.{stack}.yaml", run_dir / "stacks")
        result = r.run(step_by_id("cloud"))
        assert result.returncode == 0, result.stdout + result.stderr
        value = (yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())) or {}
        assert r.github_output == EXPECTED[(value.get("config") or {}).get("azuread:environment")]


def test_azure_login_gets_its_environment_from_the_mapping() -> None:
    steps = sign_in_steps()
    login = step_using("azure/login@")
    assert login["with"]["environment"] == "${{ steps.cloud.outputs.azure-login-environment }}"
    # The mapping runs first; azure/login's `az cloud set` switches the CLI before
    # `az aks get-credentials`.
    assert steps.index(step_by_id("cloud")) < steps.index(login)
    assert steps.index(login) < steps.index(step_running("az aks get-credentials"))


def test_the_cloud_is_spelled_out_in_one_place_only() -> None:
    cloud_run = step_by_id("cloud")["run"]
    for literal in CLOUD_LITERALS:
        assert literal in cloud_run, literal
    others = [s for s in sign_in_steps() if s.get("id") != "cloud"]
    texts = [("action.yml", yaml.safe_dump(others))]
    texts += [(p.name, yaml.safe_dump(load(p))) for p in sorted(WORKFLOWS.glob("*.yml"))]
    for name, body in texts:
        for literal in [*CLOUD_LITERALS, "ARM_ENVIRONMENT", "AZURE_STORAGE_DOMAIN"]:
            assert literal not in body, f"{name} spells out {literal} outside the mapping"
        assert "az cloud set" not in body, f"{name}: azure/login sets the CLI's cloud"


def test_the_mapping_writes_only_literals_to_github_env() -> None:
    # zizmor's concern: GITHUB_ENV lines built from outside text. The mapping step writes
    # only variables assigned from its case arms, after an allow-list match.
    run = step_by_id("cloud")["run"]
    env_block = run.split('>> "$GITHUB_OUTPUT"')[1]
    written = re.findall(r'echo "([A-Z_]+)=\$(\w+)"', env_block)
    assert {name for name, _ in written} == {
        "ARM_ENVIRONMENT",
        "AZURE_AUTHORITY_HOST",
        "AZURE_STORAGE_DOMAIN",
    }
    assigned = set(re.findall(r"\b(\w+)=(?:https://|[A-Za-z])", run.split("case ")[1]))
    assert {var for _, var in written} <= assigned
    assert "$environment" not in env_block


# --- B: tokens for the whole run --------------------------------------------------------


def test_the_cluster_is_reached_with_a_fresh_github_token_each_time() -> None:
    step = step_running("kubelogin convert-kubeconfig")
    run = step["run"]
    command = run[run.index("kubelogin convert-kubeconfig") :]
    assert "--login workloadidentity" in command
    # Identity and cloud in the kubeconfig itself, no token file: kubelogin then asks
    # GitHub (ACTIONS_ID_TOKEN_REQUEST_*) for a new assertion each time.
    for flag, variable in [
        ("--client-id", "CLIENT_ID"),
        ("--tenant-id", "TENANT_ID"),
        ("--authority-host", "AUTHORITY_HOST"),
    ]:
        assert f'{flag} "${variable}"' in command
    assert step["env"]["AUTHORITY_HOST"] == "${{ steps.cloud.outputs.authority-host }}"
    assert step["env"]["CLIENT_ID"] == "${{ inputs.client-id }}"
    assert "federated-token-file" not in run
    for path in [SIGN_IN, *sorted(WORKFLOWS.glob("*.yml"))]:
        body = path.read_text()
        assert "azurecli" not in body.replace("`--login azurecli`", ""), path.name
        assert "AZURE_FEDERATED_TOKEN_FILE" not in yaml.safe_dump(load(path)), path.name


def test_kubelogin_is_pinned_to_a_version_with_github_oidc() -> None:
    version = step_using("azure/use-kubelogin@")["with"]["kubelogin-version"]
    match = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)", version)
    assert match, version
    # 0.2.0: workloadidentity prefers GitHub's token request over any token file.
    assert tuple(int(n) for n in match.groups()) >= (0, 2, 0)


def test_the_state_and_key_vault_tokens_are_fetched_right_after_sign_in() -> None:
    steps = sign_in_steps()
    login = step_using("azure/login@")
    prefetch = steps[steps.index(login) + 1]
    assert "az account get-access-token" in prefetch["run"]
    assert STORAGE_SCOPE in prefetch["run"]
    assert prefetch["env"] == {
        "KEY_VAULT_RESOURCE": "${{ steps.cloud.outputs.key-vault-resource }}"
    }
    assert '"$KEY_VAULT_RESOURCE/.default"' in prefetch["run"]
    assert "if" not in prefetch, "always, whatever the backend"


@needs_yq
@pytest.mark.parametrize("environment", PROJECT_VALUES, ids=lambda v: v or "absent")
def test_each_cloud_fetches_its_own_tokens_and_kubeconfig(
    tmp_path: Path, environment: str | None
) -> None:
    if shutil.which("jq") is None:
        pytest.skip("jq (on GitHub's runners) is absent")
    r = runner(tmp_path, environment)
    assert r.run(step_by_id("cloud")).returncode == 0
    steps = sign_in_steps()
    prefetch = steps[steps.index(step_using("azure/login@")) + 1]
    result = r.run(prefetch)
    assert result.returncode == 0, result.stdout + result.stderr
    vault = EXPECTED[environment]["key-vault-resource"]
    assert r.recorded() == [
        f"az account get-access-token --scope {STORAGE_SCOPE} --query expiresOn --output tsv",
        f"az account get-access-token --scope {vault}/.default --query expiresOn --output tsv",
    ]
    assert "eyJ" not in result.stdout
    assert r.run(step_by_id("cluster")).returncode == 0
    result = r.run(step_running("kubelogin convert-kubeconfig"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert r.github_env == {}, "KUBECONFIG is exported by a step of its own"
    kubeconfig = f"{tmp_path}/kubeconfig"
    assert r.recorded() == [
        "az aks get-credentials --resource-group rg-dev --name aks-dev"
        f" --file {kubeconfig} --overwrite-existing",
        f"kubelogin convert-kubeconfig --login workloadidentity --kubeconfig {kubeconfig}"
        " --client-id 11111111-1111-1111-1111-111111111111"
        " --tenant-id 22222222-2222-2222-2222-222222222222"
        f" --authority-host {EXPECTED[environment]['authority-host']}",
    ]
    assert r.run(step_running("KUBECONFIG=")).returncode == 0
    assert r.github_env == {"KUBECONFIG": kubeconfig}


# --- C: the stack's cluster, from .github/pipeline.yml in the checkout -------------------


CLUSTER_STEPS = [
    "Install kubelogin",
    "Kubeconfig for the stack's AKS clusters (Entra ID sign-in)",
]


def test_the_cluster_steps_run_only_for_a_stack_with_a_cluster() -> None:
    steps = sign_in_steps()
    cluster = step_by_id("cluster")
    login = step_using("azure/login@")
    assert steps.index(step_by_id("cloud")) < steps.index(cluster) < steps.index(login)
    gated = [s for s in steps if s.get("if") == "steps.cluster.outputs.clusters != ''"]
    assert [s["name"] for s in gated][:2] == CLUSTER_STEPS
    assert any("KUBECONFIG=" in s.get("run", "") for s in gated)
    kubeconfig = step_running("az aks get-credentials")
    assert kubeconfig["env"]["CLUSTERS"] == "${{ steps.cluster.outputs.clusters }}"
    assert "inputs.aks-clusters" not in yaml.safe_dump(steps), "one place: .github/pipeline.yml"


@needs_yq
def test_the_cluster_comes_from_the_checked_out_pipeline_file(tmp_path: Path) -> None:
    r = runner(tmp_path, None)
    result = r.run(step_by_id("cluster"))
    assert result.returncode == 0, result.stdout + result.stderr
    # The one-cluster form: no context of its own (az names it after the cluster).
    assert r.github_output == {"clusters": "rg-dev,aks-dev,"}
    assert r.github_env == {}


TWO_CLUSTERS = """\
clusters:
  dev:
    - {resourceGroup: rg-east, name: aks-east, context: aks-dev-east}
    - {resourceGroup: rg-west, name: aks-west, context: aks-dev-west}
"""


@needs_yq
def test_several_clusters_go_into_one_kubeconfig_each_under_its_context(tmp_path: Path) -> None:
    r = runner(tmp_path, None)
    pipeline(tmp_path, TWO_CLUSTERS)
    assert r.run(step_by_id("cloud")).returncode == 0
    result = r.run(step_by_id("cluster"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert r.github_output == {
        "clusters": "rg-east,aks-east,aks-dev-east rg-west,aks-west,aks-dev-west"
    }
    assert "kubeconfig context aks-dev-west" in result.stdout
    result = r.run(step_running("kubelogin convert-kubeconfig"))
    assert result.returncode == 0, result.stdout + result.stderr
    kubeconfig = f"{tmp_path}/kubeconfig"
    assert r.recorded() == [
        "az aks get-credentials --resource-group rg-east --name aks-east --context aks-dev-east"
        f" --file {kubeconfig} --overwrite-existing",
        "az aks get-credentials --resource-group rg-west --name aks-west --context aks-dev-west"
        f" --file {kubeconfig} --overwrite-existing",
        # Once, after both: without --context kubelogin converts every context of the file.
        f"kubelogin convert-kubeconfig --login workloadidentity --kubeconfig {kubeconfig}"
        " --client-id 11111111-1111-1111-1111-111111111111"
        " --tenant-id 22222222-2222-2222-2222-222222222222"
        f" --authority-host {PUBLIC['authority-host']}",
    ]
    assert r.run(step_running("KUBECONFIG=")).returncode == 0
    assert r.github_env == {"KUBECONFIG": kubeconfig}


@needs_yq
@pytest.mark.parametrize(
    "body", ["clusters: {}\n", "", "clusters:\n"], ids=["empty", "absent", "null"]
)
def test_no_clusters_means_no_cluster_sign_in(tmp_path: Path, body: str) -> None:
    r = runner(tmp_path, None)
    pipeline(tmp_path, body)
    result = r.run(step_by_id("cluster"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert r.github_output == {} and r.github_env == {}


@needs_yq
@pytest.mark.parametrize(
    "body",
    [
        "clusters:\n  dev: {resourceGroup: rg-dev}\n",
        "clusters:\n  dev: {resourceGroup: 'rg dev$(id)', name: aks-dev}\n",
        'clusters:\n  dev: {resourceGroup: rg-dev, name: "aks-dev\\nEVIL=1"}\n',
        "clusters:\n  dev: {resourceGroup: rg-dev, name: -aks}\n",
        "clusters:\n  dev: {resourceGroup: rg-dev, name: aks-dev, context: ctx}\n",
        "clusters:\n  dev: []\n",
        "clusters:\n  dev:\n    - {resourceGroup: rg-dev, name: aks-dev}\n",
        "clusters:\n  dev:\n    - {resourceGroup: rg-dev, name: aks-dev, context: 'a b$(id)'}\n",
        "clusters:\n  dev:\n    - {resourceGroup: rg-dev, name: aks-dev, context: -ctx}\n",
        'clusters:\n  dev:\n    - {resourceGroup: rg, name: aks, context: "c\\nEVIL=1"}\n',
        "clusters:\n  dev:\n    - [rg-dev, aks-dev, ctx]\n",
        "clusters:\n  dev: aks-dev\n",
    ],
    ids=[
        "no-name",
        "shell",
        "newline",
        "leading-dash",
        "context-in-one-cluster-form",
        "empty-list",
        "list-without-context",
        "context-shell",
        "context-leading-dash",
        "context-newline",
        "list-of-lists",
        "string",
    ],
)
def test_a_missing_or_odd_cluster_stops_the_job(tmp_path: Path, body: str) -> None:
    r = runner(tmp_path, None)
    pipeline(tmp_path, body)
    result = r.run(step_by_id("cluster"))
    assert result.returncode != 0
    assert "::error title=.github/pipeline.yml::clusters.dev" in result.stdout
    assert "EVIL" not in result.stdout and "$(id)" not in result.stdout, "values are not echoed"
    assert r.github_output == {}


@needs_yq
def test_a_stack_without_a_cluster_gets_none_and_a_warning(tmp_path: Path) -> None:
    # A stack file added without a cluster entry: no AKS sign-in, and the run says so.
    r = runner(tmp_path, None)
    pipeline(tmp_path, "clusters:\n  staging: {resourceGroup: rg-staging, name: aks-staging}\n")
    result = r.run(step_by_id("cluster"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "::warning title=.github/pipeline.yml::no clusters.dev" in result.stdout
    assert r.github_output == {} and r.github_env == {}


@needs_yq
def test_a_checkout_without_the_pipeline_file_stops_the_job(tmp_path: Path) -> None:
    # A rotation of a stack last deployed before .github/pipeline.yml existed.
    r = runner(tmp_path, None)
    (tmp_path / ".github" / "pipeline.yml").unlink()
    result = r.run(step_by_id("cluster"))
    assert result.returncode != 0 and "::error title=.github/pipeline.yml::" in result.stdout
    assert r.github_output == {}


@needs_yq
def test_the_repositorys_own_clusters_resolve(tmp_path: Path) -> None:
    config = yaml.safe_load((ROOT / ".github" / "pipeline.yml").read_text())
    clusters = config.get("clusters") or {}
    for stack in sorted(p.name.split(".")[1] for p in (ROOT / "stacks").glob("Pulumi.*.yaml")):
        run_dir = tmp_path / stack
        run_dir.mkdir()
        r = Runner(run_dir, {"stack": stack})
        (run_dir / ".github").mkdir()
        shutil.copy(ROOT / ".github" / "pipeline.yml", run_dir / ".github")
        result = r.run(step_by_id("cluster"))
        assert result.returncode == 0, result.stdout + result.stderr
        expected = clusters.get(stack)
        if not expected:
            assert r.github_output == {}
            continue
        entries = expected if isinstance(expected, list) else [{**expected, "context": ""}]
        assert r.github_output == {
            "clusters": " ".join(
                f"{c['resourceGroup']},{c['name']},{c['context']}" for c in entries
            )
        }
    # The example values show both forms: one cluster, and several with their contexts.
    assert any(isinstance(c, list) and len(c) > 1 for c in clusters.values())
    assert any(isinstance(c, dict) for c in clusters.values())


# --- D: a self-hosted runner's jq-based yq reads the files alike -------------------------


@pytest.fixture(scope="session")
def both_yqs(runner_yq_folder: Path, path_yq: str | None) -> tuple[Path, Path]:
    """The runner's yq and the jq-based one (kislyuk/yq: Debian's and Ubuntu's `yq` package,
    pip's `yq`), which a self-hosted runner may have instead."""
    runner_yq = runner_yq_folder / "yq"
    if yq_flavour(str(runner_yq)) != "mikefarah":
        pytest.skip("the runner's yq (mikefarah/yq) is not here: install Go to build it")
    if path_yq is None or yq_flavour(path_yq) != "jq-based":
        pytest.skip("no jq-based yq on PATH (Debian's and Ubuntu's yq package, pip's yq)")
    return runner_yq, Path(path_yq)


Outcome = tuple[int, str, dict[str, str], dict[str, str]]


def with_each_yq(
    yqs: tuple[Path, Path], tmp_path: Path, body: str, step: str, environment: str | None = None
) -> list[Outcome]:
    """The step's outcome with each yq first on PATH, on the same files."""
    outcomes = []
    for number, yq in enumerate(yqs):
        (tmp_path / str(number)).mkdir()
        r = runner(tmp_path / str(number), environment)
        pipeline(r.tmp, body)
        (r.bin / "yq").symlink_to(yq)
        result = r.run(step_by_id(step))
        outcomes.append((result.returncode, result.stdout, r.github_output, r.github_env))
    return outcomes


@pytest.mark.parametrize("environment", [None, "china", "germany"], ids=lambda v: v or "absent")
def test_a_jq_based_yq_reads_the_stack_files_cloud_alike(
    both_yqs: tuple[Path, Path], tmp_path: Path, environment: str | None
) -> None:
    on_runner, jq_based = with_each_yq(both_yqs, tmp_path, "", "cloud", environment)
    assert on_runner[0] == (1 if environment == "germany" else 0)
    assert jq_based == on_runner


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("clusters:\n  dev: {resourceGroup: rg-dev, name: aks-dev}\n", 0),
        (TWO_CLUSTERS, 0),
        ("clusters:\n  staging: {resourceGroup: rg-staging, name: aks-staging}\n", 0),
        ("clusters: {}\n", 0),
        ("clusters:\n  dev: aks-dev\n", 1),
        ("clusters:\n  dev:\n    - [rg-dev, aks-dev, ctx]\n", 1),
    ],
    ids=["one", "list", "other-stacks-only", "none", "string", "list-of-lists"],
)
def test_a_jq_based_yq_reads_the_clusters_alike(
    both_yqs: tuple[Path, Path], tmp_path: Path, body: str, status: int
) -> None:
    # `type` is map/seq/null in mikefarah/yq and object/array/null in the jq-based yq; the
    # step accepts both spellings, and `//`, `length` and the paths mean the same in both.
    on_runner, jq_based = with_each_yq(both_yqs, tmp_path, body, "cluster")
    assert on_runner[0] == status
    assert jq_based == on_runner


def test_every_job_that_runs_pulumi_after_sign_in_can_get_tokens_on_demand() -> None:
    # kubelogin (workloadidentity) and the azuread provider (ARM_USE_OIDC) request GitHub
    # tokens while Pulumi runs, so the job keeps `id-token: write`, and nothing in the job
    # points them at a token file or another login method.
    found = 0
    for name, job_name, job in jobs():
        steps = job.get("steps", [])
        sign_ins = [i for i, s in enumerate(steps) if s.get("uses") == SIGN_IN_REF]
        pulumi = [
            i
            for i, s in enumerate(steps)
            if str(s.get("uses", "")).startswith("pulumi/actions@")
            or re.search(r"(^|\s)pulumi ", s.get("run", ""))
        ]
        if not pulumi:
            continue
        found += 1
        assert len(sign_ins) == 1, f"{name}:{job_name} runs pulumi without the sign-in"
        assert sign_ins[0] < min(pulumi), f"{name}:{job_name} runs pulumi before signing in"
        assert job["permissions"].get("id-token") == "write", f"{name}:{job_name}"
        job_env = yaml.safe_dump([job.get("env", {}), *[s.get("env", {}) for s in steps]])
        for variable in (
            "ACTIONS_ID_TOKEN_REQUEST",
            "AZURE_FEDERATED_TOKEN_FILE",
            "AAD_LOGIN_METHOD",
            "KUBECONFIG",
            "ARM_USE_OIDC",
        ):
            assert variable not in job_env, f"{name}:{job_name} overrides {variable}"
    assert found >= 3  # preview, deploy, rotation
    assert "ARM_USE_OIDC=true" in step_running("ARM_USE_OIDC")["run"]


SHELLCHECK = Path(shutil.which("shellcheck") or Path(sys.executable).parent / "shellcheck")


@pytest.mark.skipif(not SHELLCHECK.exists(), reason="shellcheck (actionlint's) is absent")
def test_the_actions_shell_steps_pass_shellcheck() -> None:
    # actionlint runs shellcheck on workflows' `run:` only, not on a composite action's.
    for step in sign_in_steps():
        if "run" not in step:
            continue
        result = subprocess.run(
            [str(SHELLCHECK), "--shell=bash", "-"],
            input=step["run"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{step['name']}: {result.stdout}"
