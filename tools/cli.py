"""Command line entry point (`uv run pomerium-azure-ad ...`), the stable way to
call the tools that run beside `pulumi up`:

- `plan`: what a deploy of each stack would declare, offline (no Pulumi CLI,
  cloud credentials or cluster); exit 0 when every stack is valid, 1 when any
  is not, 2 for a wrong command line;
- `expiry-check` and `rotation-targets`: the scheduled rotation's checks
  (expiry_check.py, rotation_targets.py);
- `verify`: the credential in the cluster against the stack, the issuer and the
  token endpoint (verify.py).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .plan.runner import StackResult

from components import clock
from components.rotation import format_graph_date
from components.settings import PROJECT


def _moment(text: str) -> datetime:
    """--at: an ISO 8601 date or date-time; without a zone it is UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date such as 2027-01-31 or 2027-01-31T12:00:00Z; got {text!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _namespaced_name(text: str) -> str:
    from .plan.manifests import NAMESPACED_NAME

    if not NAMESPACED_NAME.match(text):
        raise argparse.ArgumentTypeError(f"expected <namespace>/<name>; got {text!r}")
    return text


TIMELINE_HELP = (
    "also draw each stack's client secrets over the next half year, the Secret's switches, "
    "the scheduled deploys and today, into FILE (.svg, .png or .pdf)"
)


def _what_to_plan_against(plan: argparse.ArgumentParser) -> None:
    """The inputs a deploy would take from elsewhere: the time, the policy pack's
    settings, the tenant's app management policy."""
    plan.add_argument(
        "--at",
        type=_moment,
        metavar="DATE",
        help="plan as if deploying at DATE (ISO 8601, UTC unless given), e.g. to see "
        "rotation; affects this command only, never a deploy",
    )
    plan.add_argument(
        "--policy-pack-config",
        type=Path,
        metavar="FILE",
        help="the policy pack's settings, the JSON file the pipeline passes to "
        "`pulumi preview --policy-pack-config` (default: the pack's defaults)",
    )
    plan.add_argument(
        "--app-management-policy",
        type=Path,
        metavar="FILE",
        help="plan against this tenant's app management policy: the JSON Graph returns for "
        "GET /policies/defaultAppManagementPolicy or for a per-app policy (a deploy reads it "
        "from the tenant)",
    )


def parser() -> argparse.ArgumentParser:
    from .offline import PROJECT_DIR
    from .plan.manifests import DEFAULT_BOOTSTRAP_SECRET

    root = argparse.ArgumentParser(
        prog=PROJECT,
        description="Pomerium's Microsoft Entra ID application, as a Pulumi project.",
    )
    commands = root.add_subparsers(dest="command", required=True)
    for name, module in DELEGATED.items():
        commands.add_parser(name, help=f"see `{PROJECT} {name} --help` ({module})")
    plan = commands.add_parser(
        "plan",
        help="show what a deploy of each stack would declare, offline",
        description=(
            "Run the Pulumi program for each stacks/Pulumi.<stack>.yaml under Pulumi's mock "
            "engine and show what a deploy would declare. Needs no Pulumi CLI, cloud "
            "credentials or cluster: ids only the cloud knows appear as <placeholders>, "
            "secret values never appear. Exits 1 if any stack is invalid."
        ),
    )
    plan.add_argument(
        "--stack",
        action="append",
        metavar="NAME",
        help="plan only this stack (repeatable); default: every stack file",
    )
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="write DIR/<stack>/kubernetes-secret.yaml and DIR/<stack>/pomerium.yaml, validated",
    )
    plan.add_argument(
        "--bootstrap-secret",
        type=_namespaced_name,
        default=DEFAULT_BOOTSTRAP_SECRET,
        metavar="NAMESPACE/NAME",
        help="Pomerium's bootstrap Secret, for the Pomerium resource's spec.secrets "
        f"(default: {DEFAULT_BOOTSTRAP_SECRET})",
    )
    _what_to_plan_against(plan)
    plan.add_argument("--timeline", type=Path, metavar="FILE", help=TIMELINE_HELP)
    plan.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help=argparse.SUPPRESS)
    return root


class UsageError(Exception):
    """A wrong command line: said on stderr, exit 2."""


