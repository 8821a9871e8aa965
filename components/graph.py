"""Microsoft Graph identifiers the application needs (no Pulumi import).

Every id below is the same in every Azure cloud. Reading them from this table
instead of looking them up keeps a default deploy to a single invoke: each
invoke is a Microsoft Graph round trip on every preview.
"""

from __future__ import annotations

# Microsoft Graph's application (client) id: the "resource app" that delegated
# permissions are requested from.
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"

# Ids of Microsoft Graph's *delegated* permissions (oauth2PermissionScopes,
# requested with type "Scope"). Beware look-alikes: 5b567255-7703-4780-807c-7be8301ae99b
# is Group.Read.All as an *application* permission (type "Role"), which the
# guide does not ask for, and a 5f8c59c8-... id circulating in public repos is wrong.
DELEGATED_SCOPE_IDS: dict[str, str] = {
    "openid": "37f7f235-527c-4136-accd-4a02d197296e",
    "profile": "14dad69e-099b-42c9-810b-d002981feec1",
    "email": "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
    "offline_access": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
    "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    "Group.Read.All": "5f8c59db-677d-491f-a6b8-5f174b11ec1d",
    "GroupMember.Read.All": "bc024368-1153-4739-b217-4326f2e966d0",
}

# Pomerium's default idp_scopes plus the guide's Group.Read.All.
DEFAULT_GRAPH_SCOPES: tuple[str, ...] = (
    "openid",
    "profile",
    "email",
    "offline_access",
    "Group.Read.All",
)

# The "Default Access" app role: assigning it to a group admits the group's members
# to an application that defines no app roles of its own.
DEFAULT_ACCESS_APP_ROLE_ID = "00000000-0000-0000-0000-000000000000"

# Type of a delegated permission in an application's requiredResourceAccess.
DELEGATED_PERMISSION_TYPE = "Scope"


def scope_ids(scopes: list[str] | tuple[str, ...]) -> list[str]:
    """Ids of the given delegated scope names, in the same order."""
    return [DELEGATED_SCOPE_IDS[scope] for scope in scopes]
