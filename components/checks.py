"""What a valid value of each kind is (no Pulumi import).

Each check takes a value as config or a component argument hands it over and
returns it normalized, or raises Invalid. settings.py pairs each setting with
one of these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import urlsplit

CALLBACK_PATH = "/oauth2/callback"
# A placeholder, never a directory object's id.
NIL_GUID = "00000000-0000-0000-0000-000000000000"
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# Permission grant ids are base64url text, e.g. "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz".
_GRANT_ID = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_1123_LABEL = re.compile(rf"^{_DNS_LABEL}$")
_DNS_1123_SUBDOMAIN = re.compile(rf"^{_DNS_LABEL}(\.{_DNS_LABEL})*$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

E = TypeVar("E", bound=Enum)
Check = Callable[[Any], Any]


class Invalid(ValueError):
    """The value is not what the setting expects."""


def require(condition: bool) -> None:
    if not condition:
        raise Invalid


def boolean(value: Any) -> bool:
    require(isinstance(value, bool))
    return bool(value)


def object_id(value: Any) -> str:
    """A directory object's id: a GUID, not the nil placeholder; lowercase, as Graph returns it."""
    require(isinstance(value, str) and bool(GUID.match(value)) and value != NIL_GUID)
    return str(value).lower()


def optional(check: Check) -> Check:
    """Empty, or what `check` accepts."""

    def check_optional(value: Any) -> Any:
        return "" if value == "" else check(value)

    return check_optional


def grant_id(value: Any) -> str:
    require(isinstance(value, str) and bool(_GRANT_ID.match(value)))
    return str(value)


def distinct_list(check: Check, *, non_empty: bool = False) -> Check:
    """A list whose items pass `check` and are distinct once normalized."""

    def check_list(value: Any) -> tuple[Any, ...]:
        require(isinstance(value, list) and (bool(value) or not non_empty))
        items = tuple(check(item) for item in value)
        require(len(set(items)) == len(items))
        return items

    return check_list


def one_of(choices: Collection[str]) -> Check:
    def check_choice(value: Any) -> str:
        value = value.value if isinstance(value, Enum) else value
        require(isinstance(value, str) and value in choices)
        return str(value)

    return check_choice


def enum_member(kind: type[E]) -> Callable[[Any], E]:
    def check_member(value: Any) -> E:
        return kind(one_of([m.value for m in kind])(value))

    return check_member


def whole_number(low: int, high: int) -> Check:
    def check_number(value: Any) -> int:
        # Pulumi's Python provider host hands other languages' integers over as
        # floats (30.0): a whole float is the same number.
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        require(isinstance(value, int) and not isinstance(value, bool) and low <= value <= high)
        return int(value)

    return check_number


def text(max_length: int) -> Check:
    def check_text(value: Any) -> str:
        require(isinstance(value, str) and len(value) <= max_length)
        return str(value).strip()

    return check_text


def dns_label(value: Any) -> str:
    require(isinstance(value, str) and len(value) <= 63 and bool(_DNS_1123_LABEL.match(value)))
    return str(value)


def dns_subdomain(value: Any) -> str:
    require(isinstance(value, str) and len(value) <= 253 and bool(_DNS_1123_SUBDOMAIN.match(value)))
    return str(value)


# --- URLs ---------------------------------------------------------------------------


def _valid_host(host: str | None) -> bool:
    if not host or len(host) > 253:
        return False
    if ":" in host:  # IPv6 literal; urlsplit already parsed the brackets
        return True
    return all(_HOST_LABEL.match(label) for label in host.split("."))


def _https_parts(url: Any) -> Any:
    """urlsplit result if `url` is https with a valid host and port and no user
    info, query or fragment; else None."""
    if not isinstance(url, str) or any(c in url for c in "?# \t\n\\"):
        return None
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme != "https" or parts.username is not None or parts.password is not None:
        return None
    return parts if _valid_host(parts.hostname) else None


def normalize_authenticate_url(url: Any) -> str | None:
    """`https://host[:port]` for a valid authenticate URL, else None."""
    parts = _https_parts(url)
    if parts is None or parts.path not in ("", "/"):
        return None
    return f"https://{parts.netloc.lower()}"


def authenticate_url(value: Any) -> str:
    normalized = normalize_authenticate_url(value)
    require(normalized is not None)
    return str(normalized)


def reply_url(value: Any) -> str:
    parts = _https_parts(value)
    require(parts is not None and parts.path.endswith(CALLBACK_PATH) and "//" not in parts.path)
    return str(value)


# --- clusters -----------------------------------------------------------------------

# Keys as the component's arguments name them; config's camelCase keys are
# translated before (settings.CLUSTER_CONFIG_KEYS).
CLUSTER_CHECKS: dict[str, Check] = {
    "name": dns_label,
    "context": text(253),
    "authenticate_service_url": authenticate_url,
    "kubernetes_namespace": dns_label,
    "kubernetes_secret_name": dns_subdomain,
}
CLUSTER_REQUIRED = ("name", "context", "authenticate_service_url")


def cluster(value: Any) -> dict[str, str]:
    """One entry of `clusters`, normalized; no unknown keys, a non-empty context."""
    require(isinstance(value, dict) and set(value) <= set(CLUSTER_CHECKS))
    require(all(key in value for key in CLUSTER_REQUIRED))
    checked = {key: CLUSTER_CHECKS[key](item) for key, item in value.items()}
    require(bool(checked["context"]))
    return checked


def cluster_list(value: Any) -> tuple[dict[str, str], ...]:
    """The clusters, with distinct names and distinct contexts."""
    require(isinstance(value, list))
    clusters = tuple(cluster(item) for item in value)
    for key in ("name", "context"):
        require(len({c[key] for c in clusters}) == len(clusters))
    return clusters
