"""The trusting (Production) side: the role with its trust policy and bucket policy, and the bucket's guard."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from access import documents
from access.model import AccessModel, Bucket, Role


@dataclass
class CrossAccountRoleArgs:
    """The model the role comes from, and its ExternalId (a Pulumi secret) where the trust requires one."""

    model: AccessModel
    role: Role
    external_id: pulumi.Output[str] | None = None


class CrossAccountRole(pulumi.ComponentResource):
    """The tutorial's `UpdateApp`: role, trust policy naming the trusted accounts, and the bucket policy attached."""

    arn: pulumi.Output[str]
    policy_arn: pulumi.Output[str]

    def __init__(self, name: str, args: CrossAccountRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("cross-account-access:trusting:CrossAccountRole", name, None, opts)
        model, role = args.model, args.role
        child = pulumi.ResourceOptions(parent=self)
        if args.external_id is None:
            trust: pulumi.Input[str] = documents.to_json(documents.trust_policy(model, role))
        else:
            # Only the trust document depends on the secret, so only it (and the outputs built on it) is secret.
            trust = args.external_id.apply(lambda eid: documents.to_json(documents.trust_policy(model, role, eid)))
        iam_role = aws.iam.Role(
            role.name,
            name=role.name,
            path=role.path,
            description=role.description or None,
            assume_role_policy=trust,
            max_session_duration=role.max_session_duration,
            permissions_boundary=role.permissions_boundary_arn,
            tags=dict(role.tags) or None,
            opts=child,
        )
        policy = aws.iam.Policy(
            role.policy_name,
            name=role.policy_name,
            description=f"What {role.name} may do: {', '.join(f'{g.access.value} on {g.bucket}' for g in role.grants)}",
            policy=documents.to_json(documents.bucket_access_policy(model, role)),
            opts=child,
        )
        aws.iam.RolePolicyAttachment(
            f"{role.name}-{role.policy_name}",
            role=iam_role.name,
            policy_arn=policy.arn,
            opts=child,
        )
        self.arn = iam_role.arn
        self.policy_arn = policy.arn
        self.register_outputs({"arn": self.arn, "policyArn": self.policy_arn})


class ProtectedBucket(pulumi.ComponentResource):
    """A bucket roles reach: TLS-only bucket policy granting nothing, and every public access block on.

    The bucket itself is a prerequisite of the tutorial, so it is created only when the model says `create`.
    """

    def __init__(self, name: str, bucket: Bucket, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("cross-account-access:trusting:ProtectedBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket_name: pulumi.Input[str] = bucket.name
        if bucket.create:
            bucket_name = aws.s3.Bucket(bucket.name, bucket=bucket.name, opts=child).bucket
        block = aws.s3.BucketPublicAccessBlock(
            bucket.name,
            bucket=bucket_name,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        # S3 rejects concurrent changes to a bucket's policy and its public access block: apply them in order.
        aws.s3.BucketPolicy(
            bucket.name,
            bucket=bucket_name,
            policy=documents.to_json(documents.bucket_policy(bucket.arn)),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[block]),
        )
        self.register_outputs({"bucket": bucket_name})
