"""Loopback stand-ins for `pomerium-azure-ad verify`'s tests: Entra ID's discovery and token
endpoints, the Kubernetes API's Secret endpoint, and a `pulumi` executable.

oidc-provider-mock (a dev dependency) serves real discovery, but cannot stand in for Entra
here: its token endpoint has no client-credentials grant, its clients cannot be given a
secret of our choosing, and its issuer is always the server's root URL (never
`<root>/<tenant>/v2.0`). test_verify.py still runs verify against it once.
"""

from __future__ import annotations

import base64
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote


@dataclass
class Entra:
    """Tenants' discovery documents and token endpoints, shaped like Entra ID's."""

    clients: dict[str, str] = field(default_factory=dict)  # client id -> client secret
    scopes: set[str] = field(default_factory=lambda: {"https://graph.microsoft.com/.default"})
    issuer: str | None = None  # None: exactly <root>/<tenant>/v2.0
    echo_secret: bool = False  # a careless server that repeats what it was sent
    refuse_first: int = 0  # answer AADSTS7000215 this many times (replication)
    root: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)

    def discovery(self, tenant: str) -> dict[str, Any]:
        return {
            "issuer": self.issuer or f"{self.root}/{tenant}/v2.0",
            "token_endpoint": f"{self.root}/{tenant}/oauth2/v2.0/token",
            "authorization_endpoint": f"{self.root}/{tenant}/oauth2/v2.0/authorize",
            "jwks_uri": f"{self.root}/{tenant}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token"],
        }

    def token(self, tenant: str, form: dict[str, str], basic: str | None) -> tuple[int, Any]:
        client_id, secret = form.get("client_id", ""), form.get("client_secret")
        if basic:
            user, _, password = base64.b64decode(basic).decode().partition(":")
            client_id, secret = unquote(user), unquote(password)
        self.requests.append({"tenant": tenant, "client_id": client_id, **form})
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type", "error_description": "AADSTS70003"}
        if client_id not in self.clients:
            return 400, {
                "error": "unauthorized_client",
                "error_description": f"AADSTS700016: Application with identifier '{client_id}' was not found in the directory '{tenant}'.",
            }
        if self.refuse_first > 0 or self.clients[client_id] != secret:
            self.refuse_first -= 1
            sent = f" (sent: {secret})" if self.echo_secret else ""
            return 401, {
                "error": "invalid_client",
                "error_description": f"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'.{sent}",
                "error_codes": [7000215],
            }
        if form.get("scope") not in self.scopes:
            return 400, {
                "error": "invalid_scope",
                "error_description": f"AADSTS1002012: The provided value for scope {form.get('scope')} is not valid.",
            }
        return 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": "eyJ.fake.jwt"}


@dataclass
class Kubernetes:
    """GET /api/v1/namespaces/<ns>/secrets/<name>, behind a bearer token."""

    secrets: dict[str, dict[str, str]] = field(default_factory=dict)  # "ns/name" -> data
    token: str = "kube-test-token"
    requests: list[str] = field(default_factory=list)

    def get(self, path: str, authorization: str | None) -> tuple[int, Any]:
        self.requests.append(path)
        if authorization != f"Bearer {self.token}":
            return 401, _status(401, "Unauthorized", "Unauthorized")
        parts = path.strip("/").split("/")
        if len(parts) != 6 or parts[:3] != ["api", "v1", "namespaces"] or parts[4] != "secrets":
            return 404, _status(404, "NotFound", "the server could not find the requested resource")
        namespace, name = parts[3], parts[5]
        data = self.secrets.get(f"{namespace}/{name}")
        if data is None:
            return 404, _status(404, "NotFound", f'secrets "{name}" not found')
        return 200, {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "Opaque",
            "metadata": {"name": name, "namespace": namespace},
            "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()},
        }


def _status(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Status",
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }


def _handler(entra: Entra | None, kubernetes: Kubernetes | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def answer(self, status: int, body: Any) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            if kubernetes is not None:
                self.answer(*kubernetes.get(path, self.headers.get("Authorization")))
                return
            assert entra is not None
            parts = path.strip("/").split("/")
            if parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
                self.answer(200, entra.discovery(parts[0]))
            else:
                self.answer(404, {"error": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode()
            parts = self.path.strip("/").split("/")
            if entra is None or parts[1:] != ["oauth2", "v2.0", "token"]:
                self.answer(404, {"error": "not found"})
                return
            form = {k: v[0] for k, v in parse_qs(body).items()}
            auth = self.headers.get("Authorization", "")
            basic = auth.removeprefix("Basic ") if auth.startswith("Basic ") else None
            self.answer(*entra.token(parts[0], form, basic))

    return Handler


@contextmanager
def serve(
    entra: Entra | None = None, kubernetes: Kubernetes | None = None
) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(entra, kubernetes))
    root = f"http://127.0.0.1:{server.server_address[1]}"
    if entra is not None:
        entra.root = root
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def url(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def write_kubeconfig(path: Path, server: str, token: str) -> Path:
    """Two contexts: `test` (current) and `other`, both on `server`; `other` has a wrong token."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "loopback", "cluster": {"server": server}}],
        "users": [
            {"name": "tester", "user": {"token": token}},
            {"name": "stranger", "user": {"token": "wrong-token"}},
        ],
        "contexts": [
            {"name": "test", "context": {"cluster": "loopback", "user": "tester"}},
            {"name": "other", "context": {"cluster": "loopback", "user": "stranger"}},
        ],
        "current-context": "test",
    }
    path.write_text(json.dumps(config))
    return path


def write_kubeconfig_contexts(
    path: Path, contexts: dict[str, tuple[str, str]], current: str
) -> Path:
    """One context per entry (name -> (server, token)), each with a cluster and user of its
    own, as `az aks get-credentials --context NAME` merges them into one file."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": n, "cluster": {"server": s}} for n, (s, _) in contexts.items()],
        "users": [{"name": f"user-{n}", "user": {"token": t}} for n, (_, t) in contexts.items()],
        "contexts": [{"name": n, "context": {"cluster": n, "user": f"user-{n}"}} for n in contexts],
        "current-context": current,
    }
    path.write_text(json.dumps(config))
    return path


FAKE_PULUMI = """#!{python}
import json, sys
from pathlib import Path
here = Path(__file__).parent
expected = ["stack", "output", "--json", "--show-secrets", "--stack"]
if sys.argv[1:6] != expected or len(sys.argv) != 7:
    sys.exit("fake pulumi: unexpected arguments " + " ".join(sys.argv[1:]))
stacks = json.loads((here / "stacks.json").read_text())
if sys.argv[6] not in stacks:
    sys.stderr.write("error: no stack named '" + sys.argv[6] + "' found\\n")
    sys.exit(255)
print(json.dumps(stacks[sys.argv[6]], indent=4))
"""


def install_fake_pulumi(folder: Path, stacks: dict[str, dict[str, Any]]) -> Path:
    """A `pulumi` executable in `folder` that prints each stack's outputs (or fails)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "pulumi"
    script.write_text(FAKE_PULUMI.format(python=sys.executable))
    script.chmod(0o755)
    (folder / "stacks.json").write_text(json.dumps(stacks))
    return script
