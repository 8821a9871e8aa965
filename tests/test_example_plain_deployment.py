"""examples/pomerium-ingress/plain_deployment.py: Pomerium as a plain Deployment.

The scheduled rotation deploys only the identity stack, so the client secret must reach
running pods without this stack changing: a secret volume (no subPath, which the kubelet
never updates) and IDP_CLIENT_SECRET_FILE, which Pomerium watches and re-reads. Run under
the mock engine with a StackReference answered from this project's own offline outputs.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import posixpath
from datetime import timedelta
from typing import Any

import kubernetes_validate
import pulumi
import pytest

from components.secret_data import SECRET_KEYS
from tests.stacks import run_fixture
from tests.test_example_ingress import (
    EXAMPLE,
    IDENTITY_STACK,
    NOW,
    CloudWithIdentityStack,
)
from tools import offline

# The key the identity stack writes the client secret under, and Pomerium's setting for
# a file holding it (pomerium/pomerium config/options.go: idp_client_secret_file, bound
# to the upper-cased environment variable).
CLIENT_SECRET_KEY = "client_secret"
CLIENT_SECRET_FILE_VARIABLE = "IDP_CLIENT_SECRET_FILE"


def load_plain_deployment() -> Any:
    spec = importlib.util.spec_from_file_location(
        "plain_deployment", EXAMPLE / "plain_deployment.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def identity_outputs() -> dict[str, offline.StackOutput]:
    """The outputs of this project's real program, run offline on the tests' own prod
    fixture (tests/stacks.py): never the team's stack files."""
    return run_fixture("prod", now=NOW).outputs


def render(outputs: dict[str, offline.StackOutput]) -> dict[str, Any]:
    """The Deployment the example registers, as its manifest."""
    module = load_plain_deployment()

    def program() -> None:
        identity = pulumi.StackReference("identity", stack_name=IDENTITY_STACK)
        module.pomerium_deployment(identity)

    run = offline.run(
        program,
        stack="prod",
        config={},
        now=NOW,
        cloud=CloudWithIdentityStack(outputs),
        project="pomerium-ingress",
    )
    return {"apiVersion": "apps/v1", "kind": "Deployment", **run.one(":Deployment").inputs}


@pytest.fixture(scope="module")
def deployment(identity_outputs: dict[str, offline.StackOutput]) -> dict[str, Any]:
    return render(identity_outputs)


def secret_name(outputs: dict[str, offline.StackOutput]) -> str:
    return str(outputs["kubernetes_secret"].value).split("/", 1)[1]


def pomerium_container(deployment: dict[str, Any]) -> dict[str, Any]:
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["name"] == "pomerium"
    return container


def client_secret_file(deployment: dict[str, Any], secret: str) -> str:
    """The file the identity Secret's client_secret appears at, through a mount that the
    kubelet keeps up to date; AssertionError otherwise."""
    pod = deployment["spec"]["template"]["spec"]
    container = pomerium_container(deployment)
    volumes = [v for v in pod.get("volumes", []) if v.get("secret", {}).get("secretName") == secret]
    assert len(volumes) == 1, f"expected one volume of Secret {secret}: {pod.get('volumes')}"
    [volume] = volumes
    items = volume["secret"].get("items")
    if items is None:  # the whole Secret: each key is a file of its name
        path = CLIENT_SECRET_KEY
    else:
        [path] = [item["path"] for item in items if item["key"] == CLIENT_SECRET_KEY]
    mounts = [m for m in container.get("volumeMounts", []) if m["name"] == volume["name"]]
    assert len(mounts) == 1, mounts
    [mount] = mounts
    assert "subPath" not in mount and "subPathExpr" not in mount, (
        f"a subPath mount is never updated when the Secret changes: {mount}"
    )
    assert mount.get("readOnly") is True, mount
    return posixpath.join(mount["mountPath"], path)


def test_the_deployment_validates(deployment: dict[str, Any]) -> None:
    kubernetes_validate.validate(deployment, kubernetes_validate.latest_version(), strict=True)