def _stacks(args: argparse.Namespace) -> list[str]:
    from . import offline

    known = offline.stack_names(args.project_dir)
    stacks: list[str] = args.stack or known
    unknown = [s for s in stacks if s not in known]
    if unknown:
        raise UsageError(
            f"no stack file for {', '.join(unknown)} (stacks: {', '.join(known) or 'none'})"
        )
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} is a file, not a folder")
    return stacks


def _pack_config(args: argparse.Namespace) -> dict[str, Any]:
    from .plan import policies

    try:
        return policies.read_pack_config(args.policy_pack_config)
    except policies.PackConfigError as error:
        raise UsageError(f"--policy-pack-config {error}") from None


def _policy_reader(args: argparse.Namespace) -> Any:
    """--app-management-policy FILE: a reader that answers the file's policy."""
    from components import policy_reader

    if args.app_management_policy is None:
        return None
    try:
        reading = policy_reader.reading_from_file(args.app_management_policy)
    except (OSError, ValueError) as error:
        raise UsageError(f"--app-management-policy {args.app_management_policy}: {error}") from None
    return policy_reader.fixed_reader(reading)


def _write_files(args: argparse.Namespace, results: list[StackResult]) -> dict[str, list[str]]:
    """--out: each valid stack's Secret and Pomerium resource, validated."""
    from .plan import manifests

    files: dict[str, list[str]] = {}
    for result in results:
        if not (result.ok and result.plan and result.run):
            continue
        try:
            rendered = manifests.render(
                result.run,
                result.plan,
                secrets=result.secrets,
                bootstrap_secret=args.bootstrap_secret,
                project_dir=args.project_dir,
            )
            files[result.stack] = _write(args.out / result.stack, rendered, result)
        except manifests.ManifestError as error:
            result.errors.append(str(error))
        except OSError as error:
            result.errors.append(f"--out: cannot write {error.filename}: {error.strerror}")
    return files


def _json(now: datetime, results: list[StackResult], files: dict[str, list[str]]) -> str:
    document = {
        "at": format_graph_date(now),
        "ok": all(r.ok for r in results),
        "stacks": [
            {
                "stack": r.stack,
                "ok": r.ok,
                "errors": r.errors,
                "problems": r.problems,
                "warnings": r.warnings,
                "encrypted": r.encrypted,
                "plan": asdict(r.plan) if r.plan else None,
                "files": files.get(r.stack, []),
            }
            for r in results
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def run_plan(args: argparse.Namespace) -> int:
    from .plan import redact, runner, text

    try:
        stacks, pack_config = _stacks(args), _pack_config(args)
        reader = _policy_reader(args)
    except UsageError as error:
        print(f"{PROJECT} plan: {error}", file=sys.stderr)
        return 2
    # The real clock unless --at: the override lives only in this process.
    now = args.at or clock.current().now()
    results = runner.plan_stacks(
        stacks, now=now, project_dir=args.project_dir, pack_config=pack_config, reader=reader
    )
    files = _write_files(args, results) if args.out else {}
    if args.timeline:
        from .timeline_draw import write_for_plan

        write_for_plan(args.timeline, results, today=now, project_dir=args.project_dir)
    output = _json(now, results, files) if args.json else text.render(results, files=files)
    sys.stdout.write(redact.check(output, set().union(*(r.secrets for r in results))))
    return 0 if all(r.ok for r in results) else 1


def _write(folder: Path, rendered: list[Any], result: StackResult) -> list[str]:
    from .plan import manifests, redact

    assert result.plan is not None
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in rendered:
        path = folder / item.filename
        text = manifests.to_yaml(item, result.plan.placeholders)
        path.write_text(redact.check(text, result.secrets))
        written.append(str(path))
    return written


# Subcommands with a parser of their own: `pomerium-azure-ad NAME --help`.
DELEGATED = {
    "expiry-check": "tools.expiry_check",
    "rotation-targets": "tools.rotation_targets",
    "verify": "tools.verify",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        import importlib

        command: Any = importlib.import_module(DELEGATED[argv[0]])
        return int(command.main(argv[1:]))
    args = parser().parse_args(argv)
    if args.command == "plan":
        return run_plan(args)
    return 2  # pragma: no cover - argparse requires a command
