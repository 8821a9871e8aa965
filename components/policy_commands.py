"""The ways out of a tenant's client-secret rules, as commands (no Pulumi import).

An administrator's per-app policy replaces the tenant default for the application it is
assigned to (Graph: resources/applicationauthenticationmethodpolicy.md). Creating one:
`POST /policies/appManagementPolicies` (api/appmanagementpolicy-post.md,
Policy.ReadWrite.ApplicationConfiguration); assigning it:
`POST /applications/{id}/appManagementPolicies/$ref` with the policy's `@odata.id`
(api/appmanagementpolicy-post-appliesto.md, Application.Read.All and
Policy.ReadWrite.ApplicationConfiguration). Existing secrets keep working until their end
dates whatever the policy says.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta


def exemption_body(display_name: str, lifetime_days: int) -> dict[str, object]:
    """A per-app policy that lets this stack's secrets through and still caps them."""
    return {
        "displayName": f"{display_name}: client secrets up to {lifetime_days} days",
        "description": "Exemption for the rotating client secrets of pomerium-azure-ad",
        "isEnabled": True,
        "restrictions": {
            "passwordCredentials": [
                {
                    "restrictionType": "passwordLifetime",
                    "state": "enabled",
                    "maxLifetime": f"P{lifetime_days}D",
                    "restrictForAppsCreatedAfterDateTime": None,
                }
            ]
        },
    }


def exemption(
    graph_url: str,
    application_object_id: str | None,
    display_name: str,
    lifetime_days: int,
    *,
    new: bool = False,
) -> str:
    """How an administrator makes and assigns the exemption, with `az rest`."""
    base = f"{graph_url.rstrip('/')}/v1.0"
    # Single-quoted for the shell: a quote in the display name is closed, escaped, reopened.
    body = json.dumps(exemption_body(display_name, lifetime_days)).replace("'", "'\\''")
    target = application_object_id or "<application object id>"
    assign = json.dumps({"@odata.id": f"{base}/policies/appManagementPolicies/<policy id>"})
    text = (
        "an administrator (Application Administrator, or Policy.ReadWrite.ApplicationConfiguration "
        "and Application.Read.All) exempts this application with a per-app policy, which "
        "replaces the tenant default for it:\n"
        f"      az rest --method POST --url '{base}/policies/appManagementPolicies' "
        f"--body '{body}' --query id -o tsv\n"
        f"      az rest --method POST --url '{base}/applications/{target}/appManagementPolicies/$ref' "
        f"--body '{assign}'"
    )
    if new:
        text += (
            "\n    the application does not exist yet: an administrator registers it, assigns the "
            "policy, and this stack adopts it (adoptApplicationObjectId, docs/adoption.md)"
        )
    return text


def keeping_current_secrets(secrets: Sequence[tuple[str, datetime]] | None, now: datetime) -> str:
    """What the application's current secrets leave: days until each ends."""
    if secrets is None:
        return (
            "keep the application's current client secrets: each keeps working until its end "
            "date (`az ad app credential list --id <client id>`); deploy again once exempted"
        )
    valid = sorted((end, name) for name, end in secrets if end > now)
    if not valid:
        return "keep the current client secrets: the application has none still valid"
    listed = "; ".join(
        f"{name or '(no name)'} ends {end:%Y-%m-%d} ({(end - now) // timedelta(days=1)} days left)"
        for end, name in valid
    )
    return (
        f"keep the application's current client secrets until their end dates: {listed}. "
        "Pomerium signs in with the one in its Secret (client_secret_expires_at) until that "
        "one ends; deploy again once exempted"
    )
