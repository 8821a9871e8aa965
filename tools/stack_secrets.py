"""Credentials in a stack file: a plaintext value under a key that holds one is refused,
an encrypted one (`secure:`, what `pulumi config set --secret` writes) is accepted. No
message ever shows a value.

The keys are the providers' own settings that hold credentials:
- the azuread provider's config variables its schema marks `"secret": true`
  (pulumi/pulumi-azuread provider/cmd/pulumi-resource-azuread/schema.json, read at
  v6.10.0-46: clientCertificatePassword, clientId, clientSecret), and those its schema's
  descriptions name a credential without marking them (clientCertificate: "Base64
  encoded PKCS#12 certificate bundle"; oidcToken: "The ID token"; oidcRequestToken:
  "The bearer token");
- the kubernetes provider marks none of its config secret (pulumi/pulumi-kubernetes
  provider/pkg/gen/schema.go), but `kubernetes:kubeconfig` is "the contents of a kubeconfig
  file or the path to" one: its contents hold the cluster's credentials, a path does not.

A key of this project's namespace that Pulumi.yaml does not declare (a pasted
`pomerium-azure-ad:clientSecret`) is refused by the program's own check of undeclared keys
(components/settings.py), which never shows a value either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CREDENTIAL_KEYS = {
    "azuread:clientSecret": "the azuread provider's schema marks it secret",
    "azuread:clientCertificatePassword": "the azuread provider's schema marks it secret",
    "azuread:clientId": "the azuread provider's schema marks it secret",
    "azuread:clientCertificate": "it is a certificate bundle with its private key",
    "azuread:oidcToken": "it is an ID token",
    "azuread:oidcRequestToken": "it is a bearer token",
}
KUBECONFIG_KEY = "kubernetes:kubeconfig"


@dataclass
class Review:
    problems: list[str] = field(default_factory=list)
    """One line per plaintext credential, naming the key, never the value."""
    encrypted: list[str] = field(default_factory=list)
    """Keys whose value is encrypted (`secure:`): a deploy decrypts them."""


def is_encrypted(value: Any) -> bool:
    """The stack file's form of a secret: `key: {secure: <ciphertext>}`."""
    return isinstance(value, Mapping) and list(value) == ["secure"]


def _kubeconfig_contents(value: Any) -> bool:
    """A kubeconfig's text (YAML or JSON) rather than a path to one."""
    return not isinstance(value, str) or "\n" in value or "apiVersion" in value or "{" in value


def review(values: Mapping[str, Any]) -> Review:
    """The stack file's config (full keys to values as written) checked for credentials."""
    result = Review()
    for key, value in values.items():
        key = str(key)
        if is_encrypted(value):
            result.encrypted.append(key)
        elif key in CREDENTIAL_KEYS:
            result.problems.append(
                f"{key} holds a plaintext value (not shown), and {CREDENTIAL_KEYS[key]}: "
                f"remove it, and set it with `pulumi config set --secret {key}` (or leave it "
                "to the provider's environment variables or OpenID Connect)"
            )
        elif key == KUBECONFIG_KEY and _kubeconfig_contents(value):
            result.problems.append(
                f"{key} holds a kubeconfig's contents in plaintext (not shown): its "
                "credentials must not be in the stack file; give a path, or set it with "
                f"`pulumi config set --secret {key}`"
            )
    return result
