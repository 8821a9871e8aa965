"""The Kubernetes Secret carrying the IdP credentials: where it lives, what it holds."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from components.secret_data import (
    CLIENT_SECRET_KEYS,
    INGRESS_CONTROLLER_KEYS,
    SECRET_KEYS,
    SECRET_MUTABLE_SETTING,
)

from . import resource_types
from .values import Deferred, get, is_unknown

FORBIDDEN_NAMESPACES = ("default", "kube-system")
# A Secret holding any of these carries the IdP credentials.
_CREDENTIAL_KEYS = frozenset(INGRESS_CONTROLLER_KEYS + CLIENT_SECRET_KEYS)

DESCRIPTION = (
    "The Kubernetes Secret with Pomerium's IdP credentials is not in the "
    f"{' or '.join(FORBIDDEN_NAMESPACES)} namespace (where many workloads and people can "
    f"read Secrets) and holds every key Pomerium reads: {', '.join(SECRET_KEYS)}."
)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != resource_types.KUBERNETES_SECRET:
        return
    data, string_data = get(args.props, "data"), get(args.props, "stringData")
    keys_known = not is_unknown(data) and not is_unknown(string_data)
    keys = {*(data or {}), *(string_data or {})} if keys_known else set()
    # Which Secret: the component's, or any whose known keys are credentials.
    if not (resource_types.created_by_component(args.urn) or keys & _CREDENTIAL_KEYS):
        return
    deferred = Deferred()

    namespace = get(args.props, "metadata", "namespace")
    if is_unknown(namespace):
        deferred.add("metadata.namespace")
    elif not namespace:
        report_violation(
            "the Secret has no metadata.namespace, so it lands in the provider's default "
            "namespace (often default): set Pomerium's namespace (the project's "
            "kubernetesNamespace config).",
            None,
        )
    elif namespace in FORBIDDEN_NAMESPACES:
        report_violation(
            f"the Secret is in the {namespace} namespace: move it to Pomerium's own namespace "
            "(the project's kubernetesNamespace config, default pomerium).",
            None,
        )

    if not keys_known:
        # A new or rotating client secret makes all of the Secret's data unknown.
        deferred.add("the Secret's data (the keys Pomerium reads)")
    else:
        missing = [key for key in SECRET_KEYS if key not in keys or _empty(args, key)]
        if missing:
            report_violation(
                f"the Secret lacks {', '.join(missing)} (or has them empty): Pomerium's ingress "
                f"controller reads {' and '.join(INGRESS_CONTROLLER_KEYS)}, a Pomerium container "
                "reads the others as environment variables; write every key (the "
                "PomeriumIdentityProvider component does).",
                None,
            )
    deferred.finish()


def _empty(args: ResourceValidationArgs, key: str) -> bool:
    """True if the key's values are known and all empty (an unknown value counts as set)."""
    values = [get(args.props, field, key) for field in ("data", "stringData")]
    present = [v for v in values if v is not None]
    return bool(present) and all(not is_unknown(v) and v == "" for v in present)


MUTABLE_DESCRIPTION = (
    "The Kubernetes provider that writes the Secret with Pomerium's IdP credentials has "
    "enableSecretMutable, so that a rotation updates the Secret in place: without it, "
    "pulumi-kubernetes replaces the Secret, deleting it first, and refuses in a protected stack."
)


def validate_mutable(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != resource_types.KUBERNETES_SECRET or args.provider is None:
        return
    if not resource_types.created_by_component(args.urn):
        return
    value = args.provider.props.get(SECRET_MUTABLE_SETTING)
    if value is True or value == "true":
        return
    report_violation(
        f"the Secret is written through provider {args.provider.name}, which lacks "
        f"{SECRET_MUTABLE_SETTING}: every rotation would delete and re-create it (and fail in a "
        "protected stack). Pass the component a kubernetes.Provider with "
        "enable_secret_mutable=True, or none (it makes its own).",
        None,
    )
