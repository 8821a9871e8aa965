"""Starts lab.entra as a subprocess on a folder, as the lab's start script does."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import msal
import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Running:
    state_dir: Path
    process: subprocess.Popen[bytes]
    ready: dict[str, Any]

    @property
    def base(self) -> str:
        return f"https://{self.ready['metadata_host']}"

    @property
    def authority(self) -> str:
        return f"{self.base}/{self.ready['tenant_id']}"

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(self.base + path, verify=self.ready["ca_file"], timeout=10, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.post(self.base + path, verify=self.ready["ca_file"], timeout=10, **kwargs)

    def logged(self) -> list[dict[str, Any]]:
        """The stand-in's request log (secrets as digests: lab/entra/server.py), in order."""
        lines = (self.state_dir / "requests.jsonl").read_text().splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def knob(self, path: str, **body: Any) -> None:
        """One of the stand-in's /_lab/ calls (lab/entra/knobs.py)."""
        answer = self.post(path, json=body)
        assert answer.status_code == 204, answer.text

    def stop(self) -> bytes:
        """SIGTERM, as the lab's stop does; returns what it wrote to stdout."""
        self.process.terminate()
        out, _ = self.process.communicate(timeout=15)
        return out


def start(state_dir: Path, listen: str = "127.0.0.1:0") -> Running:
    (state_dir / "ready.json").unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "lab.entra", "--state-dir", str(state_dir), "--listen", listen],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    ready_file, deadline = state_dir / "ready.json", time.monotonic() + 30
    while not ready_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"the stand-in did not start: {process.communicate()[1]!r}")
        time.sleep(0.05)
    return Running(state_dir, process, json.loads(ready_file.read_text()))


def msal_token(running: Running, client_id: str, secret: str) -> dict[str, Any]:
    app = msal.ConfidentialClientApplication(
        client_id,
        client_credential=secret,
        authority=running.authority,
        instance_discovery=False,
    )
    return app.acquire_token_for_client(scopes=[f"{running.base}/.default"]) or {}


class Admin:
    """An administrator's Graph calls, with the lab's deploy identity."""

    def __init__(self, running: Running) -> None:
        ready = running.ready
        token = msal_token(running, ready["client_id"], ready["client_secret"])["access_token"]
        self.running, self.headers = running, {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, body: Any = None) -> requests.Response:
        return requests.request(
            method,
            self.running.base + "/v1.0" + path,
            json=body,
            headers=self.headers,
            verify=self.running.ready["ca_file"],
            timeout=10,
        )

    def register(self, name: str = "pomerium") -> dict[str, Any]:
        app = self.call("POST", "/applications", {"displayName": name}).json()
        assert self.call("POST", "/servicePrincipals", {"appId": app["appId"]}).status_code == 201
        return app

    def add_password(self, app: dict[str, Any], **credential: Any) -> requests.Response:
        path = f"/applications/{app['id']}/addPassword"
        return self.call("POST", path, {"passwordCredential": credential})


def end_in(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def administered(state_dir: Path) -> Iterator[Admin]:
    """A stand-in of its own on `state_dir`, its CA trusted (REQUESTS_CA_BUNDLE, which MSAL
    and requests read) while it runs, and an administrator's Graph calls to it."""
    running = start(state_dir)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("REQUESTS_CA_BUNDLE", running.ready["ca_file"])
            yield Admin(running)
    finally:
        running.stop()
