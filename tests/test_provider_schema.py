"""The multi-language plugin (provider/), started the way the Pulumi CLI starts it.

The CLI runs `python <plugin folder> <engine address>` with the plugin's
virtualenv, reads the port the plugin prints on stdout and calls GetSchema over
gRPC; the SDK it generates for TypeScript, Go, C# or YAML users is that schema.
Expected names, types, requiredness and descriptions come from the code
(settings.OPTIONS, the args TypedDict, the docstrings), never retyped here.
"""

import ast
import enum
import functools
import inspect
import itertools
import json
import subprocess
import sys
import tempfile
import threading
import tomllib
import typing
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from pulumi.provider.experimental.util import camel_case
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from components import args as args_module
from components import identity_provider
from components.args import PomeriumIdentityProviderArgs
from components.settings import ENVIRONMENT_OPTION, OPTIONS, PROJECT

ROOT = Path(__file__).resolve().parent.parent
PROVIDER_DIR = ROOT / "provider"
START_TIMEOUT_SECONDS = 60
ALL_OPTIONS = (*OPTIONS, ENVIRONMENT_OPTION)


def _read_port(process: subprocess.Popen[str]) -> int:
    """The port the plugin prints as its first stdout line, as the CLI reads it."""
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()))  # type: ignore[union-attr]
    reader.start()
    reader.join(START_TIMEOUT_SECONDS)
    if not line or not line[0].strip().isdigit():
        process.kill()
        _, stderr = process.communicate(timeout=10)
        pytest.fail(f"the plugin printed no port ({line!r}); stderr:\n{stderr}")
    return int(line[0])


