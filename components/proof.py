"""Proving a client secret before Pomerium gets it (no Pulumi import).

The proof is a client-credentials token request, made with MSAL, for Microsoft
Graph's `.default` scope at the tenant's token endpoint (clouds.py): an app
with only delegated permissions still gets a token (without `roles`), so the
request tests the secret alone.

A new secret takes Entra ID a few seconds to replicate (4-18 s reported,
MicrosoftDocs/microsoft-graph-docs#17966; no documented bound). While the
answer is "not replicated yet", the request is repeated with a backoff that
never waits more than MAX_BACKOFF_SECONDS between tries, up to
DEADLINE_SECONDS in all; any other error fails at once, with its meaning.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from . import clouds

# Entra ID's answers while a new secret is not replicated yet: invalid client
# secret, application not found in the directory, invalid client assertion.
NOT_REPLICATED_YET = frozenset({7000215, 700016, 7000229})
FIRST_BACKOFF_SECONDS = 0.25
MAX_BACKOFF_SECONDS = 1.5
DEADLINE_SECONDS = 300.0
# What other answers mean, for the error a failed deploy shows.
MEANINGS = {
    53003: "Conditional Access blocked the token request: exclude the application (or the "
    "deploying network) from the policy, or sign-in keeps failing the same way",
    7000222: "the client secret has expired",
    7000215: "Entra ID does not accept the client secret",
    700016: "the application is not known in this tenant",
    90002: "the tenant does not exist in this cloud (check azuread:environment)",
}


class ProofFailed(RuntimeError):
    """The credential was not accepted: the Secret keeps the one it holds."""


@dataclass(frozen=True)
class Answer:
    """What the token endpoint said."""

    ok: bool
    codes: tuple[int, ...] = ()
    description: str = ""


def _microsoft_host(url: str) -> bool:
    """One of Microsoft's sign-in hosts (clouds.py), which instance discovery knows."""
    return (urlsplit(url).hostname or "") in clouds.LOGIN_HOSTS.values()


def request_token(authority: str, client_id: str, client_secret: str, scope: str) -> Answer:
    """One client-credentials request with MSAL (which insists on https; it
    trusts the CAs that requests does, REQUESTS_CA_BUNDLE included)."""
    import msal

    app = msal.ConfidentialClientApplication(
        client_id,
        client_credential=client_secret,
        authority=authority,
        # Instance discovery asks login.microsoftonline.com about the authority:
        # only for Microsoft's own hosts, not a cloud given by a metadata host.
        instance_discovery=None if _microsoft_host(authority) else False,
        timeout=30,
    )
    result: dict[str, Any] = app.acquire_token_for_client(scopes=[scope]) or {}
    if "access_token" in result:
        return Answer(True)
    codes = tuple(int(code) for code in result.get("error_codes") or ())
    return Answer(False, codes, str(result.get("error_description") or result.get("error", "")))


def _meaning(answer: Answer) -> str:
    known = [MEANINGS[code] for code in answer.codes if code in MEANINGS]
    return "; ".join(known) or "the token endpoint refused the request"


def prove(
    request: Callable[[], Answer],
    *,
    secret: str,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    deadline: float = DEADLINE_SECONDS,
) -> int:
    """Ask until the credential is accepted; the number of tries, or ProofFailed.
    `secret` is never in the message (it is redacted should the endpoint echo it)."""
    started, wait, tries = monotonic(), FIRST_BACKOFF_SECONDS, 0
    while True:
        tries += 1
        try:
            answer = request()
        except Exception as error:  # the endpoint could not be reached
            message = f"the token endpoint could not be reached: {error}"
            raise ProofFailed(_redact(message, secret)) from None
        if answer.ok:
            return tries
        replicating = bool(set(answer.codes) & NOT_REPLICATED_YET)
        elapsed = monotonic() - started
        if not replicating or elapsed + wait > deadline:
            why = _meaning(answer)
            if replicating:
                why = f"not accepted after {elapsed:.0f} s ({why})"
            raise ProofFailed(_redact(f"{why}. Entra ID said: {answer.description}", secret))
        sleep(wait)
        wait = min(wait * 2, MAX_BACKOFF_SECONDS)


def prove_client_secret(
    authority: str,
    client_id: str,
    client_secret: str,
    scope: str,
    *,
    sleep: Callable[[float], None] = time.sleep,
    deadline: float = DEADLINE_SECONDS,
) -> int:
    """Ask the token endpoint with MSAL until Entra ID accepts the client secret; the
    number of tries, or ProofFailed. The one token request of the project: the proof a
    deploy makes (proof_step.py) and `verify`'s token request (tools/verify.py, with its
    --wait as `deadline`)."""

    def request() -> Answer:
        return request_token(authority, client_id, client_secret, scope)

    return prove(request, secret=client_secret, sleep=sleep, deadline=deadline)


def _redact(text: str, secret: str) -> str:
    return text.replace(secret, "[secret]") if secret else text
