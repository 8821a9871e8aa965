"""The tenant's rules for client secrets (issue 22), deployed for real: an administrator sets
the tenant's app management policy through Graph, as in a tenant; the program reads it with the
deploy identity's own credentials before anything is registered."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi import automation as auto

from components import proof  # the token request the proof makes

from . import cluster, entra
from .fixtures import NS, deployment

DEFAULT_POLICY = "/policies/defaultAppManagementPolicy"
LONG_AGO = "2019-10-19T10:37:00Z"  # Graph's docs' example enforcement date


def set_tenant_default(*restrictions: dict[str, str], enabled: bool = True) -> None:
    entra.graph(
        "PATCH",
        DEFAULT_POLICY,
        {
            "isEnabled": enabled,
            "applicationRestrictions": {"passwordCredentials": list(restrictions)},
        },
    )


@pytest.fixture(autouse=True)
def _tenant_default_restored(lab: dict[str, str]) -> Iterator[None]:
    yield
    entra.lab_knob(
        "/_lab/lacking-permissions", {"client_id": os.environ["ARM_CLIENT_ID"], "permissions": []}
    )
    set_tenant_default(enabled=False)


def accepted(d_client_id: str, secret: str) -> bool:
    host, tenant = os.environ["ARM_METADATA_HOSTNAME"], os.environ["ARM_TENANT_ID"]
    return proof.request_token(
        f"https://{host}/{tenant}", d_client_id, secret, f"https://{host}/.default"
    ).ok


def test_a_tenant_that_blocks_new_secrets_stops_the_deploy_before_any_change(
    tmp_path: Path,
) -> None:
    d = deployment(tmp_path)
    d.stack.up()
    held = d.password
    set_tenant_default(
        {
            "restrictionType": "passwordAddition",
            "state": "enabled",
            "restrictForAppsCreatedAfterDateTime": LONG_AGO,
        }
    )
    with pytest.raises(auto.CommandError) as failed:
        d.stack.up()
    message = str(failed.value)
    assert "blocks new client secrets" in message and "passwordAddition" in message
    assert "az rest" in message  # the administrator's way out
    assert d.stack.steps() == [] or all(op == "same" for op, _ in d.stack.steps())
    secret = cluster.read_secret("blue", d.secret_name)
    assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == held.secret_text  # type: ignore[arg-type]
    assert accepted(d.app.client_id, held.secret_text)


def test_a_60_day_cap_stops_a_30_day_rotation_and_names_22(tmp_path: Path) -> None:
    """The project's secrets live 3N - 7 days (docs/app-management-policies.md): with N = 30,
    83 days; the largest N whose secrets fit 60 days is 22 (59 days; 23 makes 62)."""
    d = deployment(tmp_path, clientSecretRotationDays=30)
    set_tenant_default(
        {
            "restrictionType": "passwordLifetime",
            "state": "enabled",
            "maxLifetime": "P60D",
            "restrictForAppsCreatedAfterDateTime": LONG_AGO,
        }
    )
    with pytest.raises(auto.CommandError) as failed:
        d.stack.up()
    assert "set clientSecretRotationDays to 22 or less" in str(failed.value)
    assert cluster.read_secret("blue", d.secret_name) is None
    d.stack.config[f"{NS}:clientSecretRotationDays"] = 22
    d.stack.write()
    d.stack.up()
    assert any("to spare" in m for m in d.stack.diagnostics())
    d.use(d.app.add_password(days=59))
    d.stack.up()
    secret = cluster.read_secret("blue", d.secret_name)
    assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == d.password.secret_text  # type: ignore[arg-type]


def test_without_the_read_permission_the_deploy_goes_on_with_a_warning(tmp_path: Path) -> None:
    d = deployment(tmp_path)
    # Every permission Graph's docs accept for reading the policies (the stand-in's deploy
    # identity holds the write one, which reads too).
    entra.lab_knob(
        "/_lab/lacking-permissions",
        {
            "client_id": os.environ["ARM_CLIENT_ID"],
            "permissions": [
                "Policy.Read.All",
                "Policy.Read.ApplicationConfiguration",
                "Policy.ReadWrite.ApplicationConfiguration",
            ],
        },
    )
    d.stack.up()
    warnings = [m for m in d.stack.diagnostics() if "App management policy check" in m]
    assert warnings and "Policy.Read.All" in " ".join(warnings)
    assert cluster.read_secret("blue", d.secret_name) is not None
