"""Pomerium's Microsoft Entra ID identity provider, for other Pulumi programs.

    from pomerium_azure_ad import PomeriumIdentityProvider, PomeriumIdentityProviderArgs

The component lives in `components/` (Pulumi's component layout); this is its
import name once the project is installed as a package (`uv add git+…`,
`pip install <path or URL>`). The wheel also installs `components`, under that
name: a stack deployed by a release before issue 20 names its proof's dynamic
provider by its module path, `components.proof_resource`, and the engine imports
it to delete that proof (the first `pulumi up` of this release, or a destroy).
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
