"""What a real `pulumi up` does between two deploys: the deploy-sequence tests.

The program runs for deploy k and deploy k+1 under Pulumi's mock engine, and
tests/deploy_sequence/engine.py derives the steps the real engine would take
from the rules read in the engine's and providers' sources (facts.py,
docs/deploy-facts.md). Expected values are written out here: which steps, on
which dates.
"""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.assignment_reader import fixed_reader
from tests.deploy_sequence import facts
from tests.deploy_sequence.engine import Resource, State, World, deploy, initial_state
from tests.deploy_sequence.fixtures import (
    ADOPTED_APP,
    ADOPTED_GRANT,
    ADOPTED_SP,
    DEPLOYER,
    FIXTURES,
    GROUP_1,
    GROUP_2,
    OTHER_IDENTITY,
    PROJECT,
    TENANT,
)
from tests.deploy_sequence.sequence import (
    problems,
    replaced_credentials,
    run,
    secret_value,
    up,
)
from tools import offline
from tools.offline import PlaceholderCloud

ROOT = Path(__file__).resolve().parent.parent
SECRET = facts.KUBERNETES_SECRET
PASSWORD = facts.APPLICATION_PASSWORD
# 2026-11-26 lies in 30-day period 35 (2026-11-17 .. 2026-12-17, counted from
# 2024-01-01) and in 90-day period 11 (2026-09-18 .. 2026-12-17).
T0 = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
NEXT_30_DAY_PERIOD = datetime(2026, 12, 17, 0, 0, tzinfo=UTC)
NEXT_90_DAY_PERIOD = datetime(2026, 12, 17, 0, 0, tzinfo=UTC)


def first_deploy(config: dict[str, Any], now: datetime = T0, **kw: Any) -> State:
    done = up(initial_state(), config, now, **kw)
    assert done.ok, done.errors
    return done.state


def adoption_world() -> World:
    """An app registration, its enterprise application and a Secret made by hand."""
    return World(
        kubernetes_secrets={"pomerium/idp"},
        imports={
            f"/applications/{ADOPTED_APP}": {"displayName": "Pomerium"},
            f"/servicePrincipals/{ADOPTED_SP}": {},
        },
    )


# --- rotation: the Secret moves in place, in every stack ---------------------------


@pytest.mark.parametrize("fixture", ["basic", "protect", "groups", "kubeconfig"])
def test_a_rotation_updates_the_secret_in_place(fixture: str) -> None:
    config = FIXTURES[fixture]
    state = first_deploy(config)
    rotation_day = NEXT_90_DAY_PERIOD if fixture == "protect" else NEXT_30_DAY_PERIOD
    if fixture == "groups":  # 60-day periods: 2026-10-18 .. 2026-12-17
        rotation_day = datetime(2026, 12, 17, tzinfo=UTC)

    done = up(state, config, rotation_day + timedelta(hours=6))

    assert done.ok, done.errors
    assert [(s.op, s.type) for s in done.changes] == [("replace", PASSWORD), ("update", SECRET)]
    assert problems(state, done) == []


def test_a_protected_stack_rotates_and_keeps_its_protection() -> None:
    config = FIXTURES["protect"]
    state = first_deploy(config)
    protected = {r.type for r in state.resources.values() if r.protect}
    assert protected == {facts.APPLICATION, facts.SERVICE_PRINCIPAL, SECRET}

    done = up(state, config, NEXT_90_DAY_PERIOD + timedelta(days=1))

    assert done.ok, done.errors
    assert done.ops("replace", PASSWORD) and not done.ops("replace", SECRET)


def test_the_secret_moves_before_the_credential_it_held_is_deleted() -> None:
    config = FIXTURES["basic"]
    state = first_deploy(config)
    # Two rotations: the second replaces the slot the first deploy's Secret held.
    for day in (NEXT_30_DAY_PERIOD, NEXT_30_DAY_PERIOD + timedelta(days=30)):
        done = up(state, config, day + timedelta(hours=1))
        actions = [(o.action, o.resource.type) for o in done.operations]
        assert actions == [("create", PASSWORD), ("update", SECRET), ("delete", PASSWORD)]
        assert problems(state, done) == []
        state = done.state


def test_changing_the_rotation_period_replaces_both_credentials_after_the_secret_moves() -> None:
    config = FIXTURES["basic"]
    state = first_deploy(config)

    done = up(state, {**config, f"{PROJECT}:clientSecretRotationDays": 45}, T0 + timedelta(days=1))

    assert done.ok, done.errors
    assert replaced_credentials(done) == 2
    actions = [(o.action, o.resource.type) for o in done.operations]
    assert actions.index(("update", SECRET)) < actions.index(("delete", PASSWORD))
    assert problems(state, done) == []


