"""Microsoft Graph v1.0: applications (with addPassword / removePassword) and service
principals, as the project, the azuread provider and an administrator call them
(learn.microsoft.com/graph/api/resources/application, .../serviceprincipal)."""

from __future__ import annotations

import re
from typing import Any

from . import answers, policies
from .routing import Request, route
from .store import add_password, new_application, new_service_principal

APP_READ = ("Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy")
APP_WRITE = ("Application.ReadWrite.All", "Application.ReadWrite.OwnedBy")
GUID = r"[0-9a-fA-F-]{36}"
APP = rf"/v1\.0/applications(?:/(?P<id>{GUID})|\(appId='(?P<app_id>[^']+)'\))"
SP = rf"/v1\.0/servicePrincipals(?:/(?P<id>{GUID})|\(appId='(?P<app_id>[^']+)'\))"
_FILTER = re.compile(r"^(\w+) eq '([^']*)'$")


def _entity(request: Request, collection: str, item: dict[str, Any]) -> dict[str, Any]:
    return {"@odata.context": f"{request.lab.base}/v1.0/$metadata#{collection}/$entity", **item}


def find_one(items: dict[str, dict], params: dict[str, str]) -> dict[str, Any] | None:
    if params.get("id"):
        return items.get(params["id"].lower())
    return next((i for i in items.values() if i["appId"] == params.get("app_id")), None)


def listing(request: Request, collection: str, items: list[dict]) -> answers.Answer:
    wanted = request.query.get("$filter")
    if wanted:
        found = _FILTER.match(wanted.strip())
        if not found:
            return 501, {"error": {"code": "NotImplementedInLab", "message": f"$filter {wanted}"}}
        items = [i for i in items if i.get(found.group(1)) == found.group(2)]
    return 200, {
        "@odata.context": f"{request.lab.base}/v1.0/$metadata#{collection}",
        "value": items,
    }


@route("POST", r"/v1\.0/applications", needs=(APP_WRITE,))
def create_application(request: Request) -> answers.Answer:
    if not request.body.get("displayName"):
        return answers.bad_request("Required property 'displayName' is missing.")
    with request.lab.store.change() as state:
        app = new_application(request.body, request.lab.now())
        state["applications"][app["id"]] = app
    return 201, _entity(request, "applications", app)


@route("GET", r"/v1\.0/applications", needs=(APP_READ,))
def list_applications(request: Request) -> answers.Answer:
    with request.lab.store.read() as state:
        return listing(request, "applications", list(state["applications"].values()))


@route("GET", APP, needs=(APP_READ,))
def get_application(request: Request) -> answers.Answer:
    with request.lab.store.read() as state:
        app = find_one(state["applications"], request.params)
        if app is None:
            return answers.not_found(request.params["id"] or request.params["app_id"])
        return 200, _entity(request, "applications", app)


@route("PATCH", APP, needs=(APP_WRITE,))
def update_application(request: Request) -> answers.Answer:
    with request.lab.store.change() as state:
        app = find_one(state["applications"], request.params)
        if app is None:
            return answers.not_found(request.params["id"] or request.params["app_id"])
        fixed = ("id", "appId", "createdDateTime", "passwordCredentials")
        app.update({k: v for k, v in request.body.items() if k not in fixed})
    return 204, None


@route("DELETE", APP, needs=(APP_WRITE,))
def delete_application(request: Request) -> answers.Answer:
    """Deleting an application deletes its service principal in its home tenant."""
    with request.lab.store.change() as state:
        app = find_one(state["applications"], request.params)
        if app is None:
            return answers.not_found(request.params["id"] or request.params["app_id"])
        del state["applications"][app["id"]]
        for sp_id in [
            s["id"] for s in state["service_principals"].values() if s["appId"] == app["appId"]
        ]:
            del state["service_principals"][sp_id]
        for key_id in [c["keyId"] for c in app["passwordCredentials"]]:
            state["secrets"].pop(key_id, None)
        state["policy_assignments"].pop(app["id"], None)
    return 204, None


