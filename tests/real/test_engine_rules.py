"""The engine's rules that tests/deploy_sequence/ used to model, decided by the real engine.

Each test names the rule and its source in pulumi/pulumi at the lab's CLI release
(docs/verification.md lists the versions that ran)."""

from pathlib import Path

import pytest
from pulumi import automation as auto

from . import cluster
from .fixtures import deployment
from .stacks import LabStack

SECRET_TYPE = "kubernetes:core/v1:Secret"


@pytest.fixture(autouse=True)
def _lab(lab: dict[str, str]) -> None:
    return None


def _config_map_in_a_context() -> None:
    """A tiny program for the provider-change rule: one ConfigMap through an explicit provider
    given the kubeconfig's contents and the stack's context, so that DiffConfig can tell the
    clusters apart."""
    import os

    import pulumi
    import pulumi_kubernetes as kubernetes

    provider = kubernetes.Provider(
        "cluster",
        kubeconfig=Path(os.environ["KUBECONFIG"]).read_text(),
        context=pulumi.Config("lab").require("context"),
    )
    kubernetes.core.v1.ConfigMap(
        "moved",
        metadata={"name": f"{pulumi.get_stack()}-moved", "namespace": "pomerium"},
        data={"rule": "provider change"},
        opts=pulumi.ResourceOptions(provider=provider),
    )


def test_a_provider_change_creates_the_replacement_before_deleting_the_old(tmp_path: Path) -> None:
    """pkg/resource/deploy/step_generator.go (providerChanged): a replacement the provider
    causes carries no deleteBeforeReplace, so the new object exists before the old goes."""
    stack = LabStack(tmp_path, program=_config_map_in_a_context)
    stack.config = {"lab:context": "blue"}
    stack.up()
    stack.config = {"lab:context": "green"}
    stack.write()
    stack.up()
    steps = [op for op, urn in stack.steps() if urn.endswith("::moved")]
    assert steps.index("create-replacement") < steps.index("delete-replaced")
    green = {
        m.metadata.name
        for m in cluster.core("green").list_namespaced_config_map("pomerium").items
        if m.metadata
    }
    blue = {
        m.metadata.name
        for m in cluster.core("blue").list_namespaced_config_map("pomerium").items
        if m.metadata
    }
    assert f"{stack.name}-moved" in green and f"{stack.name}-moved" not in blue


def test_providers_are_always_part_of_a_targeted_run(tmp_path: Path) -> None:
    """A `--target` run that names only the Secret still updates its provider
    (step_generator.go: providers are always targeted)."""
    d = deployment(tmp_path)
    d.stack.up()
    secret_urn = next(r["urn"] for r in d.stack.export()["resources"] if r["type"] == SECRET_TYPE)
    d.stack.config["kubernetes:clusterIdentifier"] = "blue-cluster"
    d.use(d.app.add_password())
    d.stack.up(target=[secret_urn])
    provider = next(urn for op, urn in d.stack.steps() if "pulumi:providers:kubernetes" in urn)
    assert provider.endswith("::pomerium-kubernetes")
    secret = cluster.read_secret("blue", d.secret_name)
    assert cluster.secret_values(secret)["IDP_CLIENT_SECRET"] == d.password.secret_text  # type: ignore[arg-type]


def _config_maps() -> None:
    """A tiny program for the protect rule: two ConfigMaps through the kubeconfig's current
    context, the first protected, the second depending on nothing."""
    import pulumi
    import pulumi_kubernetes as kubernetes

    stack = pulumi.get_stack()
    for name, protect in (("kept", True), ("other", False)):
        kubernetes.core.v1.ConfigMap(
            name,
            metadata={"name": f"{stack}-{name}", "namespace": "pomerium"},
            data={"rule": "protect"},
            opts=pulumi.ResourceOptions(protect=protect),
        )


def test_a_protected_delete_does_not_stop_the_other_deletes(tmp_path: Path) -> None:
    """`pulumi destroy --skip-preview` (what pulumi/actions runs): the protected resource stays,
    and the engine still deletes the others (step_executor.go: it continues past a
    deleteProtectedError; deployment_executor.go skips only the errored resource's
    dependencies)."""
    stack = LabStack(tmp_path, program=_config_maps)
    stack.up()
    with pytest.raises(auto.CommandError) as failed:
        stack.destroy()
    assert "protected" in str(failed.value)
    left = {r["urn"].rsplit("::", 1)[1] for r in stack.export()["resources"]}
    assert "kept" in left and "other" not in left
    items = cluster.core("blue").list_namespaced_config_map("pomerium").items
    names = {m.metadata.name for m in items if m.metadata is not None}
    assert f"{stack.name}-kept" in names and f"{stack.name}-other" not in names
