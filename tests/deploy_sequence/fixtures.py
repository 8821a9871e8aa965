"""The tests' own stacks: one per feature, as config a stack file would hold.

These are the project's fixtures, not the example stacks in `stacks/` (those
are the team's to edit). Values are written out by hand; ids are made-up GUIDs.
"""

from __future__ import annotations

from typing import Any

PROJECT = "pomerium-azure-ad"
TENANT = "0303f438-3c5c-4190-9854-08d3eb31bd9f"
DEPLOYER = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
OTHER_IDENTITY = "a1b2c3d4-e5f6-4a1b-8c2d-3e4f5a6b7c8d"
GROUP_1 = "1c7d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
GROUP_2 = "2d8e3f4a-5b6c-4d7e-9f80-a1b2c3d4e5f6"
ADOPTED_APP = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
ADOPTED_SP = "8b7c6d5e-4f3a-4b2c-8d9e-0f1a2b3c4d5e"
ADOPTED_GRANT = "Qk9HVVMtZ3JhbnQtaWQtZm9yLXRlc3RzLW9ubHk"


def key(name: str) -> str:
    return name if ":" in name else f"{PROJECT}:{name}"


BASE = {key("authenticateServiceUrl"): "https://authenticate.corp.example.net"}

FIXTURES: dict[str, dict[str, Any]] = {
    "basic": {**BASE, key("clientSecretRotationDays"): 30},
    "protect": {**BASE, key("protect"): True, key("clientSecretRotationDays"): 90},
    "groups": {
        **BASE,
        key("allowedGroups"): [GROUP_1, GROUP_2],
        key("clientSecretRotationDays"): 60,
    },
    "consent": {**BASE, key("grantAdminConsent"): True},
    "clouds": {**BASE, "azuread:environment": "usgovernment"},
    "kubeconfig": {
        **BASE,
        "kubernetes:context": "aks-prod-westeurope",
        "kubernetes:kubeconfig": "/home/ci/.kube/config",
    },
    "clusters": {
        key("clusters"): [
            {
                "name": "east",
                "context": "aks-prod-east",
                "authenticateServiceUrl": "https://authenticate.corp.example.net",
            },
            {
                "name": "west",
                "context": "aks-prod-west",
                "authenticateServiceUrl": "https://authenticate-west.corp.example.net",
            },
        ],
        key("protect"): True,
        key("clientSecretRotationDays"): 30,
    },
    "adoption": {
        **BASE,
        key("adoptApplicationObjectId"): ADOPTED_APP,
        key("adoptServicePrincipalObjectId"): ADOPTED_SP,
        key("adoptKubernetesSecret"): True,
        key("protect"): True,
    },
}
