"""The lab: the real Pulumi CLI, pulumi-resource-kubernetes, kube-apiserver and etcd, built
from their Go modules (lab/go/), and Microsoft's endpoints stood in on loopback (lab/entra/).

Nothing here is imported by the Pulumi program: it runs beside it, for tests and by hand
(`./scripts/lab start`, docs/lab.md).
"""
