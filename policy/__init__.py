"""Pulumi CrossGuard policy pack for Pomerium's Microsoft Entra ID application.

`__main__.py` starts the pack (PolicyPack never returns); the policies are
plain functions in the other modules, listed in `pack.POLICIES`, so tests call
them directly.
"""
