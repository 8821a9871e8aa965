"""Pomerium as a plain Deployment reading the identity stack's Secret.

Not used by __main__.py (the ingress controller needs none of this): an example for
clusters that run the Pomerium container directly.

The client secret rotates, and the scheduled rotation deploys only the identity stack, so
nothing in *this* stack changes when it does. The pods therefore read the client secret
from a file, not from an environment variable:

- the Secret's `client_secret` key is mounted as a read-only secret volume (never with
  `subPath`: a subPath mount is a bind mount of one file and never receives updates), and
  `IDP_CLIENT_SECRET_FILE` (Pomerium's `idp_client_secret_file`) names the file in it;
- the kubelet rewrites a secret volume in place when the Secret changes (a new timestamped
  directory, then an atomic rename of the `..data` symlink), within its sync period plus
  its cache delay, usually a minute or two;
- Pomerium watches the files its settings name, `idp_client_secret_file` included, and
  with the `config_hot_reload` runtime flag (on by default) reloads its configuration
  when one changes: running pods move to the new credential without a restart, long
  before the one they replaced is deleted (at the next rotation, N days later).

The other keys (IDP_PROVIDER, IDP_PROVIDER_URL, IDP_CLIENT_ID, AUTHENTICATE_SERVICE_URL) do
not change on rotation, so they stay environment variables, each taken by name with
`secretKeyRef`. The Secret is deliberately not read with `envFrom`: that would also hand
the pod IDP_CLIENT_SECRET, a copy frozen at start. (Pomerium raises no error when both
are set; its GetClientSecret prefers the file, but a stale copy in the environment is
one more place for the secret to leak and a trap for whoever reads the pod spec.)

The pod template has no annotation that follows the credential: the earlier
`client_secret_expires_at` annotation only changed when this stack was redeployed, which
the scheduled rotation never does, so it did not restart anything when it mattered.

If hot reload is disabled (`runtime_flags: {config_hot_reload: false}`), Pomerium stops
watching the file. Sign-in still reads it on each request, but the databroker's session
refresh keeps the authenticator it built with the old secret until the configuration
changes or the pod restarts; once the old credential is deleted (N days after the
rotation) those refreshes fail. With hot reload off, restart the pods after every
rotation (`kubectl rollout restart deployment/pomerium`, or a controller such as
stakater/Reloader), within those N days.

Checked in pomerium/pomerium at c8ace109fe2a40a0e1d58b90476c7bec360a6980:
config/options.go (`idp_client_secret_file`; env names are the upper-cased mapstructure
keys, bindEnvs; GetClientSecret reads the file raw with os.ReadFile, no trimming, and
prefers it to idp_client_secret), config/config_source.go (getAllConfigFilePaths lists
ClientSecretFile; FileWatcherSource re-triggers the config when the files' hash changes),
config/runtime_flags.go (`config_hot_reload`, default true), internal/fileutil/watcher.go
(polls each named path every 200 ms with os.Stat, which follows the symlinks, comparing
size, mtime and a content hash; fsnotify on the parent directory only speeds it up), and
databroker/databroker.go with pkg/identity/manager/config.go (the cached authenticator).
Kubelet's side: kubernetes/kubernetes pkg/volume/util/atomic_writer.go (AtomicWriter.Write).
"""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as kubernetes

# Where the Secret's client secret appears in the container, and the key the identity
# stack writes it under (components/secret_data.py: INGRESS_CONTROLLER_KEYS).
SECRET_VOLUME = "idp-client-secret"
SECRET_MOUNT_PATH = "/etc/pomerium/idp"
CLIENT_SECRET_KEY = "client_secret"
CLIENT_SECRET_FILE = f"{SECRET_MOUNT_PATH}/{CLIENT_SECRET_KEY}"

# Keys of the identity stack's Secret that do not rotate: environment variables of the
# same name. IDP_CLIENT_SECRET is left out on purpose (see the module docstring).
ENVIRONMENT_KEYS = ("IDP_PROVIDER", "IDP_PROVIDER_URL", "IDP_CLIENT_ID", "AUTHENTICATE_SERVICE_URL")


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
    secret_name = namespace_and_name[1]
    labels = {"app.kubernetes.io/name": "pomerium"}
    environment = [
        kubernetes.core.v1.EnvVarArgs(
            name=key,
            value_from=kubernetes.core.v1.EnvVarSourceArgs(
                secret_key_ref=kubernetes.core.v1.SecretKeySelectorArgs(name=secret_name, key=key)
            ),
        )
        for key in ENVIRONMENT_KEYS
    ]
    # Pomerium's idp_client_secret_file: watched, and re-read when the kubelet updates it.
    environment.append(
        kubernetes.core.v1.EnvVarArgs(name="IDP_CLIENT_SECRET_FILE", value=CLIENT_SECRET_FILE)
    )
    return kubernetes.apps.v1.Deployment(
        "pomerium",
        metadata=kubernetes.meta.v1.ObjectMetaArgs(namespace=namespace_and_name[0], labels=labels),
        spec=kubernetes.apps.v1.DeploymentSpecArgs(
            replicas=2,
            selector=kubernetes.meta.v1.LabelSelectorArgs(match_labels=labels),
            template=kubernetes.core.v1.PodTemplateSpecArgs(
                metadata=kubernetes.meta.v1.ObjectMetaArgs(labels=labels),
                spec=kubernetes.core.v1.PodSpecArgs(
                    containers=[
                        kubernetes.core.v1.ContainerArgs(
                            name="pomerium",
                            image=image,
                            env=environment,
                            # Yours: SHARED_SECRET, COOKIE_SECRET and Pomerium's other
                            # settings, as environment variables. Keep IDP_CLIENT_SECRET
                            # out of it: the file above is the client secret.
                            env_from=[
                                kubernetes.core.v1.EnvFromSourceArgs(
                                    secret_ref=kubernetes.core.v1.SecretEnvSourceArgs(
                                        name=settings_secret_name
                                    )
                                ),
                            ],
                            # The whole directory, never subPath: subPath mounts are
                            # never updated when the Secret changes.
                            volume_mounts=[
                                kubernetes.core.v1.VolumeMountArgs(
                                    name=SECRET_VOLUME,
                                    mount_path=SECRET_MOUNT_PATH,
                                    read_only=True,
                                )
                            ],
                            ports=[
                                kubernetes.core.v1.ContainerPortArgs(
                                    name="https", container_port=443
                                )
                            ],
                        )
                    ],
                    volumes=[
                        kubernetes.core.v1.VolumeArgs(
                            name=SECRET_VOLUME,
                            secret=kubernetes.core.v1.SecretVolumeSourceArgs(
                                secret_name=secret_name,
                                # Only the client secret: the other keys are not
                                # needed as files.
                                items=[
                                    kubernetes.core.v1.KeyToPathArgs(
                                        key=CLIENT_SECRET_KEY, path=CLIENT_SECRET_KEY
                                    )
                                ],
                            ),
                        )
                    ],
                ),
            ),
        ),
        opts=opts,
    )