@route("POST", rf"{APP}/addPassword", needs=(APP_WRITE,))
def add_application_password(request: Request) -> answers.Answer:
    requested = request.body.get("passwordCredential") or {}
    with request.lab.store.change() as state:
        app = find_one(state["applications"], request.params)
        if app is None:
            return answers.not_found(request.params["id"] or request.params["app_id"])
        refused = policies.refusal(state, app, requested, request.lab.now())
        if refused:
            return refused
        credential = add_password(state, app, requested, request.lab.now())
    # 200 with the passwordCredential, secretText included (addPassword docs).
    return 200, {
        "@odata.context": f"{request.lab.base}/v1.0/$metadata#microsoft.graph.passwordCredential",
        **credential,
    }


@route("POST", rf"{APP}/removePassword", needs=(APP_WRITE,))
def remove_application_password(request: Request) -> answers.Answer:
    key_id = str(request.body.get("keyId", "")).lower()
    with request.lab.store.change() as state:
        app = find_one(state["applications"], request.params)
        if app is None:
            return answers.not_found(request.params["id"] or request.params["app_id"])
        kept = [c for c in app["passwordCredentials"] if c["keyId"] != key_id]
        if len(kept) == len(app["passwordCredentials"]):
            # Docs silent on an unknown keyId: a 400 names it.
            return answers.bad_request(f"No password credential found with keyId '{key_id}'.")
        app["passwordCredentials"] = kept
        state["secrets"].pop(key_id, None)
    return 204, None


@route("POST", r"/v1\.0/servicePrincipals", needs=(APP_WRITE,))
def create_service_principal(request: Request) -> answers.Answer:
    app_id = str(request.body.get("appId", ""))
    with request.lab.store.change() as state:
        apps = [a for a in state["applications"].values() if a["appId"] == app_id]
        if not apps:
            return answers.bad_request(
                f"The appId '{app_id}' of the service principal does not reference a valid "
                "application object."
            )
        if any(s["appId"] == app_id for s in state["service_principals"].values()):
            # 409 (Azure/reliable-web-app-pattern-java#185, the azuread provider's error).
            return answers.graph_error(
                409,
                "Request_MultipleObjectsWithSameKeyValue",
                "The service principal cannot be created, updated, or restored because the "
                f"service principal name {app_id} is already in use.",
            )
        sp = new_service_principal(apps[0], state["tenant_id"])
        fixed = ("id", "appId", "servicePrincipalNames")
        sp.update({k: v for k, v in request.body.items() if k not in fixed})
        state["service_principals"][sp["id"]] = sp
    return 201, _entity(request, "servicePrincipals", sp)


@route("GET", r"/v1\.0/servicePrincipals", needs=(APP_READ,))
def list_service_principals(request: Request) -> answers.Answer:
    with request.lab.store.read() as state:
        return listing(request, "servicePrincipals", list(state["service_principals"].values()))


@route("GET", SP, needs=(APP_READ,))
def get_service_principal(request: Request) -> answers.Answer:
    with request.lab.store.read() as state:
        sp = find_one(state["service_principals"], request.params)
        if sp is None:
            return answers.not_found(request.params["id"] or request.params["app_id"])
        return 200, _entity(request, "servicePrincipals", sp)


@route("PATCH", SP, needs=(APP_WRITE,))
def update_service_principal(request: Request) -> answers.Answer:
    with request.lab.store.change() as state:
        sp = find_one(state["service_principals"], request.params)
        if sp is None:
            return answers.not_found(request.params["id"] or request.params["app_id"])
        sp.update({k: v for k, v in request.body.items() if k not in ("id", "appId")})
    return 204, None


@route("DELETE", SP, needs=(APP_WRITE,))
def delete_service_principal(request: Request) -> answers.Answer:
    with request.lab.store.change() as state:
        sp = find_one(state["service_principals"], request.params)
        if sp is None:
            return answers.not_found(request.params["id"] or request.params["app_id"])
        del state["service_principals"][sp["id"]]
    return 204, None


ROUTES = [
    create_application,
    list_applications,
    add_application_password,
    remove_application_password,
    get_application,
    update_application,
    delete_application,
    create_service_principal,
    list_service_principals,
    get_service_principal,
    update_service_principal,
    delete_service_principal,
]
