"""The proof as the component wires it (components/proof_step.py), under the mock engine.

Under Pulumi's mock engine the proof is never made: unit tests and the offline plan make no
request. The tests taking `token_endpoint` make the component prove as a real deploy does
and answer the token request themselves (tests/token_endpoint.py), to see what it asks
and that the Secret waits for it. The real requests, through the real CLI, are in
tests/real/test_lifecycle.py and tests/real/test_proof_every_language.py.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from components import proof
from components.proof import Answer
from tests.stacks import run_fixture
from tests.token_endpoint import TokenEndpoint
from tools import offline
from tools.offline import PlaceholderCloud

PLANTED = "planted-Client~Secret.value-0123456789abcdef"
PASSWORD = ":ApplicationPassword"
SECRET = "kubernetes:core/v1:Secret"


def planted_cloud() -> PlaceholderCloud:
    return PlaceholderCloud(client_secret=PLANTED)


def current_password(run: offline.ProgramRun) -> offline.Registration:
    # The fixtures' day lies in an odd period, so slot b holds the current secret.
    return next(p for p in run.of_type(PASSWORD) if p.name.endswith("-b"))


def test_under_the_mock_engine_the_proof_makes_no_request(
    now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_request(*_: object) -> Answer:
        raise AssertionError("a token request under the mock engine")

    monkeypatch.setattr(proof, "request_token", no_request)
    run = run_fixture("dev", now=now, cloud=planted_cloud())
    # The Secret still gets the current client secret, as a secret.
    # (PlaceholderCloud's value of a credential: the planted secret, a dash, its keyId.)
    assert run.outputs["client_secret"].value == f"{PLANTED}-{current_password(run).state['keyId']}"
    assert run.outputs["client_secret"].secret
    assert run.of_type(SECRET)


def test_a_deploy_proves_the_current_client_secret_before_any_secret_is_registered(
    now: datetime, token_endpoint: TokenEndpoint
) -> None:
    two_clusters = {
        "pomerium-azure-ad:authenticateServiceUrl": "",
        "pomerium-azure-ad:clusters": [
            {"name": n, "context": n, "authenticateServiceUrl": f"https://auth.{n}.example.com"}
            for n in ("east", "west")
        ],
    }
    run = run_fixture("dev", now=now, cloud=planted_cloud(), overrides=two_clusters)
    (asked,) = token_endpoint.requests
    current = current_password(run)
    tenant = run.outputs["tenant_id"].value
    assert asked.authority == f"https://login.microsoftonline.com/{tenant}"
    assert asked.scope == "https://graph.microsoft.com/.default"
    assert asked.client_id == run.one(":Application").state["clientId"]
    assert asked.client_secret == f"{PLANTED}-{current.state['keyId']}"
    assert PASSWORD.lstrip(":") in " ".join(asked.registered_before)
    assert SECRET not in asked.registered_before
    assert len(run.of_type(SECRET)) == 2
    # What the deploy says: the credential by its keyId, never its value.
    (said,) = [line for line in run.logs if "accepted client secret" in line]
    assert current.state["keyId"] in said and PLANTED not in said


def test_the_proof_asks_the_clouds_own_endpoint(
    now: datetime, token_endpoint: TokenEndpoint
) -> None:
    run_fixture("dev", now=now, overrides={"azuread:environment": "usgovernmentl5"})
    (asked,) = token_endpoint.requests
    assert asked.scope == "https://dod-graph.microsoft.us/.default"
    assert asked.authority.startswith("https://login.microsoftonline.us/")


def test_a_refused_client_secret_fails_the_deploy_before_any_secret_is_registered(
    now: datetime, token_endpoint: TokenEndpoint
) -> None:
    token_endpoint.answer = Answer(False, (53003,), "AADSTS53003: Access has been blocked.")
    registered: list[offline.Registration] = []
    with pytest.raises(Exception) as failed:
        run_fixture("dev", now=now, cloud=planted_cloud(), record=registered)
    message = str(failed.value)
    assert "Conditional Access blocked the token request" in message
    assert "the Kubernetes Secret keeps the one it holds" in message
    assert PLANTED not in message
    types = [r.type for r in registered]
    assert any(t.endswith(PASSWORD) for t in types)
    assert SECRET not in types
