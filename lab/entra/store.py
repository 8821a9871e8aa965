"""The tenant's state, kept in DIR/state.json across restarts.

It changes only through the Graph calls an administrator (or the deploy) makes;
the first start seeds a tenant with the lab's deploy identity (an application,
its service principal, a client secret and the Graph application permissions a
deploy needs) and Microsoft Graph's own service principal. Client secrets are
kept only as sha256 digests, except the deploy identity's, which the lab hands
out in ready.json (the lab's credentials are not secrets)."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from . import microsoft

State = dict[str, Any]


def text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """A secret shaped like Entra ID's: 40 characters, its first three the `hint`."""
    return secrets.token_urlsafe(30)[:40]


def new_application(body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """An application as Graph creates it: ids, createdDateTime and the defaults of
    the properties the project reads (learn.microsoft.com, application resource type)."""
    return {
        "id": str(uuid.uuid4()),
        "appId": str(uuid.uuid4()),
        "createdDateTime": text(now),
        "displayName": None,
        "signInAudience": "AzureADMyOrg",
        "groupMembershipClaims": None,
        "identifierUris": [],
        "requiredResourceAccess": [],
        "web": {"homePageUrl": None, "logoutUrl": None, "redirectUris": []},
        "api": {"oauth2PermissionScopes": [], "requestedAccessTokenVersion": None},
        "appRoles": [],
        "keyCredentials": [],
        "passwordCredentials": [],
        "tags": [],
        **{k: v for k, v in body.items() if k not in ("id", "appId", "passwordCredentials")},
    }


def new_service_principal(app: dict[str, Any], tenant_id: str) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "appId": app["appId"],
        "appDisplayName": app.get("displayName"),
        "displayName": app.get("displayName"),
        "appOwnerOrganizationId": tenant_id,
        "accountEnabled": True,
        "appRoleAssignmentRequired": False,
        "servicePrincipalType": "Application",
        "servicePrincipalNames": [app["appId"]],
        "appRoles": app.get("appRoles", []),
        "oauth2PermissionScopes": [],
        "tags": [],
    }


def add_password(
    state: State, app: dict[str, Any], requested: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """A new password credential on `app`; returns it with its secretText (the only
    time Graph shows it). Default end: two years (addPassword docs)."""
    secret, start = new_secret(), now
    credential = {
        "customKeyIdentifier": None,
        "displayName": requested.get("displayName"),
        "endDateTime": requested.get("endDateTime") or text(start + timedelta(days=730)),
        "hint": secret[:3],
        "keyId": str(uuid.uuid4()),
        "secretText": None,
        "startDateTime": requested.get("startDateTime") or text(start),
    }
    app["passwordCredentials"].append(credential)
    state["secrets"][credential["keyId"]] = digest(secret)
    return {**credential, "secretText": secret}


def _empty_collections() -> State:
    # What later versions of the stand-in keep: added to a state.json written before.
    return {
        "policy_assignments": {},
        "owners": {},
        "groups": {},
        "app_role_assignments": {},
        "permission_grants": {},
    }


def _seed() -> State:
    state: State = {
        "tenant_id": str(uuid.uuid4()),
        "applications": {},
        "service_principals": {},
        "secrets": {},
        "app_roles": {},
        "default_policy": microsoft.default_app_management_policy(),
        "app_policies": {},
        **_empty_collections(),
    }
    graph_sp = microsoft.graph_service_principal()
    state["service_principals"][graph_sp["id"]] = graph_sp
    now = datetime.now(UTC)
    app = new_application({"displayName": "lab deploy identity"}, now)
    state["applications"][app["id"]] = app
    secret = add_password(state, app, {"displayName": "lab"}, now)["secretText"]
    sp = new_service_principal(app, state["tenant_id"])
    state["service_principals"][sp["id"]] = sp
    state["app_roles"][sp["id"]] = list(microsoft.DEPLOYER_PERMISSIONS)
    state["deployer"] = {"client_id": app["appId"], "client_secret": secret, "object_id": sp["id"]}
    return state


class Store:
    """state.json behind a lock; `change()` writes it back when the block ends."""

    def __init__(self, state_dir: Path) -> None:
        self._path = state_dir / "state.json"
        self._lock = threading.RLock()
        if self._path.exists():
            self.state: State = {**_empty_collections(), **json.loads(self._path.read_text())}
        else:
            self.state = _seed()
            self._save()

    def _save(self) -> None:
        partial = self._path.with_suffix(".json.partial")
        partial.write_text(json.dumps(self.state, indent=1, sort_keys=True))
        os.replace(partial, self._path)

    @contextmanager
    def change(self) -> Iterator[State]:
        with self._lock:
            yield self.state
            self._save()

    @contextmanager
    def read(self) -> Iterator[State]:
        with self._lock:
            yield self.state
