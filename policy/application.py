"""Who may sign in, who owns the application, and whether it is protected."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs

from components.args import SignInAudience

from . import config, resource_types
from .values import Deferred, get, is_unknown, stack_of

SINGLE_TENANT = SignInAudience.AZURE_AD_MY_ORG.value
MULTI_TENANT = SignInAudience.AZURE_AD_MULTIPLE_ORGS.value

AUDIENCE_DESCRIPTION = (
    f"The application's sign-in audience is {SINGLE_TENANT} (accounts of this directory only), "
    f"unless this policy's {config.ALLOW_MULTI_TENANT} config allows {MULTI_TENANT}. "
    "A multi-tenant application lets users of any organisation sign in to Pomerium."
)
OWNERS_DESCRIPTION = (
    "The application has at least one owner, so that someone other than a global "
    "administrator can manage it and its client secrets (and a least-privilege "
    "Application.ReadWrite.OwnedBy deployer can keep deploying it)."
)
PROTECT_DESCRIPTION = (
    "In production stacks (stack name matching this policy's "
    f"{config.PRODUCTION_STACK_PATTERN} config, default "
    f"{config.DEFAULT_PRODUCTION_STACK_PATTERN!r}) the application is protected, so a "
    "`pulumi destroy` or a resource removed from the program cannot delete it (and "
    "sign-in with it). Advisory."
)


def validate_audience(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type not in (
        resource_types.APPLICATION,
        resource_types.APPLICATION_REGISTRATION,
    ):
        return
    allowed = [SINGLE_TENANT]
    if config.allow_multi_tenant(args.get_config()):
        allowed.append(MULTI_TENANT)
    audience = get(args.props, "signInAudience")
    deferred = Deferred()
    if is_unknown(audience):
        deferred.add("signInAudience")
    # Unset means the provider's default, AzureADMyOrg.
    elif audience is not None and audience not in allowed:
        if audience == MULTI_TENANT:
            fix = (
                f"set signInAudience to {SINGLE_TENANT} (the project's signInAudience config), "
                f"or have multi-tenant sign-in allowed with this policy's "
                f"{config.ALLOW_MULTI_TENANT} config."
            )
        else:
            fix = f"set signInAudience to {' or '.join(allowed)}."
        report_violation(f"signInAudience is {audience}: {fix}", None)
    deferred.finish()


def validate_owners(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != resource_types.APPLICATION:
        return
    owners = get(args.props, "owners")
    deferred = Deferred()
    if is_unknown(owners):
        deferred.add("owners")
    elif not owners:
        report_violation(
            "the application has no owners: list at least one owner's object id in owners "
            "(the project's owners config, or includeDeployerAsOwner: true).",
            None,
        )
    deferred.finish()


def validate_protected(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != resource_types.APPLICATION:
        return
    pattern = config.production_stack_pattern(args.get_config())
    stack = stack_of(args.urn)
    if pattern.search(stack) and not args.opts.protect:
        report_violation(
            f"stack {stack!r} is a production stack (it matches {pattern.pattern!r}), but the "
            "application is not protected: set pomerium-azure-ad:protect: true in the stack's "
            "config (or the protect resource option).",
            None,
        )