def test_the_deployment_is_in_the_secrets_namespace(
    deployment: dict[str, Any], identity_outputs: dict[str, offline.StackOutput]
) -> None:
    namespace = str(identity_outputs["kubernetes_secret"].value).split("/", 1)[0]
    assert deployment["metadata"]["namespace"] == namespace


def test_idp_client_secret_file_names_the_mounted_client_secret(
    deployment: dict[str, Any], identity_outputs: dict[str, offline.StackOutput]
) -> None:
    secret = secret_name(identity_outputs)
    path = client_secret_file(deployment, secret)
    env = {e["name"]: e for e in pomerium_container(deployment)["env"]}
    assert env[CLIENT_SECRET_FILE_VARIABLE] == {"name": CLIENT_SECRET_FILE_VARIABLE, "value": path}
    [mount] = pomerium_container(deployment)["volumeMounts"]
    assert path == mount["mountPath"] + "/client_secret"


def test_nothing_hands_the_pod_idp_client_secret(
    deployment: dict[str, Any], identity_outputs: dict[str, offline.StackOutput]
) -> None:
    secret = secret_name(identity_outputs)
    container = pomerium_container(deployment)
    names = [e["name"] for e in container["env"]]
    assert "IDP_CLIENT_SECRET" not in names
    referenced_keys = [
        e["valueFrom"]["secretKeyRef"]["key"]
        for e in container["env"]
        if "secretKeyRef" in e.get("valueFrom", {})
    ]
    assert "IDP_CLIENT_SECRET" not in referenced_keys
    assert "client_secret" not in referenced_keys
    # envFrom of the identity Secret would bring IDP_CLIENT_SECRET (and client_secret)
    # along, frozen at start.
    for source in container.get("envFrom", []):
        assert source.get("secretRef", {}).get("name") != secret, source


def test_the_other_settings_come_from_the_identity_secret_by_key(
    deployment: dict[str, Any], identity_outputs: dict[str, offline.StackOutput]
) -> None:
    secret = secret_name(identity_outputs)
    from_secret = {
        e["name"]: e["valueFrom"]["secretKeyRef"]
        for e in pomerium_container(deployment)["env"]
        if "valueFrom" in e
    }
    assert from_secret == {
        key: {"name": secret, "key": key}
        for key in ("IDP_PROVIDER", "IDP_PROVIDER_URL", "IDP_CLIENT_ID", "AUTHENTICATE_SERVICE_URL")
    }
    # Every key the pod asks for exists in the Secret, or the pod would not start.
    assert set(from_secret) <= set(SECRET_KEYS)
    assert CLIENT_SECRET_KEY in SECRET_KEYS


def test_a_rotation_changes_nothing_in_this_stack(
    deployment: dict[str, Any], identity_outputs: dict[str, offline.StackOutput]
) -> None:
    """The rotation deploys only the identity stack: whatever reaches the pods must do so
    without the Deployment changing, so the Deployment may not depend on the credential."""
    rotated = dict(identity_outputs)
    for key, new_value in {
        "client_secret": "rotated-client-secret",
        "client_secret_expires_at": (NOW + timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }.items():
        if key in rotated:
            rotated[key] = dataclasses.replace(rotated[key], value=new_value)
    assert rotated != identity_outputs
    assert render(rotated) == deployment
    assert "annotations" not in deployment["spec"]["template"]["metadata"]


def test_the_check_catches_a_subpath_mount(
    deployment: dict[str, Any], identity_outputs: dict[str, offline.StackOutput]
) -> None:
    secret = secret_name(identity_outputs)
    container = pomerium_container(deployment)
    [mount] = container["volumeMounts"]
    sub_path_mount = {
        **mount,
        "mountPath": "/etc/pomerium/client_secret",
        "subPath": "client_secret",
    }
    broken_container = {**container, "volumeMounts": [sub_path_mount]}
    broken = {
        **deployment,
        "spec": {
            **deployment["spec"],
            "template": {
                **deployment["spec"]["template"],
                "spec": {
                    **deployment["spec"]["template"]["spec"],
                    "containers": [broken_container],
                },
            },
        },
    }
    with pytest.raises(AssertionError, match="subPath"):
        client_secret_file(broken, secret)
