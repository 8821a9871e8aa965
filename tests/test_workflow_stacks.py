"""The workflows find the stacks themselves (.github/scripts/stacks.py, run by stacks.yml): every
stacks/Pulumi.<stack>.yaml, .github/pipeline.yml's promotion order first. Adding a stack is
adding its stack file (and its GitHub environments); these tests hold whatever stacks exist."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tools import offline

ROOT = offline.PROJECT_DIR
SCRIPT = ROOT / ".github" / "scripts" / "stacks.py"
PIPELINE = ROOT / ".github" / "pipeline.yml"


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pipeline_stacks", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stacks = load_script()


def repo(tmp_path: Path, names: list[str], pipeline: str) -> Path:
    (tmp_path / "stacks").mkdir(parents=True)
    for name in names:
        (tmp_path / "stacks" / f"Pulumi.{name}.yaml").write_text("config: {}\n")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "pipeline.yml").write_text(pipeline)
    return tmp_path


def problems(root: Path) -> list[str]:
    with pytest.raises(stacks.PipelineError) as error:
        stacks.discover(root)
    found: list[str] = error.value.problems
    return found


# --- this repository ---------------------------------------------------------------------


@pytest.mark.stack_files
def test_the_repository_runs_every_stack_file_promotion_order_first() -> None:
    found = stacks.discover(ROOT)
    assert sorted(found) == offline.stack_names(), "every stack file, nothing else"
    promotion = yaml.safe_load(PIPELINE.read_text())["promotion"]
    assert found[: len(promotion)] == promotion
    rest = found[len(promotion) :]
    assert rest == sorted(rest)


@pytest.mark.stack_files
def test_the_cli_prints_and_writes_the_json_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "github_output"
    output.write_text("earlier=1\n")
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    assert stacks.main(["--root", str(ROOT)]) == 0
    printed = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert printed == stacks.discover(ROOT)
    assert output.read_text() == f"earlier=1\nstacks={json.dumps(printed)}\n"


# --- a team adds stacks --------------------------------------------------------------------

PIPELINE_3 = """\
promotion: [dev, staging, prod]
clusters:
  dev: {resourceGroup: rg-dev, name: aks-dev}
  staging: {resourceGroup: rg-staging, name: aks-staging}
  prod: {resourceGroup: rg-prod, name: aks-prod}
"""


def test_new_stack_files_run_after_the_promoted_ones_alphabetically(tmp_path: Path) -> None:
    root = repo(
        tmp_path,
        ["qa", "prod", "dev", "alpha", "staging", "z.eu_2"],
        "promotion: [dev, staging, prod]\n",
    )
    assert stacks.discover(root) == ["dev", "staging", "prod", "alpha", "qa", "z.eu_2"]


def test_the_promotion_order_is_the_files_not_the_alphabet(tmp_path: Path) -> None:
    root = repo(tmp_path, ["a", "b", "c"], "promotion: [c, a]\nclusters: {}\n")
    assert stacks.discover(root) == ["c", "a", "b"]


def test_a_stack_file_alone_adds_a_stack_and_a_missing_cluster_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo(tmp_path, ["dev", "staging", "prod", "qa"], PIPELINE_3)
    assert stacks.discover(root) == ["dev", "staging", "prod", "qa"]
    assert stacks.main(["--root", str(root)]) == 0
    warning, listed = capsys.readouterr().out.splitlines()
    assert warning.startswith("::warning title=Stacks::no cluster in .github/pipeline.yml for qa")
    assert json.loads(listed) == ["dev", "staging", "prod", "qa"]
    (root / ".github" / "pipeline.yml").write_text(
        PIPELINE_3 + "  qa: {resourceGroup: rg-qa, name: aks-qa}\n"
    )
    assert stacks.main(["--root", str(root)]) == 0
    assert capsys.readouterr().out.splitlines() == [json.dumps(["dev", "staging", "prod", "qa"])]


# --- several clusters for a stack ------------------------------------------------------------

PIPELINE_MANY = """\
promotion: [dev, staging]
clusters:
  dev: {resourceGroup: rg-dev, name: aks-dev}
  staging:
    - {resourceGroup: rg-staging, name: aks-staging-east, context: aks-staging-east}
    - {resourceGroup: rg-staging, name: aks-staging-west, context: aks-staging-west}
