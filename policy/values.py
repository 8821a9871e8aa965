"""Reading resource properties as the engine sends them, unknowns included.

At preview, a value that depends on a resource not yet created (or being
replaced) is unknown: the engine sends a sentinel string, and pulumi_policy
wraps the properties in a proxy that raises UnknownValueError on reading one.
Policies read through `get`/`elements` instead, which turn an unknown into
UNKNOWN, so they can check everything that is known and then say, with
`Deferred`, what only the deploy can check. (Resource policies run again
during `pulumi up`, when those values are known.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

_SENTINELS = frozenset(
    {
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_OBJECT_VALUE,
        UNKNOWN_STRING_VALUE,
    }
)


class _Unknown:
    def __repr__(self) -> str:
        return "<unknown until deploy>"


UNKNOWN: Final = _Unknown()
"""A value not known at preview."""


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN or (isinstance(value, str) and value in _SENTINELS)


def get(value: Any, *path: str | int) -> Any:
    """The value at `path`: UNKNOWN if it or a value on the way is unknown,
    None if missing."""
    current = value
    for key in path:
        if current is None or is_unknown(current):
            return None if current is None else UNKNOWN
        if isinstance(current, str):
            return None
        try:
            if isinstance(key, int):
                current = current[key] if 0 <= key < len(current) else None
            else:
                current = current.get(key)
        except UnknownValueError:
            return UNKNOWN
        except (AttributeError, TypeError, KeyError, IndexError):
            return None
    return UNKNOWN if is_unknown(current) else current


def elements(value: Any) -> list[Any]:
    """The items of a known list, each UNKNOWN where unknown; [] for anything
    else (None, an unknown list, a string)."""
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [get(value, index) for index in range(len(value))]


def stack_of(urn: str) -> str:
    """The stack name in a resource URN (`urn:pulumi:<stack>::<project>::...`)."""
    return urn.split("::", 1)[0].split(":", 2)[-1]


class Deferred:
    """What a policy could not check at preview, reported once it has checked
    (and reported violations of) everything known."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, what: str) -> None:
        self.items.append(what)

    def finish(self) -> None:
        """Raise UnknownValueError if anything was deferred: pulumi_policy
        turns it into an advisory note ("can't run policy ... during preview:
        <message>") that does not fail the preview."""
        if not self.items:
            return
        error = UnknownValueError(UNKNOWN_STRING_VALUE, [])
        error.message = (
            "not known until deploy, so checked when pulumi up runs this policy again: "
            + "; ".join(self.items)
        )
        raise error
