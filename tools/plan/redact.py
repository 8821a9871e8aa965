"""Keeps secret values out of everything the plan prints or writes.

The plan never shows a secret on purpose (secret outputs become `[secret]`,
the Secret's client-secret keys a visible placeholder); this is the check that
it did not show one by accident, before anything leaves the process.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from components.secret_data import CLIENT_SECRET_KEYS

from ..offline import PlaceholderCloud, ProgramRun

SECRET_OUTPUT = "[secret]"
# Stands for the client secret in the rendered Secret manifest.
SECRET_PLACEHOLDER = "<client-secret: written by pulumi up, never rendered>"


class SecretLeak(RuntimeError):
    """A secret value reached text the plan was about to print or write."""


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    elif value is not None:
        yield json.dumps(value)


def secret_values(run: ProgramRun, cloud: PlaceholderCloud) -> set[str]:
    """Every secret string this run produced or received."""
    found = {cloud.client_secret}
    for output in run.outputs.values():
        if output.secret and output.known:
            found.update(_strings(output.value))
    for registration in run.registrations:
        for key in registration.secret_inputs:
            value = registration.inputs.get(key)
            # The Secret's data is one secret input; only its client-secret keys are secret.
            if isinstance(value, dict) and key in ("stringData", "data"):
                value = {k: v for k, v in value.items() if k in CLIENT_SECRET_KEYS}
            found.update(_strings(value))
    return {value for value in found if value}


def check(text: str, secrets: Iterable[str]) -> str:
    """`text`, unchanged, or SecretLeak (naming no value) if a secret is in it."""
    if any(secret in text for secret in secrets):
        raise SecretLeak("refusing to print or write a secret value; this is a bug in the plan")
    return text
