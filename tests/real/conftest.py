"""The real layer: the lab (./scripts/lab start) for the whole session, stopped at its end.

Runs in a pytest process of its own (scripts/test), since the automation API runs the program
in this process and the mock-engine suite replaces the same runtime. Without Go the lab cannot
be built: outside CI the layer is skipped and scripts/test says so; in CI it fails.
"""

import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def parse_exports(text: str) -> dict[str, str]:
    env = {}
    for line in text.splitlines():
        words = shlex.split(line)
        assert len(words) == 2 and words[0] == "export" and "=" in words[1], line
        name, _, value = words[1].partition("=")
        env[name] = value
    return env


@pytest.fixture(scope="session")
def lab() -> Iterator[dict[str, str]]:
    if shutil.which("go") is None:
        message = "the real layer did not run: Go is not installed, so the lab cannot be built"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    started = subprocess.run(
        [str(ROOT / "scripts" / "lab"), "start"], capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        pytest.fail(f"./scripts/lab start failed:\n{started.stderr}")
    env = parse_exports(started.stdout)
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        yield env
    finally:
        os.environ.clear()
        os.environ.update(saved)
        subprocess.run([str(ROOT / "scripts" / "lab"), "stop"], check=False, capture_output=True)


@pytest.fixture(autouse=True)
def no_tenant_is_read() -> Iterator[None]:
    """Overrides tests/conftest.py's: here the program reads the lab's tenant for real."""
    yield
