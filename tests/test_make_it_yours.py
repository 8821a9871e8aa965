"""A team makes the project its own, as the README's "Your environments" says, on a copy of
this repository: its own hosts, one environment removed, `qa` added in the US Government cloud
and `preprod` on two clusters. The suite's checks of stack files (`-m stack_files`) then pass
on the copy. Whatever stacks this repository holds, the same path is taken."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = shutil.ignore_patterns(
    ".git", ".venv", ".tools", "lab", "__pycache__", ".*_cache", "node_modules", "*.egg-info"
)
QA = """\
config:
  azuread:environment: usgovernment
  pomerium-azure-ad:authenticateServiceUrl: https://authenticate.qa.team.test
  pomerium-azure-ad:clientSecretRotationDays: 30
"""
PREPROD = """\
config:
  pomerium-azure-ad:clusters:
    - {name: blue, context: aks-preprod-blue, authenticateServiceUrl: https://sso-blue.team.test}
    - {name: green, context: aks-preprod-green, authenticateServiceUrl: https://sso-green.team.test}
"""
PYTEST = [sys.executable, "-m", "pytest"]
MARK = "pytest.mark.stack_files"
PREPROD_CLUSTERS = [
    {"resourceGroup": "rg-preprod", "name": f"aks-preprod-{c}", "context": f"aks-preprod-{c}"}
    for c in ("blue", "green")
]


def pipeline_script(root: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("copy_stacks", root / ".github/scripts/stacks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free(name: str, taken: list[str]) -> str:
    """`name`, or `name2` if this repository already has such a stack."""
    return name if name not in taken else f"{name}2"


def own_hosts(stacks: Path) -> None:
    """Every https host in every stack file becomes one of the team's."""
    for path in stacks.glob("Pulumi.*.yaml"):
        text = re.sub(r"https://([A-Za-z0-9.-]+)", r"https://\1.team.test", path.read_text())
        path.write_text(text)


@pytest.fixture(scope="module")
def team_copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("team") / "repo"
    shutil.copytree(ROOT, root, ignore=LEFT_OUT, symlinks=True)
    stacks = root / "stacks"
    script = pipeline_script(root)
    before = script.discover(root)
    own_hosts(stacks)
    # Remove an environment: its stack file first; the pipeline then names what to remove.
    removed = before[1] if len(before) > 1 else None
    problems: list[str] = []
    if removed:
        (stacks / f"Pulumi.{removed}.yaml").unlink()
        with pytest.raises(script.PipelineError) as caught:
            script.discover(root)
        problems = caught.value.problems
    qa, preprod = free("qa", before), free("preprod", before)
    (stacks / f"Pulumi.{qa}.yaml").write_text(QA)
    (stacks / f"Pulumi.{preprod}.yaml").write_text(PREPROD.replace("preprod", preprod))
    yaml = YAML()
    pipeline = yaml.load((root / ".github/pipeline.yml").read_text())
    promotion = [s for s in pipeline["promotion"] if s != removed]
    pipeline["promotion"] = [*promotion[:-1], qa, preprod, *promotion[-1:]]
    clusters = pipeline.get("clusters") or {}
    clusters.pop(removed, None)
    clusters[qa] = {"resourceGroup": "rg-qa", "name": "aks-qa"}
    clusters[preprod] = [
        {k: v.replace("preprod", preprod) for k, v in c.items()} for c in PREPROD_CLUSTERS
    ]
    pipeline["clusters"] = clusters
    with (root / ".github/pipeline.yml").open("w") as out:
        yaml.dump(pipeline, out)
    return root, problems


def test_a_removed_stack_file_makes_the_pipeline_say_which_entries_to_remove(
    team_copy: tuple[Path, list[str]],
) -> None:
    _, problems = team_copy
    for problem in problems:
        assert "which has no stack file" in problem and "remove" in problem


def test_the_pipeline_runs_the_teams_stacks(team_copy: tuple[Path, list[str]]) -> None:
    root, _ = team_copy
    found = pipeline_script(root).discover(root)
    names = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in (root / "stacks").iterdir())
    assert sorted(found) == names


def test_the_stack_checks_pass_on_the_teams_copy(team_copy: tuple[Path, list[str]]) -> None:
    root, _ = team_copy
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    # The copy's own modules first, ahead of this checkout's (installed editable).
    env["PYTHONPATH"] = str(root)
    # Every check of stack files but the deploy sequence, which runs on this repository's
    # own stack files whatever they are (test_deploy_sequence.py); only the files that mark
    # such checks are collected, in one process beside the suite's other workers.
    marked = [str(p) for p in sorted((root / "tests").rglob("test_*.py")) if MARK in p.read_text()]
    result = subprocess.run(
        [
            *PYTEST,
            "-m",
            "stack_files",
            "-k",
            "not rotation_periods",
            "-q",
            "-p",
            "no:cacheprovider",
            "--numprocesses=0",
            *marked,
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert re.search(r"\d+ passed", result.stdout)


def test_the_readme_says_in_one_place_what_the_path_takes() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Your environments\n", 1)[1].split("\n## ", 1)[0]
    for step in ("`stacks/Pulumi.<stack>.yaml`", "`promotion`", "`clusters.qa`", "`qa-rotation`"):
        assert step in section, step
    assert "pulumi destroy --stack" in section
