"""Pomerium's Microsoft Entra ID identity provider, for other Pulumi programs.

    from pomerium_azure_ad import PomeriumIdentityProvider, PomeriumIdentityProviderArgs

The component lives in `components/` (Pulumi's component layout); this is its
import name once the project is installed as a package (`uv add git+…`,
`pip install <path or URL>`). The wheel also installs `components`, under that
name: a deployed stack's state names the proof's dynamic provider by its module
path, `components.proof_resource`, and the engine imports it at every preview,
update and destroy.
"""

from components.args import (
    ClusterArgs,
    GroupMembershipClaim,
    PomeriumIdentityProviderArgs,
    SignInAudience,
)
from components.identity_provider import PomeriumIdentityProvider

__all__ = [
    "ClusterArgs",
    "GroupMembershipClaim",
    "PomeriumIdentityProvider",
    "PomeriumIdentityProviderArgs",
    "SignInAudience",
]
