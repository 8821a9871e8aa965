"""The programs the lab builds: which Go module, which package, and the version each is stamped
with. The versions come from the modules' own go.mod (one source of truth); a program is never
stamped with a version it is not."""

from dataclasses import dataclass
from pathlib import Path

GO_DIR = Path(__file__).parent / "go"


@dataclass(frozen=True)
class Program:
    binary: str
    module_dir: str
    """Folder under lab/go/ holding the Go module that pins it."""
    package: str
    """Package to build, as `go build` takes it inside that module."""
    version_module: str
    """The module whose required version (go.mod) is the program's release."""
    stamps: tuple[str, ...]
    """`-X` flags, with {version} (as go.mod has it, e.g. v3.277.0) and {bare} (3.277.0)."""


PULUMI = Program(
    binary="pulumi",
    module_dir="pulumi",
    package="github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
    version_module="github.com/pulumi/pulumi/pkg/v3",
    # Without it the CLI reports v0.0.0 and skips requiredPulumiVersion
    # (pulumi/pulumi sdk/go/common/version/version.go, v3.277.0).
    stamps=("github.com/pulumi/pulumi/sdk/v3/go/common/version.Version={version}",),
)

KUBERNETES = Program(
    binary="pulumi-resource-kubernetes",
    module_dir="kubernetes",
    package=".",
    # The provider module has no tags of its own; its commit f47bc2d6f199 is tag v4.25.0,
    # and lab/go/kubernetes/go.mod requires sdk/v4 at that same tag.
    version_module="github.com/pulumi/pulumi-kubernetes/sdk/v4",
    # The plugin reports it to the engine (provider/v4 pkg/version/version.go).
    stamps=("github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version={bare}",),
)

KUBE_APISERVER = Program(
    binary="kube-apiserver",
    module_dir="kube-apiserver",
    package="k8s.io/kubernetes/cmd/kube-apiserver",
    version_module="k8s.io/kubernetes",
    # Unstamped it reports v0.0.0-master, which pulumi-kubernetes refuses; Kubernetes'
    # hack/lib/version.sh stamps these (k8s.io/component-base/version/base.go).
    stamps=(
        "k8s.io/component-base/version.gitVersion={version}",
        "k8s.io/component-base/version.gitMajor={major}",
        "k8s.io/component-base/version.gitMinor={minor}",
        "k8s.io/component-base/version.gitTreeState=clean",
        "k8s.io/client-go/pkg/version.gitVersion={version}",
        "k8s.io/client-go/pkg/version.gitMajor={major}",
        "k8s.io/client-go/pkg/version.gitMinor={minor}",
    ),
)

KUBE_CONTROLLER_MANAGER = Program(
    binary="kube-controller-manager",
    module_dir="kube-apiserver",
    package="k8s.io/kubernetes/cmd/kube-controller-manager",
    version_module="k8s.io/kubernetes",
    stamps=KUBE_APISERVER.stamps,
)

ETCD = Program(
    binary="etcd",
    module_dir="etcd",
    package=".",
    version_module="go.etcd.io/etcd/server/v3",
    # etcd's version is a constant of its api module (api/v3/version/version.go): nothing to stamp.
    stamps=(),
)

PROGRAMS = (PULUMI, KUBERNETES, KUBE_APISERVER, KUBE_CONTROLLER_MANAGER, ETCD)
"""What `./scripts/lab start` runs."""

YQ = Program(
    binary="yq",
    module_dir="yq",
    # The module's root package is the yq command (yq.go); go.mod names it as a tool.
    package="github.com/mikefarah/yq/v4",
    version_module="github.com/mikefarah/yq/v4",
    # yq's version is a constant of its cmd package (cmd/version.go): nothing to stamp.
    stamps=(),
)
"""GitHub's runners' yq, for the fast layer's runs of the sign-in action (not the lab's)."""
