"""Pomerium's cluster-wide `Pomerium` resource from a pomerium-azure-ad stack's outputs.

The ingress controller watches the Secret named in identityProvider.secret and
reconfigures itself when the scheduled rotation changes it: nothing here needs to
change when the client secret rotates.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as kubernetes

# Pomerium's fixed callback path: the identity stack registers <authenticate URL> + this
# as the application's first reply URL.
CALLBACK_PATH = "/oauth2/callback"
DEFAULT_BOOTSTRAP_SECRET = "pomerium/bootstrap"
DEFAULT_POMERIUM_NAME = "global"


def authenticate_url(redirect_urls: list[str]) -> str:
    """The authenticate service URL: the first reply URL without the callback path."""
    first = redirect_urls[0] if redirect_urls else ""
    if not first.endswith(CALLBACK_PATH):
        raise ValueError(
            f"the identity stack's first redirect URL should end in {CALLBACK_PATH}: {first!r}"
        )
    return first.removesuffix(CALLBACK_PATH)


def pomerium_spec(
    *, provider_url: str, idp_secret: str, redirect_urls: list[str], bootstrap_secret: str
) -> dict[str, Any]:
    return {
        "authenticate": {"url": authenticate_url(redirect_urls)},
        "identityProvider": {"provider": "azure", "url": provider_url, "secret": idp_secret},
        "secrets": bootstrap_secret,
    }


config = pulumi.Config()
identity = pulumi.StackReference("identity", stack_name=config.require("identityStack"))
bootstrap_secret = config.get("bootstrapSecret") or DEFAULT_BOOTSTRAP_SECRET

spec = pulumi.Output.all(
    identity.require_output("provider_url"),
    identity.require_output("kubernetes_secret"),
    identity.require_output("redirect_urls"),
).apply(
    lambda values: pomerium_spec(
        provider_url=values[0],
        idp_secret=values[1],
        redirect_urls=values[2],
        bootstrap_secret=bootstrap_secret,
    )
)

pomerium_name = config.get("pomeriumName") or DEFAULT_POMERIUM_NAME
kubernetes.apiextensions.CustomResource(
    "pomerium",
    api_version="ingress.pomerium.io/v1",
    kind="Pomerium",
    metadata=kubernetes.meta.v1.ObjectMetaArgs(name=pomerium_name),
    spec=spec,
)

pulumi.export("pomerium", pomerium_name)
pulumi.export("authenticate_url", spec.apply(lambda s: s["authenticate"]["url"]))
