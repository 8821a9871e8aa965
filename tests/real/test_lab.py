"""The lab itself: what ran is what the project pins, its interface holds, and it stops clean."""

import json
import os
import shutil
import ssl
import subprocess
import urllib.request
from pathlib import Path

import yaml

from .conftest import ROOT

LAB = str(ROOT / "scripts" / "lab")


def test_the_cli_that_runs_is_the_one_pulumi_yaml_requires(lab: dict[str, str]) -> None:
    required = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["requiredPulumiVersion"]
    ran = subprocess.run(["pulumi", "version"], capture_output=True, text=True, check=True)
    assert required == f"={ran.stdout.strip().removeprefix('v')}"


def test_the_kubernetes_plugin_on_path_is_the_served_v4_25_0(lab: dict[str, str]) -> None:
    """The engine uses the plugin on PATH whatever version it reports: this is that plugin."""
    plugin = shutil.which("pulumi-resource-kubernetes")
    assert plugin is not None
    info = subprocess.run(
        ["go", "version", "-m", plugin], capture_output=True, text=True, check=True
    )
    # The one commit of the provider module the proxy serves, tag v4.25.0.
    assert (
        "github.com/pulumi/pulumi-kubernetes/provider/v4\tv4.0.0-20260115033456-f47bc2d6f199"
        in info.stdout
    )
    assert "pkg/version.Version=4.25.0" in info.stdout


def test_both_api_servers_report_their_release(lab: dict[str, str]) -> None:
    config = yaml.safe_load(Path(lab["KUBECONFIG"]).read_text())
    assert [c["name"] for c in config["contexts"]] == ["blue", "green"]
    assert config["current-context"] == "blue"
    token = config["users"][0]["user"]["token"]
    for entry in config["clusters"]:
        context = ssl.create_default_context()
        context.load_verify_locations(cadata=_ca(entry))
        request = urllib.request.Request(
            f"{entry['cluster']['server']}/version", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            assert json.load(answer)["gitVersion"] == "v1.34.4"


def _ca(entry: dict) -> str:
    import base64

    return base64.b64decode(entry["cluster"]["certificate-authority-data"]).decode()


def test_the_engine_is_told_never_to_download(lab: dict[str, str]) -> None:
    assert lab["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] == "true"
    assert lab["PULUMI_SKIP_UPDATE_CHECK"] == "true"
    assert lab["PULUMI_BACKEND_URL"].startswith("file://")


def test_without_go_the_lab_says_why(tmp_path: Path) -> None:
    path = os.pathsep.join(
        p for p in os.environ["PATH"].split(os.pathsep) if not (Path(p) / "go").exists()
    )
    env = {**os.environ, "PATH": path, "HOME": os.environ.get("HOME", str(tmp_path))}
    done = subprocess.run([LAB, "build"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode != 0
    assert "Go is not installed" in done.stderr
    assert done.stdout == ""
