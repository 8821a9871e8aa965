"""Which allowed groups an adopted enterprise application already has assigned: the pure
decision, from Graph's list as Graph returns it, and the provider's import id."""

from __future__ import annotations

from components.assignment_adoption import (
    app_role_assignment_import_id,
    assignments_to_import,
    imported_message,
    unreadable_message,
)

SP = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
OTHER_SP = "9f8e7d6c-5b4a-4392-8170-6a5b4c3d2e1f"
G1 = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
G2 = "1c7d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
G3 = "2d8e3f4a-5b6c-4d7e-9f80-a1b2c3d4e5f6"
NOT_ALLOWED = "7a3e9c2b-1d4f-4e6a-8b5c-0f9e8d7c6b5a"
USER = "cdb555e3-b33e-4fd5-a427-17fadacbdfa7"
DEFAULT_ACCESS = "00000000-0000-0000-0000-000000000000"  # Graph's "Default Access" role
OTHER_ROLE = "ef7437e6-4f94-4a0a-a110-a439eb2aa8f7"  # the Graph docs' example app role


def assignment(
    assignment_id: str, principal: str, role: str = DEFAULT_ACCESS, resource: str = SP
) -> dict[str, object]:
    """An item of GET /servicePrincipals/{id}/appRoleAssignedTo, as the Graph docs show it."""
    return {
        "id": assignment_id,
        "deletedDateTime": None,
        "appRoleId": role,
        "createdDateTime": "2021-02-02T04:22:45.9480566Z",
        "principalDisplayName": "someone",
        "principalId": principal,
        "principalType": "Group",
        "resourceDisplayName": "Pomerium (dev)",
        "resourceId": resource,
    }


def test_the_import_id_is_the_providers_documented_form() -> None:
    # terraform-provider-azuread docs/resources/app_role_assignment.md, "Import".
    assert app_role_assignment_import_id(
        "00000000-0000-0000-0000-000000000000", "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz"
    ) == (
        "/servicePrincipals/00000000-0000-0000-0000-000000000000/appRoleAssignedTo/"
        "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz"
    )


def test_only_allowed_groups_with_default_access_on_this_application_are_imported() -> None:
    listed = [
        assignment("-WmtM5na7Uus0D8kI1yylpU9Mdo0Pb9OoBJvd3T5eKc", G1),
        assignment("other-role", G2, role=OTHER_ROLE),
        {**assignment("a-user", USER), "principalType": "User"},
        assignment("not-allowed", NOT_ALLOWED),
        assignment("elsewhere", G3, resource=OTHER_SP),
    ]
    assert assignments_to_import([G1, G2, G3], SP, listed) == {
        G1: f"/servicePrincipals/{SP}/appRoleAssignedTo/-WmtM5na7Uus0D8kI1yylpU9Mdo0Pb9OoBJvd3T5eKc"
    }


def test_ids_match_whatever_their_case() -> None:
    listed = [assignment("41W1zT6z1U-kJxf62svfp1HFE8pMZhxDun-ThPczmJE", G2.upper(), resource=SP)]
    assert assignments_to_import([G2], SP.upper(), listed) == {
        G2: f"/servicePrincipals/{SP}/appRoleAssignedTo/41W1zT6z1U-kJxf62svfp1HFE8pMZhxDun-ThPczmJE"
    }


def test_nothing_listed_nothing_imported() -> None:
    assert assignments_to_import([G1, G2], SP, []) == {}
    assert assignments_to_import([G1], SP, [{"principalId": G1}]) == {}  # no id, no role


def test_what_the_deploy_is_told() -> None:
    assert imported_message(SP, [G2, G1]) == (
        "Adopting enterprise application 6ba7b810-9dad-11d1-80b4-00c04fd430c8: 2 of "
        "allowedGroups already assigned to it by hand (1c7d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f, "
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301); this deploy imports those assignments and "
        "assigns the others."
    )
    assert imported_message(SP, []) == (
        f"Adopting enterprise application {SP}: none of allowedGroups is assigned to it yet; "
        "this deploy assigns them."
    )
    assert unreadable_message(SP, "403 from GET /v1.0/x") == (
        f"adoptServicePrincipalObjectId: the group assignments of enterprise application {SP} "
        "could not be read from Microsoft Graph: 403 from GET /v1.0/x. While adopting, the "
        "allowedGroups already assigned by hand are imported, not assigned a second time "
        "(Graph refuses that), so the deploy stops here (docs/adoption.md)."
    )
