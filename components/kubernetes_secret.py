"""The guide's last step, as Pulumi resources: the Secret Pomerium reads, in every cluster,
written through a Kubernetes provider of the component's own and updated in place at every
rotation. The component calls it; the lab's program (tests/real/) calls the same code, so the
real engine decides what these resources do."""

import os
from collections.abc import Sequence

import pulumi
import pulumi_kubernetes as kubernetes

from . import kubeconfig
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
    keeps: Sequence[pulumi.Resource] = (),
) -> list[kubernetes.core.v1.Secret]:
    """One Secret per cluster. `values` is (client id, client secret, provider URL).

    `keeps`: what sign-in needs beside the credential (group assignments, the admin consent),
    made dependencies of each Secret. A destroy deletes dependents first and, when a protected
    Secret's delete fails, skips everything it depends on (pulumi/pulumi v3.277.0
    pkg/resource/deploy/deployment_executor.go, the errored steps' TransitiveDependenciesOf),
    so a protected stack's destroy leaves sign-in working."""
    if settings.several_clusters and component.get_provider("kubernetes::Secret"):
        raise pulumi.RunError(
            "clusters: each cluster's Secret goes through a Kubernetes provider of the "
            "component's own (its context); do not pass the component a kubernetes provider"
        )
    kept = _kept_cluster(settings)
    return [
        _secret(component, name, settings, cluster, values, keeps, kept=cluster is kept)
        for cluster in settings.clusters
    ]


def _kept_cluster(settings: Settings) -> Cluster | None:
    """Of a stack's `clusters`, the one its single-cluster Secret is in: the cluster the
    ambient kubeconfig's context (or `kubernetes:context`) names, matched by API server URL,
    whatever its place in the list. That cluster's Secret takes over the single one (an
    alias); the Secret in a cluster the stack did not use is created, and a Secret in a
    cluster the stack leaves is deleted at the end of the deploy."""
    if not settings.several_clusters and not settings.clusters[0].name:
        return None
    config = kubeconfig.ambient(os.environ)
    single = kubeconfig.server_of(config, pulumi.Config("kubernetes").get("context"))
    if single is None:  # no kubeconfig to tell by (the mock engine, an offline preview)
        return settings.clusters[0]
    return next(
        (c for c in settings.clusters if kubeconfig.server_of(config, c.context) == single), None
    )


def _secret(
    component: pulumi.ComponentResource,
    name: str,
    settings: Settings,
    cluster: Cluster,
    values: pulumi.Output[tuple[str, str, str]],
    keeps: Sequence[pulumi.Resource],
    *,
    kept: bool,
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
    opts = pulumi.ResourceOptions(
        parent=component,
        protect=settings.protect,
        depends_on=list(keeps),
        retain_on_delete=_retained(settings),
    )
    provider = _provider(component, name, settings, cluster)
    if provider is not None:
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=provider))
    # A stack moving to `clusters` keeps its Secret in the cluster it is in (_kept_cluster).
    # Its provider is not aliased: the engine then asks the new provider's DiffConfig about
    # the change, which replaces nothing for the same cluster (docs/deploy-facts.md).
    if cluster.name and kept:
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


def _retained(settings: Settings) -> bool | None:
    """An adopted Secret is retained on delete (defect 5 of issue 20).

    While adopting, the provider upserts, so any create of this Secret in its cluster takes
    the live object over, and the old resource's delete then removes it by name
    (pulumi-kubernetes provider/pkg/await/await.go `Deletion`, v4.25.0 and v4.32.0:
    `client.Delete(ctx, name, ...)`, no precondition; 4.29.0's CHANGELOG, #2926, and the
    SDK's `upsert_existing_objects` docstring name this). The engine creates the Secret anew
    in the same cluster when its provider is replaced (DiffConfig: a changed
    clusterIdentifier, or a kubeconfig/context/cluster naming another cluster entry; such a
    replacement is create-first) and when its URN changes (a `clusters` entry renamed): both
    deleted the live Secret in the lab. Retained, the old resource leaves the state without a
    call to the provider (pulumi/pulumi v3.277.0 pkg/resource/deploy/step.go
    `(*DeleteStep).Apply`: `else if s.old.RetainOnDelete`), and the new one keeps writing the
    Secret Pomerium reads. The engine reads the flag from the old state: it protects from
    the deploy after the one that records it."""
    return True if settings.adopt_kubernetes_secret else None


def _provider(
    component: pulumi.ComponentResource,
    name: str,
    settings: Settings,
    cluster: Cluster,
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
    return kubernetes.Provider(
        cluster_resource_name(f"{name}-kubernetes", cluster),
        _provider_args(settings, cluster),
        opts=pulumi.ResourceOptions(parent=component),
    )


def _provider_args(settings: Settings, cluster: Cluster) -> kubernetes.ProviderArgs:
    # Since pulumi-kubernetes 4.29.0 a create fails with AlreadyExists when the
    # object exists: upsert only while taking one over, and say so either way, so
    # that PULUMI_K8S_UPSERT_EXISTING_OBJECTS cannot turn it on (the SDK and
    # Configure read it when the input is absent). Changing it later updates the
    # provider in place (DiffConfig: not a replacing key).
    upsert = settings.adopt_kubernetes_secret
    # The ambient kubeconfig is the provider's to find when it runs (KUBECONFIG): an empty
    # kubeconfig, not the SDK's default of the KUBECONFIG path, which the state would keep
    # and a later run where that path does not exist could not read (pulumi-kubernetes
    # provider.go: DiffConfig parses the old value first; Configure treats "" as unset).
    if cluster.name:
        return kubernetes.ProviderArgs(
            kubeconfig="",
            context=cluster.context,
            cluster_identifier=cluster.name,
            enable_secret_mutable=True,
            upsert_existing_objects=upsert,
        )
    # A kubeconfig's contents may hold credentials: kept secret. Not
    # renderYamlToDirectory: it would write the client secret to disk.
    stack = pulumi.Config("kubernetes")
    return kubernetes.ProviderArgs(
        kubeconfig=stack.get_secret("kubeconfig") or "",
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
