"""The tenant's rules for client secrets: Entra ID app management policies (no Pulumi import).

Sources (microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0):
- resources/applicationauthenticationmethodpolicy.md: a tenant default policy
  (`/policies/defaultAppManagementPolicy`, disabled until an administrator enables it) and
  per-app policies (`/policies/appManagementPolicies`); a per-app policy assigned to an
  application takes precedence, and the application does not inherit from the default.
  Existing secrets keep working; only adding one is refused. `customPasswordAddition`
  blocks only client-generated passwords: Entra-generated ones (addPassword, what the azuread
  provider calls) stay allowed.
- resources/passwordcredentialconfiguration.md: `restrictionType`, `maxLifetime` (an
  ISO 8601 duration in days, hours, minutes, seconds), `restrictForAppsCreatedAfterDateTime`
  (the restriction applies to apps created on or after it; null: every app), `state`
  (`enabled` or `disabled`; a disabled restriction is not evaluated).
- api/tenantappmanagementpolicy-get.md, api/appmanagementpolicy-post.md: the JSON read here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

PASSWORD_ADDITION = "passwordAddition"
PASSWORD_LIFETIME = "passwordLifetime"
CUSTOM_PASSWORD_ADDITION = "customPasswordAddition"
# Graph's Edm.Duration as its OpenAPI schema writes it: days and a time part, no years or
# months (so no calendar ambiguity).
_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)


class PolicyError(ValueError):
    """A policy document this program cannot read: one line, naming what is wrong."""


@dataclass(frozen=True)
class Restriction:
    """One entry of a policy's passwordCredentials."""

    restriction_type: str
    enabled: bool
    restrict_for_apps_created_after: datetime | None
    max_lifetime: timedelta | None = None
    max_lifetime_text: str = ""
    """maxLifetime as Graph wrote it (e.g. `P60D`), for messages."""

    def applies_to(self, created: datetime) -> bool:
        after = self.restrict_for_apps_created_after
        return self.enabled and (after is None or created >= after)

    @property
    def since(self) -> str:
        after = self.restrict_for_apps_created_after
        if after is None:
            return "every application"
        return f"applications created on or after {after:%Y-%m-%dT%H:%M:%SZ}"


@dataclass(frozen=True)
class Policy:
    id: str
    display_name: str
    is_enabled: bool
    password_restrictions: tuple[Restriction, ...]
    tenant_default: bool

    @property
    def name(self) -> str:
        kind = (
            "tenant default app management policy"
            if self.tenant_default
            else ("app management policy")
        )
        return f'{kind} "{self.display_name}" ({self.id})'

    def restriction(self, restriction_type: str, created: datetime) -> Restriction | None:
        """The restriction of that type that applies to an app created then, if any."""
        if not self.is_enabled:
            return None
        for restriction in self.password_restrictions:
            if restriction.restriction_type == restriction_type and restriction.applies_to(created):
                return restriction
        return None


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text or "")
    if not match or text in ("P", "PT"):
        raise PolicyError(f"maxLifetime {text!r} is not an ISO 8601 duration such as P90D")
    parts = {key: float(value or 0) for key, value in match.groupdict().items()}
    return timedelta(**parts)


def parse_datetime(text: str | None, what: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise PolicyError(f"{what} {text!r} is not a date and time") from None
    if moment.tzinfo is None:
        raise PolicyError(f"{what} {text!r} has no time zone")
    return moment


def _restriction(entry: Any) -> Restriction:
    if not isinstance(entry, Mapping) or not isinstance(entry.get("restrictionType"), str):
        raise PolicyError("a passwordCredentials entry has no restrictionType")
    kind = entry["restrictionType"]
    lifetime = entry.get("maxLifetime")
    return Restriction(
        restriction_type=kind,
        # Policies written before `state` existed have none: they are evaluated.
        enabled=str(entry.get("state") or "enabled").lower() == "enabled",
        restrict_for_apps_created_after=parse_datetime(
            entry.get("restrictForAppsCreatedAfterDateTime"),
            f"{kind} restrictForAppsCreatedAfterDateTime",
        ),
        max_lifetime=parse_duration(lifetime) if lifetime else None,
        max_lifetime_text=lifetime or "",
    )


def parse_policy(document: Any) -> Policy:
    """A tenant default (`applicationRestrictions`) or per-app (`restrictions`) policy, as
    Graph returns it."""
    if not isinstance(document, Mapping):
        raise PolicyError("an app management policy is a JSON object")
    tenant_default = "applicationRestrictions" in document
    restrictions = document.get("applicationRestrictions" if tenant_default else "restrictions")
    entries = (restrictions or {}).get("passwordCredentials") or []
    if not isinstance(entries, list):
        raise PolicyError("passwordCredentials is not a list")
    return Policy(
        id=str(document.get("id") or ""),
        display_name=str(document.get("displayName") or ""),
        is_enabled=document.get("isEnabled") is True,
        password_restrictions=tuple(_restriction(entry) for entry in entries),
        tenant_default=tenant_default,
    )
