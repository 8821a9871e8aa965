"""The README's tables and examples match the code."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import yaml

from components import offline
from components.settings import OPTIONS
from tests.test_program import OUTPUTS

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
    from components.permissions import ALL_NEEDS

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
