"""Read one account's live IAM and S3 state, read-only, into plain data.

IAM comes from `GetAccountAuthorizationDetails` (every user, group and role with their inline policies,
attached policy ARNs, memberships, boundaries and trust policies, plus the account's customer-managed policies
with the text of their default version), paginated. AWS-managed policies attached to anything are read one by
one (`GetPolicy`, `GetPolicyVersion` of the default version), so the thousand AWS-managed policies nobody
uses are never downloaded. For the model's buckets: the bucket policy and the public access block, where an
absent one is a state (None), not an error. Nothing here writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from verify.credentials import AccountSession
from verify.errors import refusing

Document = dict[str, Any]
ENTITIES = ["User", "Group", "Role", "LocalManagedPolicy"]
ABSENT_BUCKET_POLICY = "NoSuchBucketPolicy"
ABSENT_PUBLIC_ACCESS_BLOCK = "NoSuchPublicAccessBlockConfiguration"
ABSENT_BUCKET = "NoSuchBucket"


@dataclass(frozen=True)
class LiveIdentity:
    """A user, group or role as IAM holds it: its policies by name (inline) and ARN (attached)."""

    name: str
    arn: str
    inline: Mapping[str, Document] = field(default_factory=dict)
    attached: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # users only
    boundary: str | None = None  # users and roles: the boundary policy's ARN
    trust: Document | None = None  # roles only


@dataclass(frozen=True)
class LivePolicy:
    """A managed policy and the text of its default version."""

    name: str
    arn: str
    document: Document


@dataclass(frozen=True)
class LiveBucket:
    """A bucket's access-relevant state; `exists` False when S3 says there is no such bucket."""

    name: str
    exists: bool
    policy: Document | None = None
    public_access_block: Mapping[str, bool] | None = None


@dataclass(frozen=True)
class LiveAccount:
    """Everything read from one account, by name (policies by ARN)."""

    id: str
    name: str
    caller_arn: str
    users: Mapping[str, LiveIdentity]
    groups: Mapping[str, LiveIdentity]
    roles: Mapping[str, LiveIdentity]
    policies: Mapping[str, LivePolicy]
    buckets: Mapping[str, LiveBucket]


def as_document(value: Any) -> Document:
    """A policy document as a dict: botocore decodes most IAM documents itself; the rest arrive URL-encoded JSON."""
    if isinstance(value, str):
        text = value if value.lstrip().startswith("{") else unquote(value)
        value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(f"not a policy document: {type(value).__name__}")
    return value


def policy_name(arn: str) -> str:
    """A managed policy's name from its ARN (moto's authorization details leave `PolicyName` out)."""
    return arn.rsplit("/", 1)[-1]


def _inline(entries: Iterable[Mapping[str, Any]] | None) -> dict[str, Document]:
    return {e["PolicyName"]: as_document(e["PolicyDocument"]) for e in entries or ()}


def _attached(entries: Iterable[Mapping[str, Any]] | None) -> tuple[str, ...]:
    return tuple(e["PolicyArn"] for e in entries or ())


def _boundary(entry: Mapping[str, Any]) -> str | None:
    return (entry.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")


def _default_version(policy: Mapping[str, Any]) -> Document:
    versions = policy.get("PolicyVersionList") or []
    default = next((v for v in versions if v.get("IsDefaultVersion")), None)
    if default is None:
        raise ValueError(f"policy {policy.get('Arn')} has no default version in the response")
    return as_document(default["Document"])


def _authorization_details(iam: BaseClient) -> dict[str, list[dict[str, Any]]]:
    """Every page of `GetAccountAuthorizationDetails`, the four lists concatenated."""
    lists: dict[str, list[dict[str, Any]]] = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [],
                                              "Policies": []}
    for page in iam.get_paginator("get_account_authorization_details").paginate(Filter=ENTITIES):
        for key, items in lists.items():
            items.extend(page.get(key) or [])
    return lists


def _aws_managed(iam: BaseClient, arns: Iterable[str]) -> dict[str, LivePolicy]:
    """The default version of each AWS-managed (or otherwise not listed) policy that is attached somewhere."""
    policies = {}
    for arn in sorted(set(arns)):
        policy = iam.get_policy(PolicyArn=arn)["Policy"]
        version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]
        policies[arn] = LivePolicy(policy["PolicyName"], arn, as_document(version["Document"]))
    return policies


def _absent(error: ClientError, code: str) -> bool:
    return error.response.get("Error", {}).get("Code") == code


def _bucket(s3: BaseClient, name: str) -> LiveBucket:
    """The bucket's policy and public access block; either may be absent, or the bucket itself."""
    try:
        policy: Document | None = as_document(s3.get_bucket_policy(Bucket=name)["Policy"])
    except ClientError as error:
        if _absent(error, ABSENT_BUCKET):
            return LiveBucket(name, exists=False)
        if not _absent(error, ABSENT_BUCKET_POLICY):
            raise
        policy = None
    try:
        block: Mapping[str, bool] | None = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except ClientError as error:
        if not _absent(error, ABSENT_PUBLIC_ACCESS_BLOCK):
            raise
        block = None
    return LiveBucket(name, True, policy, block)


def read_account(account: AccountSession, buckets: Iterable[str]) -> LiveAccount:
    """Read `account`'s IAM and the given buckets; a refused or failed read is a `CannotVerifyError`."""
    label = (f"stack {account.stack}: reading account {account.account.name} ({account.account.id}) "
             f"as {account.caller_arn}")
    iam = account.client("iam")
    with refusing(f"{label}: iam:GetAccountAuthorizationDetails"):
        details = _authorization_details(iam)
    users = {u["UserName"]: LiveIdentity(u["UserName"], u["Arn"], _inline(u.get("UserPolicyList")),
                                         _attached(u.get("AttachedManagedPolicies")), tuple(u.get("GroupList") or ()),
                                         _boundary(u)) for u in details["UserDetailList"]}
    groups = {g["GroupName"]: LiveIdentity(g["GroupName"], g["Arn"], _inline(g.get("GroupPolicyList")),
                                           _attached(g.get("AttachedManagedPolicies")))
              for g in details["GroupDetailList"]}
    roles = {r["RoleName"]: LiveIdentity(r["RoleName"], r["Arn"], _inline(r.get("RolePolicyList")),
                                         _attached(r.get("AttachedManagedPolicies")), boundary=_boundary(r),
                                         trust=as_document(r["AssumeRolePolicyDocument"]))
             for r in details["RoleDetailList"]}
    policies = {p["Arn"]: LivePolicy(p.get("PolicyName") or policy_name(p["Arn"]), p["Arn"], _default_version(p))
                for p in details["Policies"]}
    referenced = {arn for identity in (*users.values(), *groups.values(), *roles.values())
                  for arn in (*identity.attached, identity.boundary) if arn}
    with refusing(f"{label}: iam:GetPolicy/iam:GetPolicyVersion of an attached AWS-managed policy"):
        policies.update(_aws_managed(iam, referenced - set(policies)))
    s3 = account.client("s3")
    live_buckets = {}
    for name in buckets:
        with refusing(f"{label}: s3:GetBucketPolicy/s3:GetBucketPublicAccessBlock of bucket {name}"):
            live_buckets[name] = _bucket(s3, name)
    return LiveAccount(account.account.id, account.account.name, account.caller_arn, users, groups, roles, policies,
                       live_buckets)
