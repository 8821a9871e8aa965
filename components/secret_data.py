"""The Kubernetes Secret Pomerium reads: its keys and labels (no Pulumi import)."""

from __future__ import annotations

from dataclasses import dataclass

# Pomerium's name for the Microsoft Entra ID provider (not "entra").
IDP_PROVIDER = "azure"

# Keys the Pomerium ingress controller reads from the Secret named in its
# `Pomerium` resource's spec.identityProvider.secret.
INGRESS_CONTROLLER_KEYS = ("client_id", "client_secret")
# Environment variables a Pomerium container reads with `envFrom: secretRef`.
ENVIRONMENT_KEYS = (
    "IDP_PROVIDER",
    "IDP_PROVIDER_URL",
    "IDP_CLIENT_ID",
    "IDP_CLIENT_SECRET",
    "AUTHENTICATE_SERVICE_URL",
)
SECRET_KEYS = INGRESS_CONTROLLER_KEYS + ENVIRONMENT_KEYS
# Keys whose value is the client secret: never shown, always a Pulumi secret.
CLIENT_SECRET_KEYS = ("client_secret", "IDP_CLIENT_SECRET")

# Server-side apply annotation that lets Pulumi take fields another manager
# (kubectl) owns: how an existing Secret is taken over in place.
PATCH_FORCE_ANNOTATION = "pulumi.com/patchForce"

# Never `immutable`, and always this type: a change of type, or an immutable
# Secret, is replaced even with enableSecretMutable (pulumi-kubernetes
# provider.go, forceNewProperties).
SECRET_TYPE = "Opaque"

# The Kubernetes provider setting without which a Secret whose data changes is
# replaced, and deleted first since it is named (pulumi-kubernetes provider.go,
# forceNewProperties and Diff): the component's own provider sets it.
SECRET_MUTABLE_SETTING = "enableSecretMutable"

LABELS = {
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/part-of": "pomerium",
}


@dataclass(frozen=True)
class IdentityProviderValues:
    client_id: str
    client_secret: str
    provider_url: str
    authenticate_service_url: str


def secret_data(values: IdentityProviderValues) -> dict[str, str]:
    """The Secret's string data, one entry for each of SECRET_KEYS."""
    return {
        "client_id": values.client_id,
        "client_secret": values.client_secret,
        "IDP_PROVIDER": IDP_PROVIDER,
        "IDP_PROVIDER_URL": values.provider_url,
        "IDP_CLIENT_ID": values.client_id,
        "IDP_CLIENT_SECRET": values.client_secret,
        "AUTHENTICATE_SERVICE_URL": values.authenticate_service_url,
    }
