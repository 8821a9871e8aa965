"""How long the deploy waits for Entra ID to accept a new client secret.

    uv run python benchmarks/proof.py

Runs the real proof (MSAL, components/proof.py) against the lab's Entra ID stand-in
(lab/entra/, started as the lab starts it), told to answer "not replicated yet"
(AADSTS7000215) for a set delay, as Entra ID does while it replicates. Reports, per
delay, the time the proof took, its overshoot past the delay (target: at most 2 s),
and its ratio to the fixed 60 s wait it replaced, measured in one run.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from components import proof
from tests.lab.standin import Admin, Running, end_in, start

OLD_FIXED_WAIT = 60.0


def measure(entra: Running, delay: float) -> tuple[float, int]:
    admin = Admin(entra)
    app = admin.register("benchmark")
    secret = admin.add_password(app, endDateTime=end_in(30)).json()["secretText"]
    entra.knob("/_lab/not-replicated", client_id=app["appId"], seconds=delay, code=7000215)
    started = time.monotonic()
    tries = proof.prove(
        lambda: proof.request_token(
            entra.authority, app["appId"], secret, f"{entra.base}/.default"
        ),
        secret=secret,
    )
    return time.monotonic() - started, tries


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        entra = start(Path(folder))
        os.environ["REQUESTS_CA_BUNDLE"] = entra.ready["ca_file"]
        try:
            print(
                "| accepted after | proof took | overshoot | tries | ratio to the old 60 s wait |"
            )
            print("| --- | --- | --- | --- | --- |")
            for delay in (0.0, 4.0, 18.0):
                took, tries = measure(entra, delay)
                print(
                    f"| {delay:.0f} s | {took:.2f} s | {took - delay:.2f} s | {tries} | "
                    f"{took / OLD_FIXED_WAIT:.3f} |"
                )
        finally:
            entra.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
