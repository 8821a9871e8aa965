"""A loopback https stand-in for Entra ID's token endpoint (the one network edge
the proof talks to), with a test CA from trustme: MSAL insists on https.

It serves the tenant discovery document MSAL reads first and a token endpoint
that answers a client-credentials request as Entra ID does: a token for the
accepted secret (once `accept_after` seconds have passed since start), else
an AADSTS error with Entra ID's error codes.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import trustme

TENANT = "0303f438-3c5c-4190-9854-08d3eb31bd9f"


@dataclass
class Behaviour:
    secret: str
    accept_after: float = 0.0
    """Seconds from start before the secret is accepted (replication)."""
    refuse_code: int | None = None
    """Always answer with this AADSTS code (e.g. 53003, Conditional Access)."""
    requests: list[dict[str, list[str]]] = field(default_factory=list)


def _answer(behaviour: Behaviour, started: float, form: dict[str, list[str]]) -> tuple[int, dict]:
    behaviour.requests.append(form)
    code = behaviour.refuse_code
    replicated = time.monotonic() - started >= behaviour.accept_after
    if code is None and form.get("client_secret") == [behaviour.secret] and replicated:
        return 200, {"token_type": "Bearer", "expires_in": 3599, "access_token": "t0k3n"}
    code = code or 7000215
    texts = {
        7000215: "Invalid client secret provided.",
        53003: "Access has been blocked by Conditional Access policies.",
    }
    return 401, {
        "error": "invalid_client",
        "error_description": f"AADSTS{code}: {texts.get(code, 'Refused.')}",
        "error_codes": [code],
    }


def _handler(behaviour: Behaviour, started: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return None

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            port = self.server.socket.getsockname()[1]  # type: ignore[attr-defined]
            base = f"https://127.0.0.1:{port}/{TENANT}"
            self._send(
                200,
                {
                    "issuer": f"{base}/v2.0",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                },
            )

        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            form = parse_qs(self.rfile.read(length).decode())
            self._send(*_answer(behaviour, started, form))

    return Handler


@contextmanager
def entra_standin(behaviour: Behaviour, ca_file: Path) -> Iterator[str]:
    """Serve until the block ends; yields the tenant's authority URL. The CA that
    signed the server's certificate is written to `ca_file`."""
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(ca_file))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(behaviour, time.monotonic()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/{TENANT}"
    finally:
        server.shutdown()
        server.server_close()
