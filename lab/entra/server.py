"""The HTTPS server: parses a request, authorizes Graph calls, runs its route, logs it.

Every request is appended to DIR/requests.jsonl with any client_secret or
secretText replaced by `sha256:<first 12 hex>`; an unknown call answers 501 and
is logged as an error in DIR/server.log."""

from __future__ import annotations

import hashlib
import json
import logging
import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import access, answers, directory, knobs, login, policy_routes
from .routing import Lab, Request, Route, find, unknown_call

ROUTES: list[Route] = [
    *login.ROUTES,
    *directory.ROUTES,
    *access.ROUTES,
    *policy_routes.ROUTES,
    *knobs.ROUTES,
]
SECRET_KEYS = ("client_secret", "secretText")
log = logging.getLogger("lab.entra")


def redacted(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                f"sha256:{hashlib.sha256(str(v).encode()).hexdigest()[:12]}"
                if k in SECRET_KEYS and v
                else redacted(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redacted(v) for v in value]
    return value


def authorize(request: Request, route: Route) -> answers.Answer | None:
    """Graph's bearer token and the permissions the route needs, else Graph's 401/403."""
    if not request.path.startswith("/v1.0/"):
        return None
    scheme, _, token = request.authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return answers.no_token()
    base = request.lab.base
    claims = request.lab.signer.read(token, [base, f"{base}/"])
    if claims is None:
        return answers.bad_token()
    request.caller = claims
    with request.lab.store.read() as state:
        granted = set(state["app_roles"].get(claims.get("oid"), []))
    granted -= request.lab.knobs.lacking.get(claims.get("appid", ""), set())
    if all(granted & set(any_of) for any_of in route.needs):
        return None
    return answers.denied()


def _body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(raw.decode()))
    parsed = json.loads(raw)
    return parsed if isinstance(parsed, dict) else {"value": parsed}


def make_handler(lab: Lab, requests_log: Path) -> type[BaseHTTPRequestHandler]:
    log_lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body leave in two writes (two TLS records); with Nagle's
        # algorithm the second waits for the client's delayed ACK, about 40 ms on Linux, on
        # every answer. socketserver.StreamRequestHandler sets TCP_NODELAY for this.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            log.debug(format, *args)

        def _serve(self) -> None:
            url = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                body, malformed = _body(raw, self.headers.get("Content-Type", "")), False
            except ValueError:
                body, malformed = {}, True
            request = Request(
                self.command,
                url.path,
                dict(parse_qsl(url.query)),
                body,
                self.headers.get("Authorization", ""),
                lab,
            )
            status, answer = (
                # Graph's 400 for a body that is not JSON (learn.microsoft.com/graph/errors).
                answers.graph_error(400, "BadRequest", "Unable to read JSON request payload.")
                if malformed
                else self._answer(request)
            )
            with log_lock, requests_log.open("a") as out:
                entry = {
                    "method": self.command,
                    "path": url.path,
                    "query": request.query,
                    "status": status,
                    "body": redacted(body),
                }
                out.write(json.dumps(entry) + "\n")
            self._send(status, answer)

        def _answer(self, request: Request) -> answers.Answer:
            if "unreadable" in request.body:
                # Graph's 400 for a body that is not JSON (learn.microsoft.com/graph/errors).
                return answers.graph_error(
                    400, "BadRequest", "Unable to read JSON request payload."
                )
            found = find(ROUTES, request.method, request.path)
            if found is None:
                log.error("UNKNOWN CALL %s %s (answered 501)", request.method, request.path)
                return unknown_call(request.method, request.path)
            route, request.params = found
            try:
                return authorize(request, route) or route.handler(request)
            except Exception:
                log.exception("%s %s failed", request.method, request.path)
                return answers.graph_error(500, "InternalServerError", "the lab's stand-in failed")

        def _send(self, status: int, answer: dict[str, Any] | None) -> None:
            data = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            if answer is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

    return Handler


class TLSServer(ThreadingHTTPServer):
    """TLS per connection, in the connection's own thread: a client that never
    finishes its handshake holds up no one else."""

    daemon_threads = True
    ssl_context: ssl.SSLContext

    def finish_request(self, request: Any, client_address: Any) -> None:
        try:
            wrapped = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as error:
            log.warning("TLS handshake with %s failed: %s", client_address, error)
            return
        super().finish_request(wrapped, client_address)


def make_server(
    lab_for: Callable[[str], Lab], host: str, port: int, context: ssl.SSLContext, requests_log: Path
) -> TLSServer:
    """A server bound to host:port; `lab_for(base)` makes the Lab once the port is known."""
    server = TLSServer((host, port), BaseHTTPRequestHandler)
    server.ssl_context = context
    base = f"https://{host}:{server.server_address[1]}"
    server.RequestHandlerClass = make_handler(lab_for(base), requests_log)
    return server
