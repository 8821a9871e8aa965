"""One replaceable collaborator of the component (no Pulumi import): the clock, a fetch, a Graph
reader. A deploy uses the real one; the mock engine, the offline plan and tests run a block with
another inside `use(...)`, in their own process. Never settable through config or an
environment variable, which a real deploy could read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class Injected(Generic[T]):
    def __init__(self, real: T) -> None:
        self._value = real

    def current(self) -> T:
        return self._value

    @contextmanager
    def use(self, value: T) -> Iterator[T]:
        """Run a block with `value`; the one before is restored after."""
        previous, self._value = self._value, value
        try:
            yield value
        finally:
            self._value = previous
