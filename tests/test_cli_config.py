"""Stack files and config as the Pulumi CLI reads and checks them.

Expected values are worked out from the CLI's source (cited in
tools/cli_config.py): `pulumi config set` writes scalars as strings
("60", "true"), `--type int|bool` writes them unquoted, and the CLI hands the
program text either way.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tools import cli_config, offline
from tools.cli_config import StackFileError, config_text, value_has_type

ROOT = Path(__file__).resolve().parent.parent
URL = "https://authenticate.example.com"


def project(tmp_path: Path, stack_text: str | bytes, name: str = "team") -> Path:
    for file in ("Pulumi.yaml", "__main__.py"):
        (tmp_path / file).write_text((ROOT / file).read_text())
    (tmp_path / "stacks").mkdir(exist_ok=True)
    path = tmp_path / "stacks" / f"Pulumi.{name}.yaml"
    if isinstance(stack_text, bytes):
        path.write_bytes(stack_text)
    else:
        path.write_text(stack_text)
    return tmp_path


def config_of(tmp_path: Path, body: str) -> dict[str, str]:
    text = f"config:\n  pomerium-azure-ad:authenticateServiceUrl: {URL}\n{body}"
    return offline.stack_config("team", project(tmp_path, text))


# --- what the CLI accepts, and what it hands the program ---------------------------


@pytest.mark.parametrize(
    ("line", "handed"),
    [
        ('clientSecretRotationDays: "60"', "60"),  # pulumi config set
        ("clientSecretRotationDays: 60", "60"),  # pulumi config set --type int
        ("clientSecretRotationDays: 60.0", "60"),  # a YAML float: Go's JSON writes 60
        ('clientSecretRotationDays: "+60"', "+60"),  # strconv.Atoi takes a sign
        ('protect: "true"', "true"),  # pulumi config set
        ("protect: true", "true"),  # pulumi config set --type bool
        ("protect: True", "true"),  # YAML 1.2 boolean
        ("displayName: 42", "42"),  # a string key takes any scalar
    ],
)
def test_values_the_cli_accepts_reach_the_program_as_it_hands_them(
    tmp_path: Path, line: str, handed: str
) -> None:
    key, _ = line.split(":", 1)
    assert config_of(tmp_path, f"  pomerium-azure-ad:{line}\n")[f"pomerium-azure-ad:{key}"] == (
        handed
    )


@pytest.mark.parametrize(
    ("line", "type_name"),
    [
        ('clientSecretRotationDays: "60.0"', "integer"),  # Atoi refuses a fraction
        ('clientSecretRotationDays: "6_0"', "integer"),  # and underscores
        ('clientSecretRotationDays: " 60"', "integer"),  # and spaces
        ("clientSecretRotationDays: 60.5", "integer"),
        ("protect: yes", "boolean"),  # YAML 1.2: a string
        ('protect: "True"', "boolean"),  # only "true" or "false" as text
        ("protect: 1", "boolean"),
        ("displayName: [a]", "string"),
        ("owners: corp", "array<string>"),
        ("owners: [1]", "array<string>"),
    ],
)
def test_values_the_cli_refuses_are_named_with_their_type(
    tmp_path: Path, line: str, type_name: str
) -> None:
    key = line.split(":", 1)[0]
    with pytest.raises(StackFileError) as caught:
        config_of(tmp_path, f"  pomerium-azure-ad:{line}\n")
    assert (
        f"Stack 'team' with configuration key 'pomerium-azure-ad:{key}' must be of type "
        f"'{type_name}'"
    ) in str(caught.value)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_any_whole_number_is_an_integer_quoted_or_not(number: int) -> None:
    assert value_has_type("integer", None, str(number))
    assert value_has_type("integer", None, number)
    assert config_text(float(number)) == (str(number), False)


def test_lists_reach_the_program_as_json(tmp_path: Path) -> None:
    config = config_of(tmp_path, "  pomerium-azure-ad:owners: [a, b]\n")
    assert config["pomerium-azure-ad:owners"] == '["a","b"]'


def test_declared_defaults_fill_unset_keys(tmp_path: Path) -> None:
    config = config_of(tmp_path, "")
    assert config["pomerium-azure-ad:clientSecretRotationDays"] == "90"
    assert config["pomerium-azure-ad:graphScopes"] == (
        '["openid","profile","email","offline_access","Group.Read.All"]'
    )


# --- files the CLI cannot read: one message naming the file, never a traceback -------


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            f"config:\n  pomerium-azure-ad:authenticateServiceUrl: {URL}\n"
            f"  pomerium-azure-ad:authenticateServiceUrl: {URL}\n",
            "duplicate key",
        ),
        ("config:\n  - a\n  - b\n", "`config:` must be a mapping"),
        ("config: 5\n", "`config:` must be a mapping"),
        ("- config\n", "must be a mapping with a `config:` key"),
        ("config: [\n", "is not valid YAML"),
        (b"config:\n  pomerium-azure-ad:displayName: caf\xe9\n", "is not UTF-8"),
    ],
)
def test_a_malformed_stack_file_is_named_with_what_is_wrong(
    tmp_path: Path, text: str | bytes, says: str
) -> None:
    root = project(tmp_path, text)
    with pytest.raises(StackFileError) as caught:
        offline.stack_config("team", root)
    message = str(caught.value)
    assert "Pulumi.team.yaml" in message and says.lower() in message.lower()


def test_the_program_runs_on_the_values_pulumi_config_set_writes(
    tmp_path: Path, now: datetime
) -> None:
    text = (
        "config:\n"
        f"  pomerium-azure-ad:authenticateServiceUrl: {URL}:8443/\n"
        '  pomerium-azure-ad:clientSecretRotationDays: "60"\n'
        '  pomerium-azure-ad:grantAdminConsent: "true"\n'
        '  pomerium-azure-ad:protect: "false"\n'
    )
    run = offline.run_program("team", now=now, project_dir=project(tmp_path, text))
    assert run.one(":Application").inputs["web"]["redirectUris"] == [
        "https://authenticate.example.com:8443/oauth2/callback"
    ]
    assert len(run.of_type(":ServicePrincipalDelegatedPermissionGrant")) == 1


def test_read_stack_config_of_an_empty_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "Pulumi.empty.yaml"
    path.write_text("")
    assert cli_config.read_stack_config(path) == {}


def test_other_namespaces_pass_through_unchecked(tmp_path: Path) -> None:
    values: dict[str, Any] = config_of(tmp_path, "  kubernetes:context: blue\n")
    assert values["kubernetes:context"] == "blue"
