"""Microsoft's error answers, word for word where a source shows them.

Entra ID's token endpoint answers an OAuth error body with `error_codes` (AADSTS numbers);
Microsoft Graph answers `{"error": {"code", "message", "innerError"}}`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

Answer = tuple[int, dict[str, Any] | None]


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def entra_error(status: int, error: str, code: int, text: str) -> Answer:
    """An AADSTS error as the token endpoint sends it (the body shown in
    OfficeDev/microsoft-365-agents-toolkit#8621 and Azure/sap-automation#418)."""
    trace, correlation, stamp = str(uuid.uuid4()), str(uuid.uuid4()), _stamp()
    return status, {
        "error": error,
        "error_description": f"AADSTS{code}: {text}\r\nTrace ID: {trace}\r\n"
        f"Correlation ID: {correlation}\r\nTimestamp: {stamp}",
        "error_codes": [code],
        "timestamp": stamp,
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": f"https://login.microsoftonline.com/error?code={code}",
    }


def invalid_secret(client_id: str) -> Answer:
    # 401 invalid_client (microsoft-365-agents-toolkit#8621, sap-automation#418).
    return entra_error(
        401,
        "invalid_client",
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the "
        f"client secret value, not the client secret ID, for a secret added to app '{client_id}'.",
    )


def unknown_application(client_id: str, tenant: str) -> Answer:
    # 400 unauthorized_client (Azure/azure-sdk-for-python#8314; message: azure-docs#21690).
    return entra_error(
        400,
        "unauthorized_client",
        700016,
        f"Application with identifier '{client_id}' was not found in the directory '{tenant}'. "
        "This can happen if the application has not been installed by the administrator of the "
        "tenant or consented to by any user in the tenant. You may have sent your "
        "authentication request to the wrong tenant.",
    )


def missing_service_principal(client_id: str) -> Answer:
    # AADSTS7000229, one of the "not replicated yet" answers (components/proof.py).
    return entra_error(
        400,
        "invalid_client",
        7000229,
        f"The client application {client_id} is missing service principal in the tenant.",
    )


def expired_secret(client_id: str) -> Answer:
    # AADSTS7000222 (reference-error-codes: "InvalidClientSecretExpiredKeysProvided").
    return entra_error(
        401,
        "invalid_client",
        7000222,
        f"The provided client secret keys for app '{client_id}' are expired.",
    )


def unknown_tenant(tenant: str) -> Answer:
    # 400 for a tenant that does not exist (MSAL Python authority.py, tenant_discovery).
    return entra_error(
        400,
        "invalid_tenant",
        90002,
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and "
        "are signing into the correct cloud.",
    )


def unknown_resource(resource: str, tenant: str) -> Answer:
    return entra_error(
        400,
        "invalid_resource",
        500011,
        f"The resource principal named {resource} was not found in the tenant named {tenant}.",
    )


def unsupported_grant(grant: str) -> Answer:
    return entra_error(
        400,
        "unsupported_grant_type",
        70003,
        f"The app requested an unsupported grant type '{grant}'.",
    )


def graph_error(status: int, code: str, message: str, details: list[Any] | None = None) -> Answer:
    """Graph's error body (learn.microsoft.com/graph/errors)."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    error["innerError"] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "request-id": str(uuid.uuid4()),
        "client-request-id": str(uuid.uuid4()),
    }
    return status, {"error": error}


def not_found(object_id: str) -> Answer:
    # Graph's 404 for a missing directory object (quoted in many scripts that retry
    # on replication, e.g. "Resource '...' does not exist or one of its queried
    # reference-property objects are not present").
    return graph_error(
        404,
        "Request_ResourceNotFound",
        f"Resource '{object_id}' does not exist or one of its queried reference-property "
        "objects are not present.",
    )


def bad_request(message: str) -> Answer:
    return graph_error(400, "Request_BadRequest", message)


def denied() -> Answer:
    # 403 Authorization_RequestDenied (learn.microsoft.com/graph/errors; the
    # azuread provider's and azure-cli's messages for a missing permission).
    return graph_error(
        403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."
    )


def no_token() -> Answer:
    # 401 InvalidAuthenticationToken (learn.microsoft.com/graph/errors).
    return graph_error(401, "InvalidAuthenticationToken", "Access token is empty.")


def bad_token() -> Answer:
    return graph_error(401, "InvalidAuthenticationToken", "Access token validation failure.")
