"""Record the proof resource a deploy leaves in the state, for the package tests.

    uv run python -m tests.deploy_sequence.record_proof > tests/deploy_sequence/proof_state_2b2d046.json

was run at commit 2b2d046, the last one before the project became an installable
package (issue 21): the state's `__provider` is what the engine hands the
dynamic provider host when it deletes that proof (the first `pulumi up` after issue
20, or a destroy). It runs only at a commit whose program declares the proof as a
dynamic resource (before issue 20's fix); kept as the record of how the file was made.
"""

from __future__ import annotations

import json
import sys

from .engine import Resource
from .fixtures import FIXTURES
from .record_state import RECORDED_AT
from .sequence import run


def main() -> int:
    program, _ = run(FIXTURES["basic"], RECORDED_AT)
    (proof,) = [r for r in program.registrations if r.type == "pulumi-python:dynamic:Resource"]
    json.dump({"commit": "2b2d046", "resource": Resource.of(proof).to_json()}, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
