"""Pulumi.yaml against Pulumi's own project schema and the CLI's extra rules, and
its declared config against the code's table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from components.settings import OPTIONS, PROJECT
from tools import offline

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILE = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
SCHEMA = json.loads((ROOT / "schemas" / "pulumi-project.schema.json").read_text())


def test_project_file_matches_pulumis_schema() -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(PROJECT_FILE)


def test_project_is_named_for_its_config_namespace() -> None:
    assert PROJECT_FILE["name"] == PROJECT
    assert PROJECT_FILE["runtime"] == {"name": "python", "options": {"toolchain": "uv"}}
    assert PROJECT_FILE["stackConfigDir"] == "stacks"


def test_cli_rules_for_declared_config() -> None:
    for key, spec in PROJECT_FILE["config"].items():
        # Keys of other namespaces may only set `value`.
        if ":" in key:
            assert set(spec) <= {"value"}, key
            continue
        assert spec.get("description"), key
        if spec["type"] == "array":
            # The CLI needs an item type (project.go): strings, or the clusters' objects.
            assert spec.get("items") in ({"type": "string"}, {"type": "object"}), key


def test_declared_config_is_the_codes_table() -> None:
    declared = PROJECT_FILE["config"]
    assert list(declared) == [option.key for option in OPTIONS]
    for option in OPTIONS:
        spec: dict[str, Any] = declared[option.key]
        assert spec["type"] == option.type, option.key
        if option.default is None:
            assert "default" not in spec, f"{option.key} is required"
        else:
            assert spec["default"] == option.default, option.key


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", offline.stack_names())
def test_stack_files_pass_the_clis_type_checks(stack: str) -> None:
    config = offline.stack_config(stack)
    assert f"{PROJECT}:authenticateServiceUrl" in config


def test_a_mistyped_stack_value_is_refused_like_the_cli(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text((ROOT / "Pulumi.yaml").read_text())
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.typo.yaml").write_text(
        "config:\n  pomerium-azure-ad:clientSecretRotationDays: ninety\n"
    )
    with pytest.raises(offline.StackConfigError) as caught:
        offline.stack_config("typo", tmp_path)
    message = str(caught.value)
    # The CLI's own words (pkg/workspace/config.go), with the file named.
    assert "Pulumi.typo.yaml" in message
    assert (
        "Stack 'typo' with configuration key 'pomerium-azure-ad:clientSecretRotationDays' "
        "must be of type 'integer'"
    ) in message
