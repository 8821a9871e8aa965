"""Command line entry point (`uv run pomerium-azure-ad ...`).

`plan` needs nothing but this project's Python environment: no Pulumi CLI, no
cloud credentials, no cluster. Exit status: 0 when every stack is valid, 1
when any is not, 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from . import clock
from .rotation import format_graph_date
from .settings import PROJECT


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


def parser() -> argparse.ArgumentParser:
    from .offline import PROJECT_DIR
    from .plan.manifests import DEFAULT_BOOTSTRAP_SECRET

    root = argparse.ArgumentParser(
        prog=PROJECT,
        description="Pomerium's Microsoft Entra ID application, as a Pulumi project.",
    )
    commands = root.add_subparsers(dest="command", required=True)
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
    plan.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help=argparse.SUPPRESS)
    return root


def run_plan(args: argparse.Namespace) -> int:
    from . import offline
    from .plan import manifests, policies, redact, runner, text

    project_dir: Path = args.project_dir
    known = offline.stack_names(project_dir)
    stacks = args.stack or known
    unknown = [s for s in stacks if s not in known]
    if unknown:
        print(
            f"pomerium-azure-ad plan: no stack file for {', '.join(unknown)} "
            f"(stacks: {', '.join(known) or 'none'})",
            file=sys.stderr,
        )
        return 2
    if args.out is not None and args.out.exists() and not args.out.is_dir():
        print(f"pomerium-azure-ad plan: --out {args.out} is a file, not a folder", file=sys.stderr)
        return 2
    try:
        pack_config = policies.read_pack_config(args.policy_pack_config)
    except policies.PackConfigError as error:
        print(f"pomerium-azure-ad plan: --policy-pack-config {error}", file=sys.stderr)
        return 2
    # The real clock unless --at: the override lives only in this process.
    now = args.at or clock.current().now()
    results = runner.plan_stacks(stacks, now=now, project_dir=project_dir, pack_config=pack_config)

    files: dict[str, list[str]] = {}
    if args.out:
        for result in results:
            if not (result.ok and result.plan and result.run):
                continue
            try:
                rendered = manifests.render(
                    result.run,
                    result.plan,
                    secrets=result.secrets,
                    bootstrap_secret=args.bootstrap_secret,
                    project_dir=project_dir,
                )
            except manifests.ManifestError as error:
                result.errors.append(str(error))
                continue
            try:
                files[result.stack] = _write(args.out / result.stack, rendered, result)
            except OSError as error:
                result.errors.append(f"--out: cannot write {error.filename}: {error.strerror}")

    secrets = set().union(*(r.secrets for r in results))
    if args.json:
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
                    "plan": asdict(r.plan) if r.plan else None,
                    "files": files.get(r.stack, []),
                }
                for r in results
            ],
        }
        output = json.dumps(document, indent=2) + "\n"
    else:
        output = text.render(results, files=files)
    sys.stdout.write(redact.check(output, secrets))
    return 0 if all(r.ok for r in results) else 1


def _write(folder: Path, rendered: list, result: object) -> list[str]:
    from .plan import manifests, redact

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in rendered:
        path = folder / item.filename
        text = manifests.to_yaml(item, result.plan.placeholders)  # type: ignore[attr-defined]
        path.write_text(redact.check(text, result.secrets))  # type: ignore[attr-defined]
        written.append(str(path))
    return written


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "plan":
        return run_plan(args)
    return 2  # pragma: no cover - argparse requires a command
