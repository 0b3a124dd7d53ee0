"""One explicit AWS provider per account, pinned to that account's ID.

`allowedAccountIds` makes a deploy with the wrong credentials fail before it touches anything, and with
`pulumi:disable-default-providers: [aws]` no resource can fall back to whatever the shell points at.
"""

from __future__ import annotations

import pulumi_aws as aws

SESSION_NAME = "pulumi-cross-account-access"


def account_provider(name: str, account_id: str, region: str, profile: str | None = None,
                     assume_role_arn: str | None = None) -> aws.Provider:
    """The provider for one account, with credentials from a named profile and/or a role to assume.

    With neither, the provider uses the ambient credential chain (e.g. OIDC in CI); the account pin still holds.
    """
    assume_roles = None
    if assume_role_arn:
        assume_roles = [aws.ProviderAssumeRoleArgs(role_arn=assume_role_arn, session_name=SESSION_NAME)]
    return aws.Provider(
        name,
        allowed_account_ids=[account_id],
        region=region,
        profile=profile,
        assume_roles=assume_roles,
    )
