"""Adopting an app registration made by hand (no Pulumi import).

The first deploy imports the application and its enterprise application, then
updates them to the declared settings in the same deployment (Pulumi CLI
3.174.0 and later, pulumi/pulumi#19339): an import does not fail when they
differ. Before that deploy, the component says what it will change on the live
application, and which config key keeps what exists instead.

While the adopt settings stay set, a change that needs a replacement fails
("previously-imported resources that still specify an ID may not be
replaced"), so they are removed after the first successful deploy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .graph import DELEGATED_PERMISSION_TYPE, DELEGATED_SCOPE_IDS, GRAPH_APP_ID
from .settings import Settings

_SCOPE_NAMES = {scope_id: name for name, scope_id in DELEGATED_SCOPE_IDS.items()}


def application_import_id(object_id: str) -> str:
    """The azuread provider's import id of an application."""
    return f"/applications/{object_id}"


def service_principal_import_id(object_id: str) -> str:
    """The azuread provider's import id of a service principal. The importer
    validates it with ValidateServicePrincipalID, which a bare object id fails
    (hashicorp/terraform-provider-azuread v3.9.0, the version pulumi-azuread
    6.11.1 builds on, internal/services/serviceprincipals/
    service_principal_resource.go; the Pulumi SDK's docstring shows a bare id)."""
    return f"/servicePrincipals/{object_id}"


def permission_grant_import_id(grant_id: str) -> str:
    """The import id of a tenant-wide delegated permission grant (same provider,
    service_principal_delegated_permission_grant_resource.go)."""
    return f"/oauth2PermissionGrants/{grant_id}"


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
    """What the getServicePrincipal look-up returns: it has no owners."""

    client_id: str
    app_role_assignment_required: bool


def _yaml_list(values: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(values) + "]"


def _change(what: str, has: str, becomes: str, keep: str) -> str:
    return f"{what}: the application has {has}; this deploy changes it to {becomes} ({keep})"


def application_differences(
    settings: Settings, existing: ExistingApplication, owners: list[str], *, namespace: str
) -> list[str]:
    """One line per managed setting that differs: what this deploy changes, and
    how to keep what exists instead."""

    def key(name: str) -> str:
        return f"{namespace}{name}"

    found: list[str] = []
    if existing.display_name != settings.display_name:
        found.append(
            _change(
                key("displayName"),
                repr(existing.display_name),
                repr(settings.display_name),
                f"to keep it, set {key('displayName')} to {existing.display_name!r}",
            )
        )
    if existing.sign_in_audience != settings.sign_in_audience.value:
        found.append(
            _change(
                key("signInAudience"),
                existing.sign_in_audience,
                settings.sign_in_audience.value,
                f"to keep it, set {key('signInAudience')} to {existing.sign_in_audience}",
            )
        )
    found += _reply_url_differences(settings, existing, key)
    found += _permission_differences(settings, existing, key)
    if set(existing.group_membership_claims) != {c.value for c in settings.group_membership_claims}:
        has = _yaml_list(sorted(existing.group_membership_claims) or ["None"])
        found.append(
            _change(
                key("groupMembershipClaims"),
                has,
                _yaml_list([c.value for c in settings.group_membership_claims]),
                f"to keep it, set {key('groupMembershipClaims')} to {has}",
            )
        )
    found += _owner_differences("application", existing.owners, owners, key)
    return found


def _reply_url_differences(
    settings: Settings, existing: ExistingApplication, key: Callable[[str], str]
) -> list[str]:
    found: list[str] = []
    if list(existing.redirect_uris) != list(settings.redirect_urls):
        primary = settings.redirect_urls[0]
        extra = [u for u in existing.redirect_uris if u != primary]
        found.append(
            _change(
                f"{key('authenticateServiceUrl')}/{key('additionalRedirectUrls')} (reply URLs)",
                _yaml_list(list(existing.redirect_uris)),
                _yaml_list(list(settings.redirect_urls)),
                f"to keep them, keep {key('authenticateServiceUrl')} so that {primary} is one "
                f"of them and set {key('additionalRedirectUrls')} to {_yaml_list(extra)}",
            )
        )
    if existing.homepage_url != settings.authenticate_service_url:
        found.append(
            _change(
                "sign-on (home page) URL",
                repr(existing.homepage_url or "(none)"),
                settings.authenticate_service_url,
                "it is always the authenticate service URL",
            )
        )
    return found


def _permission_differences(
    settings: Settings, existing: ExistingApplication, key: Callable[[str], str]
) -> list[str]:
    found: list[str] = []
    managed = [
        p
        for p in existing.permissions
        if p.resource_app_id == GRAPH_APP_ID
        and p.type == DELEGATED_PERMISSION_TYPE
        and p.id in _SCOPE_NAMES
    ]
    others = [p for p in existing.permissions if p not in managed]
    if others:
        found.append(
            f"API permissions: the application also requests {len(others)} permission(s) this "
            "project does not manage (application permissions, other APIs, or other Graph "
            "scopes); this deploy removes them"
        )
    # requiredResourceAccess is an ordered list: another order is a change too.
    names = [_SCOPE_NAMES[p.id] for p in managed]
    if names != list(settings.graph_scopes):
        found.append(
            _change(
                key("graphScopes"),
                _yaml_list(names),
                _yaml_list(list(settings.graph_scopes)),
                f"to keep it, set {key('graphScopes')} to {_yaml_list(names)}",
            )
        )
    return found


def _owner_differences(
    what: str, existing: tuple[str, ...], owners: list[str], key: Callable[[str], str]
) -> list[str]:
    has = sorted(owner.lower() for owner in existing)
    if has == sorted(owners):
        return []
    return [
        f"{key('owners')}: the {what}'s owners are {_yaml_list(has)}; this deploy makes them "
        f"{_yaml_list(sorted(owners))} (to keep them, set {key('owners')} to them and "
        f"{key('includeDeployerAsOwner')} to false)"
    ]


def service_principal_differences(
    settings: Settings,
    existing: ExistingServicePrincipal,
    client_id: str,
    owners: list[str],
    *,
    namespace: str,
) -> list[str]:
    def key(name: str) -> str:
        return f"{namespace}{name}"

    found: list[str] = []
    if existing.client_id != client_id:
        found.append(
            f"{key('adoptServicePrincipalObjectId')}: that service principal belongs to "
            f"application {existing.client_id}, not to the adopted application {client_id}: "
            "this deploy would have to replace it, which an import refuses; it fails"
        )
    if existing.app_role_assignment_required != settings.app_role_assignment_required:
        has = str(existing.app_role_assignment_required).lower()
        found.append(
            f"{key('assignmentRequired')}: the enterprise application has assignment required "
            f"= {has}; this deploy changes it to "
            f"{str(settings.app_role_assignment_required).lower()} (to keep it, set "
            f"{key('assignmentRequired')} to {has})"
        )
    # The look-up cannot read them, so this is said whatever they are.
    found.append(
        f"{key('owners')} of the enterprise application: this deploy makes them "
        f"{_yaml_list(sorted(owners))}, replacing any set by hand (they cannot be read "
        "before the deploy)"
    )
    return found
