"""Entra ID's sign-in side: the cloud metadata document, OpenID discovery, instance
discovery, signing keys and the client-credentials token endpoint."""

from __future__ import annotations

from typing import Any

from . import answers, microsoft
from .policies import parse_time
from .routing import Request, route
from .store import digest

TENANT = r"(?P<tenant>[^/]+)"


@route("GET", "/metadata/endpoints")
def metadata(request: Request) -> answers.Answer:
    version = request.query.get("api-version", "")
    if version != microsoft.METADATA_API_VERSION:
        # go-azure-sdk asks only for 2022-09-01 (sdk/internal/metadata/client.go).
        return 400, {"error": {"code": "InvalidApiVersionParameter", "message": version}}
    return 200, microsoft.metadata_document(request.lab.base)


def _known_tenant(request: Request) -> bool:
    # Microsoft serves the placeholder issuer `{tenantid}` for common/organizations.
    return request.params["tenant"] in (
        request.lab.store.state["tenant_id"],
        "common",
        "organizations",
    )


@route("GET", f"/{TENANT}/v2.0/.well-known/openid-configuration")
def discovery(request: Request) -> answers.Answer:
    if not _known_tenant(request):
        return answers.unknown_tenant(request.params["tenant"])
    return 200, microsoft.discovery_document(request.lab.base, request.params["tenant"])


@route("GET", "/common/discovery/instance")
def instance_discovery(request: Request) -> answers.Answer:
    """What MSAL asks when told to validate an authority (msal `authority.py`,
    `_instance_discovery`): the tenant discovery URL and the host's aliases."""
    host = request.lab.base.removeprefix("https://")
    authorize = request.query.get("authorization_endpoint", "")
    tenant = authorize.removeprefix(request.lab.base + "/").split("/")[0] or "common"
    return 200, {
        "tenant_discovery_endpoint": f"{request.lab.base}/{tenant}/v2.0/.well-known/openid-configuration",
        "api-version": "1.1",
        "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
    }


@route("GET", f"/{TENANT}/discovery/v2.0/keys")
def keys(request: Request) -> answers.Answer:
    return 200, request.lab.signer.jwks()


@route("POST", f"/{TENANT}/oauth2/v2.0/token")
def token(request: Request) -> answers.Answer:
    form, state = request.body, request.lab.store.state
    client_id, tenant = str(form.get("client_id", "")), request.params["tenant"]
    if tenant != state["tenant_id"]:
        return answers.unknown_tenant(tenant)
    if form.get("grant_type") != "client_credentials":
        return answers.unsupported_grant(str(form.get("grant_type")))
    refusal = request.lab.knobs.refusals.get(client_id)
    if refusal:
        return answers.entra_error(
            refusal.get("status", 400),
            refusal.get("error", "invalid_request"),
            int(refusal["code"]),
            refusal.get("text", "Refused by the lab."),
        )
    code = request.lab.knobs.replicating(client_id)
    if code:
        return _not_replicated(code, client_id, tenant)
    with request.lab.store.read() as current:
        return _issue(request, current, client_id, str(form.get("client_secret", "")))


def _not_replicated(code: int, client_id: str, tenant: str) -> answers.Answer:
    if code == 700016:
        return answers.unknown_application(client_id, tenant)
    if code == 7000229:
        return answers.missing_service_principal(client_id)
    return answers.invalid_secret(client_id)


def _issue(request: Request, state: dict[str, Any], client_id: str, secret: str) -> answers.Answer:
    apps = [a for a in state["applications"].values() if a["appId"] == client_id]
    if not apps:
        return answers.unknown_application(client_id, state["tenant_id"])
    credentials = [
        c
        for c in apps[0]["passwordCredentials"]
        if state["secrets"].get(c["keyId"]) == digest(secret)
    ]
    if not credentials:
        return answers.invalid_secret(client_id)
    if parse_time(credentials[0]["endDateTime"]) <= request.lab.now():
        return answers.expired_secret(client_id)
    sps = [s for s in state["service_principals"].values() if s["appId"] == client_id]
    if not sps:
        return answers.missing_service_principal(client_id)
    scope = str(request.body.get("scope", ""))
    resource = scope.removesuffix("/.default")
    if resource.rstrip("/") != request.lab.base:
        return answers.unknown_resource(scope, state["tenant_id"])
    return 200, _token_answer(request, state, client_id, sps[0], resource)


def _token_answer(
    request: Request, state: dict[str, Any], client_id: str, sp: dict[str, Any], resource: str
) -> dict[str, Any]:
    tenant = state["tenant_id"]
    claims = {
        "aud": resource,
        "iss": f"{request.lab.base}/{tenant}/v2.0",
        "tid": tenant,
        "oid": sp["id"],
        "sub": sp["id"],
        "appid": client_id,
        "azp": client_id,
        "idtyp": "app",
        "roles": state["app_roles"].get(sp["id"], []),
        "ver": "1.0",
    }
    access_token = request.lab.signer.issue(claims)
    return {
        "token_type": "Bearer",
        "expires_in": 3599,
        "ext_expires_in": 3599,
        "access_token": access_token,
    }


ROUTES = [metadata, discovery, instance_discovery, keys, token]
