"""The GitHub Actions workflows: valid against GitHub's schema (check-jsonschema's
vendored copy, offline) and with the properties the pipeline promises."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tools import offline

ROOT = offline.PROJECT_DIR
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONS = ROOT / ".github" / "actions"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
STACKS = offline.stack_names()
# The one environment whose protection rules (required reviewers) gate pushes; the
# README tells users to set them.
DEPLOY_IDENTITY = "vars.AZURE_CLIENT_ID"
PREVIEW_IDENTITY = "vars.AZURE_PREVIEW_CLIENT_ID"
# Stored secrets a job may read: Pulumi's, never an Azure credential.
ALLOWED_SECRETS = {"PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"}

WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
ACTION_FILES = sorted(ACTIONS.glob("*/action.yml"))


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def workflow(name: str) -> dict[str, Any]:
    return load(WORKFLOWS / name)


def triggers(wf: dict[str, Any]) -> dict[str, Any]:
    on = wf["on"]
    return {on: None} if isinstance(on, str) else dict(on)


def expression(name: str) -> str:
    return "${{ " + name + " }}"


def text(value: Any) -> str:
    return yaml.safe_dump(value)


def local(ref: str) -> Path | None:
    """The file a same-repository `uses:` names (`./...`)."""
    return ROOT / ref.removeprefix("./") if ref.startswith("./") else None


# The list of stacks every matrix runs: stacks.yml's output (tests/test_workflow_stacks.py).
STACK_MATRIX = "${{ fromJSON(needs.stacks.outputs.stacks) }}"
STACKS_WORKFLOW = "./.github/workflows/stacks.yml"
SIGN_IN = "./.github/actions/azure-sign-in"


def assert_lists_the_stacks(wf: dict[str, Any], job: dict[str, Any]) -> None:
    """The job's matrix is every stack file, found by the workflow's `stacks` job."""
    stacks_job = wf["jobs"]["stacks"]
    assert stacks_job["uses"] == STACKS_WORKFLOW
    assert stacks_job["permissions"] == {"contents": "read"}
    needs = job["needs"] if isinstance(job["needs"], list) else [job["needs"]]
    assert "stacks" in needs
    assert job["strategy"]["matrix"] == {"stack": STACK_MATRIX}


def test_the_workflows_and_actions_exist() -> None:
    names = {p.name for p in WORKFLOW_FILES}
    assert {"checks.yml", "test.yml", "deploy.yml", "deploy-stack.yml", "rotate.yml"} <= names
    assert [p.parent.name for p in ACTION_FILES] == ["azure-sign-in"]


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_workflow_validates_against_githubs_schema(path: Path) -> None:
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", ACTION_FILES, ids=lambda p: p.parent.name)
def test_action_validates_against_githubs_schema(path: Path) -> None:
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-actions", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    # The validation above can fail: a job without runs-on or uses is refused.
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    steps:\n      - run: true\n")
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_permissions_are_set_per_job(path: Path) -> None:
    wf = load(path)
    assert wf["permissions"] == {}, "the workflow grants nothing by default"
    for name, job in wf["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} sets no permissions"
        if "id-token" in job["permissions"]:
            assert job["permissions"]["id-token"] == "write"


def uses_steps(job: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith(prefix)]


def test_every_pull_request_runs_lint_tests_and_the_offline_plan_without_identity() -> None:
    checks = workflow("checks.yml")
    assert triggers(checks) == {"pull_request": None}, "every PR, forks included, no filter"
    assert checks["jobs"]["test"]["uses"] == "./.github/workflows/test.yml"
    assert checks["jobs"]["test"]["permissions"] == {"contents": "read"}
    test_job = workflow("test.yml")["jobs"]["test"]
    runs = [s.get("run") for s in test_job["steps"]]
    assert "./scripts/test" in runs
    assert "uv run pomerium-azure-ad plan" in runs
    assert test_job["permissions"] == {"contents": "read"}
    assert "secrets." not in text(test_job) and "vars." not in text(test_job)


def test_same_repository_pull_requests_preview_every_stack_read_only() -> None:
    checks = workflow("checks.yml")
    preview = checks["jobs"]["preview"]
    assert_lists_the_stacks(checks, preview)
    assert "test" in preview["needs"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in preview["if"]
    [sign_in] = uses_steps(preview, SIGN_IN)
    assert sign_in["with"]["client-id"] == expression(PREVIEW_IDENTITY)
    [pulumi] = uses_steps(preview, "pulumi/actions@")
    assert pulumi["with"]["command"] == "preview"
    assert pulumi["with"]["comment-on-pr"] is True
    assert "matrix.stack" in pulumi["with"]["stack-name"]
    assert preview["permissions"] == {
        "contents": "read",
        "id-token": "write",
        "pull-requests": "write",
    }
    assert "environment" not in preview


def test_fork_pull_requests_get_no_deploy_identity() -> None:
    for path in WORKFLOW_FILES:
        wf = load(path)
        on = triggers(wf)
        assert "pull_request_target" not in on, f"{path.name}: PR code with the base's secrets"
        if "pull_request" not in on:
            continue
        for name, job in wf["jobs"].items():
            body = text(job)
            assert DEPLOY_IDENTITY not in body, f"{path.name}:{name} has the deploy identity"
            assert "environment" not in job
            if job.get("permissions", {}).get("id-token") == "write":
                assert "head.repo.full_name == github.repository" in job["if"]
            if "uses" in job:  # a called workflow must not sign in either
                called_path = local(job["uses"])
                assert called_path is not None, job["uses"]
                assert "id-token" not in text(load(called_path))


def test_main_deploys_every_stack_one_at_a_time_in_promotion_order() -> None:
    deploy = workflow("deploy.yml")
    on = triggers(deploy)
    assert on["push"] == {"branches": ["main"]}
    assert deploy["jobs"]["test"]["uses"] == "./.github/workflows/test.yml"
    job = deploy["jobs"]["deploy"]
    assert job["uses"] == "./.github/workflows/deploy-stack.yml"
    assert job["with"] == {"stack": "${{ matrix.stack }}"}
    assert_lists_the_stacks(deploy, job)
    assert sorted(job["needs"]) == ["stacks", "test"], "nothing deploys before the tests pass"
    # GitHub starts matrix jobs in the order of the list, which stacks.yml gives in promotion
    # order; one at a time, and the first failure cancels the stacks queued behind it.
    assert job["strategy"]["max-parallel"] == 1
    assert job["strategy"]["fail-fast"] is True
    assert job["permissions"] == {"contents": "read", "id-token": "write"}
    deployers = [
        name
        for name, j in deploy["jobs"].items()
        if str(j.get("uses", "")).endswith("deploy-stack.yml")
    ]
    assert deployers == ["deploy"], "one matrix job deploys every stack"


def called_secrets(path: Path) -> dict[str, Any]:
    declared: dict[str, Any] = (triggers(load(path))["workflow_call"] or {}).get("secrets") or {}
    return declared


def test_called_workflows_get_only_the_secrets_they_declare() -> None:
    # zizmor's secrets-inherit: a called workflow sees what it names, never every secret.
    calls = 0
    for path in WORKFLOW_FILES:
        for name, job in load(path)["jobs"].items():
            if "uses" not in job:
                continue
            calls += 1
            assert job.get("secrets") != "inherit", f"{path.name}:{name}"
            passed = job.get("secrets") or {}
            called_path = local(job["uses"])
            assert called_path is not None
            declared = called_secrets(called_path)
            assert set(passed) <= set(declared), f"{path.name}:{name} passes undeclared secrets"
            required = {k for k, v in declared.items() if (v or {}).get("required")}
            assert required <= set(passed), f"{path.name}:{name} misses required secrets"
            for key, value in passed.items():
                assert value == expression(f"secrets.{key}"), f"{path.name}:{name}: {key}"
    assert calls >= 6  # test twice, stacks three times, deploy-stack
    # deploy-stack.yml receives exactly the secrets its job reads.
    reusable = ROOT / ".github/workflows/deploy-stack.yml"
    assert set(called_secrets(reusable)) == ALLOWED_SECRETS
    used = set(re.findall(r"secrets\.([A-Za-z0-9_]+)", reusable.read_text()))
    assert used == ALLOWED_SECRETS


def test_each_deploy_runs_in_its_stacks_environment_one_at_a_time() -> None:
    reusable = workflow("deploy-stack.yml")
    assert set(triggers(reusable)) == {"workflow_call"}
    up = reusable["jobs"]["up"]
    assert up["environment"] == "${{ inputs.stack }}"
    assert up["concurrency"] == {"group": "pulumi-${{ inputs.stack }}", "cancel-in-progress": False}
    [sign_in] = uses_steps(up, SIGN_IN)
    assert sign_in["with"]["client-id"] == expression(DEPLOY_IDENTITY)
    [pulumi] = uses_steps(up, "pulumi/actions@")
    assert pulumi["with"]["command"] == "up"
    assert "target" not in pulumi["with"], "the reviewed deploy changes everything"
    assert pulumi["with"]["cloud-url"] == "${{ vars.PULUMI_BACKEND_URL }}"
    assert pulumi["with"]["secrets-provider"] == "${{ vars.PULUMI_SECRETS_PROVIDER }}"


@pytest.mark.stack_files
def test_every_stack_deploys_in_the_environment_of_its_name() -> None:
    # Each stack deploys in the GitHub environment of its name (deploy-stack.yml runs the
    # matrix's stack there), so a stack whose environment has required reviewers (prod in
    # the README) waits for them; no job names a stack's environment itself, which would
    # bypass that.
    for path in WORKFLOW_FILES:
        for job in load(path)["jobs"].values():
            assert job.get("environment") not in STACKS, path.name


@pytest.mark.stack_files
def test_the_weekly_schedule_rotates_every_stack_without_a_reviewer() -> None:
    rotate = workflow("rotate.yml")
    [schedule] = triggers(rotate)["schedule"]
    _minute, _hour, day, month, weekday = schedule["cron"].split()
    assert (day, month) == ("*", "*") and re.fullmatch(r"[0-6]", weekday), "once a week"
    job = rotate["jobs"]["rotate"]
    assert_lists_the_stacks(rotate, job)
    assert job["strategy"]["fail-fast"] is False, "one stack's failure stops no other"
    # Its own environment (default branch only, no reviewers: repository settings the
    # README lists), never a deploy environment that waits for approval.
    assert job["environment"] == "${{ matrix.stack }}-rotation"
    assert all(f"{s}-rotation" not in STACKS for s in STACKS)
    assert job["concurrency"] == {
        "group": "pulumi-${{ matrix.stack }}",
        "cancel-in-progress": False,
    }
    assert job["permissions"] == {"contents": "read", "deployments": "read", "id-token": "write"}
    [sign_in] = uses_steps(job, SIGN_IN)
    assert sign_in["with"]["client-id"] == expression(DEPLOY_IDENTITY)


def step(job: dict[str, Any], step_id: str) -> dict[str, Any]:
    [found] = [s for s in job["steps"] if s.get("id") == step_id]
    return found


def test_the_rotation_targets_only_the_credentials_and_the_secret() -> None:
    job = workflow("rotate.yml")["jobs"]["rotate"]
    targets = step(job, "targets")["run"]
    # The CLI's entry point, or the module a commit from before it has (0.1.0).
    assert "pomerium-azure-ad rotation-targets" in targets
    assert "python -m components.rotation_targets" in targets
    ups = [s for s in uses_steps(job, "pulumi/actions@") if s.get("with", {}).get("command")]
    [up] = ups
    assert up["with"]["command"] == "up"
    assert up["with"]["target"] == "${{ steps.targets.outputs.urns }}"
    checkout = uses_steps(job, "actions/checkout@")[0]
    assert checkout["with"]["ref"] == "${{ steps.deployed.outputs.sha }}"


def test_the_rotation_checks_expiry_before_and_after_and_fails_loudly() -> None:
    job = workflow("rotate.yml")["jobs"]["rotate"]
    steps = job["steps"]
    before = step(job, "before")
    assert "pomerium-azure-ad expiry-check" in before["run"] and "--when before" in before["run"]
    assert "python -m components.expiry_check" in before["run"]
    assert before["continue-on-error"] is True, "a late credential must still be rotated"
    up_index = next(i for i, s in enumerate(steps) if s.get("with", {}).get("command") == "up")
    after = [i for i, s in enumerate(steps) if "--when after" in s.get("run", "")]
    assert steps.index(before) < up_index < after[0]
    assert "continue-on-error" not in steps[after[0]]
    last = steps[-1]
    assert last["if"] == "steps.before.outcome == 'failure'" and "exit 1" in last["run"]
    report = workflow("rotate.yml")["jobs"]["report"]
    # Also when the stacks cannot be listed, and so nothing rotates.
    assert report["needs"] == ["stacks", "rotate"] and report["if"] == "failure()"
    assert report["permissions"] == {"issues": "write"}


def all_texts() -> list[tuple[str, str]]:
    return [(p.name, p.read_text()) for p in [*WORKFLOW_FILES, *ACTION_FILES]]


def test_no_job_uses_a_stored_azure_client_secret() -> None:
    for name, body in all_texts():
        secrets = set(re.findall(r"secrets\.([A-Za-z0-9_]+)", body))
        assert secrets <= ALLOWED_SECRETS, f"{name} reads {secrets - ALLOWED_SECRETS}"
        for forbidden in ("CLIENT_SECRET", "client-secret:", "creds:", "ARM_CLIENT_CERTIFICATE"):
            assert forbidden not in body, f"{name} mentions {forbidden}"
    sign_in = load(ACTIONS / "azure-sign-in" / "action.yml")
    [login] = [
        s for s in sign_in["runs"]["steps"] if str(s.get("uses", "")).startswith("azure/login@")
    ]
    assert set(login["with"]) == {
        "client-id",
        "tenant-id",
        "subscription-id",
        "allow-no-subscriptions",
        # The stack's cloud (tests/test_pipeline_clouds.py), not a credential.
        "environment",
    }
    assert login["with"]["environment"] == expression("steps.cloud.outputs.azure-login-environment")
    assert "ARM_USE_OIDC=true" in text(sign_in)


def test_every_variable_the_workflows_read_is_documented() -> None:
    documented = (ROOT / "README.md").read_text() + (
        ROOT / "docs" / "continuous-deployment.md"
    ).read_text()
    used = set()
    for _, body in all_texts():
        used |= set(re.findall(r"vars\.([A-Z0-9_]+)", body))
    assert used, "the workflows read their settings from variables"
    missing = sorted(v for v in used if f"`{v}`" not in documented)
    assert not missing


def test_local_actions_and_workflows_referenced_exist() -> None:
    found = 0
    for path in WORKFLOW_FILES:
        wf = load(path)
        for job in wf["jobs"].values():
            refs = [job.get("uses", "")] + [s.get("uses", "") for s in job.get("steps", [])]
            for ref in refs:
                target = local(ref)
                if target is not None:
                    found += 1
                    assert target.exists(), ref
    assert found >= 9


def test_local_references_work_on_enterprise_server_and_older_runners() -> None:
    # `./` works everywhere: a reusable workflow so named is read from the caller's own commit
    # (GitHub changelog 2022-01-25), a local action from the checkout, so each such step comes
    # after actions/checkout in its job. The `$/` form needs runner 2.336.0 and is on
    # github.com only (GitHub changelog 2026-07-30).
    steps_seen = 0
    for path in WORKFLOW_FILES:
        for job in load(path)["jobs"].values():
            assert not job.get("uses", "").startswith("$/"), path.name
            checked_out = False
            for step in job.get("steps", []):
                uses = step.get("uses", "")
                assert not uses.startswith("$/"), path.name
                checked_out |= uses.startswith("actions/checkout@")
                if uses.startswith("./"):
                    steps_seen += 1
                    assert checked_out, f"{path.name}: {uses} before actions/checkout"
    assert steps_seen >= 3


def test_every_preview_and_deploy_runs_the_policy_pack() -> None:
    found = 0
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for job in load(path)["jobs"].values():
            for pulumi_step in uses_steps(job, "pulumi/actions@"):
                if pulumi_step.get("with", {}).get("command") in ("preview", "up"):
                    found += 1
                    assert pulumi_step["with"].get("policyPacks") == "policy", path.name
    assert found >= 3  # preview, deploy, rotation


# The CLI whose engine rules the tests model (FACTS: the engine's rules are the CLI's).
PULUMI_CLI_VERSION = "3.277.0"


def test_every_pulumi_step_installs_the_pinned_cli() -> None:
    found = 0
    for path in WORKFLOW_FILES:
        for name, job in load(path)["jobs"].items():
            steps = job.get("steps", [])
            for pulumi_step in uses_steps(job, "pulumi/actions@"):
                found += 1
                assert pulumi_step.get("with", {}).get("pulumi-version") == PULUMI_CLI_VERSION, (
                    f"{path.name}:{name}"
                )
            # A `run: pulumi ...` step uses the CLI a pinned pulumi/actions step installed.
            runs = [i for i, s in enumerate(steps) if re.search(r"(^|\s)pulumi ", s.get("run", ""))]
            if runs:
                installs = [
                    i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("pulumi/")
                ]
                assert installs and min(installs) < min(runs), f"{path.name}:{name}"
            assert "setup-pulumi" not in text(job) and "get.pulumi.com" not in text(job)
    assert found >= 4  # preview, deploy, and the rotation's install and up


# `uses: owner/repo@<full commit SHA> # v1.2.3`: the commit cannot move under the workflow
# (zizmor's unpinned-uses); the comment says which release it is (and lets Dependabot update it).
PINNED = re.compile(r"uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # (v\d+(?:\.\d+){0,2})\s*$")


def test_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    versions: dict[str, set[str]] = {}
    for path in [*WORKFLOW_FILES, *ACTION_FILES]:
        for line in path.read_text().splitlines():
            ref = line.split("uses:", 1)[1].strip() if "uses:" in line else ""
            if not ref or local(ref) is not None:
                continue
            match = PINNED.search(line)
            assert match, f"{path.name}: {line.strip()}"
            action, sha, version = match.groups()
            versions.setdefault(f"{action}@{sha}", set()).add(version)
    assert len(versions) >= 5
    for pinned, tags in versions.items():
        assert len(tags) == 1, f"{pinned} is labelled {sorted(tags)}"
    actions = [p.split("@")[0] for p in versions]
    assert len(actions) == len(set(actions)), "one version of each action everywhere"


def test_scripts_test_runs_the_workflow_linters() -> None:
    script = (ROOT / "scripts" / "test").read_text()
    assert "actionlint" in script
    assert "zizmor --offline" in script
    assert script.index("mypy") < script.index("actionlint") < script.index("pytest")


def test_the_rotation_finds_the_cli_of_this_commit(tmp_path: Path) -> None:
    """The detection step, run on this checkout, picks the CLI's entry points."""
    import subprocess

    script = step(workflow("rotate.yml")["jobs"]["rotate"], "tools")["run"]
    output = tmp_path / "output"
    subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=ROOT,
        env={**os.environ, "GITHUB_OUTPUT": str(output)},
        check=True,
        capture_output=True,
    )
    assert output.read_text() == "style=cli\nverify=yes\n"