def test_a_deploy_with_nothing_due_has_no_steps() -> None:
    config = FIXTURES["groups"]
    state = first_deploy(config)
    assert up(state, config, T0 + timedelta(days=6)).changes == []


def test_a_secret_entra_id_never_accepts_fails_the_deploy_and_the_secret_keeps_its_own() -> None:
    """The proof runs before the Secret is written: when it fails, the Secret
    still holds the previous credential, which is still valid; the next deploy
    proves the new one again before writing it."""
    config = FIXTURES["basic"]
    state = first_deploy(config)
    held = secret_value(state.of_type(SECRET)[0])
    day = NEXT_30_DAY_PERIOD + timedelta(hours=1)

    failed = up(state, config, day, world=World(refuses_client_secret=True))
    assert any("was not accepted" in e for e in failed.errors)
    assert [(o.action, o.resource.type) for o in failed.operations] == [("create", PASSWORD)]
    assert secret_value(failed.state.of_type(SECRET)[0]) == held
    assert problems(state, failed)[1:] == []

    after = up(failed.state, config, day + timedelta(hours=1))
    assert after.ok, after.errors
    actions = [(o.action, o.resource.type) for o in after.operations]
    # The Secret moves, then the replaced credential (left by the failed deploy) goes.
    assert actions == [("update", SECRET), ("delete", PASSWORD)]
    assert secret_value(after.state.of_type(SECRET)[0]) != held
    assert problems(failed.state, after) == []


def failed_world() -> World:
    return World(refuses_client_secret=True)


def test_a_refused_proof_on_a_day_with_nothing_due_changes_nothing() -> None:
    """Every `up` proves the credential it writes, a changed one or not: a refusal stops
    the program before the Secret, and nothing else is due."""
    config = FIXTURES["basic"]
    state = first_deploy(config)

    failed = up(state, config, T0 + timedelta(days=1), world=failed_world())

    assert failed.errors and failed.operations == []
    assert set(failed.state.resources) == set(state.resources)
    (secret,) = failed.state.of_type(SECRET)
    assert secret_value(secret) == secret_value(state.of_type(SECRET)[0])
    # A preview makes no proof.
    previewed = up(state, config, T0 + timedelta(days=1), preview=True, world=failed_world())
    assert previewed.ok, previewed.errors


def test_a_deploy_that_fails_mid_rotation_leaves_the_secret_valid_and_the_next_one_finishes() -> (
    None
):
    """The cluster is down on rotation day: the new credential exists, the Secret
    keeps the one it held, and the replaced credential is deleted only at the end
    of the next deploy, after the Secret has moved."""
    config = FIXTURES["basic"]
    state = first_deploy(config)
    day = NEXT_30_DAY_PERIOD + timedelta(hours=1)

    failed = up(state, config, day, world=World(unreachable={SECRET}))
    assert failed.errors and not failed.ops("update", SECRET)
    assert [(o.action, o.resource.type) for o in failed.operations] == [("create", PASSWORD)]
    assert {r.type for r in failed.state.pending_delete} == {PASSWORD}
    assert problems(state, failed)[1:] == []  # only the failure itself

    after = up(failed.state, config, day + timedelta(hours=1))
    assert after.ok, after.errors
    actions = [(o.action, o.resource.type) for o in after.operations]
    assert actions[0] == ("update", SECRET)
    assert actions[1:] == [("delete", PASSWORD)]
    assert problems(failed.state, after) == []


def test_every_type_the_program_declares_has_its_facts() -> None:
    """A new resource type needs its row in facts.py (read in its provider's source)."""
    modeled = {*facts.TYPES, SECRET, facts.KUBERNETES_PROVIDER}
    declared = set()
    for name, config in FIXTURES.items():
        program, _ = run({**config, f"{PROJECT}:grantAdminConsent": name != "adoption"}, T0)
        declared |= {r.type for r in program.registrations if r.custom}
    assert declared == modeled


# --- moving today's Secret to the component's own provider ---------------------------


def recorded_state(fixture: str) -> State:
    data = json.loads((ROOT / "tests/deploy_sequence/state_0_1_0.json").read_text())
    entry = data["states"][fixture]
    resources = [Resource.from_json(r) for r in entry["resources"]]
    return State({r.urn: r for r in resources}, entry["config"], [])


