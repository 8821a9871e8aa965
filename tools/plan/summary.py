"""What a deploy of one stack would declare, read from an offline run.

Values that only the cloud knows are already placeholder tokens here, and
secret values are never copied in: the Kubernetes Secret contributes its keys
only, secret stack outputs read `[secret]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from components import rotation
from components.graph import DELEGATED_PERMISSION_TYPE, DELEGATED_SCOPE_IDS, GRAPH_APP_ID
from components.policy_verdict import LOG_PREFIX as POLICY_PREFIX
from components.secret_data import CLIENT_SECRET_KEYS, PATCH_FORCE_ANNOTATION, SECRET_KEYS

from ..offline import ProgramRun, Registration
from .redact import SECRET_OUTPUT

UNKNOWN_OUTPUT = "[unknown]"
_SCOPE_NAMES = {scope_id: name for name, scope_id in DELEGATED_SCOPE_IDS.items()}


@dataclass
class Application:
    display_name: str
    sign_in_audience: str
    client_id: str
    homepage_url: str
    reply_urls: list[str]
    graph_permissions: list[str]
    """Microsoft Graph delegated permissions, by name."""
    other_permissions: list[str]
    """Anything requested from other APIs or as another type, as `resource/id (type)`."""
    group_membership_claims: list[str]
    owners: list[str]
    protected: bool
    imported_from: str
    """Import id when the stack adopts an existing application, else empty."""


@dataclass
class ServicePrincipal:
    client_id: str
    owners: list[str]
    protected: bool
    app_role_assignment_required: bool | None
    imported_from: str
    assigned_groups: list[str]
    """Group object ids assigned to the application (default access)."""


@dataclass
class ClientSecret:
    slot: str
    display_name: str
    end_date: str
    role: str
    """"current" (in the Kubernetes Secret) or "previous" (kept for pods not yet reloaded)."""
    replaced_from: str
    """The first deploy on or after this moment replaces it."""


@dataclass
class Rotation:
    every_days: int
    next_rotation: str
    """When the next period starts: the first deploy after it rotates."""


@dataclass
class AdminConsent:
    resource: str
    scopes: list[str]


@dataclass
class KubernetesSecret:
    namespace: str
    name: str
    type: str
    keys: list[str]
    secret_keys: list[str]
    """Keys holding the client secret."""
    labels: dict[str, str]
    protected: bool
    taken_over: bool
    """An existing Secret of that name is taken over in place (adoptKubernetesSecret)."""
    cluster: str = ""
    """The cluster's name (`clusters`); empty for a stack with one cluster."""
    authenticate_service_url: str = ""


@dataclass
class StackPlan:
    stack: str
    at: str
    application: Application
    service_principal: ServicePrincipal
    rotation: Rotation
    client_secrets: list[ClientSecret]
    admin_consent: AdminConsent | None
    kubernetes_secret: KubernetesSecret
    """The first cluster's (the only one's, without `clusters`)."""
    outputs: dict[str, Any]
    kubernetes_secrets: list[KubernetesSecret] = field(default_factory=list)
    """Every cluster's, in the order of `clusters`."""
    warnings: list[str] = field(default_factory=list)
    """What the program warns about at deploy (e.g. multi-tenant without assignment)."""
    placeholders: dict[str, str] = field(default_factory=dict)
    """Token -> what it stands for."""
    deploy_identity: list[dict[str, Any]] = field(default_factory=list)
    """What the deploying identity needs for these settings (permissions.py)."""
    app_management_policy: str = ""
    """The program's line about the tenant's app management policy (checked at deploy)."""


def iso(moment: datetime) -> str:
    return rotation.format_graph_date(moment)


