"""Which cluster a kubeconfig context names (no Pulumi import).

The component needs it to keep a stack's Secret when the stack moves to `clusters`: the
Secret stays with the cluster it is in, whichever place that cluster has in the list. The
kubeconfig is the ambient one, as kubectl and the Kubernetes provider find it (the files in
KUBECONFIG, else ~/.kube/config): only its names and server URLs are read, never a
credential, and nothing of it is kept in the stack's state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml


def files(environment: Mapping[str, str]) -> list[Path]:
    """The kubeconfig files, in the order client-go merges them (clientcmd's loading rules:
    KUBECONFIG's list, else ~/.kube/config)."""
    listed = environment.get("KUBECONFIG", "")
    if listed:
        return [Path(p).expanduser() for p in listed.split(os.pathsep) if p]
    return [Path("~/.kube/config").expanduser()]


def merged(documents: list[Mapping[str, Any]]) -> dict[str, Any]:
    """client-go's merge: the first file that sets a value, or names an entry, wins."""
    current = next((d["current-context"] for d in documents if d.get("current-context")), None)
    result: dict[str, Any] = {"current-context": current}
    for kind in ("clusters", "contexts"):
        seen: dict[str, Any] = {}
        for document in documents:
            for entry in document.get(kind) or []:
                seen.setdefault(entry.get("name"), entry.get(kind[:-1]) or {})
        result[kind] = seen
    return result


def server_of(config: Mapping[str, Any], context: str | None) -> str | None:
    """The API server URL of `context` (else the current context), or None if not named."""
    name = context or config.get("current-context")
    found = (config.get("contexts") or {}).get(name) or {}
    cluster = (config.get("clusters") or {}).get(found.get("cluster")) or {}
    server = cluster.get("server")
    return str(server) if server else None


def ambient(environment: Mapping[str, str]) -> dict[str, Any]:
    """The merged ambient kubeconfig; empty when there is none (a preview on a machine
    without one, the mock engine)."""
    documents = []
    for path in files(environment):
        try:
            loaded = yaml.safe_load(path.read_text())
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(loaded, Mapping):
            documents.append(loaded)
    return merged(documents)
