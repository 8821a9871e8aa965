"""examples/pomerium-ingress: the consuming stack, under the mock engine with a
mocked StackReference fed by this project's own (offline) outputs."""

from __future__ import annotations

import json
import re
import runpy
from datetime import UTC, datetime
from typing import Any

import jsonschema
import pulumi
import pytest
import yaml

from components import settings
from tests.stacks import run_fixture
from tools import offline

EXAMPLE = offline.PROJECT_DIR / "examples" / "pomerium-ingress"
SCHEMAS = offline.PROJECT_DIR / "schemas"
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
IDENTITY_STACK = "organization/pomerium-azure-ad/prod"
STACK_REFERENCE = "pulumi:pulumi:StackReference"


class CloudWithIdentityStack(offline.PlaceholderCloud):
    """Answers a StackReference read with the given outputs, as the engine does."""

    def __init__(self, outputs: dict[str, offline.StackOutput]) -> None:
        super().__init__(now=NOW)
        self.outputs = outputs
        self.references: list[str] = []

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[str, Any]]:
        if args.typ != STACK_REFERENCE:
            return super().new_resource(args)
        name = args.inputs["name"]
        self.references.append(name)
        state = {
            "name": name,
            "outputs": {key: output.value for key, output in self.outputs.items()},
            "secretOutputNames": [key for key, output in self.outputs.items() if output.secret],
        }
        return name, state


@pytest.fixture(scope="module")
def identity_outputs() -> dict[str, offline.StackOutput]:
    """The outputs of this project's real program, run offline on the tests' own prod
    fixture (tests/stacks.py): never the team's stack files."""
    return run_fixture("prod", now=NOW).outputs


def example_config(**overrides: Any) -> dict[str, str]:
    values = {"identityStack": IDENTITY_STACK, **overrides}
    return offline.stack_config("prod", EXAMPLE, overrides=values)


def run_example(
    outputs: dict[str, offline.StackOutput], config: dict[str, str]
) -> tuple[offline.ProgramRun, CloudWithIdentityStack]:
    cloud = CloudWithIdentityStack(outputs)
    run = offline.run(
        lambda: runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__"),
        stack="prod",
        config=config,
        now=NOW,
        cloud=cloud,
        project="pomerium-ingress",
    )
    return run, cloud


def crd_schema() -> dict[str, Any]:
    crd = yaml.safe_load((SCHEMAS / "ingress.pomerium.io_pomerium.crd.yaml").read_text())
    version = crd["spec"]["versions"][0]
    assert version["name"] == "v1" and crd["spec"]["scope"] == "Cluster"
    return version["schema"]["openAPIV3Schema"]


# The CRD's own formats; jsonschema ignores formats it does not know.
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("namespace/name")
def _namespace_name(value: object) -> bool:
    return (
        isinstance(value, str)
        and re.fullmatch(r"[a-z0-9-]{1,63}/[a-z0-9.-]{1,253}", value) is not None
    )


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[a-z]+://[^\s/]+(/\S*)?", value) is not None


def pomerium_object(run: offline.ProgramRun) -> dict[str, Any]:
    resource = run.one(":Pomerium")
    assert resource.type == "kubernetes:ingress.pomerium.io/v1:Pomerium"
    return resource.inputs


def test_the_example_is_a_uv_python_project_of_its_own() -> None:
    project = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())
    schema = json.loads((SCHEMAS / "pulumi-project.schema.json").read_text())
    jsonschema.validate(project, schema)
    assert project["runtime"] == {"name": "python", "options": {"toolchain": "uv"}}
    assert (EXAMPLE / "uv.lock").exists()
    assert "pulumi-kubernetes" in (EXAMPLE / "pyproject.toml").read_text()


def test_the_pomerium_resource_validates_against_the_crd(
    identity_outputs: dict[str, offline.StackOutput],
) -> None:
    run, cloud = run_example(identity_outputs, example_config())
    assert cloud.references == [IDENTITY_STACK]
    pomerium = pomerium_object(run)
    jsonschema.validate(pomerium, crd_schema(), format_checker=FORMATS)
    assert pomerium["apiVersion"] == "ingress.pomerium.io/v1"
    assert pomerium["kind"] == "Pomerium"
    assert pomerium["metadata"] == {"name": "global"}
    assert pomerium["spec"] == {
        "authenticate": {"url": "https://authenticate.example.com"},
        "identityProvider": {
            "provider": "azure",
            "url": identity_outputs["provider_url"].value,
            "secret": identity_outputs["kubernetes_secret"].value,
        },
        "secrets": "pomerium/bootstrap",
    }
    assert run.outputs["authenticate_url"].value == "https://authenticate.example.com"


def test_the_crd_check_catches_a_wrong_resource(
    identity_outputs: dict[str, offline.StackOutput],
) -> None:
    run, _ = run_example(identity_outputs, example_config())
    pomerium = pomerium_object(run)
    broken = {**pomerium, "spec": {k: v for k, v in pomerium["spec"].items() if k != "secrets"}}
    with pytest.raises(jsonschema.ValidationError, match="secrets"):
        jsonschema.validate(broken, crd_schema(), format_checker=FORMATS)
    entra = json.loads(json.dumps(pomerium).replace('"azure"', '"entra"'))
    with pytest.raises(jsonschema.ValidationError, match="entra"):
        jsonschema.validate(entra, crd_schema(), format_checker=FORMATS)


def test_config_names_the_stack_the_bootstrap_secret_and_the_resource(
    identity_outputs: dict[str, offline.StackOutput],
) -> None:
    config = example_config(
        identityStack="acme/pomerium-azure-ad/staging",
        bootstrapSecret="pomerium-system/bootstrap",
        pomeriumName="pomerium",
    )
    run, cloud = run_example(identity_outputs, config)
    assert cloud.references == ["acme/pomerium-azure-ad/staging"]
    pomerium = pomerium_object(run)
    assert pomerium["spec"]["secrets"] == "pomerium-system/bootstrap"
    assert pomerium["metadata"] == {"name": "pomerium"}


def test_pulumi_yaml_defaults_are_the_codes() -> None:
    example = (
        runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="not-main-skip") if False else None
    )
    assert example is None  # the program runs only under the engine; read its constants:
    source = (EXAMPLE / "__main__.py").read_text()
    config = example_config()
    assert f'DEFAULT_BOOTSTRAP_SECRET = "{config["pomerium-ingress:bootstrapSecret"]}"' in source
    assert f'DEFAULT_POMERIUM_NAME = "{config["pomerium-ingress:pomeriumName"]}"' in source
    assert f'CALLBACK_PATH = "{settings.CALLBACK_PATH}"' in source
    with pytest.raises(
        offline.StackConfigError,
        match="missing configuration value 'pomerium-ingress:identityStack'",
    ):
        offline.stack_config("qa", EXAMPLE)


# plain_deployment.py (Pomerium as a plain Deployment): tests/test_example_plain_deployment.py
