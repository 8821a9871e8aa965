"""Microsoft Graph v1.0: application management policies, as an administrator sets
them and a deploy reads them (learn.microsoft.com/graph/api/resources/
tenantappmanagementpolicy, .../appmanagementpolicy; permissions as each API lists)."""

from __future__ import annotations

import uuid
from typing import Any

from . import answers
from .directory import APP, APP_READ, APP_WRITE, GUID, find_one
from .policies import parse_duration
from .routing import Request, route

# learn.microsoft.com/graph/api/tenantappmanagementpolicy-get, appmanagementpolicy-list:
# Policy.Read.All, or the higher Policy.(Read|ReadWrite).ApplicationConfiguration.
POLICY_READ = (
    "Policy.Read.All",
    "Policy.Read.ApplicationConfiguration",
    "Policy.ReadWrite.ApplicationConfiguration",
)
POLICY_WRITE = ("Policy.ReadWrite.ApplicationConfiguration",)
DEFAULT = r"/v1\.0/policies/defaultAppManagementPolicy"
POLICIES = r"/v1\.0/policies/appManagementPolicies"


def _invalid_lifetime(policy: dict[str, Any]) -> str | None:
    """A maxLifetime Graph would refuse (Duration), named; else None."""
    holders = [policy.get("restrictions"), policy.get("applicationRestrictions")]
    for holder in filter(None, holders):
        for restriction in holder.get("passwordCredentials") or []:
            try:
                if restriction.get("maxLifetime"):
                    parse_duration(restriction["maxLifetime"])
            except ValueError as error:
                return str(error)
    return None


def _entity(request: Request, what: str, policy: dict[str, Any]) -> dict[str, Any]:
    return {"@odata.context": f"{request.lab.base}/v1.0/$metadata#{what}/$entity", **policy}


@route("GET", DEFAULT, needs=(POLICY_READ,))
def get_default(request: Request) -> answers.Answer:
    with request.lab.store.read() as state:
        policy = state["default_policy"]
        return 200, _entity(request, "policies/defaultAppManagementPolicy", policy)


@route("PATCH", DEFAULT, needs=(POLICY_WRITE,))
def update_default(request: Request) -> answers.Answer:
    problem = _invalid_lifetime(request.body)
    if problem:
        return answers.bad_request(problem)
    with request.lab.store.change() as state:
        state["default_policy"].update({k: v for k, v in request.body.items() if k != "id"})
    return 204, None


@route("GET", POLICIES, needs=(POLICY_READ,))
def list_policies(request: Request) -> answers.Answer:
    with request.lab.store.read() as state:
        value = list(state["app_policies"].values())
    context = f"{request.lab.base}/v1.0/$metadata#policies/appManagementPolicies"
    return 200, {"@odata.context": context, "value": value}


@route("POST", POLICIES, needs=(POLICY_WRITE,))
def create_policy(request: Request) -> answers.Answer:
    if not request.body.get("displayName"):
        return answers.bad_request("Required property 'displayName' is missing.")
    problem = _invalid_lifetime(request.body)
    if problem:
        return answers.bad_request(problem)
    policy = {"isEnabled": True, "description": None, "restrictions": {}, **request.body}
    policy["id"] = str(uuid.uuid4())
    with request.lab.store.change() as state:
        state["app_policies"][policy["id"]] = policy
    return 201, _entity(request, "policies/appManagementPolicies", policy)


@route("GET", rf"{POLICIES}/(?P<policy>{GUID})", needs=(POLICY_READ,))
def get_policy(request: Request) -> answers.Answer:
    with request.lab.store.read() as state:
        policy = state["app_policies"].get(request.params["policy"].lower())
        if policy is None:
            return answers.not_found(request.params["policy"])
        return 200, _entity(request, "policies/appManagementPolicies", policy)


@route("PATCH", rf"{POLICIES}/(?P<policy>{GUID})", needs=(POLICY_WRITE,))
def update_policy(request: Request) -> answers.Answer:
    problem = _invalid_lifetime(request.body)
    if problem:
        return answers.bad_request(problem)
    with request.lab.store.change() as state:
        policy = state["app_policies"].get(request.params["policy"].lower())
        if policy is None:
            return answers.not_found(request.params["policy"])
        policy.update({k: v for k, v in request.body.items() if k != "id"})
    return 204, None


@route("DELETE", rf"{POLICIES}/(?P<policy>{GUID})", needs=(POLICY_WRITE,))
def delete_policy(request: Request) -> answers.Answer:
    policy_id = request.params["policy"].lower()
    with request.lab.store.change() as state:
        if state["app_policies"].pop(policy_id, None) is None:
            return answers.not_found(policy_id)
        for assigned in state["policy_assignments"].values():
            if policy_id in assigned:
                assigned.remove(policy_id)
    return 204, None


# appmanagementpolicy-post-appliesto: Application.Read.All and Policy.ReadWrite.ApplicationConfiguration.
@route("POST", rf"{APP}/appManagementPolicies/\$ref", needs=(APP_READ, POLICY_WRITE))
def assign_policy(request: Request) -> answers.Answer:
    policy_id = str(request.body.get("@odata.id", "")).rstrip("/").rsplit("/", 1)[-1].lower()
    with request.lab.store.change() as state:
        app = find_one(state["applications"], request.params)
        if app is None:
            return answers.not_found(request.params["id"] or request.params["app_id"])
        if policy_id not in state["app_policies"]:
            return answers.not_found(policy_id)
        # One policy per application (appManagementPolicy docs): a new one replaces it.
        state["policy_assignments"][app["id"]] = [policy_id]
    return 204, None


# appmanagementpolicy-list-appliesto: Application.Read.All and Policy.Read.All.
@route("GET", rf"{APP}/appManagementPolicies", needs=(APP_READ, POLICY_READ))
def assigned_policies(request: Request) -> answers.Answer:
    with request.lab.store.read() as state:
        app = find_one(state["applications"], request.params)
        if app is None:
            return answers.not_found(request.params["id"] or request.params["app_id"])
        ids = state["policy_assignments"].get(app["id"]) or []
        value = [state["app_policies"][i] for i in ids]
    context = f"{request.lab.base}/v1.0/$metadata#appManagementPolicies"
    return 200, {"@odata.context": context, "value": value}


@route(
    "DELETE",
    rf"{APP}/appManagementPolicies/(?P<policy>{GUID})/\$ref",
    needs=(APP_WRITE, POLICY_WRITE),
)
def unassign_policy(request: Request) -> answers.Answer:
    with request.lab.store.change() as state:
        app = find_one(state["applications"], request.params)
        if app is None:
            return answers.not_found(request.params["id"] or request.params["app_id"])
        state["policy_assignments"].pop(app["id"], None)
    return 204, None


ROUTES = [
    get_default,
    update_default,
    list_policies,
    create_policy,
    get_policy,
    update_policy,
    delete_policy,
    assign_policy,
    assigned_policies,
    unassign_policy,
]