# The fixtures 0.1.0's program was recorded on (it had no `clusters`).
RECORDED = sorted(
    json.loads((ROOT / "tests/deploy_sequence/state_0_1_0.json").read_text())["states"]
)


@pytest.mark.parametrize("fixture", RECORDED)
def test_upgrading_from_0_1_0_replaces_nothing(fixture: str) -> None:
    """The state 0.1.0 left (Secret on the default provider), then this program."""
    state = recorded_state(fixture)

    done = up(state, FIXTURES[fixture], T0)

    assert done.ok, done.errors
    assert problems(state, done) == []
    assert done.ops("replace") == [] and done.ops("delete") == []
    # The Secret only moves to the new provider; its data is unchanged.
    assert [s.op for s in done.steps if s.type == SECRET] in (["same"], ["update"])


def test_the_scheduled_rotation_targets_suffice_once_the_provider_is_deployed() -> None:
    """The scheduled rotation runs `up --target` on the commit last deployed,
    whose deploy made the Secret's provider: the targets need not name it."""
    from tools.rotation_targets import rotation_targets

    state = first_deploy(FIXTURES["basic"])
    program, full = run(FIXTURES["basic"], NEXT_30_DAY_PERIOD + timedelta(hours=1))
    done = deploy(state, program, config=full, targets=rotation_targets("sequence", clusters=[]))

    assert done.ok, done.errors
    assert [(s.op, s.type) for s in done.changes] == [("replace", PASSWORD), ("update", SECRET)]


def test_a_targeted_rotation_of_a_commit_never_deployed_creates_its_provider() -> None:
    """Providers are always part of a --target run (the real engine shows it:
    tests/real/test_engine_rules.py): on 0.1.0's state the rotation creates this
    version's Kubernetes provider and moves the Secret onto it without replacing it."""
    from tools.rotation_targets import rotation_targets

    state = recorded_state("basic")
    program, full = run(FIXTURES["basic"], NEXT_30_DAY_PERIOD + timedelta(hours=1))
    done = deploy(state, program, config=full, targets=rotation_targets("sequence", clusters=[]))

    assert not any("was not specified in --target list" in e for e in done.errors)
    assert not done.ops("replace", SECRET)


def with_an_earlier_releases_proof(state: State) -> State:
    """The state as a release before issue 20 left it: with its proof (a dynamic
    resource, recorded at 2b2d046 on the same fixture and stack)."""
    recorded = json.loads((ROOT / "tests/deploy_sequence/proof_state_2b2d046.json").read_text())
    proof = Resource.from_json(recorded["resource"])
    return State({**state.resources, proof.urn: proof}, dict(state.config), [])


def test_the_first_deploy_of_this_release_deletes_only_the_earlier_proof() -> None:
    state = with_an_earlier_releases_proof(first_deploy(FIXTURES["basic"]))

    done = up(state, FIXTURES["basic"], T0 + timedelta(days=1))

    assert done.ok, done.errors
    assert [(s.op, s.type) for s in done.changes] == [("delete", facts.CREDENTIAL_PROOF)]
    assert problems(state, done) == []


def test_a_targeted_rotation_on_an_earlier_releases_state_leaves_its_proof() -> None:
    """The targets no longer name the proof: the engine keeps it (an untargeted
    resource the program does not declare: step_generator.go GenerateDeletes), and the
    next full deploy deletes it."""
    from tools.rotation_targets import rotation_targets

    state = with_an_earlier_releases_proof(first_deploy(FIXTURES["basic"]))
    program, full = run(FIXTURES["basic"], NEXT_30_DAY_PERIOD + timedelta(hours=1))
    done = deploy(state, program, config=full, targets=rotation_targets("sequence", clusters=[]))

    assert done.ok, done.errors
    assert [(s.op, s.type) for s in done.changes] == [("replace", PASSWORD), ("update", SECRET)]
    assert done.state.of_type(facts.CREDENTIAL_PROOF)


# --- adoption -------------------------------------------------------------------------


def test_adoption_imports_the_app_and_takes_over_the_secret() -> None:
    done = up(initial_state(), FIXTURES["adoption"], T0, world=adoption_world())

    assert done.ok, done.errors
    assert [s.type for s in done.ops("import")] == [facts.APPLICATION, facts.SERVICE_PRINCIPAL]
    assert [s.op for s in done.steps if s.type == SECRET] == ["create"]


