"""The clouds table against Microsoft's published hosts and scopes, written here as literals.

Every key the code accepts is checked, and the keys must equal the set below: a key added to
the code without its published value here fails.
"""

from __future__ import annotations

import pytest

from components import clouds

TENANT = "0303f438-3c5c-4190-9854-08d3eb31bd9f"

# azuread's `environment` names (aliases included) -> the issuer (sign-in) host. China's
# issuer is the partner host: the discovery document served at login.chinacloudapi.cn names
# login.partner.microsoftonline.cn as issuer (docs FACTS: jenkinsci/azure-ad-plugin#679).
PUBLISHED_LOGIN_HOSTS = {
    "global": "login.microsoftonline.com",
    "public": "login.microsoftonline.com",
    "usgovernment": "login.microsoftonline.us",
    "usgovernmentl4": "login.microsoftonline.us",
    "usgovernmentl5": "login.microsoftonline.us",
    "dod": "login.microsoftonline.us",
    "china": "login.partner.microsoftonline.cn",
}
# Microsoft Graph's `.default` scope per national cloud (learn.microsoft.com, Graph national
# cloud deployments): US Gov L4 on graph.microsoft.us, L5 (DoD) on dod-graph.microsoft.us.
PUBLISHED_GRAPH_SCOPES = {
    "global": "https://graph.microsoft.com/.default",
    "public": "https://graph.microsoft.com/.default",
    "usgovernment": "https://graph.microsoft.us/.default",
    "usgovernmentl4": "https://graph.microsoft.us/.default",
    "usgovernmentl5": "https://dod-graph.microsoft.us/.default",
    "dod": "https://dod-graph.microsoft.us/.default",
    "china": "https://microsoftgraph.chinacloudapi.cn/.default",
}
ENVIRONMENTS = sorted(PUBLISHED_LOGIN_HOSTS)


def test_the_tables_have_exactly_the_published_keys() -> None:
    assert set(clouds.LOGIN_HOSTS) == set(PUBLISHED_LOGIN_HOSTS)
    assert set(clouds.GRAPH_SCOPES) == set(PUBLISHED_GRAPH_SCOPES)


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_login_host(environment: str) -> None:
    assert clouds.LOGIN_HOSTS[environment] == PUBLISHED_LOGIN_HOSTS[environment]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_graph_scope(environment: str) -> None:
    assert clouds.GRAPH_SCOPES[environment] == PUBLISHED_GRAPH_SCOPES[environment]
    assert clouds.graph_scope(environment) == PUBLISHED_GRAPH_SCOPES[environment]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_each_provider_url_and_authority(environment: str) -> None:
    host = PUBLISHED_LOGIN_HOSTS[environment]
    assert clouds.provider_url(environment, TENANT, multi_tenant=False) == (
        f"https://{host}/{TENANT}/v2.0"
    )
    assert clouds.authority(environment, TENANT) == f"https://{host}/{TENANT}"


def test_worked_provider_urls() -> None:
    assert clouds.provider_url("global", TENANT, multi_tenant=False) == (
        "https://login.microsoftonline.com/0303f438-3c5c-4190-9854-08d3eb31bd9f/v2.0"
    )
    assert clouds.provider_url("china", TENANT, multi_tenant=False) == (
        "https://login.partner.microsoftonline.cn/0303f438-3c5c-4190-9854-08d3eb31bd9f/v2.0"
    )
    assert clouds.authority("dod", TENANT) == (
        "https://login.microsoftonline.us/0303f438-3c5c-4190-9854-08d3eb31bd9f"
    )


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_multi_tenant_is_always_the_common_url(environment: str) -> None:
    # The only URL whose issuer check Pomerium skips.
    assert clouds.provider_url(environment, TENANT, multi_tenant=True) == (
        "https://login.microsoftonline.com/common/v2.0"
    )
    assert clouds.MULTI_TENANT_PROVIDER_URL == "https://login.microsoftonline.com/common/v2.0"


@pytest.mark.parametrize(
    ("environment", "is_global"),
    [
        ("global", True),
        ("public", True),
        ("", True),
        (" Global ", True),
        ("PUBLIC", True),
        ("usgovernment", False),
        ("usgovernmentl4", False),
        ("usgovernmentl5", False),
        ("dod", False),
        ("china", False),
        ("mars", False),
    ],
)
def test_which_environments_are_the_global_cloud(environment: str, is_global: bool) -> None:
    assert clouds.is_global(environment) is is_global


@pytest.mark.parametrize(
    ("given", "normalized"),
    [(None, "global"), ("", "global"), (" USGovernmentL5 ", "usgovernmentl5"), ("China", "china")],
)
def test_environment_names_are_normalized(given: str | None, normalized: str) -> None:
    assert clouds.normalize_environment(given) == normalized
    assert clouds.DEFAULT_ENVIRONMENT == "global"


def test_a_capitalized_environment_finds_its_cloud() -> None:
    assert clouds.authority("USGovernment", TENANT) == f"https://login.microsoftonline.us/{TENANT}"
    assert clouds.graph_scope("DoD") == "https://dod-graph.microsoft.us/.default"
