"""The Pulumi YAML example (examples/yaml/) against the schema the plugin serves.

Pulumi YAML checks a program against the package schema only when it runs;
these tests do it here: the project file is valid, its package reaches the
plugin folder, and it names only inputs and outputs the schema has, with
values of the schema's types that the component accepts.
"""

import json
import re
from typing import Any

import jsonschema
import pytest
import yaml

from components.identity_provider import TYPE_TOKEN
from components.settings import ENVIRONMENT_OPTION, OPTIONS, PROJECT, settings_from_args
from tests.test_provider_schema import PROVIDER_DIR, ROOT, served_schema

EXAMPLE_DIR = ROOT / "examples" / "yaml"
OUTPUT_REFERENCE = re.compile(r"\$\{([\w-]+)\.(\w+)\}")


@pytest.fixture(scope="module")
def program() -> dict[str, Any]:
    return yaml.safe_load((EXAMPLE_DIR / "Pulumi.yaml").read_text())


def component_resources(program: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The program's resources of this package; `pkg:Type` means `pkg:index:Type`."""
    found = {}
    for name, resource in program["resources"].items():
        package, *module, kind = resource["type"].split(":")
        if package == PROJECT:
            assert f"{package}:{module[0] if module else 'index'}:{kind}" == TYPE_TOKEN
            found[name] = resource
    return found


def test_the_example_is_a_valid_pulumi_yaml_project(program: dict[str, Any]) -> None:
    project_schema = json.loads((ROOT / "schemas" / "pulumi-project.schema.json").read_text())
    jsonschema.Draft202012Validator(project_schema).validate(program)
    assert program["runtime"] == "yaml"


def test_the_package_source_reaches_the_plugin_folder(program: dict[str, Any]) -> None:
    source = program["packages"][PROJECT]
    path = source if isinstance(source, str) else source["source"]
    assert (EXAMPLE_DIR / path).resolve() == PROVIDER_DIR
    assert (PROVIDER_DIR / "PulumiPlugin.yaml").is_file()


def conforms(value: Any, prop: dict[str, Any], types: dict[str, Any]) -> bool:
    if "$ref" in prop:
        declared = types[prop["$ref"].removeprefix("#/types/")]
        return value in [e["value"] for e in declared["enum"]]
    match prop["type"]:
        case "string":
            return isinstance(value, str)
        case "boolean":
            return isinstance(value, bool)
        case "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        case "array":
            return isinstance(value, list) and all(
                conforms(item, prop["items"], types) for item in value
            )
    return False


def test_the_example_sets_only_schema_inputs_of_their_types(program: dict[str, Any]) -> None:
    schema = served_schema()
    component = schema["resources"][TYPE_TOKEN]
    resources = component_resources(program)
    assert resources, "the example does not use the component"
    for name, resource in resources.items():
        properties = resource.get("properties", {})
        assert set(properties) <= set(component["inputProperties"]), name
        assert set(component["requiredInputs"]) <= set(properties), name
        for key, value in properties.items():
            assert conforms(value, component["inputProperties"][key], schema["types"]), key


def test_the_components_validation_accepts_the_example(program: dict[str, Any]) -> None:
    fields = {o.key: o.field for o in (*OPTIONS, ENVIRONMENT_OPTION)}
    for resource in component_resources(program).values():
        args = {fields[key]: value for key, value in resource["properties"].items()}
        settings_from_args(args, stack="dev")  # raises ConfigError naming each bad input


def test_the_example_reads_only_schema_outputs(program: dict[str, Any]) -> None:
    outputs = served_schema()["resources"][TYPE_TOKEN]["properties"]
    resources = component_resources(program)
    references = [
        OUTPUT_REFERENCE.findall(value)
        for value in program.get("outputs", {}).values()
        if isinstance(value, str)
    ]
    pairs = [pair for found in references for pair in found]
    assert pairs, "the example exports nothing from the component"
    for resource, prop in pairs:
        assert resource in resources, resource
        assert prop in outputs, prop
