"""Each check of checks.py on literal examples, building the check inside the test.

settings.OPTIONS builds its checks when the module is imported; these tests call the
factories themselves, so a change to a factory's inner check fails here (mutation testing
cannot see one through OPTIONS, built before any mutant is switched on).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest

from components import checks
from components.args import SignInAudience
from components.settings import OPTIONS_BY_KEY


def refused(check: checks.Check, value: Any) -> bool:
    try:
        check(value)
    except checks.Invalid:
        return True
    return False


def test_whole_number() -> None:
    days = checks.whole_number(14, 124)
    assert days(14) == 14 and days(124) == 124
    assert days(30.0) == 30 and isinstance(days(30.0), int)
    for bad in (13, 125, 30.5, True, "30", None):
        assert refused(days, bad), bad


def test_optional() -> None:
    check = checks.optional(checks.object_id)
    assert check("") == ""
    assert check("3F2504E0-4F89-41D3-9A0C-0305E82C3301") == "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    assert refused(check, "not-a-guid")
    assert refused(check, None)


def test_grant_id() -> None:
    assert checks.grant_id("a" * 20) == "a" * 20
    assert checks.grant_id("aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz-_") == (
        "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz-_"
    )
    for bad in ("a" * 19, "a" * 101, "a" * 19 + "/", 42):
        assert refused(checks.grant_id, bad), bad
    assert checks.grant_id("b" * 100) == "b" * 100


def test_text() -> None:
    check = checks.text(5)
    assert check(" ab ") == "ab"
    assert check("abcde") == "abcde"
    assert refused(check, "abcdef")
    assert refused(check, 5)


def test_distinct_list() -> None:
    check = checks.distinct_list(checks.object_id)
    upper, lower = "3F2504E0-4F89-41D3-9A0C-0305E82C3301", "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
    assert check([]) == ()
    assert check([upper]) == (lower,)
    # Distinct once normalized: the same id in two cases is one id twice.
    assert refused(check, [upper, lower])
    assert refused(check, "not a list")
    assert refused(checks.distinct_list(checks.object_id, non_empty=True), [])


class Colour(Enum):
    RED = "red"


def test_one_of_and_enum_member() -> None:
    assert checks.one_of(["red", "blue"])("red") == "red"
    assert checks.one_of(["red"])(Colour.RED) == "red"
    assert refused(checks.one_of(["red"]), "Red")
    assert refused(checks.one_of(["red"]), 1)
    member = checks.enum_member(SignInAudience)
    assert member("AzureADMultipleOrgs") is SignInAudience.AZURE_AD_MULTIPLE_ORGS
    assert refused(member, "AzureADandPersonalMicrosoftAccount")


def test_nil_guid_and_guid() -> None:
    assert checks.NIL_GUID == "00000000-0000-0000-0000-000000000000"
    assert refused(checks.object_id, "00000000-0000-0000-0000-000000000000")
    assert refused(checks.object_id, "3f2504e0-4f89-41d3-9a0c-0305e82c330")


def test_labels_and_subdomains() -> None:
    assert checks.dns_label("a" * 63) == "a" * 63
    assert refused(checks.dns_label, "a" * 64)
    assert checks.dns_subdomain("idp.pomerium") == "idp.pomerium"
    assert refused(checks.dns_subdomain, "a" * 254)
    assert refused(checks.dns_subdomain, "idp_")


@pytest.mark.parametrize(
    ("key", "default"),
    [
        ("grantAdminConsent", False),
        ("includeDeployerAsOwner", True),
        ("assignmentRequired", False),
        ("adoptKubernetesSecret", False),
        ("protect", False),
    ],
)
def test_flags(key: str, default: bool) -> None:
    option = OPTIONS_BY_KEY[key]
    assert (option.key, option.type, option.default, option.expects) == (
        key,
        "boolean",
        default,
        "true or false",
    )
    assert option.description
    assert option.check(True) is True and option.check(False) is False
    assert refused(option.check, "true")
