"""Pomerium's Microsoft Entra ID identity provider as a Pulumi component.

The pure core (no Pulumi import): `settings`, `args`, `graph`, `clouds`,
`rotation`, `secret_data`, `clock`. The Pulumi shell: `identity_provider`.
"""
