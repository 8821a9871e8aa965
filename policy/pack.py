"""The pack's policies: names, enforcement levels, descriptions, config schemas.

Building Policy objects starts nothing; only PolicyPack (in __main__.py) does.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    ResourceValidationPolicy,
    StackValidationPolicy,
)

from components.settings import PROJECT

from . import application, client_secrets, config, graph_permissions, kubernetes_secret, reply_urls

NAME = PROJECT
DESCRIPTION = (
    "Guardrails for Pomerium's Microsoft Entra ID application, its client secrets and the "
    "Kubernetes Secret Pomerium reads."
)

MANDATORY = EnforcementLevel.MANDATORY

POLICIES: list[Policy] = [
    ResourceValidationPolicy(
        name="graph-delegated-permissions-only",
        description=graph_permissions.DESCRIPTION,
        validate=graph_permissions.validate,
        enforcement_level=MANDATORY,
        config_schema=config.SCOPES_SCHEMA,
    ),
    ResourceValidationPolicy(
        name="reply-urls-https-callback",
        description=reply_urls.DESCRIPTION,
        validate=reply_urls.validate,
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="client-secret-end-date",
        description=client_secrets.END_DATE_DESCRIPTION,
        validate=client_secrets.validate_end_date,
        enforcement_level=MANDATORY,
        config_schema=config.LIFETIME_SCHEMA,
    ),
    StackValidationPolicy(
        name="client-secrets-per-application",
        description=client_secrets.COUNT_DESCRIPTION,
        validate=client_secrets.validate_count,
        enforcement_level=MANDATORY,
        config_schema=config.COUNT_SCHEMA,
    ),
    ResourceValidationPolicy(
        name="single-tenant-sign-in",
        description=application.AUDIENCE_DESCRIPTION,
        validate=application.validate_audience,
        enforcement_level=MANDATORY,
        config_schema=config.AUDIENCE_SCHEMA,
    ),
    ResourceValidationPolicy(
        name="application-has-owner",
        description=application.OWNERS_DESCRIPTION,
        validate=application.validate_owners,
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="idp-secret-namespace-and-keys",
        description=kubernetes_secret.DESCRIPTION,
        validate=kubernetes_secret.validate,
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="idp-secret-updated-in-place",
        description=kubernetes_secret.MUTABLE_DESCRIPTION,
        validate=kubernetes_secret.validate_mutable,
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="production-application-protected",
        description=application.PROTECT_DESCRIPTION,
        validate=application.validate_protected,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=config.PROTECT_SCHEMA,
    ),
]