def test_adoption_then_updates_what_differs_and_says_so_first() -> None:
    """The live app is named "Pomerium"; the stack says otherwise. The engine
    imports it, then renames it (CLI >= 3.174), and the program said so before."""
    looked_up = PlaceholderCloud(
        tenant_id=TENANT,
        deployer_object_id=DEPLOYER,
        answers={
            "getApplication": {
                "clientId": "c0ffee00-0000-4000-8000-000000000001",
                "displayName": "Pomerium",
            },
            "getServicePrincipal": {"clientId": "c0ffee00-0000-4000-8000-000000000001"},
        },
    )
    program, full = run(FIXTURES["adoption"], T0, cloud=looked_up)
    done = deploy(initial_state(), program, config=full, world=adoption_world())

    assert done.ok, done.errors
    steps = [(s.op, s.type) for s in done.steps if s.type == facts.APPLICATION]
    assert steps == [("import", facts.APPLICATION), ("update", facts.APPLICATION)]
    assert "displayName" in done.ops("update", facts.APPLICATION)[0].reasons
    (warning,) = [w for w in program.warnings if "this deploy imports it" in w]
    assert "displayName: the application has 'Pomerium'; this deploy changes it to" in warning


def test_the_deploy_after_adoption_changes_nothing() -> None:
    config = FIXTURES["adoption"]
    done = up(initial_state(), config, T0, world=adoption_world())
    assert done.ok, done.errors

    assert up(done.state, config, T0 + timedelta(days=1), world=adoption_world()).changes == []


def groups_assigned_by_hand() -> tuple[World, dict[str, Any], dict[str, Any]]:
    """GROUP_1 assigned to the adopted enterprise application in the portal; the stack allows
    GROUP_1 and GROUP_2. Returns the world, the stack's config and Graph's list item."""
    listed = {
        "id": "pHcBHnjyWkuD6eFG7NBVnEFwzPsmCcNEiWnaMQbQZrA",
        "appRoleId": "00000000-0000-0000-0000-000000000000",
        "principalId": GROUP_1,
        "principalType": "Group",
        "resourceId": ADOPTED_SP,
    }
    world = adoption_world()
    world.groups_assigned_by_hand.add(GROUP_1)
    world.imports[f"/servicePrincipals/{ADOPTED_SP}/appRoleAssignedTo/{listed['id']}"] = {
        "appRoleId": listed["appRoleId"],
        "principalObjectId": GROUP_1,
        "resourceObjectId": ADOPTED_SP,
    }
    config = {**FIXTURES["adoption"], f"{PROJECT}:allowedGroups": [GROUP_1, GROUP_2]}
    return world, config, listed


def test_a_group_assigned_by_hand_made_the_adopting_deploy_fail() -> None:
    """Issue 20, defect 6, as the program was: both assignments plain creates."""
    world, config, _ = groups_assigned_by_hand()
    done = up(initial_state(), config, T0, world=world)
    assert done.errors == [
        "urn:pulumi:sequence::pomerium-azure-ad::pomerium-azure-ad:index:PomeriumIdentityProvider"
        "$azuread:index/appRoleAssignment:AppRoleAssignment::"
        "pomerium-group-1c7d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f: "
        "400 Request_BadRequest: Permission being assigned already exists on the object"
    ]


def test_a_group_assigned_by_hand_is_imported_the_other_created() -> None:
    world, config, listed = groups_assigned_by_hand()
    graph = fixed_reader(listed)
    done = up(initial_state(), config, T0, world=world, assignments=graph)

    assert done.ok, done.errors
    assigned = [
        (s.op, s.urn.rsplit("::", 1)[-1]) for s in done.steps if s.type == facts.APP_ROLE_ASSIGNMENT
    ]
    assert sorted(assigned) == [
        ("create", f"pomerium-group-{GROUP_2}"),
        ("import", f"pomerium-group-{GROUP_1}"),
    ]
    # The next deploy reads the same list: the same import ids as in the state, no change.
    later = up(done.state, config, T0 + timedelta(days=1), world=world, assignments=graph)
    assert later.changes == []


# --- admin consent ----------------------------------------------------------------------


def test_admin_consent_flips_on_and_off() -> None:
    off = FIXTURES["basic"]
    on = {**off, f"{PROJECT}:grantAdminConsent": True}
    state = first_deploy(off)

    granted = up(state, on, T0 + timedelta(days=1))
    assert [(s.op, s.type) for s in granted.changes] == [("create", facts.PERMISSION_GRANT)]

    revoked = up(granted.state, off, T0 + timedelta(days=2))
    assert [(s.op, s.type) for s in revoked.changes] == [("delete", facts.PERMISSION_GRANT)]


