"""Adopting an app registration made by hand (no Pulumi import).

Pulumi imports a resource only if what the program declares matches what
exists; otherwise the import fails with the engine's list of differing
properties. Before that happens, the component compares the settings it
manages with the existing application and says which config key to set.
"""

from __future__ import annotations

from dataclasses import dataclass

from .graph import DELEGATED_PERMISSION_TYPE, DELEGATED_SCOPE_IDS, GRAPH_APP_ID
from .settings import Settings

_SCOPE_NAMES = {scope_id: name for name, scope_id in DELEGATED_SCOPE_IDS.items()}


def application_import_id(object_id: str) -> str:
    """The azuread provider's import id of an application."""
    return f"/applications/{object_id}"


def service_principal_import_id(object_id: str) -> str:
    """The azuread provider's import id of a service principal: its object id."""
    return object_id


@dataclass(frozen=True)
class Permission:
    resource_app_id: str
    id: str
    type: str


@dataclass(frozen=True)
class ExistingApplication:
    """What the adoption look-up read from the existing app registration."""

    client_id: str
    display_name: str
    sign_in_audience: str
    homepage_url: str
    redirect_uris: tuple[str, ...]
    group_membership_claims: tuple[str, ...]
    permissions: tuple[Permission, ...]
    owners: tuple[str, ...]


@dataclass(frozen=True)
class ExistingServicePrincipal:
    client_id: str
    app_role_assignment_required: bool


def _yaml_list(values: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(values) + "]"


def application_differences(
    settings: Settings, existing: ExistingApplication, owners: list[str], *, namespace: str
) -> list[str]:
    """One line per managed setting that differs, saying what to set."""
    found: list[str] = []

    def key(name: str) -> str:
        return f"{namespace}{name}"

    if existing.display_name != settings.display_name:
        found.append(
            f"{key('displayName')}: the application is named {existing.display_name!r}; "
            f"set {key('displayName')} to {existing.display_name!r}"
        )
    if existing.sign_in_audience != settings.sign_in_audience.value:
        found.append(
            f"{key('signInAudience')}: the application has {existing.sign_in_audience}; "
            f"set {key('signInAudience')} to {existing.sign_in_audience}"
        )
    if set(existing.redirect_uris) != set(settings.redirect_urls):
        primary = settings.redirect_urls[0]
        extra = sorted(set(existing.redirect_uris) - {primary})
        found.append(
            f"{key('authenticateServiceUrl')}/{key('additionalRedirectUrls')}: the application's "
            f"reply URLs are {_yaml_list(sorted(existing.redirect_uris))}; keep "
            f"{key('authenticateServiceUrl')} so that {primary} is one of them and set "
            f"{key('additionalRedirectUrls')} to {_yaml_list(extra)}"
        )
    if existing.homepage_url.rstrip("/") != settings.authenticate_service_url:
        found.append(
            f"sign-on (home page) URL: the application has {existing.homepage_url or '(none)'!r}; "
            f"set it to {settings.authenticate_service_url} in the portal (Branding & properties) "
            "before adopting"
        )
    if set(existing.group_membership_claims) != {c.value for c in settings.group_membership_claims}:
        found.append(
            f"{key('groupMembershipClaims')}: the application has "
            f"{_yaml_list(sorted(existing.group_membership_claims) or ['None'])}; set "
            f"{key('groupMembershipClaims')} to that"
        )
    graph = [p for p in existing.permissions if p.resource_app_id == GRAPH_APP_ID]
    delegated = [p for p in graph if p.type == DELEGATED_PERMISSION_TYPE]
    names = [_SCOPE_NAMES.get(p.id) for p in delegated]
    others = [
        p for p in existing.permissions if p not in delegated or _SCOPE_NAMES.get(p.id) is None
    ]
    if others:
        found.append(
            f"API permissions: the application also requests {len(others)} permission(s) this "
            "project does not manage (application permissions, other APIs, or other Graph "
            "scopes); remove them in the portal (API permissions) before adopting"
        )
    known = sorted(name for name in names if name)
    if set(known) != set(settings.graph_scopes):
        found.append(
            f"{key('graphScopes')}: the application requests {_yaml_list(known)}; set "
            f"{key('graphScopes')} to that"
        )
    if set(existing.owners) != set(owners):
        missing = sorted(set(owners) - set(existing.owners))
        found.append(
            f"{key('owners')}: the application's owners are {_yaml_list(sorted(existing.owners))}; "
            f"set {key('owners')} to them and {key('includeDeployerAsOwner')} to false, or add "
            f"{_yaml_list(missing)} as owners in the portal before adopting"
        )
    return found


def service_principal_differences(
    settings: Settings, existing: ExistingServicePrincipal, client_id: str, *, namespace: str
) -> list[str]:
    found: list[str] = []
    if existing.client_id != client_id:
        found.append(
            f"{namespace}adoptServicePrincipalObjectId: that service principal belongs to "
            f"application {existing.client_id}, not to the adopted application {client_id}"
        )
    if existing.app_role_assignment_required != settings.app_role_assignment_required:
        found.append(
            f"{namespace}assignmentRequired: the enterprise application has assignment "
            f"required = {str(existing.app_role_assignment_required).lower()}; set "
            f"{namespace}assignmentRequired to that"
        )
    return found
