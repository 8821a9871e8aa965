"""Client secrets: an end date within the maximum lifetime, and few per application."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from pulumi_policy import (
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    StackValidationArgs,
)

from components import clock
from components.rotation import MAX_CREDENTIAL_LIFETIME_DAYS

from . import config, resource_types
from .values import Deferred, get, is_unknown

END_DATE_DESCRIPTION = (
    "Every client secret has an end date no further ahead than this policy's "
    f"{config.MAX_LIFETIME_DAYS} config (default {MAX_CREDENTIAL_LIFETIME_DAYS} days, "
    "Microsoft's recommendation). A leaked secret stays usable until it ends."
)
COUNT_DESCRIPTION = (
    "An application has at most this policy's "
    f"{config.MAX_SECRETS_PER_APPLICATION} config (default "
    f"{config.DEFAULT_MAX_SECRETS_PER_APPLICATION}) client secrets in the stack: the one in "
    "Pomerium's Kubernetes Secret and the one it replaced. Each extra secret is one more "
    "credential that can leak."
)


def validate_end_date(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type == resource_types.APPLICATION_PASSWORD:
        password: Any = args.props
        where = "the client secret"
    elif args.resource_type == resource_types.APPLICATION:
        # An application's own `password` block is a client secret too.
        password = get(args.props, "password")
        where = "the application's password block"
        if password is None:
            return
    else:
        return
    deferred = Deferred()
    if is_unknown(password):
        deferred.add("password")
    else:
        message = _end_date_problem(password, config.max_lifetime_days(args.get_config()), deferred)
        if message:
            report_violation(f"{where} {message}", None)
    deferred.finish()


def _end_date_problem(password: Any, max_days: int, deferred: Deferred) -> str | None:
    end_text = get(password, "endDate")
    fix = f"set endDate (RFC 3339, e.g. 2026-01-31T00:00:00Z) at most {max_days} days ahead"
    if is_unknown(end_text):
        deferred.add("endDate")
        return None
    if end_text is None:
        if get(password, "endDateRelative") is not None:
            return f"uses endDateRelative (deprecated) instead of an end date: {fix}."
        return f"has no end date, so it never expires: {fix}."
    try:
        end = datetime.fromisoformat(str(end_text))
    except ValueError:
        end = None
    if end is None or end.tzinfo is None:
        return f"has endDate {end_text!r}, which is not an RFC 3339 date with a time zone: {fix}."
    now = clock.current().now()
    if end <= now:
        return f"ended on {end_text}: {fix}."
    ahead = end - now
    if ahead > timedelta(days=max_days):
        return f"ends on {end_text}, {ahead.days} days from now: {fix}."
    return None


def validate_count(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    most = config.max_secrets_per_application(args.get_config())
    by_application: dict[str, list[PolicyResource]] = defaultdict(list)
    applications: dict[str, PolicyResource] = {}
    unattributed = 0
    for resource in args.resources:
        if resource.resource_type == resource_types.APPLICATION:
            key = _identity(resource)
            applications[key] = resource
            if get(resource.props, "password") is not None:
                by_application[key].append(resource)
        elif resource.resource_type == resource_types.APPLICATION_PASSWORD:
            key_or_none = _owner_key(resource)
            if key_or_none is None:
                unattributed += 1
            else:
                by_application[key_or_none].append(resource)
    for key, secrets in by_application.items():
        if len(secrets) > most:
            application = applications.get(key)
            label = f"application {application.name!r}" if application else f"application {key}"
            report_violation(
                f"{label} has {len(secrets)} client secrets in the stack "
                f"({', '.join(s.name for s in secrets)}); at most {most} are allowed: "
                "remove the extra ApplicationPassword resources (or password blocks).",
                (application or secrets[0]).urn,
            )
    if unattributed:
        deferred = Deferred()
        deferred.add(f"the application of {unattributed} client secret(s) (applicationId)")
        deferred.finish()


def _identity(application: PolicyResource) -> str:
    """`/applications/<object id>` (the id ApplicationPassword refers to) when
    known, else the URN."""
    object_id = get(application.props, "objectId")
    if isinstance(object_id, str) and not is_unknown(object_id):
        return f"/applications/{object_id}".lower()
    return application.urn


def _owner_key(password: PolicyResource) -> str | None:
    application_id = get(password.props, "applicationId")
    if isinstance(application_id, str) and not is_unknown(application_id):
        return application_id.lower()
    # Unknown at preview when the application is new or replaced: the engine
    # still says which resource the id comes from.
    sources = [
        dependency
        for dependency in password.property_dependencies.get("applicationId", [])
        if dependency.resource_type == resource_types.APPLICATION
    ]
    return _identity(sources[0]) if len(sources) == 1 else None
