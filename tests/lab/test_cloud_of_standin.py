"""The project's own cloud resolution (components/cloud_fetch.py, tools/verify.py)
against the stand-in, reached through its metadata host as any cloud is: no
test-only switch, only the host and the CA that REQUESTS_CA_BUNDLE names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from components import cloud_fetch, clouds, proof
from tools import verify

from .standin import Running, start


@pytest.fixture(scope="module")
def standin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start(tmp_path_factory.mktemp("entra"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", running.ready["ca_file"])
        yield running
    running.stop()


def test_the_component_resolves_the_stand_ins_cloud_and_proves_with_it(standin: Running) -> None:
    ready = standin.ready
    host, tenant = ready["metadata_host"], ready["tenant_id"]
    cloud = cloud_fetch.tenant_cloud(cloud_fetch.cloud_at(host), tenant)
    assert cloud.authority(tenant) == f"https://{host}/{tenant}"
    assert cloud.graph_scope == f"https://{host}/.default"
    assert clouds.provider_url_in(cloud, multi_tenant=False) == f"https://{host}/{tenant}/v2.0"
    answer = proof.request_token(
        cloud.authority(tenant), ready["client_id"], ready["client_secret"], cloud.graph_scope
    )
    assert answer == proof.Answer(True)


def test_verify_takes_the_scope_from_the_same_metadata_document(standin: Running) -> None:
    host = standin.ready["metadata_host"]
    scope = verify.cloud_graph_scope(
        "https://login.microsoftonline.com/t/v2.0", {"ARM_METADATA_HOSTNAME": host}
    )
    assert scope == f"https://{host}/.default"


def test_verify_names_an_unreachable_metadata_host() -> None:
    with pytest.raises(verify.VerifyError) as caught:
        verify.cloud_graph_scope("https://x/t/v2.0", {"ARM_METADATA_HOSTNAME": "127.0.0.1:9"})
    assert str(caught.value).startswith(
        "cannot reach https://127.0.0.1:9/metadata/endpoints?api-version=2022-09-01"
    )
