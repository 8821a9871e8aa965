"""The pack's settings: one schema per policy, with defaults from components/.

Set them with `pulumi preview --policy-pack policy --policy-pack-config <file>`,
a JSON object keyed by policy name. The CLI checks a file against these
schemas and fills in the defaults; the readers below apply the same defaults
when a key is missing (e.g. when a test calls a policy directly).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyConfigSchema

from components.graph import DEFAULT_GRAPH_SCOPES, DELEGATED_SCOPE_IDS
from components.rotation import MAX_CREDENTIAL_LIFETIME_DAYS, SLOTS

GUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

ALLOWED_SCOPES = "allowedScopes"
MAX_LIFETIME_DAYS = "maxLifetimeDays"
MAX_SECRETS_PER_APPLICATION = "maxSecretsPerApplication"
ALLOW_MULTI_TENANT = "allowMultiTenant"
PRODUCTION_STACK_PATTERN = "productionStackPattern"

DEFAULT_PRODUCTION_STACK_PATTERN = "^prod"
# The program keeps one client secret per rotation slot.
DEFAULT_MAX_SECRETS_PER_APPLICATION = len(SLOTS)

SCOPES_SCHEMA = PolicyConfigSchema(
    properties={
        ALLOWED_SCOPES: {
            "type": "array",
            "items": {
                "type": "string",
                "anyOf": [{"enum": list(DELEGATED_SCOPE_IDS)}, {"pattern": GUID_PATTERN}],
            },
            "default": list(DEFAULT_GRAPH_SCOPES),
            "description": "Microsoft Graph delegated permissions the application may request: "
            "names (" + ", ".join(DELEGATED_SCOPE_IDS) + ") or permission ids (GUIDs).",
        }
    }
)
LIFETIME_SCHEMA = PolicyConfigSchema(
    properties={
        MAX_LIFETIME_DAYS: {
            "type": "integer",
            "minimum": 1,
            "default": MAX_CREDENTIAL_LIFETIME_DAYS,
            "description": "Latest end date allowed for a client secret, in days from now.",
        }
    }
)
COUNT_SCHEMA = PolicyConfigSchema(
    properties={
        MAX_SECRETS_PER_APPLICATION: {
            "type": "integer",
            "minimum": 1,
            "default": DEFAULT_MAX_SECRETS_PER_APPLICATION,
            "description": "Most client secrets one application may have in the stack.",
        }
    }
)
AUDIENCE_SCHEMA = PolicyConfigSchema(
    properties={
        ALLOW_MULTI_TENANT: {
            "type": "boolean",
            "default": False,
            "description": "Allow AzureADMultipleOrgs (accounts of any organisation's directory).",
        }
    }
)
PROTECT_SCHEMA = PolicyConfigSchema(
    properties={
        PRODUCTION_STACK_PATTERN: {
            "type": "string",
            "default": DEFAULT_PRODUCTION_STACK_PATTERN,
            "description": "Python regular expression searched for in the stack name; "
            "matching stacks are production.",
        }
    }
)


def _value(config: Mapping[str, Any], key: str, default: Any) -> Any:
    value = config.get(key)
    return default if value is None else value


def allowed_scope_ids(config: Mapping[str, Any]) -> dict[str, str]:
    """Allowed permission ids (lowercase) to the name a message shows."""
    names = _value(config, ALLOWED_SCOPES, DEFAULT_GRAPH_SCOPES)
    allowed: dict[str, str] = {}
    for entry in names:
        if entry in DELEGATED_SCOPE_IDS:
            allowed[DELEGATED_SCOPE_IDS[entry]] = entry
        elif re.match(GUID_PATTERN, entry):
            allowed[entry.lower()] = scope_label(entry)
    return allowed


def scope_label(permission_id: str) -> str:
    """`Group.Read.All (5f8c59db-...)` for a known delegated id, else the id."""
    for name, known in DELEGATED_SCOPE_IDS.items():
        if known == permission_id.lower():
            return f"{name} ({known})"
    return permission_id


def max_lifetime_days(config: Mapping[str, Any]) -> int:
    # JSON numbers reach the pack as floats.
    return int(_value(config, MAX_LIFETIME_DAYS, MAX_CREDENTIAL_LIFETIME_DAYS))


def max_secrets_per_application(config: Mapping[str, Any]) -> int:
    return int(_value(config, MAX_SECRETS_PER_APPLICATION, DEFAULT_MAX_SECRETS_PER_APPLICATION))


def allow_multi_tenant(config: Mapping[str, Any]) -> bool:
    return _value(config, ALLOW_MULTI_TENANT, False) is True


def production_stack_pattern(config: Mapping[str, Any]) -> re.Pattern[str]:
    return re.compile(_value(config, PRODUCTION_STACK_PATTERN, DEFAULT_PRODUCTION_STACK_PATTERN))
