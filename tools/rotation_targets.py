"""The resources the scheduled rotation may change, as `pulumi up --target` URNs.

    uv run pomerium-azure-ad rotation-targets --stack prod

prints one URN a line: the two ApplicationPassword slots and every cluster's Kubernetes
Secret (children of the component; the cluster names come from the stack file's
`clusters`), plus the component and the root stack, so that their outputs
(client_secret_expires_at, read after the rotation) are written too; neither of those two
has anything in the cloud. Everything else (the Application, its service principal, admin
consent) stays as it is: changing those is the reviewed deploy's job.

The proof that Entra ID accepts the new client secret needs no target: the program makes it
before it registers the Secrets, in every `pulumi up` (components/proof_step.py). No URN of
the proof resource of earlier releases either: the engine refuses a target that is neither
in the state nor declared ("one or more targets could not be found in the stack",
pkg/resource/deploy/deployment_executor.go checkTargets, v3.277.0), and the first full
deploy of this release removes it from the state.

The names follow identity_provider.py and __main__.py; a test runs the program under
the mock engine and compares.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from components.identity_provider import TYPE_TOKEN
from components.rotation import SLOTS
from components.settings import PROJECT

from .stack_choice import StackChoiceError, check_stack

CLUSTERS_KEY = f"{PROJECT}:clusters"

# The component's name in __main__.py.
COMPONENT_NAME = "pomerium"
APPLICATION_PASSWORD_TYPE = "azuread:index/applicationPassword:ApplicationPassword"
KUBERNETES_SECRET_TYPE = "kubernetes:core/v1:Secret"
STACK_TYPE = "pulumi:pulumi:Stack"


def urn(stack: str, qualified_type: str, name: str, *, project: str = PROJECT) -> str:
    """A URN as the Pulumi engine makes it: a child's type is prefixed with its
    parent's (`parent$child`), except for children of the root stack."""
    return f"urn:pulumi:{stack}::{project}::{qualified_type}::{name}"


def cluster_names(stack: str, project_dir: Path | None = None) -> list[str]:
    """The names of the stack's `clusters` (none: one cluster, the Secret unsuffixed);
    StackChoiceError for a stack this project has no (valid) stack file for."""
    config = check_stack(stack, project_dir)
    return [str(c.get("name", "")) for c in json.loads(config.get(CLUSTERS_KEY, "[]"))]


def rotation_targets(
    stack: str,
    *,
    project: str = PROJECT,
    clusters: list[str] | None = None,
    project_dir: Path | None = None,
) -> list[str]:
    """`clusters`: the stack's cluster names (cluster_names); None reads them."""
    names = cluster_names(stack, project_dir) if clusters is None else clusters

    def child(type_: str, name: str) -> str:
        return urn(stack, f"{TYPE_TOKEN}${type_}", f"{COMPONENT_NAME}-{name}", project=project)

    secrets = [f"kubernetes-secret-{name}" for name in names] or ["kubernetes-secret"]
    return [
        *(child(APPLICATION_PASSWORD_TYPE, f"client-secret-{slot}") for slot in SLOTS),
        *(child(KUBERNETES_SECRET_TYPE, name) for name in secrets),
        urn(stack, TYPE_TOKEN, COMPONENT_NAME, project=project),
        # The Python SDK names the root stack resource "<project>-<stack>".
        urn(stack, STACK_TYPE, f"{project}-{stack}", project=project),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="pomerium-azure-ad rotation-targets", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--stack", required=True, help="stack name, without organization")
    parser.add_argument("--project-dir", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        targets = rotation_targets(args.stack, project_dir=args.project_dir)
    except StackChoiceError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 2
    print("\n".join(targets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
