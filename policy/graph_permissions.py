"""Microsoft Graph delegated permissions only, from an allow-list."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from components.graph import DEFAULT_GRAPH_SCOPES, DELEGATED_PERMISSION_TYPE, GRAPH_APP_ID

from . import config, resource_types
from .values import Deferred, elements, get, is_unknown

DESCRIPTION = (
    "The application may request only Microsoft Graph delegated permissions (type Scope), "
    "and only those in the allow-list (default: the scopes Pomerium uses, "
    f"{', '.join(DEFAULT_GRAPH_SCOPES)}). Application permissions "
    "(type Role) would let anyone holding the client secret read the directory without a user."
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    allowed = config.allowed_scope_ids(args.get_config())
    deferred = Deferred()
    if args.resource_type == resource_types.APPLICATION:
        _check_application(args, allowed, report_violation, deferred)
    elif args.resource_type == resource_types.APPLICATION_API_ACCESS:
        _check_api_access(args, allowed, report_violation, deferred)
    deferred.finish()


def _allowed_names(allowed: dict[str, str]) -> str:
    return ", ".join(allowed.values()) or "none"


def _not_allowed(permission_id: str, allowed: dict[str, str]) -> str:
    return (
        f"requests the Microsoft Graph permission {config.scope_label(permission_id)}, which is "
        f"not in the allow-list ({_allowed_names(allowed)}): remove it from the application, "
        f"or have it added to this policy's {config.ALLOWED_SCOPES} config."
    )


def _role(permission_id: str) -> str:
    return (
        f"requests {config.scope_label(permission_id)} as an application permission (type Role): "
        "Pomerium signs users in with delegated permissions; request the delegated permission "
        f"(type {DELEGATED_PERMISSION_TYPE}) instead, or remove it."
    )


def _other_api(api: str) -> str:
    return (
        f"requests permissions from the API {api}: Pomerium needs only Microsoft Graph "
        f"({GRAPH_APP_ID}); remove the permissions for {api}."
    )


def _check_application(
    args: ResourceValidationArgs,
    allowed: dict[str, str],
    report_violation: ReportViolation,
    deferred: Deferred,
) -> None:
    accesses = get(args.props, "requiredResourceAccesses")
    if accesses is None:
        return
    if is_unknown(accesses):
        deferred.add("requiredResourceAccesses (the requested permissions)")
        return
    for index, block in enumerate(elements(accesses)):
        where = f"requiredResourceAccesses[{index}]"
        if is_unknown(block):
            deferred.add(where)
            continue
        api = get(block, "resourceAppId")
        if is_unknown(api):
            deferred.add(f"{where}.resourceAppId")
        elif api is not None and str(api).lower() != GRAPH_APP_ID:
            report_violation(_other_api(str(api)), None)
            continue
        entries = get(block, "resourceAccesses")
        if is_unknown(entries):
            deferred.add(f"{where}.resourceAccesses")
            continue
        for position, entry in enumerate(elements(entries)):
            permission_id, kind = get(entry, "id"), get(entry, "type")
            if is_unknown(permission_id) or is_unknown(kind):
                deferred.add(f"{where}.resourceAccesses[{position}]")
            elif kind != DELEGATED_PERMISSION_TYPE:
                report_violation(_role(str(permission_id)), None)
            elif str(permission_id).lower() not in allowed:
                report_violation(_not_allowed(str(permission_id), allowed), None)


def _check_api_access(
    args: ResourceValidationArgs,
    allowed: dict[str, str],
    report_violation: ReportViolation,
    deferred: Deferred,
) -> None:
    api = get(args.props, "apiClientId")
    if is_unknown(api):
        deferred.add("apiClientId")
    elif api is not None and str(api).lower() != GRAPH_APP_ID:
        report_violation(_other_api(str(api)), None)
        return
    roles = get(args.props, "roleIds")
    if is_unknown(roles):
        deferred.add("roleIds")
    for role in elements(roles):
        if is_unknown(role):
            deferred.add("roleIds")
        else:
            report_violation(_role(str(role)), None)
    scopes = get(args.props, "scopeIds")
    if is_unknown(scopes):
        deferred.add("scopeIds")
        return
    for scope in elements(scopes):
        if is_unknown(scope):
            deferred.add("scopeIds")
        elif str(scope).lower() not in allowed:
            report_violation(_not_allowed(str(scope), allowed), None)
