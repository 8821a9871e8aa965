"""Mistakes in the keys of the settings, said in the caller's own spelling (no Pulumi import):
a key of the project's namespace that no setting declares, a mistyped namespace, and what is
wrong with each entry of `clusters`. Each finding is (where, what): settings.py makes them Problems."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .checks import CLUSTER_CHECKS, CLUSTER_REQUIRED, Invalid

Finding = tuple[str, str]
# A key so named holds a credential, pasted where the project reads none.
CREDENTIAL_ENDINGS = ("secret", "password", "token", "certificate", "key")


def nearest(key: str, known: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The known key a typo most likely meant (difflib's ratio, at least `cutoff`)."""
    found = difflib.get_close_matches(key, list(known), n=1, cutoff=cutoff)
    return found[0] if found else None


def undeclared(keys: Iterable[str], *, project: str, declared: Iterable[str]) -> list[Finding]:
    """Full keys (`namespace:key`) of the project's namespace that no setting declares: a
    deploy would ignore them (a typo, or a pasted credential). The value is never shown."""
    known = list(declared)
    found: list[Finding] = []
    for full_key in keys:
        namespace, _, key = full_key.partition(":")
        if namespace != project and nearest(namespace, [project], cutoff=0.8):
            found.append(
                (
                    full_key,
                    f"{namespace} is not this project's namespace (value not shown); did you "
                    f"mean {project}:{key}?",
                )
            )
        if namespace != project or key in known:
            continue
        close = nearest(key, known)
        if key.lower().endswith(CREDENTIAL_ENDINGS):
            hint = (
                "this project reads no credential: remove it, and give the azuread provider "
                "its own (`pulumi config set --secret azuread:clientSecret`, or OpenID Connect)"
            )
        else:
            hint = f"did you mean {project}:{close}?" if close else "remove it"
        found.append((full_key, f"not a setting of this project (value not shown); {hint}"))
    return found


def cluster_entries(
    value: Any,
    *,
    where: str,
    keys: Mapping[str, str],
    expects: Mapping[str, str],
) -> list[Finding]:
    """What is wrong with each entry of `clusters`, as `clusters[1] (green): context is
    missing`. `keys`: the caller's spelling of a cluster's keys -> the argument name;
    `expects`: argument name -> what a valid value is."""
    if not isinstance(value, list):
        return []
    spelling = {field: key for key, field in keys.items()}
    found: list[Finding] = []
    for index, entry in enumerate(value):
        label = _label(where, index, entry)
        if not isinstance(entry, dict):
            names = ", ".join(spelling[k] for k in CLUSTER_CHECKS)
            found.append((label, f"expected a mapping of {names}; got {entry!r}"))
            continue
        found += [(label, said) for said in _entry(entry, keys, expects)]
    found += _repeated(value, where, keys)
    return found


def _label(where: str, index: int, entry: Any) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"{where}[{index}]" + (f" ({name})" if isinstance(name, str) and name else "")


def _entry(
    entry: dict[str, Any], keys: Mapping[str, str], expects: Mapping[str, str]
) -> Iterator[str]:
    for key in entry:
        if key not in keys:
            close = nearest(str(key), keys)
            yield f"{key} is not a key of a cluster" + (f"; did you mean {close}?" if close else "")
    spelled = {field: key for key, field in keys.items()}
    for field in CLUSTER_REQUIRED:
        if spelled[field] not in entry:
            yield f"{spelled[field]} is missing"
    for key, value in entry.items():
        if key in keys and not _passes(keys[key], value):
            yield f"{key}: expected {expects[keys[key]]}; got {value!r}"


def _passes(field: str, value: Any) -> bool:
    try:
        checked = CLUSTER_CHECKS[field](value)
    except Invalid:
        return False
    # An empty context would be the ambient kubeconfig's: each cluster names its own.
    return field != "context" or bool(checked)


def _repeated(value: list[Any], where: str, keys: Mapping[str, str]) -> list[Finding]:
    spelled = {field: key for key, field in keys.items()}
    found: list[Finding] = []
    for field in ("name", "context"):
        key = spelled[field]
        seen = [e[key] for e in value if isinstance(e, dict) and isinstance(e.get(key), str)]
        twice = sorted({v for v in seen if seen.count(v) > 1})
        found += [(where, f"two clusters have {key} {v!r}") for v in twice]
    return found
