"""What Microsoft publishes, as the stand-in serves it: the cloud metadata document,
the OpenID discovery document, Graph's own service principal and the tenant's
default app management policy."""

from __future__ import annotations

from typing import Any

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
# Microsoft's own tenant, which owns Graph's application (appOwnerOrganizationId).
MICROSOFT_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
# The tenant default's fixed id (tenantAppManagementPolicy, Graph v1.0 docs).
DEFAULT_POLICY_ID = "00000000-0000-0000-0000-000000000000"
METADATA_API_VERSION = "2022-09-01"

# Graph application permissions (app roles) by name: learn.microsoft.com/graph/permissions-reference.
APP_ROLES = {
    "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
    "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
    "AppRoleAssignment.ReadWrite.All": "06b708a9-e830-4db3-a914-8e69da51d44f",
    "DelegatedPermissionGrant.ReadWrite.All": "8e8e4742-1d95-4f68-9d56-6ee75648c72a",
    "Group.Read.All": "5b567255-7703-4780-807c-7be8301ae99b",
    "Group.ReadWrite.All": "62a82d76-70ea-41e2-9197-370581804d09",
    "Policy.Read.All": "246dd0d5-5bd0-4def-940b-0421030a5b68",
    "Policy.ReadWrite.ApplicationConfiguration": "be74164b-cff1-491c-8741-e671cb536e13",
}
# Graph delegated permissions (oauth2PermissionScopes) the project requests.
DELEGATED_SCOPES = {
    "openid": "37f7f235-527c-4136-accd-4a02d197296e",
    "profile": "14dad69e-099b-42c9-810b-d002981feec1",
    "email": "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
    "offline_access": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
    "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    "Group.Read.All": "5f8c59db-677d-491f-a6b8-5f174b11ec1d",
}
# What the lab's deploy identity is granted: everything a deploy and the policy
# reads need (README, "Deploy identity permissions").
DEPLOYER_PERMISSIONS = tuple(sorted(APP_ROLES))


def graph_service_principal() -> dict[str, Any]:
    return {
        "id": "3c1b4a5e-6f5d-4b8e-9a0c-5f5b8d1e2a70",
        "appId": GRAPH_APP_ID,
        "appDisplayName": "Microsoft Graph",
        "displayName": "Microsoft Graph",
        "appOwnerOrganizationId": MICROSOFT_TENANT,
        "accountEnabled": True,
        "appRoleAssignmentRequired": False,
        "servicePrincipalType": "Application",
        "servicePrincipalNames": [GRAPH_APP_ID, "https://graph.microsoft.com"],
        "appRoles": [
            {"id": role_id, "value": name, "allowedMemberTypes": ["Application"], "isEnabled": True}
            for name, role_id in APP_ROLES.items()
        ],
        "oauth2PermissionScopes": [
            {"id": scope_id, "value": name, "type": "User", "isEnabled": True}
            for name, scope_id in DELEGATED_SCOPES.items()
        ],
        "tags": [],
    }


def default_app_management_policy() -> dict[str, Any]:
    """The tenant default as Graph shows it before an administrator enables it
    (GET /policies/defaultAppManagementPolicy, Graph v1.0 docs)."""
    restrictions: dict[str, list[Any]] = {"passwordCredentials": [], "keyCredentials": []}
    return {
        "id": DEFAULT_POLICY_ID,
        "displayName": "Default app management tenant policy",
        "description": "Default tenant policy that enforces app management restrictions on "
        "applications and service principals. To apply policy to targeted resources, create a "
        "new policy under appManagementPolicies collection.",
        "isEnabled": False,
        "applicationRestrictions": dict(restrictions),
        "servicePrincipalRestrictions": dict(restrictions),
    }


def metadata_document(base: str) -> dict[str, Any]:
    """The cloud metadata document (api-version 2022-09-01) with every endpoint at
    `base`. Its shape is Microsoft's public-cloud document
    (https://management.azure.com/metadata/endpoints?api-version=2022-09-01, as
    captured in go-azure-sdk `sdk/internal/metadata/client_test.go`); go-azure-sdk's
    `environments.FromEndpoint` requires `name`, `resourceManager` and
    `microsoftGraphResourceId`, and reads `authentication.loginEndpoint`."""
    return {
        "portal": base,
        "authentication": {
            "loginEndpoint": base,
            "audiences": [f"{base}/"],
            "tenant": "common",
            "identityProvider": "AAD",
        },
        "graphAudience": f"{base}/",
        "graph": f"{base}/",
        "name": "AzureLab",
        "suffixes": {},
        "resourceManager": f"{base}/",
        "microsoftGraphResourceId": f"{base}/",
    }


# The tenants that stand for any tenant: their discovery documents name the issuer with the
# placeholder `{tenantid}` (https://login.microsoftonline.com/common/v2.0/.well-known/
# openid-configuration answers "issuer": "https://login.microsoftonline.com/{tenantid}/v2.0":
# coreos/go-oidc#121, MicrosoftDocs/azure-docs#38427), so no provider URL equals it.
MULTI_TENANT_ALIASES = ("common", "organizations")


def discovery_document(base: str, tenant: str) -> dict[str, Any]:
    """Entra ID's v2.0 OpenID configuration for `tenant` at `base` (the fields of
    https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration)."""
    authority = f"{base}/{tenant}"
    issuer_tenant = "{tenantid}" if tenant in MULTI_TENANT_ALIASES else tenant
    return {
        "token_endpoint": f"{authority}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
        ],
        "jwks_uri": f"{authority}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": f"{base}/{issuer_tenant}/v2.0",
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": f"{base}/oidc/userinfo",
        "authorization_endpoint": f"{authority}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{authority}/oauth2/v2.0/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{authority}/oauth2/v2.0/logout",
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "oid", "tid"],
        "tenant_region_scope": None,
        "cloud_instance_name": base.removeprefix("https://"),
        "cloud_graph_host_name": base.removeprefix("https://"),
        "msgraph_host": base.removeprefix("https://"),
    }
