"""Pomerium as a plain Deployment reading the identity stack's Secret with `envFrom`.

Not used by __main__.py (the ingress controller needs none of this): an example for
clusters that run the Pomerium container directly. Environment variables are read
once at start, so the pod template carries client_secret_expires_at as an annotation:
when the rotation moves the Secret to a new credential, the annotation changes and
Kubernetes rolls the pods over to it.
"""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as kubernetes

EXPIRES_ANNOTATION = "pomerium-azure-ad/client-secret-expires-at"


def pomerium_deployment(
    identity: pulumi.StackReference,
    *,
    image: str = "pomerium/pomerium:latest",
    settings_secret_name: str = "pomerium-settings",
    opts: pulumi.ResourceOptions | None = None,
) -> kubernetes.apps.v1.Deployment:
    namespace_and_name = identity.require_output("kubernetes_secret").apply(
        lambda value: value.split("/", 1)
    )
    labels = {"app.kubernetes.io/name": "pomerium"}
    return kubernetes.apps.v1.Deployment(
        "pomerium",
        metadata=kubernetes.meta.v1.ObjectMetaArgs(namespace=namespace_and_name[0], labels=labels),
        spec=kubernetes.apps.v1.DeploymentSpecArgs(
            replicas=2,
            selector=kubernetes.meta.v1.LabelSelectorArgs(match_labels=labels),
            template=kubernetes.core.v1.PodTemplateSpecArgs(
                metadata=kubernetes.meta.v1.ObjectMetaArgs(
                    labels=labels,
                    annotations={
                        EXPIRES_ANNOTATION: identity.require_output("client_secret_expires_at")
                    },
                ),
                spec=kubernetes.core.v1.PodSpecArgs(
                    containers=[
                        kubernetes.core.v1.ContainerArgs(
                            name="pomerium",
                            image=image,
                            # IDP_PROVIDER, IDP_PROVIDER_URL, IDP_CLIENT_ID,
                            # IDP_CLIENT_SECRET, AUTHENTICATE_SERVICE_URL
                            env_from=[
                                kubernetes.core.v1.EnvFromSourceArgs(
                                    secret_ref=kubernetes.core.v1.SecretEnvSourceArgs(
                                        name=namespace_and_name[1]
                                    )
                                ),
                                # Yours: SHARED_SECRET, COOKIE_SECRET and Pomerium's
                                # other settings, as environment variables.
                                kubernetes.core.v1.EnvFromSourceArgs(
                                    secret_ref=kubernetes.core.v1.SecretEnvSourceArgs(
                                        name=settings_secret_name
                                    )
                                ),
                            ],
                            ports=[
                                kubernetes.core.v1.ContainerPortArgs(
                                    name="https", container_port=443
                                )
                            ],
                        )
                    ]
                ),
            ),
        ),
        opts=opts,
    )
