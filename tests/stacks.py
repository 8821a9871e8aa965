"""The tests' own stacks: config written here, never read from `stacks/`.

The files in `stacks/` are the team's to edit; tests of the program's
behaviour run on these instead, and check the files in `stacks/` only for
what must hold of any stack.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tools import offline

PROJECT = "pomerium-azure-ad"
STAGING_OWNER = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"

FIXTURES: dict[str, dict[str, Any]] = {
    "dev": {
        f"{PROJECT}:authenticateServiceUrl": "https://authenticate.dev.example.com",
        f"{PROJECT}:clientSecretRotationDays": 30,
    },
    "staging": {
        f"{PROJECT}:authenticateServiceUrl": "https://authenticate.staging.example.com",
        f"{PROJECT}:additionalRedirectUrls": [
            "https://authenticate.staging-west.example.com/oauth2/callback"
        ],
        f"{PROJECT}:owners": [STAGING_OWNER],
    },
    "prod": {
        f"{PROJECT}:authenticateServiceUrl": "https://authenticate.example.com",
        f"{PROJECT}:displayName": "Pomerium",
        f"{PROJECT}:clientSecretRotationDays": 90,
        f"{PROJECT}:protect": True,
    },
}


def fixture_config(stack: str, overrides: dict[str, Any] | None = None) -> dict[str, str]:
    """The fixture's config as the CLI hands it to the program."""
    return offline.stack_config(
        stack, overrides={**FIXTURES[stack], **(overrides or {})}, read_stack_file=False
    )


def run_fixture(
    stack: str, *, now: datetime, overrides: dict[str, Any] | None = None, **kwargs: Any
) -> offline.ProgramRun:
    """The real program on one of the fixtures (with overrides), as `pulumi up` runs it."""
    return offline.run_program(
        stack,
        now=now,
        overrides={**FIXTURES[stack], **(overrides or {})},
        read_stack_file=False,
        **kwargs,
    )
