"""The component's check of the tenant's app management policy (thin Pulumi shell).

Runs before anything is registered, in every preview and deploy: a verdict that stops raises
RunError (one message, no traceback); a policy that could not be read is a warning and the
deploy goes on. The reader is injected (policy_reader.use_reader) under the mock engine.
"""

from urllib.parse import urlsplit

import pulumi

from . import clock, clouds, policy_reader, policy_verdict
from .settings import Settings

PREFIX = policy_verdict.LOG_PREFIX

# The azuread provider's settings that choose its credentials (policy_credentials.py).
_CREDENTIAL_KEYS = (
    "tenantId",
    "clientId",
    "clientSecret",
    "useOidc",
    "oidcToken",
    "oidcTokenFilePath",
    "oidcRequestUrl",
    "oidcRequestToken",
)


def check(settings: Settings, cloud: clouds.Cloud | None = None) -> None:
    """Before anything is registered, preview included: does the tenant's app management
    policy let this stack add its client secrets (policy_verdict.py)? `cloud`: the one a
    metadata host describes, whose Graph and sign-in hosts replace the environment's."""
    azuread_config = pulumi.Config("azuread")
    hosts = {}
    if cloud is not None:
        hosts = {
            "graph_url": cloud.graph_scope.removesuffix("/.default"),
            "login_host": urlsplit(cloud.authority_host).netloc,
        }
    request = policy_reader.PolicyRequest(
        environment=settings.azure_environment,
        display_name=settings.display_name,
        application_object_id=settings.adopt_application_object_id,
        provider={k: v for k in _CREDENTIAL_KEYS if (v := azuread_config.get(k))},
        **hosts,
    )
    reading = policy_reader.current()(request)
    verdict = policy_verdict.decide(
        reading, settings.client_secret_rotation_days, clock.current().now(), settings.display_name
    )
    if verdict.stops:
        raise pulumi.RunError(verdict.message)
    if verdict.outcome is policy_verdict.Outcome.UNCHECKED and reading.unread:
        pulumi.log.warn(
            f"{PREFIX}{verdict.message}. The deploy goes on without checking that Entra ID accepts "
            "its client secrets; grant the permission named to enable the check "
            "(docs/app-management-policies.md)."
        )
    else:
        pulumi.log.info(PREFIX + verdict.message)
