"""Proving a client secret before the Secret gets it: the retry rules in-process, then real
MSAL requests against the lab's Entra ID stand-in (lab/entra/, https with a test CA)."""

from __future__ import annotations

import hashlib
import time
import uuid

import pytest

from components import proof
from components.proof import Answer, ProofFailed, prove
from tests.lab.standin import Admin, Running, end_in

SECRET = "s3cret~Planted.value-0123456789"


class Script:
    """Answers in order; records the waits instead of sleeping."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.waits: list[float] = []
        self.clock = 0.0

    def request(self) -> Answer:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock += seconds

    def monotonic(self) -> float:
        return self.clock


REPLICATING = Answer(False, (7000215,), "AADSTS7000215: Invalid client secret provided.")


def run(script: Script, deadline: float = 300.0) -> int:
    return prove(
        script.request,
        secret=SECRET,
        sleep=script.sleep,
        monotonic=script.monotonic,
        deadline=deadline,
    )


# --- the retry rules ------------------------------------------------------------------


def test_an_accepted_secret_is_proven_at_once() -> None:
    script = Script(Answer(True))
    assert run(script) == 1 and script.waits == []


@pytest.mark.parametrize("code", [7000215, 700016, 7000229])
def test_not_replicated_yet_is_asked_again_with_a_growing_wait(code: int) -> None:
    script = Script(*[Answer(False, (code,), f"AADSTS{code}")] * 3, Answer(True))
    assert run(script) == 4
    assert script.waits == [0.25, 0.5, 1.0]


def test_the_wait_between_tries_never_exceeds_a_second_and_a_half() -> None:
    script = Script(*[REPLICATING] * 12, Answer(True))
    run(script)
    assert script.waits == [0.25, 0.5, 1.0] + [1.5] * 9


def test_a_secret_never_accepted_fails_at_the_deadline_naming_it() -> None:
    script = Script(REPLICATING)
    with pytest.raises(ProofFailed) as caught:
        run(script, deadline=10)
    # 0.25 + 0.5 + 1 + 1.5 * 5 = 9.25 s waited; the next wait would pass 10 s.
    assert sum(script.waits) == 9.25
    assert "not accepted after 9 s" in str(caught.value)
    assert "AADSTS7000215" in str(caught.value)


def test_conditional_access_fails_at_once_with_its_meaning() -> None:
    script = Script(Answer(False, (53003,), "AADSTS53003: Access has been blocked."))
    with pytest.raises(ProofFailed) as caught:
        run(script)
    assert script.waits == []
    assert "Conditional Access blocked the token request" in str(caught.value)


def test_an_unreachable_endpoint_fails_and_never_shows_the_secret() -> None:
    def request() -> Answer:
        raise ConnectionError(f"refused while sending client_secret={SECRET}")

    with pytest.raises(ProofFailed) as caught:
        prove(request, secret=SECRET, sleep=lambda _s: None)
    assert "could not be reached" in str(caught.value)
    assert SECRET not in str(caught.value)


# --- real token requests, with MSAL, against the lab's Entra ID stand-in ------------------
# lab/entra/ answers as Entra ID's token endpoint does (its code cites Microsoft's docs). What
# a deploy runs (the proof before the Secret is written, a refusal failing the deploy, the
# secret only encrypted in the state) is run for real by tests/real/test_lifecycle.py.


@pytest.fixture
def app(entra: Running) -> tuple[str, str]:
    """A new application with a service principal and one client secret: (client id, secret)."""
    admin = Admin(entra)
    made = admin.register(f"proof-{uuid.uuid4().hex[:8]}")
    secret = admin.add_password(made, endDateTime=end_in(30)).json()["secretText"]
    return made["appId"], secret


def ask(entra: Running, client_id: str, secret: str) -> Answer:
    return proof.request_token(entra.authority, client_id, secret, f"{entra.base}/.default")


def test_msal_gets_a_token_for_the_accepted_secret(entra: Running, app: tuple[str, str]) -> None:
    client_id, secret = app
    assert ask(entra, client_id, secret) == Answer(True)
    (request,) = [r for r in entra.logged() if r["body"].get("client_id") == client_id]
    assert request["path"] == f"/{entra.ready['tenant_id']}/oauth2/v2.0/token"
    assert request["body"]["grant_type"] == "client_credentials"
    assert request["body"]["scope"] == f"{entra.base}/.default"
    # The log keeps a digest of the secret sent (lab/entra/server.py): the one Graph issued.
    digest = hashlib.sha256(secret.encode()).hexdigest()[:12]
    assert request["body"]["client_secret"] == f"sha256:{digest}"


def test_msal_reports_entra_ids_codes_for_a_refused_secret(
    entra: Running, app: tuple[str, str]
) -> None:
    answer = ask(entra, app[0], "wrong")
    assert not answer.ok and answer.codes == (7000215,)
    assert answer.description.startswith("AADSTS7000215: Invalid client secret provided.")


def test_a_secret_accepted_after_a_delay_is_proven_within_two_seconds_of_it(
    entra: Running, app: tuple[str, str]
) -> None:
    client_id, secret = app
    delay = 2.0
    entra.knob("/_lab/not-replicated", client_id=client_id, seconds=delay, code=7000215)
    started = time.monotonic()
    tries = prove(lambda: ask(entra, client_id, secret), secret=secret)
    elapsed = time.monotonic() - started
    assert tries > 1
    assert delay <= elapsed <= delay + 2.0


def test_a_secret_never_accepted_fails_the_proof(entra: Running, app: tuple[str, str]) -> None:
    # SECRET is not the application's: Entra ID answers 7000215 until the deadline.
    with pytest.raises(ProofFailed) as caught:
        prove(lambda: ask(entra, app[0], SECRET), secret=SECRET, deadline=1.0)
    assert "AADSTS7000215" in str(caught.value) and SECRET not in str(caught.value)
    assert "not accepted after" in str(caught.value)


# --- the proof a deploy makes (components/proof_step.py calls it) -------------------------


def test_the_deploys_proof_passes_only_for_an_accepted_secret(
    entra: Running, app: tuple[str, str]
) -> None:
    client_id, secret = app
    scope = f"{entra.base}/.default"
    assert proof.prove_client_secret(entra.authority, client_id, secret, scope) == 1
    entra.knob("/_lab/refuse", client_id=client_id, code=53003)
    try:
        with pytest.raises(ProofFailed, match="Conditional Access"):
            proof.prove_client_secret(entra.authority, client_id, secret, scope)
    finally:
        entra.knob("/_lab/refuse", client_id=client_id, code=None)


# --- details a user relies on (found by mutation testing) ---------------------------------


@pytest.mark.parametrize(
    ("authority", "microsoft"),
    [
        # Microsoft's published sign-in hosts: global, US Government, China.
        ("https://login.microsoftonline.com/tenant", True),
        ("https://login.microsoftonline.us/tenant", True),
        ("https://login.partner.microsoftonline.cn/tenant", True),
        # A cloud given by a metadata host (Azure Stack's ADFS, the lab's stand-in).
        ("https://adfs.local.azurestack.external/adfs", False),
        ("https://127.0.0.5:8443/tenant", False),
    ],
)
def test_only_microsofts_sign_in_hosts_get_instance_discovery(
    authority: str, microsoft: bool
) -> None:
    assert proof._microsoft_host(authority) is microsoft


def test_a_secret_echoed_by_the_endpoint_is_redacted() -> None:
    echoed = Answer(False, (53003,), f"AADSTS53003: blocked for client_secret={SECRET}")
    with pytest.raises(ProofFailed) as caught:
        run(Script(echoed))
    assert "client_secret=[secret]" in str(caught.value) and SECRET not in str(caught.value)


def test_an_empty_secret_leaves_the_message_as_it_is() -> None:
    with pytest.raises(ProofFailed) as caught:
        prove(Script(Answer(False, (90002,), "AADSTS90002: Tenant not found.")).request, secret="")
    assert str(caught.value) == (
        "the tenant does not exist in this cloud (check azuread:environment). "
        "Entra ID said: AADSTS90002: Tenant not found."
    )


def test_an_unknown_refusal_says_the_endpoint_refused() -> None:
    with pytest.raises(ProofFailed) as caught:
        run(Script(Answer(False, (50000,), "AADSTS50000: Something else.")))
    assert str(caught.value) == (
        "the token endpoint refused the request. Entra ID said: AADSTS50000: Something else."
    )


def test_a_try_that_ends_exactly_at_the_deadline_is_still_made() -> None:
    # Waits 0.25 + 0.5 + 1 = 1.75 s: the fourth try starts exactly at the deadline.
    script = Script(REPLICATING, REPLICATING, REPLICATING, Answer(True))
    assert run(script, deadline=1.75) == 4
