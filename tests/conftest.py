"""Shared test settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tests.token_endpoint import TokenEndpoint, as_in_pulumi_up

if TYPE_CHECKING:
    from tests.lab.standin import Running

# A fixed "today" for the tests; rotation tests move it explicitly.
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture(autouse=True)
def no_tenant_is_read() -> Iterator[None]:
    """No test reads a tenant's app management policy, or an adopted enterprise application's
    group assignments, unless it injects a reader."""
    from components import assignment_reader, policy_reader

    with (
        policy_reader.use_reader(policy_reader.offline_reader("tests read no tenant")),
        assignment_reader.use_reader(assignment_reader.offline_reader("tests read no tenant")),
    ):
        yield


@pytest.fixture
def token_endpoint(monkeypatch: pytest.MonkeyPatch) -> TokenEndpoint:
    """As in `pulumi up`: the component proves the client secret, and this answers the
    token request (tests/token_endpoint.py)."""
    return as_in_pulumi_up(monkeypatch)


@pytest.fixture(scope="session")
def entra_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """The lab's Entra ID / Graph stand-in (lab/entra/), started as the lab starts it, once per
    test process (each xdist worker): tests register applications of their own, and undo any
    /_lab/ knob or tenant-wide change they make. (Imported here: a team's copy of the
    repository without lab/ runs the other tests, tests/test_make_it_yours.py.)"""
    from tests.lab.standin import start

    running = start(tmp_path_factory.mktemp("entra"))
    yield running
    running.stop()


@pytest.fixture
def entra(entra_lab: Running, monkeypatch: pytest.MonkeyPatch) -> Running:
    """The stand-in, its test CA trusted (REQUESTS_CA_BUNDLE, which MSAL, Authlib, requests
    and azure-identity read) for this test only."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", entra_lab.ready["ca_file"])
    return entra_lab


def pytest_configure(config: pytest.Config) -> None:
    # The checks of the team's own stack files (stacks/, .github/pipeline.yml): what must
    # hold of any stack. tests/test_make_it_yours.py runs them on a copy a team changed.
    config.addinivalue_line("markers", "stack_files: a check of every file in stacks/")
