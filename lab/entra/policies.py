"""Application management policies: whether one refuses a new client secret.

The policy that applies to an application is the one assigned to it, else the
tenant default: an assigned policy replaces the default, it does not merge with
it (Graph docs, appManagementPolicy resource type). A policy applies only when
`isEnabled`; a restriction only when its `state` is `enabled` and the app was
created on or after its `restrictForAppsCreatedAfterDateTime` ("Enforces the
policy for an app created on or after the enforcement date":
microsoft-graph-docs-contrib `passwordcredentialconfiguration.md`). Existing
secrets keep working: only adding one is refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from . import answers

# Graph's Duration (passwordCredentialConfiguration.maxLifetime), ISO 8601 days to seconds.
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def parse_duration(text: str) -> timedelta:
    found = _DURATION.match(text or "")
    if not found or text in ("P", "PT"):
        raise ValueError(f"not an ISO 8601 duration Graph accepts: {text!r}")
    days, hours, minutes, seconds = (float(part or 0) for part in found.groups())
    return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def applying_policy(state: dict[str, Any], app: dict[str, Any]) -> dict[str, Any]:
    assigned = state["policy_assignments"].get(app["id"]) or []
    if assigned:
        return state["app_policies"][assigned[0]]
    return state["default_policy"]


def _password_restrictions(policy: dict[str, Any]) -> list[dict[str, Any]]:
    holder = policy.get("restrictions") or policy.get("applicationRestrictions") or {}
    return list(holder.get("passwordCredentials") or [])


def _applies(restriction: dict[str, Any], app: dict[str, Any]) -> bool:
    if (restriction.get("state") or "enabled") != "enabled":
        return False
    since = restriction.get("restrictForAppsCreatedAfterDateTime")
    return not since or parse_time(app["createdDateTime"]) >= parse_time(since)


def restrictions_for(state: dict[str, Any], app: dict[str, Any]) -> tuple[str, list[dict]]:
    """The applying policy's id and its password restrictions that apply to `app`."""
    policy = applying_policy(state, app)
    if not policy.get("isEnabled"):
        return policy["id"], []
    return policy["id"], [r for r in _password_restrictions(policy) if _applies(r, app)]


def refusal(
    state: dict[str, Any], app: dict[str, Any], requested: dict[str, Any], now: datetime
) -> answers.Answer | None:
    """Graph's 400 when a policy forbids this new password, else None."""
    policy_id, restrictions = restrictions_for(state, app)
    by_type = {r.get("restrictionType"): r for r in restrictions}
    if "passwordAddition" in by_type:
        # Code: OfficeDev/microsoft-365-agents-toolkit (aadErrorCode); message: Azure/azure-cli#28522.
        return answers.graph_error(
            400,
            "CredentialTypeNotAllowedAsPerAppPolicy",
            f"Credential type not allowed as per assigned policy '{policy_id}'.",
        )
    lifetime = by_type.get("passwordLifetime")
    if lifetime and lifetime.get("maxLifetime"):
        start = parse_time(requested["startDateTime"]) if requested.get("startDateTime") else now
        end = parse_time(requested["endDateTime"]) if requested.get("endDateTime") else None
        # Without an end date Graph picks two years (addPassword docs).
        if (end or now + timedelta(days=730)) - start > parse_duration(lifetime["maxLifetime"]):
            return _lifetime_refusal(policy_id)
    return None


def _lifetime_refusal(policy_id: str) -> answers.Answer:
    # Body as in OfficeDev/microsoft-365-agents-toolkit#10998 and microsoft/PubSec-Info-Assistant#681.
    message = (
        f"Credential lifetime exceeds the max value allowed as per assigned policy '{policy_id}'."
    )
    return answers.graph_error(
        400,
        "CredentialInvalidLifetimeAsPerAppPolicy",
        message,
        details=[{"code": "InvalidKeyEndDate", "message": message, "target": "EndDate"}],
    )
