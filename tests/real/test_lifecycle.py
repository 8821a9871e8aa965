"""A stack's life, deployed for real: first deploy, rotations, a kubeconfig that moves, a
failed proof, a destroy. The real CLI runs the engine; the real pulumi-resource-kubernetes
writes to a real API server; the proof asks the stand-in's token endpoint."""

import os
from pathlib import Path

import pytest
from pulumi import automation as auto

from . import cluster, entra
from .fixtures import deployment

BLUE = "blue"  # the kubeconfig's current context (lab/cluster.py)
SECRET_TYPE = "kubernetes:core/v1:Secret"


@pytest.fixture(autouse=True)
def _lab(lab: dict[str, str]) -> None:
    return None


def urn_of(stack_export: dict, type_: str) -> list[dict]:
    return [r for r in stack_export["resources"] if r["type"] == type_]


def test_first_deploy_writes_the_secret_pomerium_reads(tmp_path: Path) -> None:
    d = deployment(tmp_path)
    d.stack.up()
    secret = cluster.read_secret(BLUE, d.secret_name)
    assert secret is not None
    assert cluster.secret_values(secret) == {
        "client_id": d.app.client_id,
        "client_secret": d.password.secret_text,
        "IDP_PROVIDER": "azure",
        "IDP_PROVIDER_URL": f"https://{os.environ['ARM_METADATA_HOSTNAME']}/{os.environ['ARM_TENANT_ID']}/v2.0",
        "IDP_CLIENT_ID": d.app.client_id,
        "IDP_CLIENT_SECRET": d.password.secret_text,
        "AUTHENTICATE_SERVICE_URL": "https://authenticate.lab.example.com",
    }
    # The proof asked the token endpoint with this client before the Secret was written.
    assert entra.token_requests(d.app.client_id)
    # The state holds the client secret only encrypted.
    exported = str(d.stack.export())
    assert d.password.secret_text not in exported
    # A second preview the same day changes nothing.
    d.stack.preview(expect_no_changes=True)


def test_a_rotation_updates_the_secret_in_place_through_two_full_cycles(tmp_path: Path) -> None:
    d = deployment(tmp_path)
    d.stack.up()
    uid = cluster.read_secret(BLUE, d.secret_name).metadata.uid  # type: ignore[union-attr]
    for _ in range(4):  # slot b, a, b, a
        old, new = d.password, d.app.add_password()
        d.use(new)
        d.stack.preview()
        secret_ops = [op for op, urn in d.stack.started() if SECRET_TYPE in urn]
        assert secret_ops == ["update"], d.stack.started()
        d.stack.up()
        secret = cluster.read_secret(BLUE, d.secret_name)
        assert secret is not None and secret.metadata is not None and secret.metadata.uid == uid
        assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == new.secret_text
        # Only now, with the Secret moved, the old password goes.
        d.app.remove_password(old)


def test_a_refused_proof_fails_the_deploy_and_the_secret_keeps_its_credential(
    tmp_path: Path,
) -> None:
    """Entra ID refuses the new client secret (here: Conditional Access, AADSTS53003, which
    the proof does not wait out): the deploy fails, the Secret keeps the one it holds, and
    the next deploy, once Entra ID accepts it, writes it."""
    d = deployment(tmp_path)
    d.stack.up()
    held = d.password
    d.use(d.app.add_password())
    entra.lab_knob("/_lab/refuse", {"client_id": d.app.client_id, "code": 53003})
    with pytest.raises(auto.CommandError) as failed:
        d.stack.up()
    assert "Conditional Access blocked the token request" in str(failed.value)
    assert d.password.secret_text not in str(failed.value)
    secret = cluster.read_secret(BLUE, d.secret_name)
    assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == held.secret_text  # type: ignore[arg-type]
    entra.lab_knob("/_lab/refuse", {"client_id": d.app.client_id, "code": None})
    d.stack.up()
    secret = cluster.read_secret(BLUE, d.secret_name)
    assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == d.password.secret_text  # type: ignore[arg-type]


def test_a_secret_entra_id_is_still_replicating_is_waited_for(tmp_path: Path) -> None:
    """A new client secret takes Entra ID seconds to replicate: the proof asks again until it
    is accepted, and only then is the Secret written (no fixed wait)."""
    d = deployment(tmp_path)
    d.stack.up()
    d.use(d.app.add_password())
    entra.lab_knob(
        "/_lab/not-replicated", {"client_id": d.app.client_id, "seconds": 8, "code": 7000215}
    )
    d.stack.up()
    secret = cluster.read_secret(BLUE, d.secret_name)
    assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == d.password.secret_text  # type: ignore[arg-type]
    refused = [r for r in entra.token_requests(d.app.client_id) if r["status"] != 200]
    assert refused, "the stand-in never answered 'not replicated yet'"
