"""Record the state a version of the program leaves, for the upgrade tests.

    uv run python -m tests.deploy_sequence.record_state > tests/deploy_sequence/state_0_1_0.json

was run on the 0.1.0 program (commit cd377d4), with this package and the mock
runner's recording of URNs, providers and outputs added (the runner was then
components/offline.py, now tools/offline.py): what that program declares for each
fixture at RECORDED_AT, as the state a deploy of it leaves (adoption's imports
included, as if they had worked).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime

from .engine import Resource
from .fixtures import FIXTURES
from .sequence import run

RECORDED_AT = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def main() -> int:
    states = {}
    for name, config in FIXTURES.items():
        program, full = run(config, RECORDED_AT)
        states[name] = {
            "config": full,
            "resources": [Resource.of(r).to_json() for r in program.registrations],
        }
    json.dump({"recorded_at": RECORDED_AT.isoformat(), "states": states}, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
