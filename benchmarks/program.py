"""Measure the program under Pulumi's mock engine against the SDK's import floor.

    uv run python benchmarks/program.py [--runs N]

Reports, in one process: the import floor (pulumi, pulumi_azuread and
pulumi_kubernetes.core.v1 imported in a fresh interpreter, median of a few),
the program's own time per stack after a warm-up run (median of N runs) with
its ratio to the floor, and the resources and invokes each stack declares.
Targets: program time under a tenth of the floor; at most one invoke for a
stack with default settings.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime

IMPORT_FLOOR = """
import time
start = time.perf_counter()
import pulumi, pulumi_azuread, pulumi_kubernetes.core.v1
print(time.perf_counter() - start)
"""


def import_floor(samples: int) -> float:
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", IMPORT_FLOOR], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(samples)
    ]
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per stack (default 20)")
    parser.add_argument("--floor-samples", type=int, default=5)
    options = parser.parse_args()

    floor = import_floor(options.floor_samples)
    from tools import offline  # imports the SDKs in this process

    now = datetime.now(UTC)
    rows = []
    for stack in offline.stack_names():
        run = offline.run_program(stack, now=now)  # warm-up
        times = []
        for _ in range(options.runs):
            start = time.perf_counter()
            offline.run_program(stack, now=now)
            times.append(time.perf_counter() - start)
        own = statistics.median(times)
        resources = len(run.registrations) - 1  # less the component itself
        rows.append((stack, own, own / floor, resources, len(run.invokes)))

    print(
        f"SDK import floor (fresh process, median of {options.floor_samples}): {floor * 1000:.0f} ms"
    )
    print()
    print("| stack | program time (median) | ratio to floor | resources | invokes |")
    print("| --- | --- | --- | --- | --- |")
    for stack, own, ratio, resources, invokes in rows:
        print(f"| {stack} | {own * 1000:.1f} ms | {ratio:.3f} | {resources} | {invokes} |")
    worst = max(ratio for _, _, ratio, _, _ in rows)
    print()
    print(f"target: ratio < 0.1 -> {'met' if worst < 0.1 else 'MISSED'} (worst {worst:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
