"""A `Pomerium` resource built from the stack outputs, against Pomerium's CRD.

Plain `jsonschema.validate` ignores `format`, and the CRD's `namespace/name` is no format
jsonschema knows: the validator below checks formats, with `namespace/name` as the ingress
controller reads it. pomerium/ingress-controller `controllers/settings/fetch.go` parses
`identityProvider.secret` and `secrets` with `util.ParseNamespacedName` and no option, which
means `WithNamespaceExpected` (`util/namespaced_name.go`): the text splits on "/" into exactly
two parts, the namespace must not be empty ("missing namespace for resource") and neither may
the name ("invalid format, expect name or namespace/name"). `uri` (the provider URL): an
absolute URI with a scheme and a host.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml

from components.secret_data import IDP_PROVIDER
from tools import offline

ROOT = Path(__file__).resolve().parent.parent
CRD = yaml.safe_load((ROOT / "schemas" / "ingress.pomerium.io_pomerium.crd.yaml").read_text())
SCHEMA = CRD["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
GOOD_URL = "https://login.microsoftonline.com/common/v2.0"
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("namespace/name")
def namespaced_name(value: object) -> bool:
    if not isinstance(value, str):
        return True  # the type check reports it
    parts = value.split("/")
    return len(parts) == 2 and all(parts)


@FORMATS.checks("uri")
def uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and bool(parts.netloc) and " " not in value


VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=FORMATS)


def pomerium_resource(outputs: dict[str, Any], authenticate_url: str) -> dict[str, Any]:
    return {
        "apiVersion": f"{CRD['spec']['group']}/{CRD['spec']['versions'][0]['name']}",
        "kind": CRD["spec"]["names"]["kind"],
        "metadata": {"name": "global"},
        "spec": {
            "authenticate": {"url": authenticate_url},
            "identityProvider": {
                "provider": IDP_PROVIDER,
                "url": outputs["provider_url"],
                "secret": outputs["kubernetes_secret"],
            },
            "secrets": "pomerium/bootstrap",
        },
    }


def errors(resource: dict[str, Any]) -> list[jsonschema.ValidationError]:
    return list(VALIDATOR.iter_errors(resource))


def test_the_crd_uses_the_formats_checked_here() -> None:
    idp = SCHEMA["properties"]["spec"]["properties"]["identityProvider"]["properties"]
    assert idp["secret"]["format"] == "namespace/name"
    assert idp["url"]["format"] == "uri"
    assert SCHEMA["properties"]["spec"]["properties"]["secrets"]["format"] == "namespace/name"


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", offline.stack_names())
def test_outputs_fill_a_valid_pomerium_resource(stack: str, now: datetime) -> None:
    run = offline.run_program(stack, now=now)
    outputs = {name: output.value for name, output in run.outputs.items()}
    # One Pomerium resource per cluster the stack writes a Secret to.
    for cluster in outputs["kubernetes_secrets"]:
        resource = pomerium_resource(
            {"provider_url": outputs["provider_url"], "kubernetes_secret": cluster["secret"]},
            cluster["authenticate_service_url"],
        )
        assert errors(resource) == [], cluster
    assert outputs["kubernetes_secret"] == outputs["kubernetes_secrets"][0]["secret"]


@pytest.mark.parametrize(
    "reference",
    [
        pytest.param("idp", id="no namespace"),
        pytest.param("/idp", id="empty namespace"),
        pytest.param("pomerium/", id="empty name"),
        pytest.param("pomerium/idp/extra", id="three parts"),
    ],
)
def test_the_crd_rejects_a_secret_reference_the_controller_cannot_parse(reference: str) -> None:
    # A string (the type is right), only its form is wrong: the format check must catch it.
    resource = pomerium_resource(
        {"provider_url": GOOD_URL, "kubernetes_secret": reference},
        "https://authenticate.example.com",
    )
    [error] = errors(resource)
    assert error.validator == "format"
    assert list(error.absolute_path) == ["spec", "identityProvider", "secret"]
    # Plain jsonschema.validate, without a format checker, would have passed it.
    jsonschema.validate(resource, SCHEMA)


def test_a_bootstrap_secret_without_namespace_is_rejected() -> None:
    resource = pomerium_resource(
        {"provider_url": GOOD_URL, "kubernetes_secret": "pomerium/idp"},
        "https://authenticate.example.com",
    )
    resource["spec"]["secrets"] = "bootstrap"
    [error] = errors(resource)
    assert (error.validator, list(error.absolute_path)) == ("format", ["spec", "secrets"])


def test_a_provider_url_that_is_not_https_is_rejected() -> None:
    resource = pomerium_resource(
        {
            "provider_url": "http://login.microsoftonline.com/common/v2.0",
            "kubernetes_secret": "a/b",
        },
        "https://authenticate.example.com",
    )
    [error] = errors(resource)
    assert (error.validator, list(error.absolute_path)) == (
        "pattern",
        ["spec", "identityProvider", "url"],
    )


def test_a_provider_url_without_a_host_is_rejected() -> None:
    resource = pomerium_resource(
        {"provider_url": "https:///common/v2.0", "kubernetes_secret": "a/b"},
        "https://authenticate.example.com",
    )
    [error] = errors(resource)
    assert (error.validator, list(error.absolute_path)) == (
        "format",
        ["spec", "identityProvider", "url"],
    )
