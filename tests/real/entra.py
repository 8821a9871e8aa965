"""What an administrator does in the tenant, through Graph, against the lab's stand-in: the
same calls as in a real tenant (Graph v1.0 applications, addPassword, removePassword)."""

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import msal
import requests

from .conftest import ROOT

REQUEST_LOG = ROOT / ".lab" / "entra" / "requests.jsonl"


def _base() -> str:
    return f"https://{os.environ['ARM_METADATA_HOSTNAME']}"


def _token() -> str:
    app = msal.ConfidentialClientApplication(
        os.environ["ARM_CLIENT_ID"],
        client_credential=os.environ["ARM_CLIENT_SECRET"],
        authority=f"{_base()}/{os.environ['ARM_TENANT_ID']}",
        instance_discovery=False,
    )
    result = app.acquire_token_for_client(scopes=[f"{_base()}/.default"])
    assert "access_token" in result, result
    return str(result["access_token"])


def graph(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    response = requests.request(
        method,
        f"{_base()}/v1.0{path}",
        json=body,
        headers={"Authorization": f"Bearer {_token()}"},
        timeout=30,
    )
    assert response.status_code < 300, (response.status_code, response.text)
    return response.json() if response.content else None


@dataclass(frozen=True)
class Password:
    key_id: str
    secret_text: str
    end_date: str = ""


@dataclass(frozen=True)
class Application:
    object_id: str
    client_id: str

    def add_password(self, days: int = 180) -> Password:
        end = (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
        made = graph(
            "POST",
            f"/applications/{self.object_id}/addPassword",
            {"passwordCredential": {"displayName": "lab", "endDateTime": end}},
        )
        return Password(made["keyId"], made["secretText"], made["endDateTime"])

    def remove_password(self, password: Password) -> None:
        graph("POST", f"/applications/{self.object_id}/removePassword", {"keyId": password.key_id})


def register_application(name: str) -> Application:
    """The application and its service principal, as the component's azuread resources make
    them (Entra ID issues no token to an application without one in the tenant)."""
    made = graph("POST", "/applications", {"displayName": name})
    graph("POST", "/servicePrincipals", {"appId": made["appId"]})
    return Application(made["id"], made["appId"])


def lab_knob(path: str, body: dict[str, Any]) -> None:
    """One of the stand-in's own calls for tests (lab/entra/knobs.py)."""
    answer = requests.post(f"{_base()}{path}", json=body, timeout=10)
    assert answer.status_code == 204, answer.text


def requests_logged() -> list[dict[str, Any]]:
    if not REQUEST_LOG.exists():
        return []
    return [json.loads(line) for line in REQUEST_LOG.read_text().splitlines() if line.strip()]


def token_requests(client_id: str) -> list[dict[str, Any]]:
    """The token endpoint's requests for this client (the proof's), in order."""
    return [
        r
        for r in requests_logged()
        if r["path"].endswith("/oauth2/v2.0/token")
        and (r.get("body") or {}).get("client_id") == client_id
    ]
