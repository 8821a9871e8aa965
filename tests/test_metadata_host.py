"""A cloud given by a metadata host (the azuread provider's `metadataHost` /
ARM_METADATA_HOSTNAME): the documents' parsing, and what the program declares
under the mock engine with the fetch swapped for canned documents.

The canned documents are shaped like Microsoft's: the public cloud's metadata
document as Microsoft publishes it
(https://management.azure.com/metadata/endpoints?api-version=2022-09-01, captured
verbatim in hashicorp/go-azure-sdk `sdk/internal/metadata/client_test.go`), and
China's hosts, where the discovery document served at login.chinacloudapi.cn
names login.partner.microsoftonline.cn as issuer (FACTS.md: Azure/azure-dev#5912,
external-secrets#5591; China's Graph scope: learn.microsoft.com, Graph national
clouds)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pulumi
import pytest

from components import cloud_fetch, clouds
from tests.stacks import run_fixture
from tests.token_endpoint import TokenEndpoint
from tools.offline import Registration

TENANT = "0303f438-3c5c-4190-9854-08d3eb31bd9f"
PUBLIC_METADATA = json.loads(
    '{"portal":"https://portal.azure.com","authentication":{"loginEndpoint":'
    '"https://login.microsoftonline.com","audiences":["https://management.core.windows.net/",'
    '"https://management.azure.com/"],"tenant":"common","identityProvider":"AAD"},'
    '"media":"https://rest.media.azure.net","graphAudience":"https://graph.windows.net/",'
    '"graph":"https://graph.windows.net/","name":"AzureCloud","suffixes":{"keyVaultDns":'
    '"vault.azure.net","storage":"core.windows.net"},"batch":"https://batch.core.windows.net/",'
    '"resourceManager":"https://management.azure.com/","sqlManagement":'
    '"https://management.core.windows.net:8443/","microsoftGraphResourceId":'
    '"https://graph.microsoft.com/","logAnalyticsResourceId":"https://api.loganalytics.io"}'
)
CHINA_HOST = "management.chinacloudapi.cn"
CHINA_METADATA = {
    "name": "AzureChinaCloud",
    "authentication": {"loginEndpoint": "https://login.chinacloudapi.cn", "tenant": "common"},
    "resourceManager": "https://management.chinacloudapi.cn",
    "microsoftGraphResourceId": "https://microsoftgraph.chinacloudapi.cn/",
}
CHINA_ISSUER = "https://login.partner.microsoftonline.cn/{tenant}/v2.0"


# --- the pure core ----------------------------------------------------------------


def test_the_public_clouds_published_document() -> None:
    cloud = clouds.cloud_from_metadata(PUBLIC_METADATA, "the public cloud")
    assert cloud.authority_host == "https://login.microsoftonline.com"
    assert cloud.graph_scope == "https://graph.microsoft.com/.default"
    assert cloud.authority(TENANT) == f"https://login.microsoftonline.com/{TENANT}"
    assert cloud.discovery_url(TENANT) == (
        f"https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration"
    )


def test_the_provider_url_is_the_issuer_not_the_login_host() -> None:
    cloud = clouds.cloud_from_metadata(CHINA_METADATA, "China")
    issuer = CHINA_ISSUER.format(tenant=TENANT)
    found = clouds.with_issuer(cloud, {"issuer": issuer}, "discovery")
    assert clouds.provider_url_in(found, multi_tenant=False) == (
        f"https://login.partner.microsoftonline.cn/{TENANT}/v2.0"
    )


def test_multi_tenant_is_the_common_url_only_in_the_global_cloud() -> None:
    public = clouds.cloud_from_metadata(PUBLIC_METADATA, "public")
    china = clouds.cloud_from_metadata(CHINA_METADATA, "China")
    assert clouds.provider_url_in(public, multi_tenant=True) == (
        "https://login.microsoftonline.com/common/v2.0"
    )
    with pytest.raises(clouds.CloudError, match=re.escape("https://login.chinacloudapi.cn")):
        clouds.provider_url_in(china, multi_tenant=True)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"name": ""}, "`name`"),
        ({"resourceManager": None}, "`resourceManager`"),
        ({"microsoftGraphResourceId": "http://graph.example"}, "`microsoftGraphResourceId`"),
        ({"authentication": {}}, "`authentication.loginEndpoint`"),
    ],
)
def test_a_document_missing_what_is_required_is_named(change: dict, named: str) -> None:
    with pytest.raises(clouds.CloudError, match=re.escape(named)):
        clouds.cloud_from_metadata({**PUBLIC_METADATA, **change}, "the document")


def test_an_issuer_that_is_not_https_is_refused() -> None:
    cloud = clouds.cloud_from_metadata(PUBLIC_METADATA, "public")
    with pytest.raises(clouds.CloudError, match="`issuer` must be an https URL"):
        clouds.with_issuer(cloud, {"issuer": "http://login.example/t/v2.0"}, "discovery")


def test_the_metadata_url_is_https_with_go_azure_sdks_api_version() -> None:
    assert clouds.metadata_url("127.0.0.1:8443") == (
        "https://127.0.0.1:8443/metadata/endpoints?api-version=2022-09-01"
    )
    with pytest.raises(clouds.CloudError, match="no scheme or path"):
        clouds.metadata_url("https://management.azure.com/")


def test_the_setting_wins_over_the_variable_and_blank_is_none() -> None:
    variable = {"ARM_METADATA_HOSTNAME": "from.variable"}
    assert clouds.metadata_host("from.setting", variable) == "from.setting"
    assert clouds.metadata_host(None, variable) == "from.variable"
    assert clouds.metadata_host("  ", {}) is None


# --- the program under the mock engine ---------------------------------------------


@pytest.fixture
def fetched() -> Iterator[list[str]]:
    """China's documents behind a swapped fetch; the URLs asked for."""
    asked: list[str] = []

    def fetch(url: str) -> Any:
        asked.append(url)
        if url == f"https://{CHINA_HOST}/metadata/endpoints?api-version=2022-09-01":
            return CHINA_METADATA
        prefix = "https://login.chinacloudapi.cn/"
        if url.startswith(prefix) and url.endswith("/v2.0/.well-known/openid-configuration"):
            tenant = url.removeprefix(prefix).split("/")[0]
            return {"issuer": CHINA_ISSUER.format(tenant=tenant)}
        raise clouds.CloudError(f"cannot reach {url}")

    with cloud_fetch.use_fetch(fetch):
        yield asked


