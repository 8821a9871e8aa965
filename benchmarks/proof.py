"""How long the deploy waits for Entra ID to accept a new client secret.

    uv run python benchmarks/proof.py

Runs the real proof (MSAL, components/proof.py) against the loopback https
stand-in of tests/entra_standin.py, which accepts the secret only after a set
delay, as Entra ID does while it replicates. Reports, per delay, the time the
proof took, its overshoot past the delay (target: at most 2 s), and its ratio to
the fixed 60 s wait it replaced, measured in one run.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components import proof
from tests.entra_standin import Behaviour, entra_standin

OLD_FIXED_WAIT = 60.0
SECRET = "benchmark-secret"


def measure(delay: float, ca_file: Path) -> tuple[float, int]:
    with entra_standin(Behaviour(secret=SECRET, accept_after=delay), ca_file) as authority:
        started = time.monotonic()
        tries = proof.prove(
            lambda: proof.request_token(
                authority, "client", SECRET, "https://graph.microsoft.com/.default"
            ),
            secret=SECRET,
        )
        return time.monotonic() - started, tries


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        ca_file = Path(folder) / "ca.pem"
        os.environ["REQUESTS_CA_BUNDLE"] = os.environ["CURL_CA_BUNDLE"] = str(ca_file)
        print("| accepted after | proof took | overshoot | tries | ratio to the old 60 s wait |")
        print("| --- | --- | --- | --- | --- |")
        for delay in (0.0, 4.0, 18.0):
            took, tries = measure(delay, ca_file)
            print(
                f"| {delay:.0f} s | {took:.2f} s | {took - delay:.2f} s | {tries} | "
                f"{took / OLD_FIXED_WAIT:.3f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
