"""Values only the cloud knows, shown as visible placeholders.

The mock engine answers with stable placeholder GUIDs so that the program runs
for real; the plan replaces each of them with a token such as `<tenant-id>`
so that no one mistakes it for a real id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..offline import PlaceholderCloud, ProgramRun

# token -> what it stands for (shown in the plan's legend).
MEANINGS: dict[str, str] = {
    "<tenant-id>": "directory (tenant) id of the deploying credentials; pin it with azuread:tenantId",
    "<deployer-object-id>": "object id of the principal that runs the deploy",
    "<client-id>": "application (client) id, assigned when the application is created",
    "<application-object-id>": "object id of the app registration, assigned when it is created",
    "<service-principal-object-id>": "object id of the enterprise application (service principal)",
    "<graph-service-principal-object-id>": "object id of Microsoft Graph's service principal in the tenant",
}


def placeholder_values(
    run: ProgramRun, cloud: PlaceholderCloud, *, tenant_pinned: bool, deployer_known: bool = False
) -> dict[str, str]:
    """Placeholder GUID -> token, for every cloud-assigned value in this run
    (`deployer_known`: the stack names its deploy identity, shown as it is)."""
    found: dict[str, str] = {}
    if not deployer_known:
        found[cloud.deployer_object_id] = "<deployer-object-id>"
    if not tenant_pinned:
        found[cloud.tenant_id] = "<tenant-id>"
    # An adopted (imported) object keeps its real object id: no placeholder.
    for registration in run.of_type(":Application"):
        found[registration.state["clientId"]] = "<client-id>"
        if not registration.import_id:
            found[registration.state["objectId"]] = "<application-object-id>"
    for registration in run.of_type(":ServicePrincipal"):
        if not registration.import_id:
            found[registration.state["objectId"]] = "<service-principal-object-id>"
    for registration in run.of_type(":ServicePrincipalDelegatedPermissionGrant"):
        graph_sp = registration.inputs.get("resourceServicePrincipalObjectId")
        if graph_sp:
            found[graph_sp] = "<graph-service-principal-object-id>"
    return found


def substitute(value: Any, tokens: Mapping[str, str]) -> Any:
    """`value` with every placeholder GUID in its strings replaced by its token."""
    if isinstance(value, str):
        for guid, token in tokens.items():
            value = value.replace(guid, token)
        return value
    if isinstance(value, Mapping):
        return {key: substitute(item, tokens) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [substitute(item, tokens) for item in value]
    return value


def legend(tokens: Mapping[str, str]) -> dict[str, str]:
    """Token -> meaning, for the tokens this run uses."""
    return {token: MEANINGS[token] for token in dict.fromkeys(tokens.values())}
