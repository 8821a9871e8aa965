# /// script
# requires-python = ">=3.11"
# dependencies = ["pyyaml==6.0.3"]
# ///
"""The stacks the workflows run, found rather than listed: every stacks/Pulumi.<stack>.yaml,
those named in .github/pipeline.yml's `promotion` first and in that order, then the others
alphabetically. Prints the JSON list as its last line (and writes `stacks=<list>` to
$GITHUB_OUTPUT when set), after a `::warning` for stacks without a cluster; or `::error` lines
and exits 1 when the stack files and .github/pipeline.yml disagree.

Run by the workflows as `uv run --locked --script .github/scripts/stacks.py` (PyYAML from
stacks.py.lock beside it; after changing the dependencies above, `uv lock --script` this file).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import yaml

PIPELINE = Path(".github/pipeline.yml")
STACK_DIR = Path("stacks")
# Pulumi's stack names (letters, digits, `_`, `.`, `-`; at most 100), as the sign-in action
# checks them too. Each stack is also a GitHub environment, and `<stack>-rotation` another.
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
ROTATION_SUFFIX = "-rotation"
# Azure's rules: a resource group has 1-90 letters, digits, `_`, `.`, `(`, `)` or `-`, not
# ending in `.`; an AKS cluster 1-63 letters, digits, `_` or `-`, alphanumeric at both ends.
RESOURCE_GROUP = re.compile(r"[A-Za-z0-9_.()-]{0,89}[A-Za-z0-9_()-]")
CLUSTER_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?")
KEYS = {"promotion", "clusters"}
# What Pulumi reads (`Pulumi.<stack>.yaml`), and the .yml spelling it would silently skip.
STACK_FILE = re.compile(r"Pulumi\.(.+)\.(yaml|yml)", re.DOTALL)


class PipelineError(Exception):
    """The stack files and .github/pipeline.yml disagree; one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def shown(value: object) -> str:
    """A value from a file or a file name, quoted and on one line: never trusted text."""
    return ascii(value)


def valid_name(name: object) -> bool:
    return isinstance(name, str) and STACK_NAME.fullmatch(name) is not None


def stack_files(root: Path) -> tuple[list[str], list[str]]:
    """The stack names of stacks/Pulumi.<stack>.yaml, and the problems of the files there."""
    names: list[str] = []
    problems: list[str] = []
    directory = root / STACK_DIR
    paths = sorted(directory.iterdir()) if directory.is_dir() else []
    for path in paths:
        match = STACK_FILE.fullmatch(path.name)
        if match is None or not path.is_file():
            continue
        name, suffix = match.groups()
        if suffix == "yml":
            problems.append(f"{STACK_DIR}/{shown(path.name)}: Pulumi reads Pulumi.<stack>.yaml")
        elif not valid_name(name):
            problems.append(
                f"{STACK_DIR}/{shown(path.name)}: a stack name has 1 to 100 letters, digits, '_', '.' or '-'"
            )
        elif name.endswith(ROTATION_SUFFIX):
            problems.append(
                f"{STACK_DIR}/{shown(path.name)}: names ending in {ROTATION_SUFFIX} are the rotation's environments"
            )
        else:
            names.append(name)
    folded: dict[str, str] = {}
    for name in names:
        if name.lower() in folded:
            problems.append(
                f"stacks {folded[name.lower()]} and {name} differ only in case: GitHub environment names do not"
            )
        folded.setdefault(name.lower(), name)
    if not names and not problems:
        problems.append(f"no stack files: add {STACK_DIR}/Pulumi.<stack>.yaml")
    return names, problems


def load_pipeline(root: Path) -> dict[str, Any]:
    path = root / PIPELINE
    if not path.is_file():
        raise PipelineError([f"{PIPELINE} is missing: it lists the promotion order and clusters"])
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise PipelineError([f"{PIPELINE} is not valid YAML: {shown(str(error))}"]) from None
    if not isinstance(data, dict):
        raise PipelineError([f"{PIPELINE}: expected a mapping with `promotion` and `clusters`"])
    unknown = sorted(str(k) for k in data if k not in KEYS)
    if unknown:
        raise PipelineError(
            [f"{PIPELINE}: unknown keys {shown(unknown)}; known: {', '.join(sorted(KEYS))}"]
        )
    return data


def promotion_order(data: dict[str, Any], names: list[str]) -> tuple[list[str], list[str]]:
    promotion = data.get("promotion")
    if not isinstance(promotion, list):
        return [], [f"{PIPELINE}: `promotion` must be a list of stack names (e.g. [dev, prod])"]
    problems: list[str] = []
    order: list[str] = []
    for entry in promotion:
        if not valid_name(entry):
            problems.append(f"{PIPELINE}: promotion entry {shown(entry)} is not a stack name")
        elif entry in order:
            problems.append(f"{PIPELINE}: promotion names {entry} twice")
        elif entry not in names:
            problems.append(
                f"{PIPELINE}: promotion names {entry}, which has no stack file {STACK_DIR}/Pulumi.{entry}.yaml"
            )
        else:
            order.append(entry)
    return order, problems


def cluster_problems(data: dict[str, Any], names: list[str]) -> list[str]:
    clusters = data.get("clusters")
    if clusters is None or clusters == {}:
        return []  # no AKS sign-in for any stack
    if not isinstance(clusters, dict):
        return [f"{PIPELINE}: `clusters` must map stack names to {{resourceGroup, name}}"]
    problems: list[str] = []
    for stack, cluster in clusters.items():
        if stack not in names:
            problems.append(f"{PIPELINE}: clusters names {shown(stack)}, which has no stack file")
            continue
        ok = (
            isinstance(cluster, dict)
            and set(cluster) == {"resourceGroup", "name"}
            and isinstance(cluster["resourceGroup"], str)
            and RESOURCE_GROUP.fullmatch(cluster["resourceGroup"]) is not None
            and isinstance(cluster["name"], str)
            and CLUSTER_NAME.fullmatch(cluster["name"]) is not None
        )
        if not ok:
            problems.append(
                f"{PIPELINE}: clusters.{stack} must be {{resourceGroup: <resource group>, name: <AKS cluster name>}}"
            )
    return problems


def without_cluster(root: Path, stacks: list[str]) -> list[str]:
    """Stacks that sign in to no AKS cluster although others do: fine for a stack whose
    cluster is reached otherwise, a forgotten entry otherwise, so the run says so."""
    clusters = load_pipeline(root).get("clusters") or {}
    return [s for s in stacks if clusters and s not in clusters]


def discover(root: Path) -> list[str]:
    """Every stack, promotion order first, then the others alphabetically."""
    names, problems = stack_files(root)
    data = load_pipeline(root)
    order, promotion_problems = promotion_order(data, names)
    problems += promotion_problems + cluster_problems(data, names)
    if problems:
        raise PipelineError(problems)
    return order + sorted(n for n in names if n not in order)


def annotation(message: str) -> str:
    """A GitHub workflow command's data, escaped as the runner unescapes it."""
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the repository's root")
    args = parser.parse_args(argv)
    try:
        stacks = discover(args.root)
    except PipelineError as error:
        for problem in error.problems:
            print(f"::error title=Stacks::{annotation(problem)}")
        return 1
    missing = without_cluster(args.root, stacks)
    if missing:
        message = (
            f"no cluster in {PIPELINE} for {', '.join(missing)}: no AKS sign-in for "
            "these stacks (add clusters.<stack> for an AKS cluster)"
        )
        print(f"::warning title=Stacks::{annotation(message)}")
    listed = json.dumps(stacks)
    print(listed)
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as f:
            f.write(f"stacks={listed}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
