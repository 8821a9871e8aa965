"""Command line entry point (`uv run pomerium-azure-ad ...`)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("pomerium-azure-ad: the offline plan is not built yet", file=sys.stderr)
    return 2
