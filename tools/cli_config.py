"""The Pulumi CLI's rules for stack files and project config, re-implemented
for the offline plan and the tests (no Pulumi import).

Each rule follows the CLI's source at the pinned version (Pulumi.yaml's
requiredPulumiVersion), cited where it is applied:

- stack files are read with gopkg.in/yaml.v3 (YAML 1.2: `yes`/`on` are strings,
  a duplicate mapping key is an error): pulumi/pulumi
  sdk/go/common/encoding/marshal.go;
- a scalar value becomes text as `config.Value` stores it (object.go
  `MarshalString`: JSON for booleans and numbers, so `60.0` becomes "60"); a
  list or mapping becomes JSON and is validated as structured data:
  sdk/go/common/resource/config/object.go, value.go;
- that text (or structure) is checked against Pulumi.yaml's declared type:
  sdk/go/common/workspace/project.go `ValidateConfigValue`, called by
  pkg/workspace/config.go `validateStackConfigValue`; the CLI stops at the first
  wrong key (in key order), the plan names them all;
- a declared key with no default that the stack does not set is an error; a
  declared default fills an unset key (pkg/workspace/config.go
  `ValidateStackConfigAndApplyProjectConfig`).
"""

from __future__ import annotations

import copy
import io
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError


class StackFileError(ValueError):
    """The CLI would refuse this stack file before running the program."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{self.path}: {len(problems)} problem(s):\n{lines}")


def _yaml() -> YAML:
    # YAML 1.2 like yaml.v3; duplicate keys are refused, as yaml.v3 refuses them.
    loader = YAML(typ="safe", pure=True)
    loader.allow_duplicate_keys = False
    return loader


def read_yaml(path: Path) -> Any:
    """A YAML file as the CLI reads it, or StackFileError saying why not."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise StackFileError(path, [f"cannot be read: {error.strerror}"]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StackFileError(
            path, [f"is not UTF-8 text (byte {error.start}): save it as UTF-8"]
        ) from None
    try:
        # A copy: callers may change what they get.
        return copy.deepcopy(_parse(text))
    except YAMLError as error:
        detail = " ".join(str(error).split())
        raise StackFileError(path, [f"is not valid YAML: {detail}"]) from None


@lru_cache(maxsize=64)
def _parse(text: str) -> Any:
    """Parsing is the offline runs' largest cost (Pulumi.yaml is read for every
    run, ~0.1 s with the pure-Python parser); the same text parses the same."""
    return _yaml().load(io.StringIO(text))


def read_stack_config(path: Path) -> dict[str, Any]:
    """The `config:` mapping of a stack file (empty if the file sets none)."""
    document = read_yaml(path)
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise StackFileError(path, ["must be a mapping with a `config:` key"])
    config = document.get("config")
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise StackFileError(
            path,
            [f"`config:` must be a mapping of keys to values; got {type(config).__name__}"],
        )
    return config


def config_text(value: Any) -> tuple[str, bool]:
    """(text, is_object): the value as the CLI stores it and hands it to the
    program (object.go `MarshalString`)."""
    if isinstance(value, bool):
        return ("true" if value else "false"), False
    if isinstance(value, int):
        return str(value), False
    if isinstance(value, float):
        return _go_json_float(value), False
    if isinstance(value, str):
        return value, False
    return json.dumps(value, separators=(",", ":")), True


def _go_json_float(value: float) -> str:
    """Go's encoding/json text of a float64: no exponent from 1e-6 to 1e21,
    a whole number without a fraction."""
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def value_has_type(type_name: str, items: dict[str, Any] | None, value: Any) -> bool:
    """project.go `ValidateConfigValue`, rule for rule: scalars arrive as text."""
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value == math.trunc(value)
        return isinstance(value, str) and _atoi(value)
    if type_name == "boolean":
        return value in ("true", "false") or isinstance(value, bool)
    if type_name == "object":
        return isinstance(value, dict)
    if not isinstance(value, list) or items is None:
        return False
    return all(value_has_type(items.get("type", ""), items.get("items"), v) for v in value)


def _atoi(text: str) -> bool:
    """Go's strconv.Atoi: an optional sign and decimal digits, nothing else."""
    digits = text[1:] if text[:1] in "+-" else text
    return digits.isascii() and digits.isdigit()


def _type_name(spec: dict[str, Any]) -> str:
    """workspace.InferFullTypeName: `array<string>` for a list of strings."""
    if spec.get("type") == "array":
        return f"array<{_type_name(spec.get('items') or {})}>"
    return str(spec.get("type", "string"))


@dataclass
class StackConfig:
    values: dict[str, str] = field(default_factory=dict)
    """Full key ("ns:key") -> the text the program reads (lists and objects as JSON)."""
    problems: list[str] = field(default_factory=list)


def project_keys(project: dict[str, Any], full_key: str) -> tuple[str, str]:
    """(namespace, key); a key without a namespace is the project's."""
    namespace, _, key = full_key.partition(":")
    return (str(project["name"]), full_key) if not key else (namespace, key)


def apply_project_config(
    project: dict[str, Any], stack: str, values: dict[str, Any]
) -> StackConfig:
    """The stack's config as the CLI hands it to the program: stack values
    type-checked against Pulumi.yaml, declared defaults for unset keys."""
    name = str(project["name"])
    declared: dict[str, dict[str, Any]] = project.get("config") or {}
    result = StackConfig()
    for full_key, value in values.items():
        namespace, key = project_keys(project, str(full_key))
        text, is_object = config_text(value)
        spec = declared.get(key) if namespace == name else None
        if spec is not None and "type" in spec:
            content = json.loads(text) if is_object else text
            if not value_has_type(spec["type"], spec.get("items"), content):
                result.problems.append(
                    f"Stack '{stack}' with configuration key '{name}:{key}' must be of type "
                    f"'{_type_name(spec)}'; got {value!r}"
                )
                continue
        result.values[f"{namespace}:{key}"] = text
    for key, spec in declared.items():
        full_key = f"{name}:{key}"
        if full_key in result.values or any(f"'{full_key}'" in p for p in result.problems):
            continue
        if "default" in spec:
            result.values[full_key] = config_text(spec["default"])[0]
        else:
            result.problems.append(
                f"Stack '{stack}' is missing configuration value '{full_key}' "
                "(required by Pulumi.yaml, which gives it no default)"
            )
    return result
