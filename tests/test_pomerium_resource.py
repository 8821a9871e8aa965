"""A `Pomerium` resource built from the stack outputs, against Pomerium's CRD."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from components.secret_data import IDP_PROVIDER
from tools import offline

ROOT = Path(__file__).resolve().parent.parent
CRD = yaml.safe_load((ROOT / "schemas" / "ingress.pomerium.io_pomerium.crd.yaml").read_text())
SCHEMA = CRD["spec"]["versions"][0]["schema"]["openAPIV3Schema"]


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


@pytest.mark.parametrize("stack", offline.stack_names())
def test_outputs_fill_a_valid_pomerium_resource(stack: str, now: datetime) -> None:
    run = offline.run_program(stack, now=now)
    outputs = {name: output.value for name, output in run.outputs.items()}
    authenticate_url = run.one("core/v1:Secret").inputs["stringData"]["AUTHENTICATE_SERVICE_URL"]
    resource = pomerium_resource(outputs, authenticate_url)
    jsonschema.validate(resource, SCHEMA)


def test_the_crd_rejects_a_secret_reference_without_namespace() -> None:
    # The CRD really checks the identity provider block: the test above can fail.
    resource = pomerium_resource(
        {"provider_url": "https://login.microsoftonline.com/common/v2.0", "kubernetes_secret": 42},
        "https://authenticate.example.com",
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(resource, SCHEMA)