@functools.cache
def served_schema() -> dict[str, Any]:
    """The schema the plugin serves over gRPC (started once per test session).

    Run from a directory that is not the repository, as the CLI runs it from
    the consumer's project; the engine address is never dialled for GetSchema.
    """
    process = subprocess.Popen(
        [sys.executable, str(PROVIDER_DIR), "127.0.0.1:1"],
        cwd=tempfile.gettempdir(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = _read_port(process)
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            response = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=30)
        return json.loads(response.schema)
    finally:
        process.kill()
        process.communicate(timeout=10)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return served_schema()


@pytest.fixture(scope="module")
def component(schema: dict[str, Any]) -> dict[str, Any]:
    return schema["resources"][identity_provider.TYPE_TOKEN]


def attribute_docstrings(module: Any, class_name: str) -> dict[str, str]:
    """`name: T` followed by a string literal, as written in the class body."""
    tree = ast.parse(inspect.getsource(module))
    body = next(
        node.body
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and node.name == class_name
    )
    found: dict[str, str] = {}
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = inspect.cleandoc(following.value.value)
    return found


def expected_type(annotation: Any) -> dict[str, Any]:
    """The schema's type for a plain args annotation (NotRequired unwrapped)."""
    if typing.get_origin(annotation) is typing.NotRequired:
        (annotation,) = typing.get_args(annotation)
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        return {"type": "array", "items": expected_type(item)}
    if (isinstance(annotation, type) and issubclass(annotation, enum.Enum)) or typing.is_typeddict(
        annotation
    ):
        return {"$ref": f"#/types/{PROJECT}:index:{annotation.__name__}"}
    return {"type": {str: "string", bool: "boolean", int: "integer"}[annotation]}


def shape(prop: dict[str, Any]) -> dict[str, Any]:
    """A schema property without descriptions and plain markers."""
    out = {k: v for k, v in prop.items() if k in ("type", "$ref")}
    if "items" in prop:
        out["items"] = shape(prop["items"])
    return out


def test_the_plugin_is_a_python_plugin_whose_requirements_install_this_project() -> None:
    plugin = yaml.safe_load((PROVIDER_DIR / "PulumiPlugin.yaml").read_text())
    assert plugin["runtime"]["name"] == "python"
    assert (PROVIDER_DIR / "__main__.py").is_file()
    # Pulumi runs `pip install -r requirements.txt` in the plugin folder.
    lines = [
        line.strip()
        for line in (PROVIDER_DIR / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    paths = [(PROVIDER_DIR / line.removeprefix("-e").strip()).resolve() for line in lines]
    assert ROOT in paths
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == PROJECT


def test_package_name_and_version_come_from_the_python_project(schema: dict[str, Any]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert schema["name"] == PROJECT == project["name"]
    assert schema["version"] == project["version"]


def test_the_component_has_the_type_token_the_program_registers(schema: dict[str, Any]) -> None:
    assert list(schema["resources"]) == [identity_provider.TYPE_TOKEN]
    assert schema["resources"][identity_provider.TYPE_TOKEN]["isComponent"] is True


def test_inputs_are_exactly_the_settings_table(component: dict[str, Any]) -> None:
    fields = typing.get_type_hints(PomeriumIdentityProviderArgs, include_extras=True)
    assert {o.field for o in ALL_OPTIONS} == set(fields)
    assert set(component["inputProperties"]) == {o.key for o in ALL_OPTIONS}


def test_every_input_has_its_type_and_is_plain(component: dict[str, Any]) -> None:
    fields = typing.get_type_hints(PomeriumIdentityProviderArgs, include_extras=True)
    for option in ALL_OPTIONS:
        prop = component["inputProperties"][option.key]
        assert shape(prop) == expected_type(fields[option.field]), option.key
        # Enums travel as strings, as the settings table says.
        assert prop.get("type", "string") == option.type, option.key
        # Plain: a value (never an unknown Output) that the component validates
        # before it registers anything, whichever language calls it.
        assert prop.get("plain") is True, option.key
        assert prop.get("items", {}).get("plain", True) is True, option.key


def test_only_options_without_a_default_are_required(component: dict[str, Any]) -> None:
    required = {o.key for o in ALL_OPTIONS if o.default is None}
    assert set(component["requiredInputs"]) == required
    assert {o.field for o in ALL_OPTIONS if o.default is None} == set(
        PomeriumIdentityProviderArgs.__required_keys__
    )


def test_every_input_is_described_by_its_docstring(component: dict[str, Any]) -> None:
    docs = attribute_docstrings(args_module, "PomeriumIdentityProviderArgs")
    for option in ALL_OPTIONS:
        assert docs.get(option.field), f"{option.field} has no docstring"
        assert component["inputProperties"][option.key]["description"] == docs[option.field]


def test_every_output_is_described_by_its_docstring(component: dict[str, Any]) -> None:
    docs = attribute_docstrings(identity_provider, "PomeriumIdentityProvider")
    assert docs, "the component declares no documented outputs"
    assert set(component["properties"]) == {camel_case(name) for name in docs}
    assert set(component["required"]) == set(component["properties"])
    for name, doc in docs.items():
        assert component["properties"][camel_case(name)]["description"] == doc


def test_the_schema_says_the_client_secret_is_secret(component: dict[str, Any]) -> None:
    # The generator has no secret marker; the description is what users read.
    assert component["properties"]["clientSecret"]["description"].startswith("Secret.")


def enum_inputs() -> dict[str, type[enum.Enum]]:
    """Args fields typed with an Enum, by field name."""
    fields = typing.get_type_hints(PomeriumIdentityProviderArgs)
    return {
        name: annotation
        for name, annotation in fields.items()
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum)
    }


def test_enum_inputs_list_every_member(schema: dict[str, Any]) -> None:
    assert enum_inputs(), "no input is an Enum"
    for enum_type in enum_inputs().values():
        declared = schema["types"][f"{PROJECT}:index:{enum_type.__name__}"]
        assert declared["type"] == "string"
        assert declared["description"] == inspect.cleandoc(enum_type.__doc__ or "")
        assert [e["value"] for e in declared["enum"]] == [m.value for m in enum_type]
        assert all(e.get("description") for e in declared["enum"])


ENUMS = (args_module.SignInAudience, args_module.GroupMembershipClaim)


def test_no_input_is_a_list_of_enums(component: dict[str, Any]) -> None:
    # Pulumi's Python provider host turns each enum of a list input into {}:
    # such lists are strings, their values named in the description instead.
    enums = {f"#/types/{PROJECT}:index:{e.__name__}" for e in ENUMS}
    for key, prop in component["inputProperties"].items():
        assert prop.get("items", {}).get("$ref") not in enums, key


def test_group_claims_description_names_every_claim(component: dict[str, Any]) -> None:
    description = component["inputProperties"]["groupMembershipClaims"]["description"]
    for claim in args_module.GroupMembershipClaim:
        assert claim.value in description
