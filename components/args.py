"""The component's inputs (no Pulumi import).

Plain values, not `pulumi.Input`: the component validates every one of them
before it registers anything, whichever language calls it, and other
languages could otherwise pass outputs that are unknown at preview. Enums,
not Literals: Pulumi's schema generator rejects Literals.
"""

# No `from __future__ import annotations`: Pulumi's schema analyzer reads these
# annotations as live types (string annotations crash it).

import difflib
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NotRequired, TypedDict

# Messages name the arguments as the caller wrote them: a Python program writes
# the arguments' own names (authenticate_service_url); the plugin
# (provider/__main__.py) serves other languages, which write the schema's
# (authenticateServiceUrl), and turns this on when it starts.
SCHEMA_NAMES_IN_MESSAGES = False


class SignInAudience(StrEnum):
    """Who may sign in to the application (Entra ID's signInAudience)."""

    AZURE_AD_MY_ORG = "AzureADMyOrg"
    """Accounts in this organizational directory only (single tenant)."""
    AZURE_AD_MULTIPLE_ORGS = "AzureADMultipleOrgs"
    """Accounts in any organizational directory (multi-tenant; global cloud only)."""


class GroupMembershipClaim(StrEnum):
    """Which groups Entra ID lists in the ID token's `groups` claim."""

    SECURITY_GROUP = "SecurityGroup"
    """Security groups the user is a member of."""
    ALL = "All"
    """Security groups, distribution lists and directory roles."""
    APPLICATION_GROUP = "ApplicationGroup"
    """Only groups assigned to the application."""
    DIRECTORY_ROLE = "DirectoryRole"
    """Directory roles the user is assigned."""
    NONE = "None"
    """No groups claim (Pomerium's claim/groups policies then match nothing)."""


class ClusterArgs(TypedDict):
    """One cluster where Pomerium runs behind this app registration."""

    name: str
    """Stable name of the cluster in this stack: resource names and the provider's clusterIdentifier (a DNS-1123 label)."""
    context: str
    """The kubeconfig context of that cluster (only the name reaches the provider)."""
    authenticate_service_url: str
    """That cluster's Pomerium authenticate service URL."""
    kubernetes_namespace: NotRequired[str]
    """Namespace of that cluster's Secret. Default: the stack-wide kubernetes_namespace."""
    kubernetes_secret_name: NotRequired[str]
    """Name of that cluster's Secret. Default: the stack-wide kubernetes_secret_name."""


class PomeriumIdentityProviderArgs(TypedDict):
    """Settings of Pomerium's Microsoft Entra ID identity provider."""

    authenticate_service_url: NotRequired[str]
    """Pomerium's authenticate service URL (https, a host and an optional port, no path). The reply URL is this plus /oauth2/callback. Required unless clusters is set. Default: empty."""
    clusters: NotRequired[list[ClusterArgs]]
    """Pomerium in several clusters behind this one app registration: a list of {name, context, authenticateServiceUrl, kubernetesNamespace?, kubernetesSecretName?}. Empty: one cluster, the ambient kubeconfig's, with authenticateServiceUrl. Default: none."""
    additional_redirect_urls: NotRequired[list[str]]
    """Further full reply URLs (e.g. a second cluster's), each https and ending in /oauth2/callback. Default: none."""
    display_name: NotRequired[str]
    """Display name of the app registration; empty means "Pomerium (<stack>)". Default: empty."""
    sign_in_audience: NotRequired[SignInAudience]
    """AzureADMyOrg (single tenant) or AzureADMultipleOrgs (multi-tenant, global cloud only). Default: AzureADMyOrg."""
    graph_scopes: NotRequired[list[str]]
    """Microsoft Graph delegated permissions to request, by name. Default: openid, profile, email, offline_access, Group.Read.All."""
    # Strings, not GroupMembershipClaim: Pulumi's Python provider host (3.272)
    # turns each enum of a list input into {} before the component sees it.
    group_membership_claims: NotRequired[list[str]]
    """Groups listed in the ID token's groups claim (SecurityGroup, All, ApplicationGroup, DirectoryRole, or None alone). Default: SecurityGroup."""
    grant_admin_consent: NotRequired[bool]
    """Grant tenant-wide admin consent for the Graph permissions (needs a privileged deployer). Default: false."""
    owners: NotRequired[list[str]]
    """Object ids (GUIDs) of further owners of the application and its service principal: users or service principals. Default: none."""
    include_deployer_as_owner: NotRequired[bool]
    """Make the deploying principal an owner (needed by an Application.ReadWrite.OwnedBy deployer). Default: true."""
    deployer_object_id: NotRequired[str]
    """Object id of the identity that deploys this stack (the pipeline's); it is the owner includeDeployerAsOwner adds, whoever runs a preview. Empty means whoever deploys. Default: empty."""
    client_secret_rotation_days: NotRequired[int]
    """Days each client secret stays in the Kubernetes Secret before the next deploy rotates it (14 to 124). Default: 90."""
    kubernetes_namespace: NotRequired[str]
    """Namespace of the Kubernetes Secret Pomerium reads (a DNS-1123 label). Default: pomerium."""
    kubernetes_secret_name: NotRequired[str]
    """Name of the Kubernetes Secret Pomerium reads (a DNS-1123 subdomain). Default: idp."""
    assignment_required: NotRequired[bool]
    """Entra ID refuses sign-in to users not assigned to the application (directly or through a group); on whenever allowedGroups is set. Default: false."""
    allowed_groups: NotRequired[list[str]]
    """Object ids (GUIDs) of groups assigned to the application (default access); setting any turns assignment on. Default: none."""
    adopt_application_object_id: NotRequired[str]
    """Object id of an app registration made by hand, to import instead of creating one (set with adoptServicePrincipalObjectId). Default: empty."""
    adopt_service_principal_object_id: NotRequired[str]
    """Object id of that application's enterprise application (service principal), to import. Default: empty."""
    adopt_kubernetes_secret: NotRequired[bool]
    """Take over an existing Kubernetes Secret of the same namespace and name in place; the stack never deletes it. Default: false."""
    adopt_admin_consent_grant_id: NotRequired[str]
    """Id of a tenant-wide permission grant made in the portal, to import instead of creating one (Graph refuses a second, 409); needs grantAdminConsent. Default: empty."""
    protect: NotRequired[bool]
    """Protect the application, its service principal and the Kubernetes Secret from deletion (never the rotating client secrets). Default: false."""
    azure_environment: NotRequired[str]
    """Azure cloud, as the azuread provider names it: global (default), usgovernment, usgovernmentl4, usgovernmentl5, dod or china. Default: global."""


def unknown_arguments(args: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """Each argument the component does not take, with the nearest one it does
    (None when none is near), in the caller's order."""
    known = list(PomeriumIdentityProviderArgs.__annotations__)
    # 0.7, not difflib's 0.6: client_secret is not client_secret_rotation_days (0.65).
    return [
        (str(name), next(iter(difflib.get_close_matches(str(name), known, 1, 0.7)), None))
        for name in args
        if name not in known
    ]
