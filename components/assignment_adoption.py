"""Which allowed groups an adopted enterprise application already has assigned (no Pulumi import).

The azuread provider creates a group's assignment with a plain POST to
`/servicePrincipals/{id}/appRoleAssignedTo`: no look-up first, no adopt option
(hashicorp/terraform-provider-azuread v3.9.0, the upstream of pulumi-azuread 6.11.1,
`internal/services/approleassignments/app_role_assignment_resource.go`,
`appRoleAssignmentResourceCreate`), and Graph refuses a second identical assignment with a
400 (lab/entra/access.py quotes it). So while a stack adopts its enterprise application, each
allowed group Graph already lists as assigned the default app role is imported instead of
created; this module decides which, from what Graph returned.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from .graph import DEFAULT_ACCESS_APP_ROLE_ID


def app_role_assignment_import_id(service_principal_object_id: str, assignment_id: str) -> str:
    """The azuread provider's import id of an app role assignment. Its importer validates it
    with `stable.ValidateServicePrincipalIdAppRoleAssignedToID`, whose parser has the segments
    `servicePrincipals/{servicePrincipalId}/appRoleAssignedTo/{appRoleAssignmentId}`, matched
    case-sensitively (hashicorp/go-azure-sdk microsoft-graph v0.20260212.1143955, the version
    terraform-provider-azuread v3.9.0 requires, `common-types/stable/
    id_serviceprincipalidapproleassignedto.go`). The assignment id is Graph's, not the app
    role's."""
    return f"/servicePrincipals/{service_principal_object_id}/appRoleAssignedTo/{assignment_id}"


def assignments_to_import(
    allowed_groups: Collection[str],
    service_principal_object_id: str,
    assigned: Iterable[Mapping[str, Any]],
) -> dict[str, str]:
    """Group id -> import id, for each allowed group that `assigned` (the `value` items of
    `GET /servicePrincipals/{id}/appRoleAssignedTo`) shows assigned the default app role on
    that service principal. Other assignments (users, other groups, other app roles) are not
    the stack's and stay as they are."""
    wanted = {group.lower() for group in allowed_groups}
    resource = service_principal_object_id.lower()
    found: dict[str, str] = {}
    for assignment in assigned:
        principal = str(assignment.get("principalId") or "").lower()
        assignment_id = str(assignment.get("id") or "")
        if (
            principal in wanted
            and assignment_id
            and str(assignment.get("appRoleId") or "").lower() == DEFAULT_ACCESS_APP_ROLE_ID
            and str(assignment.get("resourceId") or "").lower() == resource
        ):
            found[principal] = app_role_assignment_import_id(resource, assignment_id)
    return found


def imported_message(service_principal_object_id: str, imported: Collection[str]) -> str:
    """What the adopting deploy does with the allowed groups assigned by hand."""
    if not imported:
        return (
            f"Adopting enterprise application {service_principal_object_id}: none of "
            "allowedGroups is assigned to it yet; this deploy assigns them."
        )
    return (
        f"Adopting enterprise application {service_principal_object_id}: "
        f"{len(imported)} of allowedGroups already assigned to it by hand "
        f"({', '.join(sorted(imported))}); this deploy imports those assignments and "
        "assigns the others."
    )


def unreadable_message(service_principal_object_id: str, reason: str) -> str:
    """One line that stops the deploy: without the list, an assignment made by hand would be
    created a second time, which Graph refuses."""
    return (
        f"adoptServicePrincipalObjectId: the group assignments of enterprise application "
        f"{service_principal_object_id} could not be read from Microsoft Graph: {reason}. "
        "While adopting, the allowedGroups already assigned by hand are imported, not assigned "
        "a second time (Graph refuses that), so the deploy stops here (docs/adoption.md)."
    )
