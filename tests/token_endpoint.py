"""The token endpoint for the fast layer's proofs "as in `pulumi up`".

Under Pulumi's mock engine the component never proves (components/proof_step.py). The
`token_endpoint` fixture (tests/conftest.py) makes it prove as a real deploy does, and
answers each token request itself, recording what was asked and what the program had
registered by then. Real requests, through the real CLI: tests/real/.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from pulumi.runtime import settings as runtime_settings

from components import proof, proof_step
from components.proof import Answer


@dataclass
class Request:
    authority: str
    client_id: str
    client_secret: str
    scope: str
    registered_before: list[str]
    """Types registered when the request was made."""


@dataclass
class TokenEndpoint:
    answer: Answer = field(default_factory=lambda: Answer(True))
    requests: list[Request] = field(default_factory=list)

    def request_token(self, authority: str, client_id: str, secret: str, scope: str) -> Answer:
        monitor = runtime_settings.get_monitor()
        registered = [r.type for r in getattr(monitor, "registrations", [])]
        self.requests.append(Request(authority, client_id, secret, scope, registered))
        return self.answer


def as_in_pulumi_up(monkeypatch: pytest.MonkeyPatch) -> TokenEndpoint:
    endpoint = TokenEndpoint()
    monkeypatch.setattr(proof_step, "proving", lambda: True)
    monkeypatch.setattr(proof, "request_token", endpoint.request_token)
    return endpoint
