"""The project's shape, held: short functions, one source per setting, folders
that say what runs where, data flowing one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from components.settings import ALL_OPTIONS
from tools import settings_files

ROOT = Path(__file__).resolve().parent.parent
# Everything that is not a test.
SOURCES = [
    *sorted((ROOT / "components").rglob("*.py")),
    *sorted((ROOT / "tools").rglob("*.py")),
    *sorted((ROOT / "policy").rglob("*.py")),
    *sorted((ROOT / "provider").rglob("*.py")),
    *sorted((ROOT / "benchmarks").rglob("*.py")),
    *sorted((ROOT / ".github" / "scripts").rglob("*.py")),
    ROOT / "__main__.py",
]
# The pure core: plain functions and data, no Pulumi import.
PURE = [
    "adoption",
    "app_management_policy",
    "args",
    "assignment_adoption",
    "checks",
    "clock",
    "clouds",
    "graph",
    "injection",
    "policy_commands",
    "policy_verdict",
    "proof",
    "rotation",
    "secret_data",
    "settings",
]
MAX_FUNCTION_LINES = 60


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_runs_past_a_screen(path: Path) -> None:
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"  # type: ignore[operator]
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES  # type: ignore[operator]
    ]
    assert long == []


@pytest.mark.parametrize("module", PURE)
def test_the_pure_core_imports_no_pulumi(module: str) -> None:
    imports = imported_modules(ROOT / "components" / f"{module}.py")
    assert not {m for m in imports if m.split(".")[0].startswith("pulumi")}


def test_what_pulumi_up_imports_never_reaches_the_tools() -> None:
    """components/ and __main__.py are what `pulumi up` runs; tools/ runs beside it."""
    for path in [*(ROOT / "components").rglob("*.py"), ROOT / "__main__.py"]:
        tops = {m.split(".")[0] for m in imported_modules(path)}
        assert not tops & {"tools", "policy", "tests"}, path


def test_pulumi_yaml_declares_exactly_the_options() -> None:
    current = (ROOT / "Pulumi.yaml").read_text()
    assert settings_files.render(current) == current, "run `uv run python -m tools.settings_files`"


def argument_docstrings() -> dict[str, str]:
    tree = ast.parse((ROOT / "components" / "args.py").read_text())
    (cls,) = [
        n
        for n in tree.body
        if isinstance(n, ast.ClassDef) and n.name == "PomeriumIdentityProviderArgs"
    ]
    docs = {}
    for node, following in zip(cls.body, cls.body[1:], strict=False):
        if isinstance(node, ast.AnnAssign) and isinstance(following, ast.Expr):
            assert isinstance(node.target, ast.Name)
            docs[node.target.id] = str(following.value.value)  # type: ignore[attr-defined]
    return docs


def test_each_argument_is_described_as_its_setting() -> None:
    docs = argument_docstrings()
    assert set(docs) == {o.field for o in ALL_OPTIONS}
    for option in ALL_OPTIONS:
        assert docs[option.field].startswith(option.description), option.field


def test_the_settings_writer_leaves_a_current_file_alone(tmp_path: Path) -> None:
    current = (ROOT / "Pulumi.yaml").read_text()
    stale = current.replace("default: pomerium\n", "default: pomerium-old\n")
    assert stale != current
    assert settings_files.render(stale) == current
