"""Type tokens of the resources the policies check, as the engine sends them,
read from the provider SDKs' own classes."""

from __future__ import annotations

import pulumi_azuread as azuread
from pulumi.type_token import get_type_token
from pulumi_kubernetes.core.v1 import Secret

from components.identity_provider import TYPE_TOKEN as COMPONENT


def _token(cls: type) -> str:
    token = get_type_token(cls)
    assert token, f"{cls.__name__} has no type token"
    return token


APPLICATION = _token(azuread.Application)
APPLICATION_REGISTRATION = _token(azuread.ApplicationRegistration)
APPLICATION_API_ACCESS = _token(azuread.ApplicationApiAccess)
APPLICATION_REDIRECT_URIS = _token(azuread.ApplicationRedirectUris)
APPLICATION_PASSWORD = _token(azuread.ApplicationPassword)
KUBERNETES_SECRET = _token(Secret)
# The component whose children these resources are when the program (or
# another program using the component) creates them.
PROVIDER_COMPONENT = COMPONENT


def created_by_component(urn: str) -> bool:
    """Whether the URN's type chain (`parent$child`) includes the component."""
    parts = urn.split("::")
    return len(parts) >= 3 and PROVIDER_COMPONENT in parts[2].split("$")
