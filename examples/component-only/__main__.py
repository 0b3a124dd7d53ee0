"""AWS's cross-account tutorial with the project's components and no access model: inputs are plain values.

Runs with no stack config at all (`pulumi preview` on a fresh stack, or the tests' mock runtime): every setting
has a default. For a real deployment set each account's administrator profile (`productionProfile`,
`developmentProfile`) and, to require an ExternalId, `pulumi config set --secret externalId <value>`.
"""

import sys
from pathlib import Path

import pulumi

# The components live in the project two levels up; a program elsewhere would install or vendor them instead.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from components.providers import account_provider  # after the path above
from components.trusted_account import (
    AccountUsers,
    AccountUsersArgs,
    GroupRoleAccess,
    GroupRoleAccessArgs,
)
from components.trusting_account import (
    BucketGrantArgs,
    CrossAccountRole,
    CrossAccountRoleArgs,
    ProtectedBucket,
    ProtectedBucketArgs,
)

config = pulumi.Config()
production_id = config.get("productionAccountId") or "999999999999"
development_id = config.get("developmentAccountId") or "111111111111"
region = config.get("region") or "us-east-1"


def pinned(name: str, account_id: str) -> pulumi.ResourceOptions:
    """Each account's resources through a provider that refuses any other account's credentials."""
    return pulumi.ResourceOptions(providers=[account_provider(name, account_id, region, config.get(f"{name}Profile"))])


production, development = pinned("production", production_id), pinned("development", development_id)

bucket = ProtectedBucket("app", ProtectedBucketArgs(bucket=config.get("bucket") or "productionapp"), production)
role = CrossAccountRole("update-app", CrossAccountRoleArgs(
    role_name="UpdateApp",
    trusted_account_ids=[development_id],
    external_id=config.get_secret("externalId"),
    grants=[BucketGrantArgs(bucket_arn=bucket.arn, access="read-write")],
    policy_name="read-write-app-bucket",
), production)

developers = GroupRoleAccess("developers", GroupRoleAccessArgs(
    group_name="Developers", allowed_role_arns={"allow-assume-S3-role-in-production": role.arn}), development)
testers = GroupRoleAccess("testers", GroupRoleAccessArgs(
    group_name="Testers", denied_role_arns={"deny-assume-S3-role-in-production": role.arn}), development)
# Users are account-level: David is one user and one membership, however many groups he joins.
AccountUsers("development", AccountUsersArgs(memberships={"David": [developers.group_name]}), development)

pulumi.export("roleArn", role.arn)