def test_the_proof_and_provider_url_come_from_the_metadata_host(
    fetched: list[str], now: datetime, token_endpoint: TokenEndpoint
) -> None:
    run = run_fixture("dev", now=now, overrides={"azuread:metadataHost": CHINA_HOST})
    tenant = run.outputs["tenant_id"].value
    (proof,) = token_endpoint.requests
    assert proof.authority == f"https://login.chinacloudapi.cn/{tenant}"
    assert proof.scope == "https://microsoftgraph.chinacloudapi.cn/.default"
    expected = f"https://login.partner.microsoftonline.cn/{tenant}/v2.0"
    assert run.outputs["provider_url"].value == expected
    (secret,) = run.of_type("core/v1:Secret")
    assert secret.inputs["stringData"]["IDP_PROVIDER_URL"] == expected
    assert fetched == [
        "https://management.chinacloudapi.cn/metadata/endpoints?api-version=2022-09-01",
        f"https://login.chinacloudapi.cn/{tenant}/v2.0/.well-known/openid-configuration",
    ]


def test_arm_metadata_hostname_is_the_fallback(
    fetched: list[str], now: datetime, token_endpoint: TokenEndpoint
) -> None:
    run_fixture("dev", now=now, environment={"ARM_METADATA_HOSTNAME": CHINA_HOST})
    (proof,) = token_endpoint.requests
    assert proof.scope == "https://microsoftgraph.chinacloudapi.cn/.default"


def test_an_unreachable_metadata_host_stops_before_anything_is_registered(
    fetched: list[str], now: datetime
) -> None:
    record: list[Registration] = []
    with pytest.raises(pulumi.RunError) as caught:
        run_fixture(
            "dev", now=now, overrides={"azuread:metadataHost": "nowhere.example"}, record=record
        )
    assert str(caught.value) == (
        "cannot reach https://nowhere.example/metadata/endpoints?api-version=2022-09-01"
    )
    assert [r for r in record if r.type.startswith("azuread:")] == []


def test_multi_tenant_in_a_metadata_hosts_other_cloud_is_refused(
    fetched: list[str], now: datetime
) -> None:
    overrides = {
        "azuread:metadataHost": CHINA_HOST,
        "pomerium-azure-ad:signInAudience": "AzureADMultipleOrgs",
    }
    record: list[Registration] = []
    with pytest.raises(pulumi.RunError) as caught:
        run_fixture("dev", now=now, overrides=overrides, record=record)
    assert str(caught.value).startswith("signInAudience AzureADMultipleOrgs needs the global cloud")
    assert [r for r in record if r.type.startswith("azuread:")] == []
