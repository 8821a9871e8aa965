"""Writes Pulumi.yaml's `config:` declarations from components/settings.py's
OPTIONS, the one place a setting is defined:

    uv run python -m tools.settings_files          # rewrite Pulumi.yaml's config
    uv run python -m tools.settings_files --check  # exit 1 if it is out of date

The component's argument docstrings (components/args.py) and the README's
configuration table are checked against OPTIONS by tests/test_settings_files.py.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from components.settings import OPTIONS, Option

PULUMI_YAML = Path(__file__).resolve().parent.parent / "Pulumi.yaml"


def declaration(option: Option) -> dict[str, Any]:
    """The option as Pulumi.yaml declares it. A required key has no default: the
    CLI then demands it in every stack."""
    declared: dict[str, Any] = {"type": option.type}
    if option.type == "array":
        declared["items"] = {"type": option.items}
    if option.default is not None:
        declared["default"] = option.default
    declared["description"] = option.description
    return declared


def render(current: str) -> str:
    """Pulumi.yaml's text with its `config:` block made from OPTIONS (comments and
    every other key kept)."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    document = yaml.load(current)
    document["config"] = {option.key: declaration(option) for option in OPTIONS}
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.settings_files")
    parser.add_argument("--check", action="store_true", help="only say whether it is current")
    args = parser.parse_args(argv)
    current = PULUMI_YAML.read_text()
    wanted = render(current)
    if args.check:
        if wanted != current:
            print(
                "Pulumi.yaml's config is out of date: run `uv run python -m tools.settings_files`"
            )
            return 1
        return 0
    PULUMI_YAML.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
