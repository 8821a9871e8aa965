"""Shared test settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

# A fixed "today" for the tests; rotation tests move it explicitly.
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture(autouse=True)
def no_tenant_is_read() -> Iterator[None]:
    """No test reads a tenant's app management policy unless it injects a reader."""
    from components import policy_reader

    with policy_reader.use_reader(policy_reader.offline_reader("tests read no tenant")):
        yield
