"""Microsoft Graph ids against Microsoft's published values, written here as literals.

Delegated (type `Scope`) permission ids of Microsoft Graph, the same in every cloud
(docs: FACTS.md, from Microsoft Graph's permissions reference). Every key the code accepts
is checked, and the keys must equal this set.
"""

from __future__ import annotations

import pytest

from components import graph

PUBLISHED_DELEGATED_SCOPE_IDS = {
    "openid": "37f7f235-527c-4136-accd-4a02d197296e",
    "profile": "14dad69e-099b-42c9-810b-d002981feec1",
    "email": "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
    "offline_access": "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
    "User.Read": "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    "Group.Read.All": "5f8c59db-677d-491f-a6b8-5f174b11ec1d",
    "GroupMember.Read.All": "bc024368-1153-4739-b217-4326f2e966d0",
}
# Group.Read.All as an *application* permission (type Role): never what the guide asks.
GROUP_READ_ALL_ROLE = "5b567255-7703-4780-807c-7be8301ae99b"


def test_the_table_has_exactly_the_published_keys() -> None:
    assert set(graph.DELEGATED_SCOPE_IDS) == set(PUBLISHED_DELEGATED_SCOPE_IDS)


@pytest.mark.parametrize("scope", sorted(PUBLISHED_DELEGATED_SCOPE_IDS))
def test_each_delegated_scope_id(scope: str) -> None:
    assert graph.DELEGATED_SCOPE_IDS[scope] == PUBLISHED_DELEGATED_SCOPE_IDS[scope]
    assert graph.scope_ids([scope]) == [PUBLISHED_DELEGATED_SCOPE_IDS[scope]]


def test_no_application_permission_id_among_them() -> None:
    assert GROUP_READ_ALL_ROLE not in graph.DELEGATED_SCOPE_IDS.values()


def test_graph_and_default_access_ids() -> None:
    assert graph.GRAPH_APP_ID == "00000003-0000-0000-c000-000000000000"
    # Microsoft's id of the "Default Access" role of an app without app roles.
    assert graph.DEFAULT_ACCESS_APP_ROLE_ID == "00000000-0000-0000-0000-000000000000"
    assert graph.DELEGATED_PERMISSION_TYPE == "Scope"


def test_the_guides_scopes_in_order() -> None:
    # Pomerium's default idp_scopes, then the guide's Group.Read.All.
    assert graph.DEFAULT_GRAPH_SCOPES == (
        "openid",
        "profile",
        "email",
        "offline_access",
        "Group.Read.All",
    )
    assert graph.scope_ids(["Group.Read.All", "openid"]) == [
        "5f8c59db-677d-491f-a6b8-5f174b11ec1d",
        "37f7f235-527c-4136-accd-4a02d197296e",
    ]
