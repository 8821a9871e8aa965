"""Fetching a cloud's documents over https (the I/O beside clouds.py's pure parsing).

requests trusts the CAs REQUESTS_CA_BUNDLE names (the lab's test CA), as MSAL's
session does. A deploy always uses the network; tests and the offline plan swap
the fetch inside their own process with `use_fetch`, as they swap the clock
(clock.py): never through config or an environment variable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .clouds import Cloud, CloudError, cloud_from_metadata, metadata_url, with_issuer
from .injection import Injected

Fetch = Callable[[str], Any]
"""A URL to its parsed JSON; CloudError when it cannot be had."""
TIMEOUT_SECONDS = 30.0


def http_fetch(url: str, session: Any = None) -> Any:
    """GET `url` (with `session`, a requests.Session, if given) and parse its JSON; every
    failure is one CloudError line. `pomerium-azure-ad verify` reads the discovery documents
    through it too."""
    import requests

    try:
        response = (session or requests).get(url, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        raise CloudError(f"cannot reach {url}: {type(error).__name__}: {error}") from None
    if response.status_code != 200:
        raise CloudError(f"{url} answered HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise CloudError(f"{url} did not answer JSON") from None


_fetch: Injected[Fetch] = Injected(http_fetch)
use_fetch = _fetch.use


def cloud_at(host: str) -> Cloud:
    """The cloud the metadata host describes (without a tenant's issuer yet)."""
    url = metadata_url(host)
    return cloud_from_metadata(_fetch.current()(url), url)


def tenant_cloud(cloud: Cloud, tenant_id: str) -> Cloud:
    """The cloud with `tenant_id`'s issuer, from its discovery document."""
    url = cloud.discovery_url(tenant_id)
    return with_issuer(cloud, _fetch.current()(url), url)
