// pulumi-resource-kubernetes, as the lab builds it (lab/build.py). The proxy
// serves one commit of the provider module: f47bc2d6f199, tag v4.25.0.
module pomerium-azure-ad.lab/kubernetes

go 1.26

require (
	github.com/pulumi/pulumi-kubernetes/provider/v4 v4.0.0-20260115033456-f47bc2d6f199
	// The provider's go.mod replaces sdk/v4 by ../sdk, a local path: the same
	// release instead (tag sdk/v4.25.0).
	github.com/pulumi/pulumi-kubernetes/sdk/v4 v4.25.0
)
