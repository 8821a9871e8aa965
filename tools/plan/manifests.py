"""The Kubernetes files `plan --out` writes, each validated against its schema.

- the Secret the deploy writes (client-secret values replaced by a visible
  placeholder), validated with `kubernetes-validate`;
- the `Pomerium` resource (ingress.pomerium.io/v1) that consumes it, validated
  against Pomerium's CRD, a copy of which the project ships in schemas/.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from components.secret_data import CLIENT_SECRET_KEYS, IDP_PROVIDER, SECRET_KEYS

from ..offline import PROJECT_DIR, ProgramRun
from .redact import SECRET_PLACEHOLDER
from .summary import SECRET_RESOURCE, StackPlan

POMERIUM_API_VERSION = "ingress.pomerium.io/v1"
POMERIUM_KIND = "Pomerium"
# The ingress controller's default installation reads the Pomerium resource named "global".
POMERIUM_RESOURCE_NAME = "global"
# The default installation's job generates the bootstrap secrets into this Secret.
DEFAULT_BOOTSTRAP_SECRET = "pomerium/bootstrap"
CRD_PATH = Path("schemas") / "ingress.pomerium.io_pomerium.crd.yaml"

# The CRD's `format: namespace/name` (how the ingress controller refers to a Secret).
_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
NAMESPACED_NAME = re.compile(rf"^{_DNS_LABEL}/{_DNS_LABEL}(\.{_DNS_LABEL})*$")


class ManifestError(ValueError):
    """A rendered file does not validate against its schema."""


@dataclass(frozen=True)
class Rendered:
    filename: str
    document: dict[str, Any]
    header: str


def secret_manifest(run: ProgramRun, secrets: set[str], cluster: str = "") -> dict[str, Any]:
    """A cluster's Kubernetes Secret as the deploy declares it, without secret values."""
    name = f"{SECRET_RESOURCE}-{cluster}" if cluster else SECRET_RESOURCE
    (registration,) = [r for r in run.of_type("core/v1:Secret") if r.name == name]
    inputs = registration.inputs
    order = {key: index for index, key in enumerate(SECRET_KEYS)}
    data = {
        key: SECRET_PLACEHOLDER
        if key in CLIENT_SECRET_KEYS or any(s in str(value) for s in secrets)
        else value
        for key, value in sorted(
            inputs.get("stringData", {}).items(), key=lambda kv: order.get(kv[0], len(order))
        )
    }
    metadata = inputs.get("metadata", {})
    return {
        "apiVersion": inputs.get("apiVersion", "v1"),
        "kind": inputs.get("kind", "Secret"),
        "metadata": {
            "name": metadata.get("name"),
            "namespace": metadata.get("namespace"),
            "labels": dict(metadata.get("labels", {})),
        },
        "type": inputs.get("type", "Opaque"),
        "stringData": data,
    }


def pomerium_resource(
    plan: StackPlan, provider_url: str, bootstrap_secret: str, index: int = 0
) -> dict[str, Any]:
    """The cluster-wide `Pomerium` resource whose identity provider is the
    `index`th cluster's Secret."""
    secret = (plan.kubernetes_secrets or [plan.kubernetes_secret])[index]
    return {
        "apiVersion": POMERIUM_API_VERSION,
        "kind": POMERIUM_KIND,
        "metadata": {"name": POMERIUM_RESOURCE_NAME},
        "spec": {
            # That cluster's authenticate service URL.
            "authenticate": {
                "url": secret.authenticate_service_url or plan.application.homepage_url
            },
            "identityProvider": {
                "provider": IDP_PROVIDER,
                "url": provider_url,
                "secret": f"{secret.namespace}/{secret.name}",
            },
            "secrets": bootstrap_secret,
        },
    }


def validate_secret(manifest: dict[str, Any]) -> None:
    import kubernetes_validate

    version = kubernetes_validate.latest_version()
    try:
        kubernetes_validate.validate(manifest, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        raise ManifestError(
            f"Secret does not validate (Kubernetes {version}): {error.message}"
        ) from None


@cache
def _pomerium_schema(project_dir: Path) -> dict[str, Any]:
    crd = yaml.safe_load((project_dir / CRD_PATH).read_text())
    return dict(crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"])


def validate_pomerium(resource: dict[str, Any], project_dir: Path = PROJECT_DIR) -> None:
    import jsonschema

    checker = jsonschema.FormatChecker()
    checker.checks("namespace/name")(lambda value: bool(NAMESPACED_NAME.match(str(value))))
    schema = _pomerium_schema(project_dir)
    validator = jsonschema.validators.validator_for(schema)(schema, format_checker=checker)
    problems = sorted(validator.iter_errors(resource), key=lambda e: list(e.absolute_path))
    if problems:
        raise ManifestError(
            "Pomerium resource does not validate against the CRD:\n"
            + "\n".join(
                f"  - {'.'.join(map(str, p.absolute_path)) or '(root)'}: {p.message}"
                for p in problems
            )
        )


def render(
    run: ProgramRun,
    plan: StackPlan,
    *,
    secrets: set[str],
    bootstrap_secret: str,
    project_dir: Path = PROJECT_DIR,
) -> list[Rendered]:
    """Both files for each cluster of one stack, validated."""
    rendered: list[Rendered] = []
    clusters = plan.kubernetes_secrets or [plan.kubernetes_secret]
    for index, cluster in enumerate(clusters):
        secret = secret_manifest(run, secrets, cluster.cluster)
        validate_secret(secret)
        resource = pomerium_resource(
            plan, str(run.outputs["provider_url"].value), bootstrap_secret, index
        )
        validate_pomerium(resource, project_dir)
        rendered += _files(plan, secret, resource, f"-{cluster.cluster}" if cluster.cluster else "")
    return rendered


def _files(
    plan: StackPlan, secret: dict[str, Any], resource: dict[str, Any], suffix: str
) -> list[Rendered]:
    header = (
        f"# Rendered offline by `pomerium-azure-ad plan` for stack {plan.stack} at {plan.at}.\n"
    )
    return [
        Rendered(
            f"kubernetes-secret{suffix}.yaml",
            secret,
            header + "# For review only: `pulumi up` writes this Secret with the real values; the\n"
            f"# client secret appears here as {SECRET_PLACEHOLDER!r}.\n",
        ),
        Rendered(
            f"pomerium{suffix}.yaml",
            resource,
            header + "# The Pomerium ingress controller's global settings, reading the identity\n"
            f"# provider from the Secret in kubernetes-secret{suffix}.yaml; spec.secrets names\n"
            "# Pomerium's bootstrap Secret (--bootstrap-secret).\n",
        ),
    ]


def to_yaml(rendered: Rendered, placeholders: dict[str, str]) -> str:
    """The file's text: its header, a legend of the placeholders it holds, the document."""
    body = yaml.safe_dump(rendered.document, sort_keys=False)
    legend = [
        f"#   {token}: {meaning}\n" for token, meaning in placeholders.items() if token in body
    ]
    if legend:
        legend.insert(0, "# Placeholders, values only the cloud knows (a deploy fills them in):\n")
    return rendered.header + "".join(legend) + "---\n" + body
