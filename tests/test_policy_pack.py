"""The pack as Pulumi runs it: `python -u -m pulumi.policy <engine> .` inside
policy/, with the interpreter of the virtualenv PulumiPolicy.yaml names,
answering the analyzer protocol the CLI speaks (no CLI here: the test plays
the CLI's side of the gRPC calls)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import proto

from components.graph import DEFAULT_GRAPH_SCOPES, GRAPH_APP_ID
from policy import resource_types as types
from policy.harness import UNKNOWN, urn
from policy.pack import NAME, POLICIES

PROJECT_DIR = Path(__file__).resolve().parent.parent
POLICY_DIR = PROJECT_DIR / "policy"
ROLE = "5b567255-7703-4780-807c-7be8301ae99b"
# `python -m pulumi.policy <engine> .`, as Pulumi's pulumi-analyzer-policy-python
# runs it, but with the project root taken off the import path first (uv's
# editable install puts it there), so the test shows the pack finds
# `components` and `policy` by itself.
WITHOUT_PROJECT_ON_PATH = f"""
import runpy, sys
from pathlib import Path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path({str(PROJECT_DIR)!r})]
try:
    import components
except ImportError:
    pass
else:
    sys.exit("components is importable without the pack's own path set-up")
runpy.run_module("pulumi.policy", run_name="__main__", alter_sys=True)
"""


def test_pulumi_policy_yaml_runs_the_pack_in_the_projects_uv_environment() -> None:
    spec = yaml.safe_load((POLICY_DIR / "PulumiPolicy.yaml").read_text())
    assert spec["runtime"]["name"] == "python"
    options = spec["runtime"]["options"]
    # Pulumi resolves a relative virtualenv against the pack's folder; uv and
    # Pulumi's uv toolchain put the project's environment next to uv.lock.
    assert (POLICY_DIR / options["virtualenv"]).resolve() == PROJECT_DIR / ".venv"
    assert (PROJECT_DIR / "uv.lock").exists() and options["toolchain"] == "uv"


@pytest.fixture(scope="module")
def analyzer() -> Iterator[Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env |= {"PULUMI_PROJECT": "pomerium-azure-ad", "PULUMI_STACK": "prod", "PULUMI_DRY_RUN": "true"}
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", WITHOUT_PROJECT_ON_PATH, "127.0.0.1:0", "."],
        cwd=POLICY_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = _first_line(process, timeout=60)
        assert port.isdigit(), f"the pack did not start: {port!r} {_stderr(process)}"
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        yield proto.AnalyzerStub(channel)
        channel.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    line: list[str] = []
    stdout = process.stdout
    assert stdout is not None
    reader = threading.Thread(target=lambda: line.append(stdout.readline()))
    reader.start()
    reader.join(timeout)
    return line[0].strip() if line else ""


def _stderr(process: subprocess.Popen[str]) -> str:
    process.terminate()
    return process.communicate(timeout=10)[1]


def _struct(values: dict[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


def _analyze(stub: Any, resource_type: str, props: dict[str, Any], stack: str = "prod") -> Any:
    return stub.Analyze(
        proto.AnalyzeRequest(
            type=resource_type,
            properties=_struct(props),
            urn=urn(resource_type, "app", stack=stack),
            name="app",
            options=proto.AnalyzerResourceOptions(protect=True),
        )
    )


def test_the_pack_describes_its_policies_levels_and_config(analyzer: Any) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == NAME and info.supportsConfig
    policies = {p.name: p for p in info.policies}
    assert set(policies) == {p.name for p in POLICIES}
    assert policies["production-application-protected"].enforcementLevel == proto.ADVISORY
    assert policies["graph-delegated-permissions-only"].enforcementLevel == proto.MANDATORY
    schema = policies["graph-delegated-permissions-only"].configSchema.properties
    assert list(schema["allowedScopes"]["default"]) == list(DEFAULT_GRAPH_SCOPES)


def test_violations_are_mandatory_and_unknowns_become_advisory_notes(analyzer: Any) -> None:
    props = {
        "signInAudience": "AzureADMyOrg",
        "owners": UNKNOWN,
        "requiredResourceAccesses": [
            {"resourceAppId": GRAPH_APP_ID, "resourceAccesses": [{"id": ROLE, "type": "Role"}]}
        ],
    }
    diagnostics = {
        d.policyName: d for d in _analyze(analyzer, types.APPLICATION, props).diagnostics
    }
    assert set(diagnostics) == {"graph-delegated-permissions-only", "application-has-owner"}
    role = diagnostics["graph-delegated-permissions-only"]
    assert role.enforcementLevel == proto.MANDATORY and "type Role" in role.message
    owners = diagnostics["application-has-owner"]
    assert owners.enforcementLevel == proto.ADVISORY
    assert "during preview" in owners.message and "owners" in owners.message


def test_config_reaches_the_policy_it_names(analyzer: Any) -> None:
    props = {"signInAudience": "AzureADMultipleOrgs", "owners": ["x"]}
    before = _analyze(analyzer, types.APPLICATION, props).diagnostics
    assert [d.policyName for d in before] == ["single-tenant-sign-in"]
    analyzer.Configure(
        proto.ConfigureAnalyzerRequest(
            policyConfig={
                "single-tenant-sign-in": proto.PolicyConfig(
                    enforcementLevel=proto.MANDATORY,
                    properties=_struct({"allowMultiTenant": True}),
                )
            }
        )
    )
    assert list(_analyze(analyzer, types.APPLICATION, props).diagnostics) == []


def test_the_stack_policy_counts_client_secrets(analyzer: Any) -> None:
    app_id = "/applications/72e2ccb5-41a4-57e2-a334-6159a99381f3"
    secrets = [
        proto.AnalyzerResource(
            type=types.APPLICATION_PASSWORD,
            properties=_struct({"applicationId": app_id, "endDate": "2027-01-01T00:00:00Z"}),
            urn=urn(types.APPLICATION_PASSWORD, name),
            name=name,
        )
        for name in ("a", "b", "c")
    ]
    response = analyzer.AnalyzeStack(proto.AnalyzeStackRequest(resources=secrets))
    [diagnostic] = response.diagnostics
    assert diagnostic.policyName == "client-secrets-per-application"
    assert "3 client secrets" in diagnostic.message
