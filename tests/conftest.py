"""Shared test settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

# A fixed "today" for the tests; rotation tests move it explicitly.
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW
