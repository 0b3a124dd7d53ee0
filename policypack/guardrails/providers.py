"""Which account the door is built in: rules on AWS providers.

A cross-account setup touches two accounts from one program, so every resource must say which account it
belongs to. The default provider takes whatever credentials the shell happens to hold, and a provider without
allowedAccountIds will create the production role in the development account if the profile is wrong;
pinning each provider to its account makes the AWS provider itself refuse to run against any other.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    PolicyProviderResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .resources import AWS_PROVIDER_TYPE, UNKNOWN, allowed_account_ids, is_default_provider, provider_name

_PINNING_EXAMPLE = (
    'aws.Provider("production", region="us-east-1", allowed_account_ids=["999999999999"]) and pass it with '
    "opts=pulumi.ResourceOptions(provider=production)"
)


def check_explicit_provider(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule aws-explicit-provider-pinned: see the policy description."""
    if not args.resource_type.startswith("aws:") or args.provider is None or not is_default_provider(args.provider):
        return
    report_violation(
        f'uses the default AWS provider "{provider_name(args.provider)}", which deploys to '
        f"whichever account the ambient credentials belong to. Create {_PINNING_EXAMPLE}."
    )


def check_provider_accounts(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Rule aws-provider-allowed-account-ids: see the policy description."""
    providers: dict[str, PolicyProviderResource] = {}
    for resource in args.resources:
        if resource.resource_type == AWS_PROVIDER_TYPE:
            providers[resource.urn] = PolicyProviderResource(
                AWS_PROVIDER_TYPE, resource.props, resource.urn, resource.name
            )
        elif resource.provider is not None and resource.provider.resource_type == AWS_PROVIDER_TYPE:
            providers.setdefault(resource.provider.urn, resource.provider)
    for urn, provider in providers.items():
        accounts = allowed_account_ids(provider.props)
        if accounts is UNKNOWN or accounts:
            continue
        report_violation(
            f'AWS provider "{provider_name(provider)}" does not set allowedAccountIds, so it runs against '
            f"any account its credentials reach. Set allowed_account_ids, e.g. {_PINNING_EXAMPLE}.",
            urn,
        )


POLICIES = [
    ResourceValidationPolicy(
        name="aws-explicit-provider-pinned",
        description=(
            "Checks that every AWS resource uses an explicit aws.Provider rather than the default provider, "
            "which deploys to whatever account the ambient credentials belong to."
        ),
        validate=check_explicit_provider,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
    StackValidationPolicy(
        name="aws-provider-allowed-account-ids",
        description=(
            "Checks that every AWS provider in the stack (explicit or default) sets a non-empty "
            "allowedAccountIds, so it refuses to run against any other account."
        ),
        validate=check_provider_accounts,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
]
