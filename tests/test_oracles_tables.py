"""The component's enums against Entra ID's published values, as literals.

signInAudience and groupMembershipClaims values: Microsoft Graph `application` resource
type. The enum's members must equal these sets: a value added without its published name
here fails.
"""

from __future__ import annotations

from components.args import GroupMembershipClaim, SignInAudience


def test_sign_in_audiences() -> None:
    assert {a.value for a in SignInAudience} == {"AzureADMyOrg", "AzureADMultipleOrgs"}
    assert SignInAudience.AZURE_AD_MY_ORG.value == "AzureADMyOrg"
    assert SignInAudience.AZURE_AD_MULTIPLE_ORGS.value == "AzureADMultipleOrgs"


def test_group_membership_claims() -> None:
    assert {c.value for c in GroupMembershipClaim} == {
        "SecurityGroup",
        "All",
        "ApplicationGroup",
        "DirectoryRole",
        "None",
    }
    assert GroupMembershipClaim.SECURITY_GROUP.value == "SecurityGroup"
    assert GroupMembershipClaim.ALL.value == "All"
    assert GroupMembershipClaim.APPLICATION_GROUP.value == "ApplicationGroup"
    assert GroupMembershipClaim.DIRECTORY_ROLE.value == "DirectoryRole"
    assert GroupMembershipClaim.NONE.value == "None"
