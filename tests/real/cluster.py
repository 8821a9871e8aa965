"""Reading what the deploys left in the lab's API servers."""

import base64
import os

from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

NAMESPACE = "pomerium"


def core(context: str) -> client.CoreV1Api:
    api = config.new_client_from_config(config_file=os.environ["KUBECONFIG"], context=context)
    return client.CoreV1Api(api)


def read_secret(context: str, name: str, namespace: str = NAMESPACE) -> client.V1Secret | None:
    try:
        return core(context).read_namespaced_secret(name, namespace)
    except ApiException as error:
        if error.status == 404:
            return None
        raise


def secret_values(secret: client.V1Secret) -> dict[str, str]:
    return {k: base64.b64decode(v).decode() for k, v in (secret.data or {}).items()}


def edit_secret(context: str, name: str, values: dict[str, str]) -> None:
    """What an operator's `kubectl edit` does."""
    encoded = {k: base64.b64encode(v.encode()).decode() for k, v in values.items()}
    core(context).patch_namespaced_secret(name, NAMESPACE, {"data": encoded})


def create_secret(context: str, name: str, values: dict[str, str]) -> str:
    """What an operator's `kubectl create secret generic` does; the new Secret's uid."""
    secret = client.V1Secret(metadata=client.V1ObjectMeta(name=name), string_data=values)
    made = core(context).create_namespaced_secret(NAMESPACE, secret)
    return str(made.metadata.uid)  # type: ignore[union-attr]


def put_secret(context: str, name: str, values: dict[str, str]) -> None:
    """The Secret holds exactly these values again (created if it was deleted)."""
    encoded: dict[str, bytes | str] = {
        k: base64.b64encode(v.encode()).decode() for k, v in values.items()
    }
    body = client.V1Secret(metadata=client.V1ObjectMeta(name=name), data=encoded)
    if read_secret(context, name) is None:
        core(context).create_namespaced_secret(NAMESPACE, body)
    else:
        core(context).replace_namespaced_secret(name, NAMESPACE, body)


def delete_secret(context: str, name: str) -> None:
    core(context).delete_namespaced_secret(name, NAMESPACE)
