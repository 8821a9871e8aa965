"""verify's app management policy line: the policy that applies to the stack's application,
and whether the client secret in the cluster conforms to it (policy_verdict.py's rules).

A secret that breaks the policy keeps working until its end date (Graph: existing secrets are
never revoked by a policy); what fails is the next rotation, so that is what a FAIL says.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from components import policy_reader, rotation
from components.app_management_policy import PASSWORD_ADDITION, PASSWORD_LIFETIME, Policy
from components.policy_verdict import ExistingSecret, Reading, largest_fitting_rotation_days

NAME = "app management policy"
MORE = "see docs/app-management-policies.md"


def policy_check(
    outputs: dict[str, Any], now: datetime, environment: str, graph_url: str, login_host: str = ""
) -> tuple[bool | None, str]:
    """(ok, detail): None when the policy could not be read. `login_host`: where the token
    for Graph is asked for ("": the environment's sign-in host)."""
    request = policy_reader.PolicyRequest(
        environment=environment,
        display_name="",
        application_object_id=str(outputs.get("application_object_id") or ""),
        graph_url=graph_url,
        login_host=login_host,
    )
    reading = policy_reader.current()(request)
    policy = reading.policy
    if policy is None:
        return None, f"not read: {reading.offline or '; '.join(reading.unread)}"
    created = reading.application.created if reading.application else now
    ends = rotation.parse_graph_date(str(outputs["client_secret_expires_at"]))
    blocked = policy.restriction(PASSWORD_ADDITION, created)
    if blocked is not None:
        return False, (
            f"{policy.name} blocks new client secrets ({blocked.since}): the Secret's keeps "
            f"working until {rotation.format_graph_date(ends)}, the next rotation will be "
            f"refused; {MORE}"
        )
    return _lifetime(policy, reading, created, ends)


def _lifetime(
    policy: Policy, reading: Reading, created: datetime, ends: datetime
) -> tuple[bool | None, str]:
    cap = policy.restriction(PASSWORD_LIFETIME, created)
    if cap is None or cap.max_lifetime is None:
        return True, f"{policy.name} applies and does not restrict client secrets"
    secret = _secret_ending(reading, ends)
    if secret is None or secret.start is None:
        return (
            None,
            f"{policy.name} caps client secrets at {cap.max_lifetime_text}; the Secret's was not found on the application",
        )
    lives = secret.end - secret.start
    days = lives / timedelta(days=1)
    head = f"{policy.name} caps client secrets at {cap.max_lifetime_text}; the Secret's ({secret.display_name}) lives {days:.1f} days"
    if lives <= cap.max_lifetime:
        return True, f"{head}: conforms"
    largest = largest_fitting_rotation_days(cap.max_lifetime)
    fix = f"set clientSecretRotationDays to {largest} or less" if largest else "no rotation fits"
    return False, f"{head}, longer: the next rotation will be refused ({fix}; {MORE})"


def _secret_ending(reading: Reading, ends: datetime) -> ExistingSecret | None:
    secrets = reading.application.secrets if reading.application else ()
    return next((s for s in secrets if s.end == ends), None)