"""


def stack_clusters(*contexts: str) -> str:
    """A stack file with `pomerium-azure-ad:clusters`, one cluster per context."""
    clusters = [
        {
            "name": context.rsplit("-", 1)[-1],
            "context": context,
            "authenticateServiceUrl": f"https://authenticate.{context}.example.com",
        }
        for context in contexts
    ]
    return yaml.safe_dump({"config": {"pomerium-azure-ad:clusters": clusters}})


def test_a_stack_on_several_clusters_signs_in_to_each_context_it_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo(tmp_path, ["dev", "staging"], PIPELINE_MANY)
    (root / "stacks" / "Pulumi.staging.yaml").write_text(
        stack_clusters("aks-staging-west", "aks-staging-east")
    )
    assert stacks.main(["--root", str(root)]) == 0
    assert capsys.readouterr().out.splitlines() == [json.dumps(["dev", "staging"])]
    # A one-cluster entry creates the context az names after the AKS cluster.
    (root / "stacks" / "Pulumi.dev.yaml").write_text(stack_clusters("aks-dev"))
    assert stacks.discover(root) == ["dev", "staging"]


def test_a_context_the_pipeline_does_not_create_fails(tmp_path: Path) -> None:
    root = repo(tmp_path, ["dev", "staging"], PIPELINE_MANY)
    (root / "stacks" / "Pulumi.staging.yaml").write_text(
        stack_clusters("aks-staging-west", "aks-staging-north")
    )
    (root / "stacks" / "Pulumi.dev.yaml").write_text(stack_clusters("kind-dev"))
    assert problems(root) == [
        "stacks/Pulumi.dev.yaml: pomerium-azure-ad:clusters uses kubeconfig context 'kind-dev', "
        "which clusters.dev in .github/pipeline.yml does not create (it creates aks-dev): add "
        "it there as {resourceGroup, name, context}",
        "stacks/Pulumi.staging.yaml: pomerium-azure-ad:clusters uses kubeconfig context "
        "'aks-staging-north', which clusters.staging in .github/pipeline.yml does not create "
        "(it creates aks-staging-east, aks-staging-west): add it there as {resourceGroup, "
        "name, context}",
    ]


def test_several_clusters_for_a_stack_without_clusters_is_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo(tmp_path, ["dev", "staging"], PIPELINE_MANY)
    assert stacks.main(["--root", str(root)]) == 0
    warning, listed = capsys.readouterr().out.splitlines()
    assert warning.startswith(
        "::warning title=Stacks::clusters.staging in .github/pipeline.yml lists 2 AKS clusters, "
        "and stacks/Pulumi.staging.yaml sets no pomerium-azure-ad:clusters"
    )
    assert json.loads(listed) == ["dev", "staging"]


@pytest.mark.stack_files
def test_the_repositorys_stacks_use_only_contexts_the_pipeline_creates() -> None:
    # Whatever stacks the team keeps: every stack file's contexts are among those its
    # pipeline.yml entry creates (discover() fails otherwise, as tested above).
    stacks.discover(ROOT)


# --- what fails, and says why ---------------------------------------------------------------


def test_a_promoted_stack_without_a_stack_file_fails(tmp_path: Path) -> None:
    root = repo(tmp_path, ["dev", "prod"], "promotion: [dev, staging, prod]\n")
    # The message says which entry to remove (a team that removed an environment's file).
    assert problems(root) == [
        ".github/pipeline.yml: promotion names staging, which has no stack file "
        "stacks/Pulumi.staging.yaml: remove staging from promotion (and clusters.staging, if "
        "any), or add the stack file"
    ]


@pytest.mark.parametrize(
    ("file_name", "fragment"),
    [
        ("Pulumi.dev x.yaml", "a stack name has"),
        ("Pulumi.dev$(id).yaml", "a stack name has"),
        ("Pulumi.dev\nEVIL.yaml", "a stack name has"),
        ("Pulumi." + "a" * 101 + ".yaml", "a stack name has"),
        ("Pulumi.qa.yml", "Pulumi reads Pulumi.<stack>.yaml"),
        ("Pulumi.prod-rotation.yaml", "the rotation's environments"),
        ("Pulumi.Prod.yaml", "differ only in case"),
    ],
    ids=["space", "shell", "newline", "long", "yml", "rotation", "case"],
)
def test_a_malformed_stack_file_name_fails(tmp_path: Path, file_name: str, fragment: str) -> None:
    root = repo(tmp_path, ["dev", "prod"], "promotion: [dev, prod]\n")
    (root / "stacks" / file_name).write_text("config: {}\n")
    [problem] = problems(root)
    assert fragment in problem
    assert "\n" not in problem, "a file name is shown quoted, on one line"


@pytest.mark.parametrize(
    ("pipeline", "fragment"),
    [
        ("promotion: [dev, dev]\n", "promotion names dev twice"),
        ("promotion: dev\n", "`promotion` must be a list"),
        ("clusters: {}\n", "`promotion` must be a list"),
        ("promotion: [dev, 'a b']\n", "promotion entry 'a b' is not a stack name"),
        ("promotion: [dev]\npromtion: [prod]\n", "unknown keys ['promtion']"),
        ("- dev\n", "expected a mapping"),
        ("promotion: [dev\n", "is not valid YAML"),
        ("promotion: [dev]\nclusters: [dev]\n", "`clusters` must map stack names"),
        (
            "promotion: [dev]\nclusters:\n  dev: {resourceGroup: rg-dev, name: aks-dev}\n"
            "  qa: {resourceGroup: rg-qa, name: aks-qa}\n",
            "clusters names 'qa', which has no stack file: remove clusters.qa,",
        ),
        (
            "promotion: [dev]\nclusters:\n  dev: {resourceGroup: 'rg dev', name: aks-dev}\n",
            "clusters.dev must be {resourceGroup",
        ),
        (
            "promotion: [dev]\nclusters:\n  dev: {resourceGroup: rg-dev, name: aks-dev, zone: 1}\n",
            "clusters.dev must be {resourceGroup",
        ),
        (
            "promotion: [dev]\nclusters:\n  dev: {resourceGroup: rg-dev, name: aks-dev, context: c}\n",
            "clusters.dev must be {resourceGroup",
        ),
        ("promotion: [dev]\nclusters:\n  dev: []\n", "clusters.dev is an empty list"),
        (
            "promotion: [dev]\nclusters:\n  dev:\n    - {resourceGroup: rg-dev, name: aks-dev}\n",
            "clusters.dev[0] must be {resourceGroup",
        ),
        (
            "promotion: [dev]\nclusters:\n  dev:\n"
            "    - {resourceGroup: rg-dev, name: aks-a, context: a}\n"
            "    - {resourceGroup: rg-dev, name: aks-b, context: 'b c'}\n",
            "clusters.dev[1] must be {resourceGroup",
        ),
        (
            "promotion: [dev]\nclusters:\n  dev:\n"
            "    - {resourceGroup: rg-dev, name: aks-a, context: a}\n"
            "    - {resourceGroup: rg-dev, name: aks-b, context: a}\n",
            "clusters.dev names context a twice",
        ),
        (
            "promotion: [dev]\nclusters:\n  dev:\n"
            "    - {resourceGroup: rg-dev, name: aks-a, context: a}\n"
            "    - {resourceGroup: rg-dev, name: aks-a, context: b}\n",
            "clusters.dev lists AKS cluster aks-a twice",
        ),
        (
            "promotion: [dev]\nclusters:\n  dev:\n    - [rg-dev, aks-dev, a]\n",
            "clusters.dev[0] must be {resourceGroup",
        ),
    ],
    ids=[
        "twice",
        "string",
        "absent",
        "bad-name",
        "typo",
        "not-a-mapping",
        "yaml",
        "clusters-list",
        "cluster-without-stack",
        "bad-resource-group",
        "extra-key",
        "context-in-one-cluster-form",
        "empty-list",
        "list-without-context",
        "bad-context",
        "context-twice",
        "cluster-twice",
        "list-of-lists",
    ],
)
def test_a_wrong_pipeline_file_fails(tmp_path: Path, pipeline: str, fragment: str) -> None:
    root = repo(tmp_path, ["dev"], pipeline)
    assert any(fragment in p for p in problems(root)), problems(root)


def test_no_pipeline_file_or_no_stacks_fails(tmp_path: Path) -> None:
    root = repo(tmp_path, ["dev"], "promotion: [dev]\n")
    (root / ".github" / "pipeline.yml").unlink()
    assert problems(root) == [
        ".github/pipeline.yml is missing: it lists the promotion order and clusters"
    ]
    empty = repo(tmp_path / "empty", [], "promotion: []\n")
    assert problems(empty) == ["no stack files: add stacks/Pulumi.<stack>.yaml"]


def test_the_cli_reports_every_problem_as_an_annotation_and_writes_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo(tmp_path, ["dev"], "promotion: [dev, staging, prod]\n")
    (root / "stacks" / "Pulumi.x%0A::warning::y.yaml").write_text("")
    output = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    assert stacks.main(["--root", str(root)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all(line.startswith("::error title=Stacks::") for line in lines)
    assert "staging" in lines[1] and "prod" in lines[2]
    # `%` is escaped, so the file name cannot end the annotation and start another command.
    assert "%250A" in lines[0]
    assert not output.exists()


# --- how the workflows run it ----------------------------------------------------------------


def test_stacks_yml_runs_the_script_with_its_locked_dependencies() -> None:
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "stacks.yml").read_text())
    [job] = wf["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    body = yaml.safe_dump(job)
    assert "secrets." not in body and "vars." not in body
    [run] = [s for s in job["steps"] if "run" in s]
    assert run["run"] == "uv run --locked --script .github/scripts/stacks.py"
    assert wf[True]["workflow_call"]["outputs"]["stacks"]["value"] == (
        "${{ jobs.list.outputs.stacks }}"
    )
    assert job["outputs"] == {"stacks": "${{ steps." + run["id"] + ".outputs.stacks }}"}


def test_the_scripts_lock_matches_its_inline_dependencies() -> None:
    # uv reads the PEP 723 block; `uv lock --script .github/scripts/stacks.py` writes the lock.
    block = re.search(r"^# /// script\n(.*?)^# ///$", SCRIPT.read_text(), re.M | re.S)
    assert block
    metadata = tomllib.loads("".join(line[2:] + "\n" for line in block[1].splitlines()))
    lock = tomllib.loads(SCRIPT.with_name("stacks.py.lock").read_text())
    assert lock["manifest"]["requirements"] == [
        {"name": name, "specifier": f"=={version}"}
        for name, version in (d.split("==") for d in metadata["dependencies"])
    ]
    pinned = {p["name"]: p["version"] for p in lock["package"]}
    assert pinned == {"pyyaml": "6.0.3"}
    assert all("hash" in w for p in lock["package"] for w in p.get("wheels", []))


def test_the_sign_in_action_reads_the_same_file(tmp_path: Path) -> None:
    # One place for the clusters: the sign-in action reads .github/pipeline.yml from the checkout.
    action = (ROOT / ".github" / "actions" / "azure-sign-in" / "action.yml").read_text()
    assert "pipeline=.github/pipeline.yml" in action
    assert "AKS_CLUSTERS" not in action
    for path in sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        assert "AKS_CLUSTERS" not in path.read_text(), path.name
    shutil.copy(PIPELINE, tmp_path / "pipeline.yml")  # the file parses on its own
    assert set(yaml.safe_load((tmp_path / "pipeline.yml").read_text())) <= stacks.KEYS
