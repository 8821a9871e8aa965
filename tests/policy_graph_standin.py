"""A Microsoft Graph that answers the policy reader from a table (no network)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    status_code: int
    body: Any = None

    def json(self) -> Any:
        return self.body


@dataclass
class GraphTable:
    """Answers by path (without the query); anything else is 404."""

    answers: dict[str, Answer] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def get(self, url: str, headers: dict[str, str], timeout: float) -> Answer:
        self.asked.append(url)
        self.headers.append(headers)
        path = url.split("?")[0].split("/v1.0", 1)[-1]
        return self.answers.get(path, Answer(404, {"error": {"code": "Request_ResourceNotFound"}}))


@contextmanager
def serve_over_http(table: GraphTable) -> Iterator[str]:
    """The table as a loopback HTTP server; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            answer = table.get(self.path, dict(self.headers), 0)
            body = json.dumps(answer.body).encode()
            self.send_response(answer.status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
