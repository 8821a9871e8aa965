# /// script
# requires-python = ">=3.11"
# dependencies = ["pyyaml==6.0.3"]
# ///
"""The stacks the workflows run, found rather than listed: every stacks/Pulumi.<stack>.yaml,
those named in .github/pipeline.yml's `promotion` first and in that order, then the others
alphabetically. Prints the JSON list as its last line (and writes `stacks=<list>` to
$GITHUB_OUTPUT when set), after a `::warning` for stacks without a cluster (or with several
AKS clusters and no `pomerium-azure-ad:clusters` to spread over them); or `::error` lines and
exits 1 when the stack files and .github/pipeline.yml disagree.

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
# The kubeconfig context `az aks get-credentials --context` gives a cluster, as the stack's
# `pomerium-azure-ad:clusters[].context` names it: 1-253 letters, digits, `_`, `.`, `:`, `@`
# or `-`, starting with a letter or digit (the sign-in action passes it to az and kubelogin).
CONTEXT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,252}")
ONE_CLUSTER = "{resourceGroup: <resource group>, name: <AKS cluster name>}"
CLUSTER_LIST = "a list of {resourceGroup, name, context: <kubeconfig context>}"
STACK_CLUSTERS = "pomerium-azure-ad:clusters"
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
                f"{PIPELINE}: promotion names {entry}, which has no stack file "
                f"{STACK_DIR}/Pulumi.{entry}.yaml: remove {entry} from promotion (and "
                f"clusters.{entry}, if any), or add the stack file"
            )
        else:
            order.append(entry)
    return order, problems


def aks_cluster(entry: object, keys: set[str]) -> bool:
    """An entry of `clusters`: exactly `keys`, each value by Azure's (or the context's) rule."""
    rules = {"resourceGroup": RESOURCE_GROUP, "name": CLUSTER_NAME, "context": CONTEXT_NAME}
    return (
        isinstance(entry, dict)
        and set(entry) == keys
        and all(isinstance(entry[k], str) and rules[k].fullmatch(entry[k]) for k in keys)
    )


def cluster_list_problems(stack: str, entries: list[Any]) -> list[str]:
    """A stack's several AKS clusters: each {resourceGroup, name, context}, none twice."""
    where = f"{PIPELINE}: clusters.{stack}"
    if not entries:
        return [f"{where} is an empty list: leave the stack out for no AKS sign-in"]
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    contexts: set[str] = set()
    for i, entry in enumerate(entries):
        if not aks_cluster(entry, {"resourceGroup", "name", "context"}):
            problems.append(
                f"{where}[{i}] must be {{resourceGroup: <resource group>, name: <AKS cluster "
                "name>, context: <kubeconfig context: letters, digits, '_', '.', ':', '@' or "
                "'-'>}"
            )
            continue
        if (entry["resourceGroup"], entry["name"]) in seen:
            problems.append(f"{where} lists AKS cluster {entry['name']} twice")
        if entry["context"] in contexts:
            problems.append(f"{where} names context {entry['context']} twice")
        seen.add((entry["resourceGroup"], entry["name"]))
        contexts.add(entry["context"])
    return problems


def cluster_problems(data: dict[str, Any], names: list[str]) -> list[str]:
    clusters = data.get("clusters")
    if clusters is None or clusters == {}:
        return []  # no AKS sign-in for any stack
    if not isinstance(clusters, dict):
        return [f"{PIPELINE}: `clusters` must map stack names to {ONE_CLUSTER} or {CLUSTER_LIST}"]
    problems: list[str] = []
    for stack, cluster in clusters.items():
        if stack not in names:
            entry = stack if valid_name(stack) else "<that entry>"
            problems.append(
                f"{PIPELINE}: clusters names {shown(stack)}, which has no stack file: remove "
                f"clusters.{entry}, or add the stack's file to {STACK_DIR}/"
            )
        elif isinstance(cluster, list):
            problems += cluster_list_problems(stack, cluster)
        elif not aks_cluster(cluster, {"resourceGroup", "name"}):
            problems.append(
                f"{PIPELINE}: clusters.{stack} must be {ONE_CLUSTER} (one cluster) or "
                f"{CLUSTER_LIST} (several)"
            )
    return problems


def stack_contexts(root: Path, stack: str) -> list[str] | None:
    """The kubeconfig contexts the stack file's `pomerium-azure-ad:clusters` names; None when
    it sets none (or not readably: the program's own checks report that)."""
    try:
        data = yaml.safe_load((root / STACK_DIR / f"Pulumi.{stack}.yaml").read_text())
    except (OSError, yaml.YAMLError):
        return None
    config = data.get("config") if isinstance(data, dict) else None
    entries = config.get(STACK_CLUSTERS) if isinstance(config, dict) else None
    if not isinstance(entries, list) or not entries:
        return None
    return [
        e["context"] for e in entries if isinstance(e, dict) and isinstance(e.get("context"), str)
    ]


def pipeline_contexts(cluster: dict[str, Any] | list[dict[str, Any]]) -> list[str]:
    """The contexts the sign-in creates for a stack: each list entry's `context`; for the
    one-cluster form, the AKS name (`az aks get-credentials` names the context after it)."""
    if isinstance(cluster, list):
        return [c["context"] for c in cluster]
    return [cluster["name"]]


def context_problems(root: Path, data: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Problems and warnings between each stack file's clusters and the contexts its
    .github/pipeline.yml entry creates (run only when that file is otherwise valid)."""
    problems: list[str] = []
    warnings: list[str] = []
    for stack, cluster in (data.get("clusters") or {}).items():
        made = pipeline_contexts(cluster)
        wanted = stack_contexts(root, stack)
        if wanted is None:
            if len(made) > 1:
                warnings.append(
                    f"clusters.{stack} in {PIPELINE} lists {len(made)} AKS clusters, and "
                    f"{STACK_DIR}/Pulumi.{stack}.yaml sets no {STACK_CLUSTERS}: its one Secret "
                    "goes to the current context (the last cluster signed in to); list the "
                    f"clusters in {STACK_CLUSTERS} with contexts {', '.join(made)}"
                )
            continue
        for context in wanted:
            if context not in made:
                problems.append(
                    f"{STACK_DIR}/Pulumi.{stack}.yaml: {STACK_CLUSTERS} uses kubeconfig context "
                    f"{shown(context)}, which clusters.{stack} in {PIPELINE} does not create "
                    f"(it creates {', '.join(made)}): add it there as {{resourceGroup, name, "
                    "context}"
                )
    return problems, warnings


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
    if not problems:
        problems += context_problems(root, data)[0]
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
            "these stacks (add clusters.<stack> for their AKS clusters)"
        )
        print(f"::warning title=Stacks::{annotation(message)}")
    for warning in context_problems(args.root, load_pipeline(args.root))[1]:
        print(f"::warning title=Stacks::{annotation(warning)}")
    listed = json.dumps(stacks)
    print(listed)
    output = os.environ.get("GITHUB_OUTPUT")
    if output:
        with open(output, "a", encoding="utf-8") as f:
            f.write(f"stacks={listed}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
