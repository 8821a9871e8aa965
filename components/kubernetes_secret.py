"""The guide's last step, as Pulumi resources: the Secret Pomerium reads, in every cluster,
written through a Kubernetes provider of the component's own and updated in place at every
rotation. The component calls it; the lab's program (tests/real/) calls the same code, so the
real engine decides what these resources do."""

import pulumi
import pulumi_kubernetes as kubernetes

from .secret_data import (
    LABELS,
    PATCH_FORCE_ANNOTATION,
    SECRET_TYPE,
    IdentityProviderValues,
    secret_data,
)
from .settings import Cluster, Settings

PATCH_FORCE = {PATCH_FORCE_ANNOTATION: "true"}


def write_kubernetes_secrets(
    component: pulumi.ComponentResource,
    name: str,
    settings: Settings,
    values: pulumi.Output[tuple[str, str, str]],
) -> list[kubernetes.core.v1.Secret]:
    """One Secret per cluster. `values` is (client id, client secret, provider URL)."""
    if settings.several_clusters and component.get_provider("kubernetes::Secret"):
        raise pulumi.RunError(
            "clusters: each cluster's Secret goes through a Kubernetes provider of the "
            "component's own (its context); do not pass the component a kubernetes provider"
        )
    return [
        _secret(component, name, settings, cluster, values, first=index == 0)
        for index, cluster in enumerate(settings.clusters)
    ]


def _secret(
    component: pulumi.ComponentResource,
    name: str,
    settings: Settings,
    cluster: Cluster,
    values: pulumi.Output[tuple[str, str, str]],
    *,
    first: bool,
) -> kubernetes.core.v1.Secret:
    adopting = settings.adopt_kubernetes_secret
    data = values.apply(
        lambda v: secret_data(
            IdentityProviderValues(
                client_id=v[0],
                client_secret=v[1],
                provider_url=v[2],
                authenticate_service_url=cluster.authenticate_service_url,
            )
        )
    )
    opts = pulumi.ResourceOptions(parent=component, protect=settings.protect)
    provider = _provider(component, name, settings, cluster, first=first)
    if provider is not None:
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=provider))
    # A stack moving to `clusters` keeps its Secret: the first cluster's was
    # the single cluster's (same cluster, so DiffConfig replaces nothing).
    if cluster.name and first:
        opts = pulumi.ResourceOptions.merge(
            opts,
            pulumi.ResourceOptions(aliases=[pulumi.Alias(name=f"{name}-kubernetes-secret")]),
        )
    return kubernetes.core.v1.Secret(
        cluster_resource_name(f"{name}-kubernetes-secret", cluster),
        metadata=kubernetes.meta.v1.ObjectMetaArgs(
            name=cluster.secret_name,
            namespace=cluster.namespace,
            labels=LABELS,
            # Taking over a Secret made by hand: this annotation lets the
            # server-side apply take the fields another manager (kubectl) owns.
            annotations=PATCH_FORCE if adopting else None,
        ),
        type=SECRET_TYPE,
        string_data=pulumi.Output.secret(data),  # type: ignore[arg-type]
        opts=opts,
    )


def _provider(
    component: pulumi.ComponentResource,
    name: str,
    settings: Settings,
    cluster: Cluster,
    *,
    first: bool,
) -> kubernetes.Provider | None:
    """The Kubernetes provider a Secret is written through, unless the caller
    passed one (the policy pack checks that one has enableSecretMutable).

    Without enableSecretMutable, pulumi-kubernetes replaces a Secret whose data
    changes, deleting it first since it is named, and the engine refuses to
    replace a protected one: every rotation would take the Secret away, and
    fail in a protected stack. An explicit provider does not read the stack's
    `kubernetes:*` config: a single cluster's provider gets the settings that
    choose the cluster, forwarded (with the same cluster, moving the Secret here
    from the default provider replaces nothing: docs/deploy-facts.md,
    DiffConfig); each of several clusters' gets only its context's name."""
    if component.get_provider("kubernetes::Secret") is not None:
        return None
    aliases = [pulumi.Alias(name=f"{name}-kubernetes")] if cluster.name and first else None
    return kubernetes.Provider(
        cluster_resource_name(f"{name}-kubernetes", cluster),
        _provider_args(settings, cluster),
        opts=pulumi.ResourceOptions(parent=component, aliases=aliases),
    )


def _provider_args(settings: Settings, cluster: Cluster) -> kubernetes.ProviderArgs:
    # Since pulumi-kubernetes 4.29.0 a create fails with AlreadyExists when the
    # object exists: upsert only while taking one over. Changing it later
    # updates the provider in place.
    upsert = True if settings.adopt_kubernetes_secret else None
    if cluster.name:
        return kubernetes.ProviderArgs(
            context=cluster.context,
            cluster_identifier=cluster.name,
            enable_secret_mutable=True,
            upsert_existing_objects=upsert,
        )
    # A kubeconfig's contents may hold credentials: kept secret. Not
    # renderYamlToDirectory: it would write the client secret to disk.
    stack = pulumi.Config("kubernetes")
    return kubernetes.ProviderArgs(
        kubeconfig=stack.get_secret("kubeconfig"),
        context=stack.get("context"),
        cluster=stack.get("cluster"),
        cluster_identifier=stack.get("clusterIdentifier"),
        enable_secret_mutable=True,
        upsert_existing_objects=upsert,
    )


def cluster_resource_name(base: str, cluster: Cluster) -> str:
    """A resource name of the cluster's own: derived from its stable name, so adding
    or removing a cluster touches only its resources."""
    return f"{base}-{cluster.name}" if cluster.name else base