def _permissions(accesses: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    graph: list[str] = []
    other: list[str] = []
    for access in accesses:
        resource = access.get("resourceAppId", "")
        for item in access.get("resourceAccesses", []):
            scope_id, kind = item.get("id", ""), item.get("type", "")
            name = _SCOPE_NAMES.get(scope_id)
            if resource == GRAPH_APP_ID and kind == DELEGATED_PERMISSION_TYPE and name:
                graph.append(name)
            else:
                other.append(f"{resource}/{scope_id} ({kind})")
    return graph, other


def _credentials(
    passwords: list[Registration], plan: rotation.RotationPlan, days: int
) -> list[ClientSecret]:
    replaced = {
        plan.current.end_date: ("current", plan.next_rotation + timedelta(days=days)),
        plan.previous.end_date: ("previous", plan.next_rotation),
    }
    found = []
    for password in passwords:
        end_date = password.inputs.get("endDate", "")
        role, replaced_from = replaced.get(end_date, ("unexpected", plan.next_rotation))
        credential = plan.current if role == "current" else plan.previous
        found.append(
            ClientSecret(
                slot=credential.slot if role != "unexpected" else "?",
                display_name=password.inputs.get("displayName", ""),
                end_date=end_date,
                role=role,
                replaced_from=iso(replaced_from),
            )
        )
    return sorted(found, key=lambda c: c.role != "current")


def _output(value: Any, *, known: bool, secret: bool) -> Any:
    if secret:
        return SECRET_OUTPUT
    return value if known else UNKNOWN_OUTPUT


def _application(app: Registration) -> Application:
    graph, other = _permissions(app.inputs.get("requiredResourceAccesses", []))
    web = app.inputs.get("web", {})
    return Application(
        display_name=app.inputs.get("displayName", ""),
        sign_in_audience=app.inputs.get("signInAudience", ""),
        client_id=app.state.get("clientId", ""),
        homepage_url=web.get("homepageUrl", ""),
        reply_urls=list(web.get("redirectUris", [])),
        graph_permissions=graph,
        other_permissions=other,
        group_membership_claims=list(app.inputs.get("groupMembershipClaims", [])),
        owners=list(app.inputs.get("owners", [])),
        protected=app.protect,
        imported_from=app.import_id,
    )


def _service_principal(run: ProgramRun, sp: Registration) -> ServicePrincipal:
    return ServicePrincipal(
        client_id=sp.inputs.get("clientId", ""),
        owners=list(sp.inputs.get("owners", [])),
        protected=sp.protect,
        app_role_assignment_required=sp.inputs.get("appRoleAssignmentRequired"),
        imported_from=sp.import_id,
        # Sorted: registrations arrive in whatever order their inputs resolve.
        assigned_groups=sorted(
            a.inputs.get("principalObjectId", "") for a in run.of_type(":AppRoleAssignment")
        ),
    )


SECRET_RESOURCE = "pomerium-kubernetes-secret"


def _kubernetes_secret(secret: Registration) -> KubernetesSecret:
    metadata = secret.inputs.get("metadata", {})
    data = secret.inputs.get("stringData", {})
    order = {key: index for index, key in enumerate(SECRET_KEYS)}
    data_keys = [*data, *secret.inputs.get("data", {})]
    keys = sorted(dict.fromkeys(data_keys), key=lambda k: (order.get(k, len(order)), k))
    return KubernetesSecret(
        namespace=metadata.get("namespace", ""),
        name=metadata.get("name", ""),
        type=secret.inputs.get("type", ""),
        keys=keys,
        secret_keys=[key for key in keys if key in CLIENT_SECRET_KEYS],
        labels=dict(metadata.get("labels", {})),
        protected=secret.protect,
        taken_over=bool((metadata.get("annotations") or {}).get(PATCH_FORCE_ANNOTATION)),
        # The component names a cluster's Secret pomerium-kubernetes-secret-<cluster>.
        cluster=secret.name.removeprefix(SECRET_RESOURCE).removeprefix("-"),
        authenticate_service_url=str(data.get("AUTHENTICATE_SERVICE_URL", "")),
    )


def summarize(run: ProgramRun, *, now: datetime, rotation_days: int) -> StackPlan:
    """The plan of one successful run (whose strings already carry placeholder tokens)."""
    app = run.one(":Application")
    sp = run.one(":ServicePrincipal")
    # In the order of the clusters (registrations arrive as their inputs resolve;
    # two clusters' Secrets may share a namespace and name).
    order = [e.get("cluster") for e in run.outputs["kubernetes_secrets"].value or []]
    secrets = sorted(
        (_kubernetes_secret(s) for s in run.of_type("core/v1:Secret")),
        key=lambda k: order.index(k.cluster) if k.cluster in order else len(order),
    )
    plan = rotation.plan_rotation(now, rotation_days)
    grants = run.of_type(":ServicePrincipalDelegatedPermissionGrant")
    return StackPlan(
        stack=run.stack,
        at=iso(now),
        application=_application(app),
        service_principal=_service_principal(run, sp),
        rotation=Rotation(every_days=rotation_days, next_rotation=iso(plan.next_rotation)),
        client_secrets=_credentials(run.of_type(":ApplicationPassword"), plan, rotation_days),
        admin_consent=(
            AdminConsent(
                resource="Microsoft Graph", scopes=list(grants[0].inputs.get("claimValues", []))
            )
            if grants
            else None
        ),
        kubernetes_secret=secrets[0],
        kubernetes_secrets=secrets,
        outputs={
            name: _output(output.value, known=output.known, secret=output.secret)
            for name, output in run.outputs.items()
        },
        warnings=list(run.warnings),
        app_management_policy=next(
            (
                line.removeprefix(POLICY_PREFIX)
                for line in run.logs
                if line.startswith(POLICY_PREFIX)
            ),
            "",
        ),
    )
