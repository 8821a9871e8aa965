"""Defects a review of the engine's and providers' sources predicted (issue 20), run for real."""

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from . import cluster
from .fixtures import NS, deployment

SECRET_TYPE = "kubernetes:core/v1:Secret"


@pytest.fixture(autouse=True)
def _lab(lab: dict[str, str]) -> None:
    return None


def clusters(*names: str) -> str:
    return json.dumps(
        [
            {
                "name": n,
                "context": n,
                "authenticateServiceUrl": f"https://authenticate.{n}.lab.example.com",
            }
            for n in names
        ]
    )


def test_a_deploy_from_a_kubeconfig_at_another_path_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheduled rotation on CI after a laptop deploy, or the reverse: the same cluster,
    its kubeconfig at another path; the first path no longer exists."""
    runner, laptop = tmp_path / "runner", tmp_path / "laptop"
    runner.mkdir()
    laptop.mkdir()
    shutil.copyfile(os.environ["KUBECONFIG"], runner / "kubeconfig")
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.setenv("KUBECONFIG", str(runner / "kubeconfig"))
    d = deployment(project)
    d.stack.up()
    # The state keeps no path of this machine's (decrypted: the kubeconfig input is secret).
    assert str(runner) not in json.dumps(d.stack.stack().export_stack().deployment)
    shutil.move(runner / "kubeconfig", laptop / "kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(laptop / "kubeconfig"))
    d.use(d.app.add_password())
    d.stack.up()
    secret = cluster.read_secret("blue", d.secret_name)
    assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == d.password.secret_text  # type: ignore[arg-type]
    d.stack.stack().refresh()
    d.stack.preview(expect_no_changes=True)


@pytest.mark.parametrize("order", [("blue", "green"), ("green", "blue")])
def test_moving_to_clusters_keeps_the_secret_whichever_cluster_comes_first(
    tmp_path: Path, order: tuple[str, str]
) -> None:
    d = deployment(tmp_path)
    d.stack.up()
    uid = cluster.read_secret("blue", d.secret_name).metadata.uid  # type: ignore[union-attr]
    del d.stack.config[f"{NS}:authenticateServiceUrl"]
    d.stack.config[f"{NS}:clusters"] = json.loads(clusters(*order))
    d.stack.write()
    d.stack.up()
    blue = cluster.read_secret("blue", d.secret_name)
    green = cluster.read_secret("green", d.secret_name)
    assert blue is not None and blue.metadata is not None and blue.metadata.uid == uid, (
        "the Secret in the old cluster was replaced"
    )
    assert green is not None, "nothing was written to the new cluster"
    # The next rotation reaches both.
    d.use(d.app.add_password())
    d.stack.up()
    for context in ("blue", "green"):
        secret = cluster.read_secret(context, d.secret_name)
        assert secret is not None
        assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == d.password.secret_text


def test_a_protected_stack_keeps_its_secret_through_destroy(tmp_path: Path) -> None:
    """`pulumi destroy --yes --skip-preview` on a protected stack fails, and leaves the Secret
    and everything it depends on."""
    d = deployment(tmp_path, protect=True)
    d.stack.up()
    d.use(d.app.add_password())
    d.stack.up()  # a protected stack rotates
    with pytest.raises(auto.CommandError) as failed:
        d.stack.destroy()
    assert "protected" in str(failed.value)
    left = {r["urn"].rsplit("::", 1)[1] for r in d.stack.export()["resources"]}
    assert {"pomerium-kubernetes-secret", "pomerium-kubernetes"} <= left
    secret = cluster.read_secret("blue", d.secret_name)
    assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == d.password.secret_text  # type: ignore[arg-type]


@dataclass(frozen=True)
class Change:
    before: dict[str, Any]
    after: dict[str, Any]
    steps: tuple[str, str]
    """What the engine does to the Secret: the create that takes it over, then the old delete."""


# Defect 5: while adopting, the provider upserts (upsertExistingObjects), so a create takes
# over the live Secret, and the old resource's delete then removed it by name. Two changes
# make the engine create the Secret anew in the same cluster (docs/deploy-facts.md, 1c): its
# provider replaced (DiffConfig replaces on a changed clusterIdentifier; create-first), and a
# new URN (a `clusters` entry renamed, its context the same).
BLUE = json.loads(clusters("blue"))
ADOPTED_CHANGES = {
    "provider replaced": Change(
        {"kubernetes:clusterIdentifier": "lab-one"},
        {"kubernetes:clusterIdentifier": "lab-two"},
        ("create-replacement", "delete-replaced"),
    ),
    "cluster renamed": Change(
        {f"{NS}:clusters": BLUE},
        {f"{NS}:clusters": [{**BLUE[0], "name": "renamed"}]},
        ("create", "delete"),
    ),
}


@pytest.mark.parametrize("name", list(ADOPTED_CHANGES))
def test_an_adopted_secret_survives_its_re_creation(tmp_path: Path, name: str) -> None:
    change = ADOPTED_CHANGES[name]
    d = deployment(tmp_path, adoptKubernetesSecret=True)
    if f"{NS}:clusters" in change.before:
        del d.stack.config[f"{NS}:authenticateServiceUrl"]
    uid = cluster.create_secret("blue", d.secret_name, {"client_secret": "made by hand"})
    d.stack.config.update(change.before)
    d.stack.write()
    d.stack.up()
    d.stack.config.update(change.after)
    d.use(d.app.add_password())
    d.stack.up()
    ops = [op for op, urn in d.stack.steps() if SECRET_TYPE in urn]
    assert [op for op in ops if op in change.steps] == list(change.steps), d.stack.steps()
    secret = cluster.read_secret("blue", d.secret_name)
    assert secret is not None, f"{name}: the Secret Pomerium reads was deleted"
    assert secret.metadata.uid == uid  # type: ignore[union-attr]
    assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == d.password.secret_text
    # One resource writes it now, and the next change will not delete it either.
    (kept,) = [r for r in d.stack.export()["resources"] if r["type"] == SECRET_TYPE]
    assert kept["retainOnDelete"] is True
