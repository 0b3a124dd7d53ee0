"""One explicit AWS provider per account, pinned to that account's ID.

`allowedAccountIds` makes a deploy with the wrong credentials fail before it touches anything, and with
`pulumi:disable-default-providers: [aws]` no resource can fall back to whatever the shell points at.
"""

from __future__ import annotations

import pulumi_aws as aws

from access.model import Account, StackSettings

SESSION_NAME = "pulumi-cross-account-access"


def account_provider(account: Account, settings: StackSettings) -> aws.Provider:
    """The provider for `account`, with credentials from a named profile and/or a role to assume.

    With neither, the provider uses the ambient credential chain (e.g. OIDC in CI); the account pin still holds.
    """
    assume_roles = None
    if settings.assume_role_arn:
        assume_roles = [aws.ProviderAssumeRoleArgs(role_arn=settings.assume_role_arn, session_name=SESSION_NAME)]
    return aws.Provider(
        f"{account.name}-{account.id}",
        allowed_account_ids=[account.id],
        region=account.region,
        profile=settings.profile,
        assume_roles=assume_roles,
    )
