"""The offline plan (`pomerium-azure-ad plan`): runs the real program for each
stack under Pulumi's mock engine and reports what a deploy would declare,
without a Pulumi CLI, cloud credentials or a cluster.

`runner` runs the stacks, `summary` turns a run into a readable plan,
`placeholders` marks what only the cloud knows, `redact` keeps secret values
out of everything the plan prints or writes, `text` prints it, `manifests`
renders and validates the Kubernetes files.
"""
