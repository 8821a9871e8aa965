"""What the deploying identity needs for a stack's settings (no Pulumi import).

One row per thing a deploy does. Microsoft Graph application permissions are
for a workload identity (the pipeline's), directory roles for a person; the
README's "Deploy identity permissions" table is this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.settings import Settings


@dataclass(frozen=True)
class Need:
    what: str
    graph_permissions: tuple[str, ...]
    """Microsoft Graph application permissions of a workload identity."""
    directory_roles: tuple[str, ...]
    """Any one of these Entra ID roles, for a person."""


APPLICATION = Need(
    "register and manage the application, its enterprise application and client secrets",
    # OwnedBy manages only what the identity owns: includeDeployerAsOwner, or owners.
    ("Application.ReadWrite.OwnedBy",),
    ("Application Developer", "Application Administrator"),
)
APPLICATION_NOT_OWNED = Need(
    "manage an application the deploying identity does not own (includeDeployerAsOwner: false)",
    ("Application.ReadWrite.All",),
    ("Cloud Application Administrator", "Application Administrator"),
)
ADMIN_CONSENT = Need(
    "grant tenant-wide admin consent (grantAdminConsent)",
    ("DelegatedPermissionGrant.ReadWrite.All", "Application.Read.All"),
    (
        "Cloud Application Administrator",
        "Application Administrator",
        "Privileged Role Administrator",
    ),
)
GROUP_ASSIGNMENTS = Need(
    "assign groups to the application (allowedGroups; Entra ID P1 or P2)",
    ("AppRoleAssignment.ReadWrite.All", "Application.Read.All"),
    ("Cloud Application Administrator", "Application Administrator"),
)
ADOPTION = Need(
    "adopt an app registration made by hand (adopt… settings): read it, then manage it",
    ("Application.ReadWrite.All",),
    ("Cloud Application Administrator", "Application Administrator"),
)

# Optional: without it a deploy warns and goes on unchecked (components/policy_reader.py
# names, per read, the permissions Graph's docs list).
APP_MANAGEMENT_POLICY = Need(
    "optional: read the tenant's app management policy, checked before each deploy (without it: a warning, no check)",
    ("Policy.Read.All", "Application.Read.All"),
    ("Global Reader", "Application Administrator"),
)

ALL_NEEDS = (
    APPLICATION,
    APPLICATION_NOT_OWNED,
    ADMIN_CONSENT,
    GROUP_ASSIGNMENTS,
    ADOPTION,
    APP_MANAGEMENT_POLICY,
)
# Asked for by no setting: listed by the plan as optional.
OPTIONAL_NEEDS = (APP_MANAGEMENT_POLICY,)


def deployer_needs(settings: Settings) -> list[Need]:
    """What a deploy of these settings needs, in the order it does it."""
    needs = [APPLICATION if settings.include_deployer_as_owner else APPLICATION_NOT_OWNED]
    if settings.adopt_application_object_id:
        needs.append(ADOPTION)
    if settings.allowed_groups:
        needs.append(GROUP_ASSIGNMENTS)
    if settings.grant_admin_consent:
        needs.append(ADMIN_CONSENT)
    return needs
