"""The trusting (Production) side: the role with its trust policy and bucket policy, and the bucket's guard.

The components take flat, typed inputs named for what their users mean (the style of terraform-aws-iam's
assumable-role module and CDK's `Role`), so any Pulumi program can use them; `access.adapter` maps this
project's access model onto them. Child resources are named from the component's name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from access import documents
from access.documents import BucketAccess, Conditions


@dataclass(frozen=True, kw_only=True)
class BucketGrantArgs:
    """One bucket a role may reach, by ARN, and the level of access (`read-only` or `read-write`)."""

    bucket_arn: pulumi.Input[str]
    access: BucketAccess | str

    def __post_init__(self) -> None:
        if self.access not in set(BucketAccess):
            raise ValueError(f"access must be one of {', '.join(BucketAccess)}, not {self.access!r:.40}")


@dataclass(frozen=True, kw_only=True)
class CrossAccountRoleArgs:
    """A role other accounts' principals may assume, and the buckets its sessions may reach.

    At least one of `trusted_account_ids` (trusted as `arn:aws:iam::<id>:root`: that account's administrators
    decide who may use the role) and `trusted_principal_arns` (specific roles or users) is required.
    `external_id` is always kept secret; `trust_conditions` adds IAM conditions to the trust statement
    (e.g. `{"StringEquals": {"aws:PrincipalOrgID": "o-..."}}`, a required `sts:RoleSessionName` or
    `sts:SourceIdentity`). `policy_name` defaults to `<role_name>-bucket-access`.
    """

    role_name: pulumi.Input[str]
    trusted_account_ids: Sequence[pulumi.Input[str]] = ()
    trusted_principal_arns: Sequence[pulumi.Input[str]] = ()
    require_mfa: pulumi.Input[bool] = False
    mfa_max_age_seconds: pulumi.Input[int] | None = None
    external_id: pulumi.Input[str] | None = None
    max_session_duration: pulumi.Input[int] = 3600
    permissions_boundary_arn: pulumi.Input[str] | None = None
    path: pulumi.Input[str] = "/"
    description: pulumi.Input[str] | None = None
    tags: Mapping[str, pulumi.Input[str]] | None = None
    trust_actions: Sequence[pulumi.Input[str]] = ("sts:AssumeRole",)
    trust_conditions: Conditions | None = None
    grants: Sequence[BucketGrantArgs] = field(default_factory=tuple)
    policy_name: pulumi.Input[str] | None = None

    def __post_init__(self) -> None:
        if not self.trusted_account_ids and not self.trusted_principal_arns:
            raise ValueError("CrossAccountRoleArgs needs trusted_account_ids or trusted_principal_arns")


def _trust_document(values: dict[str, Any]) -> str:
    """The trust policy's JSON once every input is known (accounts as `:root` first, then specific ARNs)."""
    principals = [documents.account_root_arn(a) for a in values["account_ids"]] + list(values["principal_arns"])
    return documents.to_json(documents.trust_policy(
        principals, values["actions"], require_mfa=bool(values["require_mfa"]),
        mfa_max_age_seconds=values["mfa_max_age_seconds"], external_id=values["external_id"],
        conditions=values["conditions"]))


def _grant_summary(role_name: str, grants: Sequence[tuple[str, str]]) -> str:
    """The managed policy's description, e.g. `What UpdateApp may do: read-write on productionapp`."""
    reaches = ", ".join(f"{access} on {arn.split(':::', 1)[-1]}" for arn, access in grants)
    return f"What {role_name} may do: {reaches}"


class CrossAccountRole(pulumi.ComponentResource):
    """The tutorial's `UpdateApp`: the role, its trust policy, and a customer-managed policy for its buckets.

    Children: `<name>-role` (`aws.iam.Role`), `<name>-policy` (`aws.iam.Policy`) and `<name>-policy-attachment`.
    """

    arn: pulumi.Output[str]
    role_name: pulumi.Output[str]
    policy_arn: pulumi.Output[str]

    def __init__(self, name: str, args: CrossAccountRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("cross-account-access:trusting:CrossAccountRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        external_id = None if args.external_id is None else pulumi.Output.secret(args.external_id)
        # Only the trust document depends on the ExternalId, so only it (and what is built on it) is secret.
        trust = pulumi.Output.from_input({
            "account_ids": list(args.trusted_account_ids), "principal_arns": list(args.trusted_principal_arns),
            "actions": list(args.trust_actions), "require_mfa": args.require_mfa,
            "mfa_max_age_seconds": args.mfa_max_age_seconds, "external_id": external_id,
            "conditions": args.trust_conditions,
        }).apply(_trust_document)
        role = aws.iam.Role(
            f"{name}-role",
            name=args.role_name,
            path=args.path,
            description=args.description,
            assume_role_policy=trust,
            max_session_duration=args.max_session_duration,
            permissions_boundary=args.permissions_boundary_arn,
            tags=args.tags,
            opts=child,
        )
        grants = pulumi.Output.from_input([[g.bucket_arn, BucketAccess(g.access)] for g in args.grants])
        policy_name = args.policy_name if args.policy_name is not None else pulumi.Output.concat(
            args.role_name, "-bucket-access")
        policy = aws.iam.Policy(
            f"{name}-policy",
            name=policy_name,
            description=pulumi.Output.all(args.role_name, grants).apply(lambda v: _grant_summary(v[0], v[1])),
            policy=grants.apply(lambda g: documents.to_json(documents.bucket_access_policy(g))),
            opts=child,
        )
        aws.iam.RolePolicyAttachment(f"{name}-policy-attachment", role=role.name, policy_arn=policy.arn, opts=child)
        self.arn = role.arn
        self.role_name = role.name
        self.policy_arn = policy.arn
        self.register_outputs({"arn": self.arn, "roleName": self.role_name, "policyArn": self.policy_arn})


@dataclass(frozen=True, kw_only=True)
class ProtectedBucketArgs:
    """A bucket roles reach, by name; created here only with `create` (the tutorial's bucket is a prerequisite)."""

    bucket: pulumi.Input[str]
    create: bool = False


class ProtectedBucket(pulumi.ComponentResource):
    """A bucket roles reach: TLS-only bucket policy granting nothing, and every public access block on.

    Children: `<name>-bucket` (with `create`), `<name>-public-access-block` and `<name>-policy`.
    """

    bucket: pulumi.Output[str]
    arn: pulumi.Output[str]

    def __init__(self, name: str, args: ProtectedBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("cross-account-access:trusting:ProtectedBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket: pulumi.Input[str] = args.bucket
        if args.create:
            bucket = aws.s3.Bucket(f"{name}-bucket", bucket=args.bucket, opts=child).bucket
        block = aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access-block",
            bucket=bucket,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        self.bucket = pulumi.Output.from_input(bucket)
        self.arn = self.bucket.apply(documents.bucket_arn)
        # S3 rejects concurrent changes to a bucket's policy and its public access block: apply them in order.
        aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket,
            policy=self.arn.apply(lambda arn: documents.to_json(documents.bucket_policy(arn))),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[block]),
        )
        self.register_outputs({"bucket": self.bucket, "arn": self.arn})
