"""A Microsoft Graph that answers the policy reader from a table (no network)."""

from __future__ import annotations

from dataclasses import dataclass, field
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
        path = url.split("?")[0].split("/v1.0", 1)[1]
        return self.answers.get(path, Answer(404, {"error": {"code": "Request_ResourceNotFound"}}))
