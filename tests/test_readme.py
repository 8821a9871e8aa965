"""The README's tables and examples match the code."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from components.settings import OPTIONS
from tests.test_program import OUTPUTS
from tools import offline

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def table_rows(heading: str) -> dict[str, list[str]]:
    """First table under `## heading`: first cell (backticks stripped) -> cells."""
    section = README.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0].strip("`")] = cells
    return rows


def test_configuration_table_matches_pulumi_yaml() -> None:
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    rows = table_rows("Configuration")
    assert list(rows) == [option.key for option in OPTIONS]
    for option in OPTIONS:
        default_cell = rows[option.key][2]
        if option.default is None:
            assert default_cell == "required"
        else:
            shown = yaml.safe_load(default_cell.strip("`")) if default_cell != '`""`' else ""
            assert shown == declared[option.key]["default"], option.key


def test_outputs_table_matches_the_exports() -> None:
    assert set(table_rows("Outputs")) == OUTPUTS
    exported = set(re.findall(r'pulumi\.export\("(\w+)"', (ROOT / "__main__.py").read_text()))
    assert exported == OUTPUTS


def test_python_usage_example_runs(now: datetime) -> None:
    section = README.split("\n## Using the component from Python\n", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    run = offline.run(lambda: exec(code, {}), stack="example", config={}, now=now)
    assert run.outputs["provider_url"].value.startswith("https://login.microsoftonline.com/")


def test_readme_commands_exist() -> None:
    assert "./scripts/test" in README and (ROOT / "scripts" / "test").exists()
    assert "./scripts/deploy dev" in README and (ROOT / "scripts" / "deploy").exists()
    assert "./scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_the_deploy_identity_table_is_the_codes() -> None:
    from tools.permissions import ALL_NEEDS

    section = README.split("### Deploy identity permissions\n", 1)[1]
    rows = [line for line in section.splitlines() if line.strip().startswith("| ")][2:]
    rows = rows[: len(ALL_NEEDS) + 1]
    cells = [[c.strip() for c in row.strip().strip("|").split("|")] for row in rows]
    table = [
        (
            c[0].replace("`", ""),
            tuple(p.strip("` ") for p in c[1].split(",")),
            tuple(r.strip() for r in c[2].split(",")),
        )
        for c in cells
        if len(c) == 3
    ]
    assert table == [(n.what, n.graph_permissions, n.directory_roles) for n in ALL_NEEDS]


# The README is the user's front door; detail lives in docs/ (issue 14).

MAX_README_LINES = 450
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def prose(markdown: str) -> str:
    """The text outside fenced code blocks, with inline code spans removed."""
    kept, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            kept.append(re.sub(r"`[^`]*`", "", line))
    return "\n".join(kept)


def headings(markdown: str) -> list[tuple[int, str]]:
    """(level, text) of every ATX heading outside fenced code blocks."""
    found, fenced = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"(#{1,6}) +(.+?) *#*$", line)):
            found.append((len(match[1]), match[2]))
    return found


def slug(text: str) -> str:
    """GitHub's anchor for a heading: link text kept, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).replace("`", "").lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    seen: dict[str, int] = {}
    result = set()
    for _, text in headings(markdown):
        base = slug(text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        result.add(base if count == 0 else f"{base}-{count}")
    return result


def links(path: Path) -> list[str]:
    return LINK.findall(prose(path.read_text()))


def test_slug_is_githubs() -> None:
    assert slug("What is verified here, and what only a real deploy shows") == (
        "what-is-verified-here-and-what-only-a-real-deploy-shows"
    )
    assert slug("1b. Kubernetes provider resource (`pulumi:providers:kubernetes`)") == (
        "1b-kubernetes-provider-resource-pulumiproviderskubernetes"
    )
    assert anchors("# A\n## A\n```\n# not a heading\n```\n") == {"a", "a-1"}


def test_readme_is_at_most_450_lines() -> None:
    lines = len(README.splitlines())
    assert lines <= MAX_README_LINES, (
        f"README.md has {lines} lines (at most {MAX_README_LINES}): "
        "move the detail to a page under docs/ and link it"
    )


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {target.split("#", 1)[0] for target in links(ROOT / "README.md")}
    assert DOCS, "docs/ has no pages"
    missing = [f"docs/{page.name}" for page in DOCS if f"docs/{page.name}" not in linked]
    assert not missing, f"not linked from README.md: {missing}"


def test_contents_list_links_every_section() -> None:
    sections = [text for level, text in headings(README) if level == 2 and text != "Contents"]
    contents = README.split("\n## Contents\n", 1)[1].split("\n## ", 1)[0]
    listed = {target[1:] for target in LINK.findall(contents) if target.startswith("#")}
    assert [text for text in sections if slug(text) not in listed] == []


@pytest.mark.parametrize(
    "page", [ROOT / "README.md", *DOCS], ids=lambda page: str(page.relative_to(ROOT))
)
def test_relative_links_and_anchors_resolve(page: Path) -> None:
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:, ...
            continue
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved.read_text()):
            broken.append(f"{target}: no such heading")
    assert broken == []