# --- pomerium-azure-ad verify after every deploy and rotation (docs/verify.md) ------------

VERIFY_COMMAND = 'uv run --locked pomerium-azure-ad verify --stack "$PULUMI_STACK"'
STACK_NAME = (
    "${{ vars.PULUMI_ORG && format('{0}/{1}', vars.PULUMI_ORG, inputs.stack) || inputs.stack }}"
)


def verify_steps(job: dict[str, Any]) -> list[int]:
    return [i for i, s in enumerate(job["steps"]) if VERIFY_COMMAND in s.get("run", "")]


def run_step(
    script: str, tmp_path: Path, env: dict[str, str], *, uv_fails_for: str = "@"
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """A step's script under bash, with a fake `uv` on PATH that records its arguments
    (and fails when they contain `uv_fails_for`)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    calls = tmp_path / "uv-calls"
    uv = bin_dir / "uv"
    uv.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> "{calls}"\n'
        f'case "$*" in *"{uv_fails_for}"*) exit 2 ;; esac\n'
        "exit 0\n"
    )
    uv.chmod(0o755)
    base = {"PATH": f"{bin_dir}:/usr/bin:/bin", "GITHUB_OUTPUT": str(tmp_path / "output")}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    return result, calls.read_text().splitlines() if calls.exists() else []


def test_every_deploy_is_verified_after_pulumi_up() -> None:
    job = workflow("deploy-stack.yml")["jobs"]["up"]
    steps = job["steps"]
    [up] = [i for i, s in enumerate(steps) if s.get("with", {}).get("command") == "up"]
    [sign_in] = [i for i, s in enumerate(steps) if s.get("uses") == SIGN_IN]
    [verify] = verify_steps(job)
    assert sign_in < up < verify, "verify reads the Secret through the sign-in's kubeconfig"
    # The same stack `pulumi up` deployed, and a failure fails the deploy job.
    assert steps[verify]["env"]["PULUMI_STACK"] == STACK_NAME == steps[up]["with"]["stack-name"]
    assert "continue-on-error" not in steps[verify] and "if" not in steps[verify]
    # Read-only: no permission beyond the deploy job's.
    assert job["permissions"] == {"contents": "read", "id-token": "write"}


def test_the_deploy_verify_step_runs_verify_or_warns_without_a_cluster(tmp_path: Path) -> None:
    [index] = verify_steps(workflow("deploy-stack.yml")["jobs"]["up"])
    script = workflow("deploy-stack.yml")["jobs"]["up"]["steps"][index]["run"]
    result, calls = run_step(script, tmp_path, {"PULUMI_STACK": "org/dev", "KUBECONFIG": "/k"})
    assert result.returncode == 0 and calls == [
        "run --locked pomerium-azure-ad verify --stack org/dev"
    ]
    failing, _ = run_step(
        script, tmp_path, {"PULUMI_STACK": "dev", "KUBECONFIG": "/k"}, uv_fails_for="verify"
    )
    assert failing.returncode == 2, "a failed verify fails the step"
    (tmp_path / "uv-calls").unlink()
    skipped, calls = run_step(script, tmp_path, {"PULUMI_STACK": "dev"})
    assert skipped.returncode == 0 and calls == []
    assert "::warning title=Verify skipped::" in skipped.stdout


def test_the_rotation_verifies_after_the_after_check() -> None:
    job = workflow("rotate.yml")["jobs"]["rotate"]
    steps = job["steps"]
    up = next(i for i, s in enumerate(steps) if s.get("with", {}).get("command") == "up")
    [after] = [i for i, s in enumerate(steps) if "--when after" in s.get("run", "")]
    [verify] = verify_steps(job)
    assert up < after < verify < len(steps) - 1, "before the step that fails a late run"
    assert steps[verify]["env"] == {"VERIFY": "${{ steps.tools.outputs.verify }}"}
    assert "continue-on-error" not in steps[verify]
    # PULUMI_STACK is the job's: the org-qualified stack the rotation deployed.
    assert job["env"]["PULUMI_STACK"] == STACK_NAME.replace("inputs.stack", "matrix.stack")
    assert "pomerium-azure-ad verify --help" in step(job, "tools")["run"]


def test_the_rotation_skips_verify_with_a_notice_when_the_commit_lacks_it(
    tmp_path: Path,
) -> None:
    job = workflow("rotate.yml")["jobs"]["rotate"]
    # Detection on a commit whose CLI has expiry-check but no verify.
    detect, _ = run_step(step(job, "tools")["run"], tmp_path, {}, uv_fails_for="verify --help")
    assert detect.returncode == 0
    assert (tmp_path / "output").read_text() == "style=cli\nverify=no\n"
    [index] = verify_steps(job)
    script = job["steps"][index]["run"]
    (tmp_path / "uv-calls").unlink()
    env = {"STACK": "dev", "PULUMI_STACK": "org/dev", "KUBECONFIG": "/k"}
    skipped, calls = run_step(script, tmp_path, {**env, "VERIFY": "no"})
    assert skipped.returncode == 0 and calls == []
    assert skipped.stdout.startswith("::notice title=Verify skipped::")
    ran, calls = run_step(script, tmp_path, {**env, "VERIFY": "yes"})
    assert ran.returncode == 0 and calls == [
        "run --locked pomerium-azure-ad verify --stack org/dev"
    ]
    failing, _ = run_step(script, tmp_path, {**env, "VERIFY": "yes"}, uv_fails_for="verify")
    assert failing.returncode == 2


def test_the_pipeline_verifies_every_cluster_of_a_stack() -> None:
    # No --cluster and no --context: verify reads each cluster's Secret through the context
    # the stack's kubernetes_secrets output names, all in the sign-in's one kubeconfig.
    found = 0
    for path in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        for line in path.read_text().splitlines():
            if "uv run --locked pomerium-azure-ad verify" in line and "--help" not in line:
                found += 1
                assert "--cluster" not in line and "--context" not in line, path.name
    assert found == 2  # after the deploy, after the rotation
