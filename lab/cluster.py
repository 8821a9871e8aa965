"""Two Kubernetes API servers (the lab's two clusters) on one etcd, on loopback.

No nodes or scheduler: Pomerium's Secret only needs the API, and the garbage collector of
kube-controller-manager, which finishes the deletes pulumi-kubernetes asks for (it deletes
with foreground propagation, whose finalizer only the garbage collector removes). Each API server keeps
its objects under its own etcd prefix, and serves HTTPS with a certificate of the lab's own CA;
the kubeconfig has one context per API server, the first current, and a static bearer token
(the lab's credentials are not secrets).
"""

import base64
import socket
import ssl
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import trustme
import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .processes import spawn, wait_until

TOKEN = "lab-admin-token"
CLUSTERS = ("blue", "green")
"""Context names; the first is the kubeconfig's current context."""
NAMESPACE = "pomerium"


@dataclass(frozen=True)
class ApiServer:
    name: str
    port: int

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_etcd(state: Path, bin_dir: Path) -> str:
    client, peer = free_port(), free_port()
    url = f"http://127.0.0.1:{client}"
    spawn(
        state,
        "etcd",
        [
            str(bin_dir / "etcd"),
            f"--data-dir={state / 'etcd'}",
            f"--listen-client-urls={url}",
            f"--advertise-client-urls={url}",
            f"--listen-peer-urls=http://127.0.0.1:{peer}",
            f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
            f"--initial-cluster=default=http://127.0.0.1:{peer}",
            "--log-level=warn",
        ],
    )
    wait_until("etcd", lambda: _answers(f"{url}/health"), state, "etcd")
    return url


def _answers(url: str, context: ssl.SSLContext | None = None) -> bool:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=2, context=context) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _files(state: Path) -> dict[str, Path]:
    """The CA, the serving certificate, the service-account key and the token file."""
    pki = state / "pki"
    pki.mkdir(exist_ok=True)
    files = {
        name: pki / name
        for name in ("ca.pem", "server.pem", "server-key.pem", "sa.pem", "tokens.csv")
    }
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(files["ca.pem"]))
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    leaf.cert_chain_pems[0].write_to_path(str(files["server.pem"]))
    leaf.private_key_pem.write_to_path(str(files["server-key.pem"]))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    files["sa.pem"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    # kube-apiserver's --token-auth-file: token,user,uid,"group1,group2".
    files["tokens.csv"].write_text(f'{TOKEN},lab-admin,lab-admin,"system:masters"\n')
    return files


def start_api_servers(state: Path, bin_dir: Path, etcd_url: str) -> tuple[list[ApiServer], Path]:
    files = _files(state)
    servers = []
    for name in CLUSTERS:
        server = ApiServer(name, free_port())
        spawn(state, f"kube-apiserver-{name}", _api_server_argv(bin_dir, files, server, etcd_url))
        servers.append(server)
    context = ssl.create_default_context(cafile=str(files["ca.pem"]))
    for server in servers:
        wait_until(
            f"kube-apiserver ({server.name})",
            lambda server=server: _answers(f"{server.url}/readyz", context),  # type: ignore[misc]
            state,
            f"kube-apiserver-{server.name}",
            seconds=120,
        )
    return servers, files["ca.pem"]


def _api_server_argv(
    bin_dir: Path, files: dict[str, Path], server: ApiServer, etcd_url: str
) -> list[str]:
    return [
        str(bin_dir / "kube-apiserver"),
        f"--etcd-servers={etcd_url}",
        f"--etcd-prefix=/registry-{server.name}",
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        f"--secure-port={server.port}",
        f"--tls-cert-file={files['server.pem']}",
        f"--tls-private-key-file={files['server-key.pem']}",
        f"--token-auth-file={files['tokens.csv']}",
        "--authorization-mode=AlwaysAllow",
        "--service-cluster-ip-range=10.0.0.0/24",
        "--service-account-issuer=https://kubernetes.default.svc",
        f"--service-account-key-file={files['sa.pem']}",
        f"--service-account-signing-key-file={files['sa.pem']}",
        "--enable-priority-and-fairness=false",
        "--v=0",
    ]


def write_kubeconfig(path: Path, servers: list[ApiServer], ca: Path) -> None:
    ca_data = base64.b64encode(ca.read_bytes()).decode()
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": servers[0].name,
        "clusters": [
            {"name": s.name, "cluster": {"server": s.url, "certificate-authority-data": ca_data}}
            for s in servers
        ],
        "users": [{"name": "lab-admin", "user": {"token": TOKEN}}],
        "contexts": [
            {"name": s.name, "context": {"cluster": s.name, "user": "lab-admin"}} for s in servers
        ],
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def create_namespace(server: ApiServer, ca: Path) -> None:
    """Pomerium's namespace, in each cluster, as an operator made it."""
    body = f'{{"apiVersion":"v1","kind":"Namespace","metadata":{{"name":"{NAMESPACE}"}}}}'
    request = urllib.request.Request(
        f"{server.url}/api/v1/namespaces",
        data=body.encode(),
        method="POST",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )
    context = ssl.create_default_context(cafile=str(ca))
    try:
        urllib.request.urlopen(request, timeout=10, context=context).close()
    except urllib.error.HTTPError as error:
        if error.code != 409:  # AlreadyExists: a restarted lab keeps its etcd
            raise


def start_garbage_collectors(
    state: Path, bin_dir: Path, servers: list[ApiServer], ca: Path
) -> None:
    """One kube-controller-manager per API server, running only the garbage collector."""
    for server in servers:
        kubeconfig = state / "pki" / f"{server.name}.kubeconfig"
        write_kubeconfig(kubeconfig, [server], ca)
        spawn(
            state,
            f"kube-controller-manager-{server.name}",
            [
                str(bin_dir / "kube-controller-manager"),
                f"--kubeconfig={kubeconfig}",
                "--controllers=garbagecollector",
                "--leader-elect=false",
                "--use-service-account-credentials=false",
                "--secure-port=0",
                "--v=0",
            ],
        )
