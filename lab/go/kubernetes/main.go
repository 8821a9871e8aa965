// The kubernetes resource plugin: provider.Serve with the schema and the
// Terraform mapping that the provider module carries. Upstream embeds files its
// own build generates from those two; lab/build.py writes them here, stamped
// with the provider's version, before `go build`.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