def test_a_grant_made_in_the_portal_is_adopted_not_created_twice() -> None:
    on = {**FIXTURES["basic"], f"{PROJECT}:grantAdminConsent": True}
    world = World(
        admin_consent_granted=True,
        imports={f"/oauth2PermissionGrants/{ADOPTED_GRANT}": {}},
    )
    state = first_deploy(FIXTURES["basic"])

    clicked = up(state, on, T0 + timedelta(days=1), world=world)
    assert any("409" in e for e in clicked.errors)

    adopted = up(
        state,
        {**on, f"{PROJECT}:adoptAdminConsentGrantId": ADOPTED_GRANT},
        T0 + timedelta(days=1),
        world=world,
    )
    assert adopted.ok, adopted.errors
    assert [s.type for s in adopted.ops("import")] == [facts.PERMISSION_GRANT]


# --- owners -------------------------------------------------------------------------------


def test_owner_ids_in_capitals_do_not_change_every_deploy() -> None:
    config = {**FIXTURES["basic"], f"{PROJECT}:owners": ["1C7D2E3F-4A5B-4C6D-8E7F-9A0B1C2D3E4F"]}
    state = first_deploy(config)
    assert up(state, config, T0 + timedelta(days=1)).changes == []


def test_a_preview_by_another_identity_shows_no_owner_change() -> None:
    config = {**FIXTURES["basic"], f"{PROJECT}:deployerObjectId": DEPLOYER}
    state = first_deploy(config)
    reviewer = PlaceholderCloud(tenant_id=TENANT, deployer_object_id=OTHER_IDENTITY)

    preview = up(state, config, T0 + timedelta(days=1), cloud=reviewer, preview=True)

    assert preview.changes == []


# --- weekly deploys through four rotation periods ---------------------------------------------
# Four periods from a start inside one: each slot ("a", "b") is replaced twice by a
# rotation, the last time while the other holds a credential that was itself rotated in
# (a full cycle of both slots, and the next one). The arithmetic over years and across the
# epoch is test_rotation.py's (pure); what this adds is the engine's steps for each
# resource graph, which repeat from the second cycle on.
PERIODS = 4


def weekly(
    config: dict[str, Any], start: datetime, weeks: int, *, world: World | None = None, **kw: Any
):
    state = initial_state()
    for week in range(weeks + 1):
        before = state
        done = up(state, config, start + timedelta(days=7 * week), world=world, **kw)
        yield week, before, done
        state = done.state


def period(moment: datetime, days: int) -> int:
    """Rotation periods are counted from 2024-01-01 (README, Rotation)."""
    return (moment - datetime(2024, 1, 1, tzinfo=UTC)) // timedelta(days=days)


def check_rotation_periods(
    config: dict[str, Any], days: int, *, world: World | None = None, **kw: Any
):
    start = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    weeks = -(-PERIODS * days // 7)  # enough weekly deploys to reach the fourth period start
    rotations = 0
    for week, before, done in weekly(config, start, weeks, world=world, **kw):
        assert problems(before, done) == [], f"week {week}"
        if week == 0:
            continue
        now, last = start + timedelta(days=7 * week), start + timedelta(days=7 * (week - 1))
        due = period(now, days) != period(last, days)
        assert replaced_credentials(done) == (1 if due else 0), f"week {week}"
        if not due:
            assert done.changes == [], f"week {week}: {done.changes}"
        rotations += due
    assert rotations >= PERIODS


@pytest.mark.parametrize("fixture", sorted(set(FIXTURES) - {"adoption"}))
def test_weekly_deploys_through_four_rotation_periods(fixture: str) -> None:
    config = FIXTURES[fixture]
    days = config.get(f"{PROJECT}:clientSecretRotationDays", 90)
    check_rotation_periods(config, days)


def test_weekly_deploys_through_four_rotation_periods_after_adoption() -> None:
    check_rotation_periods(FIXTURES["adoption"], 90, world=adoption_world())


@pytest.mark.stack_files
@pytest.mark.parametrize("stack", offline.stack_names())
def test_every_stack_file_deploys_through_four_rotation_periods(stack: str) -> None:
    """Whatever a team writes in its stack files, the promises hold."""
    config = offline.stack_config(stack)
    days = int(config[f"{PROJECT}:clientSecretRotationDays"])
    check_rotation_periods({}, days, stack=stack, stack_file=True)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    days=st.integers(min_value=14, max_value=124),
    gaps=st.lists(st.integers(min_value=1, max_value=7 * 24), min_size=8, max_size=40),
)
def test_deploys_at_any_gaps_of_up_to_a_week_keep_the_promises(days: int, gaps: list[int]) -> None:
    config = {**FIXTURES["basic"], f"{PROJECT}:clientSecretRotationDays": days}
    now = datetime(2027, 3, 1, tzinfo=UTC)
    state = first_deploy(config, now)
    for hours in gaps:
        now += timedelta(hours=hours)
        done = up(state, config, now)
        assert problems(state, done) == []
        assert replaced_credentials(done) <= 1
        state = done.state


