"""Which account the door is built in: rules on AWS providers.

A cross-account setup touches two accounts from one program, so every resource must say which account it
belongs to. The default provider takes whatever credentials the shell happens to hold, and a provider without
allowedAccountIds will create the production role in the development account if the profile is wrong;
pinning each provider to its account makes the AWS provider itself refuse to run against any other.

What is a default provider? The engine creates one when a resource names no provider: it registers it at the
root of the stack (no parent, so its URN type is the bare `pulumi:providers:aws`) under the name
`ProviderRequest.DefaultName()` gives it: `default`, or `default_<major>_<minor>_<patch>` followed by the
pre-release, build and plugin-URL parts (pulumi/pulumi, sdk/go/common/resource/plugin/providers: "If a
version is not provided, "default" is returned"). The analyzer protocol carries no other marker: the
provider of an Analyze request is type, name, URN and inputs, and the engine's own `IsDefaultProvider` only
tests that the name starts with "default". So the pack decides by the names the engine generates, at the
root: an explicit `aws.Provider("default-prod", ...)`, `"defaultProd"`, `"default_prod"` or any provider
inside a component is explicit. What stays ambiguous is an explicit root provider named exactly like an
engine one (`default`, `default_7_51_1`): the engine itself cannot tell them apart (its URN is the default
provider's URN), so the pack treats it as the default provider, and says so.
"""

from __future__ import annotations

import re

from pulumi_policy import (
    EnforcementLevel,
    PolicyProviderResource,
    ReportViolation,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)

from .metadata import guarded
from .resources import AWS_PROVIDER_TYPE, UNKNOWN, allowed_account_ids, provider_name
from .text import shown

_PINNING_EXAMPLE = (
    'aws.Provider("production", region="us-east-1", allowed_account_ids=["999999999999"]) and pass it with '
    "opts=pulumi.ResourceOptions(provider=production)"
)
# ProviderRequest.DefaultName(): "default", or "default_" + major_minor_patch, then "_" + each pre-release and
# build part and the plugin download URL as a QName.
_ENGINE_DEFAULT_NAME = re.compile(r"^default(_\d+_\d+_\d+(_.+)?)?$")
_PROVIDERS_URL = "https://www.pulumi.com/docs/iac/concepts/resources/providers/"


def is_default_provider(provider: PolicyProviderResource) -> bool:
    """Whether the engine created this provider implicitly: its generated name, registered at the root."""
    parts = provider.urn.split("::", 3)
    at_root = len(parts) < 4 or "$" not in parts[2]
    return at_root and _ENGINE_DEFAULT_NAME.match(provider_name(provider)) is not None


def check_explicit_provider(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule aws-explicit-provider-pinned: see the policy description."""
    if not args.resource_type.startswith("aws:") or args.provider is None or not is_default_provider(args.provider):
        return
    report_violation(
        f"uses the default AWS provider {shown(provider_name(args.provider))} (the name the engine gives the provider "
        "it creates when a resource names none), which deploys to whichever account the ambient credentials "
        f"belong to. Create {_PINNING_EXAMPLE}."
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
            f"AWS provider {shown(provider_name(provider))} does not set allowedAccountIds, so it runs against "
            f"any account its credentials reach. Set allowed_account_ids, e.g. {_PINNING_EXAMPLE}.",
            urn,
        )


POLICIES = [
    guarded(
        name="aws-explicit-provider-pinned",
        description=(
            "Checks that every AWS resource uses an explicit aws.Provider rather than the default provider the "
            "engine creates, which deploys to whatever account the ambient credentials belong to."
        ),
        validate=check_explicit_provider,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        remediation_steps=(
            "Create an aws.Provider with allowed_account_ids for the account, pass it to every resource, and set "
            "pulumi:disable-default-providers: [aws] in Pulumi.yaml."
        ),
        url=_PROVIDERS_URL,
    ),
    guarded(
        stack=True,
        name="aws-provider-allowed-account-ids",
        description=(
            "Checks that every AWS provider in the stack (explicit or default) sets a non-empty "
            "allowedAccountIds, so it refuses to run against any other account."
        ),
        validate=check_provider_accounts,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        remediation_steps="Set allowed_account_ids on the provider to the one account the stack deploys to.",
        url="https://www.pulumi.com/registry/packages/aws/api-docs/provider/",
    ),
]
