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


def test_a_provider_change_creates_the_replacement_before_deleting_the_old(tmp_path: Path) -> None:
    """pkg/resource/deploy/step_generator.go (providerChanged): a replacement the provider
    causes carries no deleteBeforeReplace, so the new Secret exists before the old goes."""
    d = deployment(tmp_path)
    d.stack.config["kubernetes:context"] = "blue"
    d.stack.up()
    d.stack.config["kubernetes:context"] = "green"
    d.stack.up()
    secret_steps = [op for op, urn in d.stack.steps() if SECRET_TYPE in urn]
    assert secret_steps.index("create-replacement") < secret_steps.index("delete-replaced")
    assert cluster.read_secret("green", d.secret_name) is not None
    assert cluster.read_secret("blue", d.secret_name) is None


def test_providers_are_always_part_of_a_targeted_run(tmp_path: Path) -> None:
    """A `--target` run that names only the Secret still updates its provider
    (step_generator.go: providers are always targeted)."""
    d = deployment(tmp_path)
    d.stack.up()
    secret_urn = next(r["urn"] for r in d.stack.export()["resources"] if r["type"] == SECRET_TYPE)
    proof_urn = next(r["urn"] for r in d.stack.export()["resources"] if "proof" in r["urn"])
    d.stack.config["kubernetes:clusterIdentifier"] = "blue-cluster"
    d.use(d.app.add_password())
    d.stack.up(target=[secret_urn, proof_urn])
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
