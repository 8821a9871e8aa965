"""The Kubernetes Secret's keys and values, against what Pomerium reads, as literals.

The ingress controller reads `client_id` and `client_secret` (pomerium/ingress-controller
`pomerium/config.go`, applyIDPSecret); a Pomerium container reads the environment block of
the guide with `envFrom` (pomerium/pomerium `config/options.go`).
"""

from __future__ import annotations

from components import secret_data
from components.secret_data import IdentityProviderValues

VALUES = IdentityProviderValues(
    client_id="c1d2e3f4-0000-4000-8000-000000000001",
    client_secret="s3cr3t~value",
    provider_url="https://login.microsoftonline.com/0303f438-3c5c-4190-9854-08d3eb31bd9f/v2.0",
    authenticate_service_url="https://authenticate.example.com",
)


def test_the_secret_holds_exactly_what_pomerium_reads() -> None:
    assert secret_data.secret_data(VALUES) == {
        "client_id": "c1d2e3f4-0000-4000-8000-000000000001",
        "client_secret": "s3cr3t~value",
        "IDP_PROVIDER": "azure",
        "IDP_PROVIDER_URL": (
            "https://login.microsoftonline.com/0303f438-3c5c-4190-9854-08d3eb31bd9f/v2.0"
        ),
        "IDP_CLIENT_ID": "c1d2e3f4-0000-4000-8000-000000000001",
        "IDP_CLIENT_SECRET": "s3cr3t~value",
        "AUTHENTICATE_SERVICE_URL": "https://authenticate.example.com",
    }


def test_the_key_tables() -> None:
    assert secret_data.INGRESS_CONTROLLER_KEYS == ("client_id", "client_secret")
    assert set(secret_data.ENVIRONMENT_KEYS) == {
        "IDP_PROVIDER",
        "IDP_PROVIDER_URL",
        "IDP_CLIENT_ID",
        "IDP_CLIENT_SECRET",
        "AUTHENTICATE_SERVICE_URL",
    }
    assert set(secret_data.SECRET_KEYS) == {
        "client_id",
        "client_secret",
        "IDP_PROVIDER",
        "IDP_PROVIDER_URL",
        "IDP_CLIENT_ID",
        "IDP_CLIENT_SECRET",
        "AUTHENTICATE_SERVICE_URL",
    }
    assert len(secret_data.SECRET_KEYS) == 7
    assert set(secret_data.CLIENT_SECRET_KEYS) == {"client_secret", "IDP_CLIENT_SECRET"}


def test_the_secrets_settings() -> None:
    assert secret_data.IDP_PROVIDER == "azure"
    assert secret_data.SECRET_TYPE == "Opaque"
    assert secret_data.SECRET_MUTABLE_SETTING == "enableSecretMutable"
    assert secret_data.PATCH_FORCE_ANNOTATION == "pulumi.com/patchForce"
    assert secret_data.LABELS == {
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/part-of": "pomerium",
    }
