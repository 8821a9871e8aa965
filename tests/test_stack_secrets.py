"""Credentials and typos in stack files: a plaintext credential is refused and never shown,
an encrypted (`secure:`) one is accepted and reported as encrypted; a mistyped key is an
error in the program (at `pulumi up`) and so in the plan, with the key it most likely meant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components.settings import PROJECT
from tests.test_plan import VALID, plan, plan_json, project
from tools import cli_config, offline, stack_secrets

PLANTED = "pl4nted~Secr3t-value"
CIPHERTEXT = "v1:Wq9Ldqk3Ij0=:v1:iE8sT8Uyf7lcz1+1:c2VjcmV0IHRleHQ="


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", offline.stack_names())
def test_stack_files_hold_no_plaintext_credentials(stack: str) -> None:
    values = cli_config.read_stack_config(offline.stack_file(stack))
    assert stack_secrets.review(values).problems == []


# The azuread provider's config variables its schema marks "secret": true (pulumi-azuread
# provider/cmd/pulumi-resource-azuread/schema.json).
SCHEMA_SECRET_KEYS = [
    "azuread:clientCertificatePassword",
    "azuread:clientId",
    "azuread:clientSecret",
]


@pytest.mark.parametrize("key", [*SCHEMA_SECRET_KEYS, "azuread:oidcToken"])
def test_a_plaintext_credential_is_refused_without_its_value(key: str) -> None:
    review = stack_secrets.review({key: PLANTED, "azuread:tenantId": "t"})
    [problem] = review.problems
    assert problem.startswith(f"{key} holds a plaintext value (not shown), and ")
    assert f"`pulumi config set --secret {key}`" in problem
    assert PLANTED not in problem and review.encrypted == []


def test_encrypted_values_are_accepted_and_named() -> None:
    review = stack_secrets.review(
        {"azuread:clientSecret": {"secure": CIPHERTEXT}, "kubernetes:kubeconfig": "/k/config"}
    )
    assert review.problems == [] and review.encrypted == ["azuread:clientSecret"]


@pytest.mark.parametrize(
    ("value", "refused"),
    [("~/.kube/config", False), ("apiVersion: v1\nkind: Config\n", True), ({"a": 1}, True)],
)
def test_a_kubeconfig_may_be_a_path_not_its_contents(value: Any, refused: bool) -> None:
    problems = stack_secrets.review({"kubernetes:kubeconfig": value}).problems
    assert bool(problems) == refused
    assert all("apiVersion" not in p for p in problems)


# --- the plan, as a user runs it ---------------------------------------------------


def test_the_plan_refuses_a_plaintext_client_secret_and_never_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {"team": {**VALID, "azuread:clientSecret": PLANTED}})
    code, out, err = plan(capsys, "--project-dir", str(root))
    assert code == 1 and PLANTED not in out + err
    assert "Stack team: INVALID" in out
    assert "azuread:clientSecret holds a plaintext value (not shown)" in out


def test_the_plan_accepts_an_encrypted_client_secret_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {"team": {**VALID, "azuread:clientSecret": {"secure": CIPHERTEXT}}})
    code, out, _ = plan(capsys, "--project-dir", str(root))
    assert code == 0 and CIPHERTEXT not in out
    assert "  encrypted (a deploy decrypts them): azuread:clientSecret\n" in out
    code, document = plan_json(capsys, "--project-dir", str(root))
    assert code == 0 and document["stacks"][0]["encrypted"] == ["azuread:clientSecret"]


def test_a_pasted_credential_in_the_projects_namespace_is_refused_unseen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {"team": {**VALID, "clientSecret": PLANTED}})
    code, out, err = plan(capsys, "--project-dir", str(root))
    assert code == 1 and PLANTED not in out + err
    assert (
        f"  - {PROJECT}:clientSecret: not a setting of this project (value not shown); this "
        "project reads no credential: remove it, and give the azuread provider its own "
        "(`pulumi config set --secret azuread:clientSecret`, or OpenID Connect)\n"
    ) in out


def test_an_encrypted_setting_of_the_project_is_refused_by_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {"team": {**VALID, "displayName": {"secure": CIPHERTEXT}}})
    code, out, _ = plan(capsys, "--project-dir", str(root))
    assert code == 1 and CIPHERTEXT not in out
    assert f"{PROJECT}:displayName is encrypted (secure:), but no setting of this project" in out


def test_a_mistyped_namespace_is_named_with_the_right_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = {f"pomerium-azure-add:{k}": v for k, v in VALID.items()}
    root = project(tmp_path, {"team": typo})
    code, out, _ = plan(capsys, "--project-dir", str(root))
    assert code == 1
    assert (
        "  - pomerium-azure-add:authenticateServiceUrl: pomerium-azure-add is not this "
        "project's namespace (value not shown); did you mean "
        f"{PROJECT}:authenticateServiceUrl?\n"
    ) in out


@pytest.mark.parametrize("text", ["", "# only a comment\n", "encryptionsalt: v1:abc\n"])
def test_an_empty_stack_file_gets_a_plain_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    root = project(tmp_path, {})
    (root / "stacks" / "Pulumi.team.yaml").write_text(text)
    code, out, _ = plan(capsys, "--project-dir", str(root))
    assert code == 1
    assert (
        "Pulumi.team.yaml: 1 problem(s):\n    - sets no config (the file is empty, or has no "
        f"`config:` mapping): a stack needs at least {PROJECT}:authenticateServiceUrl, or "
        f"{PROJECT}:clusters (README, Configuration)\n"
    ) in out
    assert "got ''" not in out


# --- the program, at `pulumi up` -----------------------------------------------------


def test_the_program_refuses_a_typo_it_reads_from_the_language_hosts_config(
    tmp_path: Path, now: Any
) -> None:
    root = project(tmp_path, {"team": VALID})
    # `pulumi up` hands the program the whole config map as JSON in PULUMI_CONFIG.
    engine_config = {f"{PROJECT}:clientSecretRotationDay": "30"}
    with pytest.raises(pulumi.RunError) as caught:
        offline.run_program(
            "team",
            now=now,
            project_dir=root,
            environment={"PULUMI_CONFIG": json.dumps(engine_config)},
        )
    message = str(caught.value)
    assert message.startswith('Invalid configuration for stack "team" (1 problem)')
    assert message.endswith(
        f"  - {PROJECT}:clientSecretRotationDay: not a setting of this project (value not "
        f"shown); did you mean {PROJECT}:clientSecretRotationDays?"
    )
    assert "30" not in message.splitlines()[1]


def test_the_program_names_every_wrong_key_once(tmp_path: Path, now: Any) -> None:
    root = project(tmp_path, {"team": {**VALID, "protect": True, "protec": True, "owner": []}})
    with pytest.raises(pulumi.RunError) as caught:
        offline.run_program("team", now=now, project_dir=root)
    lines = str(caught.value).splitlines()
    assert lines[0] == 'Invalid configuration for stack "team" (2 problems); nothing was deployed:'
    assert lines[1:] == [
        f"  - {PROJECT}:owner: not a setting of this project (value not shown); did you mean "
        f"{PROJECT}:owners?",
        f"  - {PROJECT}:protec: not a setting of this project (value not shown); did you mean "
        f"{PROJECT}:protect?",
    ]


def test_a_plaintext_secret_and_a_typo_are_reported_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = {**VALID, "azuread:clientSecret": PLANTED, "clientSecretRotationDay": 30}
    root = project(tmp_path, {"team": stack})
    code, document = plan_json(capsys, "--project-dir", str(root))
    assert code == 1 and PLANTED not in json.dumps(document)
    messages = [p.get("message") or p["key"] for p in document["stacks"][0]["problems"]]
    assert messages == [
        "azuread:clientSecret holds a plaintext value (not shown), and the azuread provider's "
        "schema marks it secret: remove it, and set it with `pulumi config set --secret "
        "azuread:clientSecret` (or leave it to the provider's environment variables or "
        "OpenID Connect)",
        f"{PROJECT}:clientSecretRotationDay",
    ]


def test_at_pulumi_up_a_stack_that_sets_nothing_is_told_what_to_set(now: Any) -> None:
    # An empty stack file reaches the program as Pulumi.yaml's defaults only.
    with pytest.raises(pulumi.RunError) as caught:
        offline.run_program("team", now=now, overrides={}, read_stack_file=False)
    assert str(caught.value).splitlines()[1:] == [
        f"  - {PROJECT}:authenticateServiceUrl: not set, nor {PROJECT}:clusters: set it to "
        "Pomerium's authenticate URL (e.g. https://authenticate.example.com), or list clusters "
        "(is the stack's file empty, or its namespace mistyped?)"
    ]
