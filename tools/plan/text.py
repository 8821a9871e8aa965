"""The plan as text for people: one block per stack."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from .runner import StackResult
from .summary import StackPlan

_AUDIENCE = {
    "AzureADMyOrg": "this tenant only",
    "AzureADMultipleOrgs": "any organization's tenant",
}
_ROLE = {
    "current": "current: in the Kubernetes Secret",
    "previous": "previous: kept for pods not yet reloaded",
}


def _join(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values) or "(none)"


def _protected(flag: bool) -> str:
    return " [protected]" if flag else ""


def _imported(import_id: str) -> str:
    return f" [adopted: imports {import_id}]" if import_id else ""


def _rows(rows: list[tuple[str, str]], indent: str) -> list[str]:
    width = max(len(label) for label, _ in rows) + 1
    return [f"{indent}{label + ':':<{width}} {value}" for label, value in rows]


def _application_lines(app: Any) -> list[str]:
    audience = _AUDIENCE.get(app.sign_in_audience)
    lines = [
        f'  Application "{app.display_name}"{_protected(app.protected)}'
        f"{_imported(app.imported_from)}"
    ]
    return lines + _rows(
        [
            ("client id", app.client_id),
            (
                "audience",
                f"{app.sign_in_audience} ({audience})" if audience else app.sign_in_audience,
            ),
            ("sign-on URL", app.homepage_url),
            ("reply URLs", _join(app.reply_urls)),
            ("Graph permissions", f"{_join(app.graph_permissions)} (delegated)"),
            *(
                [("other permissions", _join(app.other_permissions))]
                if app.other_permissions
                else []
            ),
            ("group claims", _join(app.group_membership_claims)),
            ("owners", _join(app.owners)),
        ],
        "    ",
    )


def _service_principal_lines(sp: Any) -> list[str]:
    lines = [
        f"  Service principal (enterprise application){_protected(sp.protected)}"
        f"{_imported(sp.imported_from)}"
    ]
    rows = [("client id", sp.client_id), ("owners", _join(sp.owners))]
    if sp.app_role_assignment_required is not None:
        rows.append(("assignment required", str(sp.app_role_assignment_required).lower()))
    if sp.assigned_groups:
        rows.append(("assigned groups", _join(sp.assigned_groups)))
    return lines + _rows(rows, "    ")


def _credential_lines(plan: StackPlan) -> list[str]:
    lines = [
        f"  Client secrets (rotate every {plan.rotation.every_days} days; "
        f"next rotation {plan.rotation.next_rotation})"
    ]
    for credential in plan.client_secrets:
        lines.append(
            f"    {credential.slot}  {credential.display_name}  ends {credential.end_date}  "
            f"{_ROLE.get(credential.role, credential.role)}; "
            f"replaced by the first deploy from {credential.replaced_from}"
        )
    if plan.admin_consent:
        lines.append(
            f"  Admin consent: tenant-wide grant of {_join(plan.admin_consent.scopes)} "
            f"on {plan.admin_consent.resource}"
        )
    else:
        lines.append("  Admin consent: none declared (grantAdminConsent is false)")
    return lines


def _secret_lines(secret: Any) -> list[str]:
    where = f" in cluster {secret.cluster}" if secret.cluster else ""
    lines = [
        f"  Kubernetes Secret {secret.namespace}/{secret.name}{where} ({secret.type})"
        f"{_protected(secret.protected)}"
        f"{' [takes over the existing Secret]' if secret.taken_over else ''}"
    ]
    keys = [f"{k} (secret)" if k in secret.secret_keys else k for k in secret.keys]
    return lines + _rows([("keys", _join(keys))], "    ")


def _deploy_identity_lines(plan: StackPlan) -> list[str]:
    from ..permissions import OPTIONAL_NEEDS

    lines = ["  Deploy identity needs"]
    for need in [*plan.deploy_identity, *(asdict(n) for n in OPTIONAL_NEEDS)]:
        lines.append(
            f"    {need['what']}: Graph {_join(need['graph_permissions'])} (workload identity), "
            f"or the role {' or '.join(need['directory_roles'])} (person)"
        )
    return lines


def _plan_lines(plan: StackPlan) -> list[str]:
    lines = _application_lines(plan.application)
    lines += _service_principal_lines(plan.service_principal)
    lines += _credential_lines(plan)
    if plan.app_management_policy:
        lines.append(f"  App management policy: {plan.app_management_policy}")
    for secret in plan.kubernetes_secrets or [plan.kubernetes_secret]:
        lines += _secret_lines(secret)
    lines += [f"  program warning: {warning}" for warning in plan.warnings]
    lines += _deploy_identity_lines(plan)
    lines.append("  Outputs")
    lines += _rows([(name, _format(value)) for name, value in plan.outputs.items()], "    ")
    return lines


def _format(value: Any) -> str:
    if isinstance(value, list):
        return _join(value)
    return str(value)


def render(results: list[StackResult], *, files: dict[str, list[str]] | None = None) -> str:
    """Every stack's block, then a one-line verdict."""
    lines: list[str] = []
    for result in results:
        if result.plan and result.ok:
            lines.append(f"Stack {result.stack}: plan at {result.plan.at}")
        else:
            lines.append(f"Stack {result.stack}: INVALID, a deploy would stop here")
        if result.plan:
            lines += _plan_lines(result.plan)
        lines += ["  " + line for error in result.errors for line in error.splitlines()]
        lines += [f"  warning: {warning}" for warning in result.warnings]
        if result.encrypted:
            lines.append(f"  encrypted (a deploy decrypts them): {_join(result.encrypted)}")
        for path in (files or {}).get(result.stack, []):
            lines.append(f"  wrote {path} (validated)")
        lines.append("")
    legend = {t: m for r in results if r.plan for t, m in r.plan.placeholders.items()}
    if legend:
        lines.append("Placeholders (values only the cloud knows, filled in by a deploy):")
        lines += _rows(list(legend.items()), "  ")
        lines.append("")
    invalid = [r.stack for r in results if not r.ok]
    if invalid:
        lines.append(f"{len(invalid)} of {len(results)} stacks invalid: {_join(invalid)}")
    else:
        lines.append(f"{len(results)} stack{'s' if len(results) != 1 else ''} planned, no errors")
    return "\n".join(lines) + "\n"