# --- the facts were read at these versions ----------------------------------------------------


def test_the_facts_were_read_at_the_locked_versions() -> None:
    """When uv.lock moves a provider or the SDK, read the sources again
    (docs/deploy-facts.md) and update facts.py."""
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {p["name"]: p["version"] for p in lock["package"]}
    assert {name: locked[name] for name in facts.VERSIONS_READ} == facts.VERSIONS_READ


def test_the_cli_that_applies_the_rules_is_pinned() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["requiredPulumiVersion"] == f"={facts.CLI_VERSION_READ}"
    pinned = set()
    for workflow in sorted((ROOT / ".github").rglob("*.yml")):
        text = yaml.safe_load(workflow.read_text())
        for job in (text.get("jobs") or {}).values():
            for step in job.get("steps") or []:
                if str(step.get("uses", "")).startswith("pulumi/actions"):
                    pinned.add(str((step.get("with") or {}).get("pulumi-version")))
        for step in (text.get("runs") or {}).get("steps") or []:
            if str(step.get("uses", "")).startswith("pulumi/actions"):
                pinned.add(str((step.get("with") or {}).get("pulumi-version")))
    assert pinned == {facts.CLI_VERSION_READ}


@pytest.mark.parametrize("fixture", RECORDED)
def test_every_resource_keeps_its_urn(fixture: str) -> None:
    """The 0.1.0 snapshot's resources (type, name, parent) are all still declared,
    by URN or by an alias: a move without an alias would be a create and a delete."""
    state = recorded_state(fixture)
    program, _ = run(FIXTURES[fixture], T0)
    declared = {urn for r in program.registrations for urn in (r.urn, *r.aliases)}
    assert set(state.resources) - declared == set()


# --- several clusters -------------------------------------------------------------------


def test_a_rotation_moves_every_clusters_secret_before_deleting_the_old_credential() -> None:
    config = FIXTURES["clusters"]
    state = first_deploy(config)
    assert len(state.of_type(SECRET)) == 2

    done = up(state, config, NEXT_30_DAY_PERIOD + timedelta(hours=1))

    assert done.ok, done.errors
    actions = [(o.action, o.resource.type) for o in done.operations]
    last_update = max(i for i, a in enumerate(actions) if a == ("update", SECRET))
    first_delete = actions.index(("delete", PASSWORD))
    assert actions.count(("update", SECRET)) == 2 and last_update < first_delete
    assert problems(state, done) == []


def test_moving_a_stack_to_clusters_keeps_its_secret() -> None:
    """The same cluster (the stack's kubernetes:context is the first cluster's
    context): the Secret is aliased, DiffConfig sees the same cluster, the new
    clusters' providers and the other cluster's Secret are created, and only the
    old provider goes (deleting a provider touches no cluster). Both orders of
    the clusters, for real: tests/real/test_issue20_defects.py."""
    single = {
        f"{PROJECT}:authenticateServiceUrl": "https://authenticate.corp.example.net",
        "kubernetes:context": "aks-prod-east",
        f"{PROJECT}:protect": True,
        f"{PROJECT}:clientSecretRotationDays": 30,
    }
    state = first_deploy(single)

    done = up(state, FIXTURES["clusters"], T0 + timedelta(days=1))

    assert done.ok, done.errors
    assert problems(state, done) == []
    assert done.ops("replace") == []
    assert [s.urn.rsplit("::", 1)[1] for s in done.ops("delete")] == ["pomerium-kubernetes"]
    created = sorted(s.urn.rsplit("::", 1)[1] for s in done.ops("create"))
    assert created == [
        "pomerium-kubernetes-east",
        "pomerium-kubernetes-secret-west",
        "pomerium-kubernetes-west",
    ]
