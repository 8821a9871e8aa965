"""Starts the policy pack: Pulumi runs this folder with the project's .venv
(see PulumiPolicy.yaml) from inside it, so the project root, which holds both
`components` and this `policy` package, is put on the import path first."""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.append(_ROOT)

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from policy.pack import DESCRIPTION, NAME, POLICIES  # noqa: E402

PolicyPack(
    name=NAME,
    policies=POLICIES,
    enforcement_level=EnforcementLevel.MANDATORY,
    description=DESCRIPTION,
)
