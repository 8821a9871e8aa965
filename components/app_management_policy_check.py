"""The component's check of the tenant's app management policy (thin Pulumi shell).

Runs before anything is registered, in every preview and deploy: a verdict that stops raises
RunError (one message, no traceback); a policy that could not be read is a warning and the
deploy goes on. The reader is injected (policy_reader.use_reader) under the mock engine.
"""

import pulumi

from . import clock, clouds, graph_access, policy_reader, policy_verdict
from .settings import Settings

PREFIX = policy_verdict.LOG_PREFIX


def check(settings: Settings, cloud: clouds.Cloud | None = None) -> None:
    """Before anything is registered, preview included: does the tenant's app management
    policy let this stack add its client secrets (policy_verdict.py)? `cloud`: the one a
    metadata host describes, whose Graph and sign-in hosts replace the environment's."""
    request = policy_reader.PolicyRequest(
        environment=settings.azure_environment,
        display_name=settings.display_name,
        application_object_id=settings.adopt_application_object_id,
        **graph_access.graph_access(cloud),
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