# --- the README's commands, typed into a new shell -----------------------------------

# Documented commands this test does not run, and where they are run instead.
NOT_RUN_HERE = {
    "./scripts/test": "it is the command that runs this test",
    "./scripts/deploy": "needs the Pulumi CLI, a tenant and a cluster: tests/test_scripts.py "
    "runs it with stand-ins",
}
# Commands that need a cloud or a cluster: shown to resolve (`--help`), not run.
HELP_ONLY = ("./scripts/pomerium-azure-ad verify",)


def documented_commands() -> list[str]:
    """Every `./scripts/…` line of the README's shell blocks and inline code."""
    found: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.S):
        found += [line.split("  #")[0].strip() for line in block.splitlines()]
    found += re.findall(r"`(\./scripts/[^`…]*)`", README)
    return list(dict.fromkeys(c for c in found if c.startswith("./scripts/")))


def new_shell_path() -> str:
    """PATH as a new shell has it: not the project's .tools/bin, where the scripts put uv
    when it was missing (uv elsewhere, e.g. ~/.local/bin, is the user's own)."""
    uv = shutil.which("uv")
    folders = ["/usr/local/bin", "/usr/bin", "/bin"]
    if uv and Path(uv).parent != ROOT / ".tools" / "bin":
        folders.append(str(Path(uv).parent))
    return ":".join(folders)


def test_the_readme_documents_its_commands() -> None:
    commands = documented_commands()
    assert "./scripts/plan" in commands and "./scripts/pomerium-azure-ad --help" in commands
    assert "./scripts/pomerium-azure-ad verify --stack <stack>" in commands


@pytest.mark.parametrize(
    "command", [c for c in documented_commands() if c.split()[0] not in NOT_RUN_HERE]
)
def test_each_documented_command_works_in_a_new_shell(command: str) -> None:
    stack = offline.stack_names()[0]
    words = shlex.split(command.replace("<stack>", stack))
    if command.startswith(HELP_ONLY):
        words = [*words[:2], "--help"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    result = subprocess.run(
        words,
        cwd=ROOT,
        env={**env, "PATH": new_shell_path()},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "command not found" not in result.stderr
    assert result.stdout.strip()


# --- the docs say what is so ----------------------------------------------------------

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_test_file_a_page_cites_exists(page: Path) -> None:
    # "a new `tests/…`" is a file that would be written, not one cited.
    cited = set(re.findall(r"(?<!a new `)tests/[\w/]+\.py", page.read_text()))
    assert not [c for c in cited if not (ROOT / c).exists()]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_paragraph_stops_mid_sentence(page: Path) -> None:
    prose = re.sub(r"```.*?```", "", page.read_text(), flags=re.S)
    for paragraph in re.split(r"\n\s*\n", prose):
        last = paragraph.rstrip().splitlines()[-1] if paragraph.strip() else ""
        assert not last.endswith((",", " a", " the", " and", " or")), last


def test_the_offline_plan_page_lists_every_json_key(tmp_path: Path) -> None:
    from tests.test_plan import VALID, project
    from tools.cli import main

    page = (ROOT / "docs" / "offline-plan.md").read_text()
    [row] = [line for line in page.splitlines() if line.startswith("| `--json` |")]
    documented = re.findall(r'"(\w+)"', row)
    root = project(tmp_path / "project", {"team": VALID})
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        main(["plan", "--json", "--project-dir", str(root)])
    document = json.loads(printed.getvalue())
    # {"at", "ok", "stacks": [{...each stack's keys}]}, in the order the plan writes them.
    assert documented == [*document, *document["stacks"][0]]
