"""`pomerium-azure-ad plan`: the offline plan as a user runs it (through `main`)."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pulumi
import pytest
import yaml

from components import clock, rotation
from components.graph import DEFAULT_GRAPH_SCOPES
from components.secret_data import CLIENT_SECRET_KEYS, SECRET_KEYS
from components.settings import CALLBACK_PATH, PROJECT, args_from_config
from tools import offline
from tools.cli import main
from tools.plan import redact, runner
from tools.plan.manifests import DEFAULT_BOOTSTRAP_SECRET

STACKS = offline.stack_names()
AT = "2026-11-26"
CRD = offline.PROJECT_DIR / "schemas" / "ingress.pomerium.io_pomerium.crd.yaml"


def plan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["plan", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def plan_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = plan(capsys, "--json", *args)
    return code, json.loads(out)


def settings_of(stack: str, project_dir: Path = offline.PROJECT_DIR) -> dict[str, Any]:
    """The stack's validated settings, read the way the program reads them."""
    config = offline.stack_config(stack, project_dir)
    prefix = f"{PROJECT}:"
    raw = {k.removeprefix(prefix): v for k, v in config.items() if k.startswith(prefix)}
    return dict(args_from_config(raw, environment=None, stack=stack))


def project(tmp_path: Path, stacks: dict[str, dict[str, Any]]) -> Path:
    """A copy of the project with these stack files (name -> config)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(offline.PROJECT_DIR / name, tmp_path / name)
    shutil.copytree(offline.PROJECT_DIR / "schemas", tmp_path / "schemas")
    (tmp_path / "stacks").mkdir()
    for stack, config in stacks.items():
        text = yaml.safe_dump(
            {"config": {f"{PROJECT}:{k}" if ":" not in k else k: v for k, v in config.items()}}
        )
        (tmp_path / "stacks" / f"Pulumi.{stack}.yaml").write_text(text)
    return tmp_path


VALID = {"authenticateServiceUrl": "https://authenticate.example.com"}


# --- the example stacks ------------------------------------------------------


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", STACKS)
def test_each_example_stack_is_planned_from_its_stack_file(
    capsys: pytest.CaptureFixture[str], stack: str
) -> None:
    code, document = plan_json(capsys, "--stack", stack, "--at", AT)
    assert code == 0
    (entry,) = document["stacks"]
    assert entry["stack"] == stack and entry["ok"] and entry["errors"] == []
    settings = settings_of(stack)
    app = entry["plan"]["application"]
    # A trailing slash is allowed in the setting; the reply URL has none. Every
    # cluster's callback, once, then the additional ones.
    urls = [c["authenticate_service_url"] for c in settings.get("clusters", [])] or [
        settings["authenticate_service_url"]
    ]
    callbacks = [url.rstrip("/") + CALLBACK_PATH for url in urls]
    assert app["reply_urls"] == list(
        dict.fromkeys([*callbacks, *settings.get("additional_redirect_urls", [])])
    )
    assert app["display_name"] == (settings.get("display_name") or f"Pomerium ({stack})")
    assert app["graph_permissions"] == list(settings.get("graph_scopes", DEFAULT_GRAPH_SCOPES))
    assert app["group_membership_claims"] == settings.get(
        "group_membership_claims", ["SecurityGroup"]
    )
    assert app["protected"] == settings.get("protect", False)
    secret = entry["plan"]["kubernetes_secret"]
    first = (settings.get("clusters") or [{}])[0]
    assert (secret["namespace"], secret["name"]) == (
        first.get("kubernetes_namespace", settings.get("kubernetes_namespace", "pomerium")),
        first.get("kubernetes_secret_name", settings.get("kubernetes_secret_name", "idp")),
    )
    assert len(entry["plan"]["kubernetes_secrets"]) == max(1, len(settings.get("clusters", [])))
    assert set(secret["keys"]) == set(SECRET_KEYS)
    assert set(secret["secret_keys"]) == set(CLIENT_SECRET_KEYS)
    outputs = entry["plan"]["outputs"]
    assert outputs["client_secret"] == redact.SECRET_OUTPUT
    assert outputs["kubernetes_secret"] == f"{secret['namespace']}/{secret['name']}"
    # Both credentials of the rotation, the current one first.
    expected = rotation.plan_rotation(
        datetime.fromisoformat(AT).replace(tzinfo=rotation.UTC),
        settings.get("client_secret_rotation_days", rotation.DEFAULT_ROTATION_DAYS),
    )
    credentials = entry["plan"]["client_secrets"]
    assert [(c["role"], c["end_date"]) for c in credentials] == [
        ("current", expected.current.end_date),
        ("previous", expected.previous.end_date),
    ]
    assert outputs["client_secret_expires_at"] == expected.current.end_date
    assert entry["plan"]["rotation"]["next_rotation"] == rotation.format_graph_date(
        expected.next_rotation
    )


@pytest.mark.stack_files
def test_all_stacks_in_one_run_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = plan(capsys)
    assert code == 0, err
    for stack in STACKS:
        assert f"Stack {stack}: plan at" in out
        assert "https://authenticate" in out
    assert f"{len(STACKS)} stacks planned, no errors" in out
    assert "client_secret:" in out and redact.SECRET_OUTPUT in out
    # Cloud-assigned values are marked as placeholders, with a legend.
    assert "provider_url:" in out and "/<tenant-id>/v2.0" in out
    assert "<tenant-id>:" in out and "azuread:tenantId" in out


@pytest.mark.stack_files
def test_unknown_stack_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = plan(capsys, "--stack", "nope")
    assert code == 2 and out == ""
    assert "nope" in err and all(stack in err for stack in STACKS)


# --- invalid stacks ---------------------------------------------------------------


def test_invalid_stacks_report_a_deploys_messages_and_exit_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], now: datetime
) -> None:
    root = project(
        tmp_path,
        {
            "good": VALID,
            # Wrong types: the CLI stops before the program runs.
            "mistyped": {**VALID, "protect": "yes", "clientSecretRotationDays": "30 days"},
            # Right types, wrong values: the program stops.
            "wrong": {
                "authenticateServiceUrl": "http://authenticate.example.com/path",
                "kubernetesNamespace": "Pomerium",
            },
            "typo": {**VALID, "clientSecretRotationDay": 30},
        },
    )
    with pytest.raises(offline.StackConfigError) as cli_error:
        offline.stack_config("mistyped", root)
    with pytest.raises(pulumi.RunError) as program_error:
        offline.run_program("wrong", now=now, project_dir=root)

    code, out, _ = plan(capsys, "--project-dir", str(root))
    assert code == 1
    for line in str(cli_error.value).splitlines() + str(program_error.value).splitlines():
        assert line in out
    assert "protect" in str(cli_error.value) and "clientSecretRotationDays" in str(cli_error.value)
    assert "authenticateServiceUrl" in out and "kubernetesNamespace" in out
    assert "Stack good: plan at" in out and "Stack typo: INVALID" in out
    assert "3 of 4 stacks invalid: mistyped, typo, wrong" in out
    # The CLI would ignore an undeclared key silently; the program (and so the plan)
    # refuses it, with the key it most likely meant.
    assert (
        f"  - {PROJECT}:clientSecretRotationDay: not a setting of this project (value not "
        f"shown); did you mean {PROJECT}:clientSecretRotationDays?\n"
    ) in out

    code, document = plan_json(capsys, "--project-dir", str(root))
    assert code == 1 and document["ok"] is False
    by_stack = {entry["stack"]: entry for entry in document["stacks"]}
    assert by_stack["mistyped"]["errors"] == [str(cli_error.value)]
    assert by_stack["wrong"]["errors"] == [str(program_error.value)]
    assert by_stack["mistyped"]["plan"] is None and by_stack["good"]["ok"] is True


def test_only_the_named_stacks_are_planned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {"good": VALID, "bad": {"protect": True}})
    code, document = plan_json(capsys, "--project-dir", str(root), "--stack", "good")
    assert code == 0 and [entry["stack"] for entry in document["stacks"]] == ["good"]
    code, document = plan_json(capsys, "--project-dir", str(root), "--stack", "bad")
    assert code == 1
    # Neither authenticateServiceUrl nor clusters: the program names the key.
    (problem,) = document["stacks"][0]["problems"]
    assert problem["key"] == "pomerium-azure-ad:authenticateServiceUrl"
    assert problem["expected"].startswith("exactly one of them")


# --- --json ---------------------------------------------------------------------


@pytest.mark.stack_files
def test_json_holds_the_whole_plan(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = plan_json(capsys, "--at", AT)
    assert code == 0 and document["ok"] is True
    assert document["at"] == f"{AT}T00:00:00Z"
    assert [entry["stack"] for entry in document["stacks"]] == STACKS
    for entry in document["stacks"]:
        body = entry["plan"]
        assert set(body) >= {
            "application",
            "service_principal",
            "client_secrets",
            "rotation",
            "admin_consent",
            "kubernetes_secret",
            "outputs",
            "placeholders",
        }
        assert body["service_principal"]["client_id"] == body["application"]["client_id"]
        assert body["application"]["client_id"] == "<client-id>"
        assert "<client-id>" in body["placeholders"]
        consent = settings_of(entry["stack"]).get("grant_admin_consent", False)
        assert (body["admin_consent"] is not None) == consent


def test_admin_consent_and_a_pinned_tenant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tenant = "0303f438-3c5c-4190-9854-08d3eb31bd9f"
    root = project(
        tmp_path,
        {"pinned": {**VALID, "grantAdminConsent": True, "azuread:tenantId": tenant}},
    )
    code, document = plan_json(capsys, "--project-dir", str(root))
    assert code == 0
    body = document["stacks"][0]["plan"]
    assert body["admin_consent"] == {
        "resource": "Microsoft Graph",
        "scopes": list(DEFAULT_GRAPH_SCOPES),
    }
    assert body["outputs"]["tenant_id"] == tenant
    assert body["outputs"]["provider_url"] == f"https://login.microsoftonline.com/{tenant}/v2.0"
    assert "<tenant-id>" not in body["placeholders"]


# --- --out ----------------------------------------------------------------------


def read_documents(path: Path) -> dict[str, Any]:
    (document,) = list(yaml.safe_load_all(path.read_text()))
    return dict(document)


def crd_schema() -> dict[str, Any]:
    crd = yaml.safe_load(CRD.read_text())
    return dict(crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"])


@pytest.mark.stack_files
def test_out_writes_valid_files_for_each_stack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = plan_json(capsys, "--out", str(tmp_path))
    assert code == 0
    for entry in document["stacks"]:
        stack, outputs = entry["stack"], entry["plan"]["outputs"]
        expected_files = []
        # A Secret and a Pomerium resource per cluster (suffixed with its name).
        for cluster in outputs["kubernetes_secrets"]:
            suffix = f"-{cluster['cluster']}" if cluster["cluster"] else ""
            secret_path = tmp_path / stack / f"kubernetes-secret{suffix}.yaml"
            pomerium_path = tmp_path / stack / f"pomerium{suffix}.yaml"
            expected_files += [str(secret_path), str(pomerium_path)]
            check_rendered(secret_path, pomerium_path, cluster, outputs)
        assert entry["files"] == expected_files


def check_rendered(
    secret_path: Path, pomerium_path: Path, cluster: dict[str, str], outputs: dict[str, Any]
) -> None:
    secret = read_documents(secret_path)
    kubernetes_validate.validate(secret, kubernetes_validate.latest_version(), strict=True)
    assert f"{secret['metadata']['namespace']}/{secret['metadata']['name']}" == cluster["secret"]
    assert list(secret["stringData"]) == list(SECRET_KEYS)
    for key in CLIENT_SECRET_KEYS:
        assert secret["stringData"][key] == redact.SECRET_PLACEHOLDER
    assert secret["stringData"]["client_id"] == "<client-id>"
    assert secret["stringData"]["AUTHENTICATE_SERVICE_URL"] == cluster["authenticate_service_url"]
    assert "<client-id>:" in secret_path.read_text()  # the legend

    resource = read_documents(pomerium_path)
    jsonschema.validate(resource, crd_schema())
    assert (resource["apiVersion"], resource["kind"]) == ("ingress.pomerium.io/v1", "Pomerium")
    assert resource["spec"]["identityProvider"] == {
        "provider": "azure",
        "url": outputs["provider_url"],
        "secret": cluster["secret"],
    }
    assert resource["spec"]["authenticate"]["url"] == cluster["authenticate_service_url"]
    assert resource["spec"]["secrets"] == DEFAULT_BOOTSTRAP_SECRET


def test_out_names_the_bootstrap_secret_from_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, out = project(tmp_path / "project", {"team": VALID}), tmp_path / "out"
    code, _, _ = plan(
        capsys, "--project-dir", str(root), "--out", str(out), "--bootstrap-secret", "ops/boot"
    )
    assert code == 0
    assert read_documents(out / "team" / "pomerium.yaml")["spec"]["secrets"] == "ops/boot"
    with pytest.raises(SystemExit) as exit_:
        main(["plan", "--bootstrap-secret", "boot"])
    assert exit_.value.code == 2
    assert "<namespace>/<name>" in capsys.readouterr().err


def test_out_writes_nothing_for_an_invalid_stack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path / "project", {"good": VALID, "bad": {"protect": True}})
    out = tmp_path / "out"
    code, _, _ = plan(capsys, "--project-dir", str(root), "--out", str(out))
    assert code == 1
    assert sorted(p.name for p in out.iterdir()) == ["good"]


def test_the_pomerium_resource_check_rejects_what_the_crd_rejects() -> None:
    from tools.plan.manifests import ManifestError, validate_pomerium

    valid = {
        "apiVersion": "ingress.pomerium.io/v1",
        "kind": "Pomerium",
        "metadata": {"name": "global"},
        "spec": {"identityProvider": {"provider": "azure", "secret": "a/b"}, "secrets": "a/b"},
    }
    validate_pomerium(valid)
    for spec in (
        {"identityProvider": {"provider": "entra", "secret": "a/b"}, "secrets": "a/b"},
        {"identityProvider": {"provider": "azure", "secret": "a/b"}},
        {"identityProvider": {"provider": "azure", "secret": "no-namespace"}, "secrets": "a/b"},
    ):
        with pytest.raises(ManifestError):
            validate_pomerium({**valid, "spec": spec})


# --- --at -----------------------------------------------------------------------


def test_at_shows_the_rotation_of_another_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    days = 30
    root = project(tmp_path, {"team": {**VALID, "clientSecretRotationDays": days}})
    today = rotation.plan_rotation(datetime.fromisoformat(f"{AT}T00:00:00+00:00"), days)
    later = today.next_rotation + timedelta(days=1)
    environment = dict(os.environ)

    _, first = plan_json(capsys, "--project-dir", str(root), "--at", AT)
    _, second = plan_json(capsys, "--project-dir", str(root), "--at", later.isoformat())

    def current(document: dict[str, Any]) -> dict[str, Any]:
        (credential,) = [
            c for c in document["stacks"][0]["plan"]["client_secrets"] if c["role"] == "current"
        ]
        return dict(credential)

    assert current(first)["end_date"] == today.current.end_date
    moved = rotation.plan_rotation(later, days).current
    assert current(second)["end_date"] == moved.end_date != today.current.end_date
    assert current(second)["slot"] == moved.slot != current(first)["slot"]
    assert second["stacks"][0]["plan"]["outputs"]["client_secret_expires_at"] == moved.end_date
    # The override lived only inside the command: the real clock is back, and
    # nothing a deploy could read (environment) was touched.
    assert clock.current() is clock.SYSTEM_CLOCK
    assert dict(os.environ) == environment


def test_at_rejects_what_is_not_a_date(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["plan", "--at", "next tuesday"])
    assert exit_.value.code == 2
    assert "2027-01-31" in capsys.readouterr().err


# --- secrets --------------------------------------------------------------------

PLANTED = "planted-Cl13nt-S3cret-value~"


@pytest.mark.stack_files
def test_a_planted_client_secret_never_leaves_the_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(offline, "PLACEHOLDER_CLIENT_SECRET", PLANTED)
    # The planted value does reach the program, so the check below can fail.
    # Any of the team's stacks: they are what the loop below plans.
    result = runner.plan_stack(STACKS[0], now=datetime.fromisoformat(f"{AT}T00:00:00+00:00"))
    assert any(PLANTED in value for value in result.secrets)
    assert result.run is not None
    secret_inputs = result.run.one("core/v1:Secret").inputs["stringData"]
    assert PLANTED in secret_inputs["client_secret"]

    outputs = []
    for args in (
        [],
        ["--json"],
        ["--out", str(tmp_path / "text")],
        ["--json", "--out", str(tmp_path / "json")],
    ):
        code, out, err = plan(capsys, *args)
        assert code == 0
        outputs += [out, err]
    files = [p.read_text() for p in tmp_path.rglob("*") if p.is_file()]
    clusters = sum(
        max(1, len(json.loads(offline.stack_config(s)[f"{PROJECT}:clusters"]))) for s in STACKS
    )
    # Two --out runs, a Secret and a Pomerium resource per cluster each.
    assert len(files) == 2 * 2 * clusters
    for text in outputs + files:
        assert PLANTED not in text


def test_the_last_check_refuses_text_holding_a_secret() -> None:
    with pytest.raises(redact.SecretLeak) as error:
        redact.check(f"client_secret: {PLANTED}", {PLANTED})
    assert PLANTED not in str(error.value)
    assert redact.check("client_secret: [secret]", {PLANTED}) == "client_secret: [secret]"


# --- adoption, assignments and program warnings ---------------------------------------

ADOPTED_APP = "0303f438-3c5c-4190-9854-08d3eb31bd9f"
ADOPTED_SP = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
GROUP = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"


def test_plan_shows_adoption_assignments_and_take_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(
        tmp_path,
        {
            "adopt": {
                **VALID,
                "adoptApplicationObjectId": ADOPTED_APP,
                "adoptServicePrincipalObjectId": ADOPTED_SP,
                "adoptKubernetesSecret": True,
                "allowedGroups": [GROUP],
            }
        },
    )
    code, document = plan_json(capsys, "--project-dir", str(root))
    assert code == 0
    body = document["stacks"][0]["plan"]
    assert body["application"]["imported_from"] == f"/applications/{ADOPTED_APP}"
    assert body["service_principal"]["imported_from"] == f"/servicePrincipals/{ADOPTED_SP}"
    assert body["service_principal"]["assigned_groups"] == [GROUP]
    assert body["service_principal"]["app_role_assignment_required"] is True
    assert body["kubernetes_secret"]["taken_over"] is True
    # The adopted ids are real, not placeholders.
    assert body["outputs"]["application_object_id"] == ADOPTED_APP
    assert body["outputs"]["service_principal_object_id"] == ADOPTED_SP
    code, out, _ = plan(capsys, "--project-dir", str(root))
    assert f"[adopted: imports /applications/{ADOPTED_APP}]" in out
    assert "[takes over the existing Secret]" in out


def test_plan_shows_what_the_program_warns_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(
        tmp_path,
        {"open": {**VALID, "signInAudience": "AzureADMultipleOrgs"}, "closed": VALID},
    )
    code, document = plan_json(capsys, "--project-dir", str(root))
    warnings = {s["stack"]: s["plan"]["warnings"] for s in document["stacks"]}
    assert warnings["closed"] == []
    (warning,) = warnings["open"]
    assert "users of any Entra ID tenant can sign in" in warning
    # The mandatory policy pack refuses it too: one verdict.
    assert code == 1


# --- one verdict: the CLI's checks, the program's and the policy pack's -------------


@pytest.mark.parametrize(
    ("settings", "policy"),
    [
        ({"graphScopes": ["openid", "GroupMember.Read.All"]}, "graph-delegated-permissions-only"),
        ({"kubernetesNamespace": "default"}, "idp-secret-namespace-and-keys"),
        ({"signInAudience": "AzureADMultipleOrgs"}, "single-tenant-sign-in"),
    ],
)
def test_settings_the_policy_pack_refuses_fail_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: dict[str, Any], policy: str
) -> None:
    root = project(tmp_path, {"team": {**VALID, **settings}})
    code, document = plan_json(capsys, "--project-dir", str(root))
    assert code == 1
    (stack,) = document["stacks"]
    assert any(e.startswith(f"policy {policy}") for e in stack["errors"])


def test_a_pack_config_that_allows_them_passes_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(
        tmp_path,
        {"team": {**VALID, "graphScopes": ["openid", "GroupMember.Read.All"]}},
    )
    pack = tmp_path / "policy-config.json"
    pack.write_text(
        '{"graph-delegated-permissions-only": {"allowedScopes": ["openid", "GroupMember.Read.All"]}}'
    )
    code, _ = plan_json(capsys, "--project-dir", str(root), "--policy-pack-config", str(pack))
    assert code == 0
    pack.write_text('{"graph-delegated-permissions-only": "disabled"}')
    code, _ = plan_json(capsys, "--project-dir", str(root), "--policy-pack-config", str(pack))
    assert code == 0


def test_json_problems_name_each_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(
        tmp_path,
        {
            "typed": {**VALID, "protect": "yes"},
            "valued": {**VALID, "kubernetesNamespace": "Pomerium", "owners": ["x"]},
        },
    )
    _, document = plan_json(capsys, "--project-dir", str(root))
    problems = {s["stack"]: s["problems"] for s in document["stacks"]}
    (typed,) = problems["typed"]
    assert typed["source"] == "pulumi" and typed["key"] == f"{PROJECT}:protect"
    assert typed["file"].endswith("Pulumi.typed.yaml")
    assert sorted((p["key"], json.dumps(p["got"])) for p in problems["valued"]) == [
        (f"{PROJECT}:kubernetesNamespace", '"Pomerium"'),
        (f"{PROJECT}:owners", '["x"]'),
    ]


def test_a_broken_stack_file_does_not_stop_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {"good": VALID, "broken": VALID})
    (root / "stacks" / "Pulumi.broken.yaml").write_bytes(b"config:\n  a: caf\xe9\n")
    code, out, err = plan(capsys, "--project-dir", str(root))
    assert code == 1 and err == ""
    assert "Stack good: plan at" in out
    assert "Pulumi.broken.yaml" in out and "is not UTF-8" in out
    assert "Traceback" not in out


def test_out_pointing_at_a_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "plan.txt"
    target.write_text("")
    root = project(tmp_path / "project", {"team": VALID})
    code, out, err = plan(capsys, "--project-dir", str(root), "--out", str(target))
    assert code == 2 and out == ""
    assert "is a file, not a folder" in err


def test_an_explicit_assignment_required_false_with_groups_is_called_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    groups = ["2d8e3f4a-5b6c-4d7e-9f80-a1b2c3d4e5f6", "1c7d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"]
    root = project(
        tmp_path, {"team": {**VALID, "assignmentRequired": False, "allowedGroups": groups}}
    )
    _, document = plan_json(capsys, "--project-dir", str(root))
    (stack,) = document["stacks"]
    assert any("assignmentRequired is false, but" in w for w in stack["warnings"])
    # Shown in a stable order, whatever order the registrations arrived in.
    assert stack["plan"]["service_principal"]["assigned_groups"] == sorted(groups)


def test_the_text_plan_shows_the_sign_on_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, {"team": {"authenticateServiceUrl": "https://sso.team.test/"}})
    _, out, _ = plan(capsys, "--project-dir", str(root))
    assert "sign-on URL:       https://sso.team.test\n" in out


def test_the_plan_lists_what_the_deploy_identity_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    groups = ["1c7d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"]
    root = project(
        tmp_path,
        {
            "plain": VALID,
            "full": {**VALID, "allowedGroups": groups, "grantAdminConsent": True},
        },
    )
    _, document = plan_json(capsys, "--project-dir", str(root))
    needs = {
        s["stack"]: [p for n in s["plan"]["deploy_identity"] for p in n["graph_permissions"]]
        for s in document["stacks"]
    }
    assert needs["plain"] == ["Application.ReadWrite.OwnedBy"]
    assert set(needs["full"]) == {
        "Application.ReadWrite.OwnedBy",
        "AppRoleAssignment.ReadWrite.All",
        "Application.Read.All",
        "DelegatedPermissionGrant.ReadWrite.All",
    }


def test_a_stack_naming_its_deployer_gets_no_warning_about_the_plans_own_identity(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The README asks pipelines to set deployerObjectId; the plan deploys as that identity.
    deployer = "3F2504E0-4F89-41D3-9A0C-0305E82C3301"
    root = project(tmp_path, {"team": {**VALID, "deployerObjectId": deployer}})
    code, document = plan_json(capsys, "--project-dir", str(root))
    (stack,) = document["stacks"]
    assert code == 0 and stack["warnings"] == [] and stack["plan"]["warnings"] == []
    assert stack["plan"]["application"]["owners"] == [deployer.lower()]
