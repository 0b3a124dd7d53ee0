"""An optional read-only auditor role: what `python -m verify` (e.g. the daily workflow) assumes to read an account.

Verification needs far less than the deploy role: IAM's account snapshot, the AWS-managed policies attached in
the account, and the guarded buckets' policy and public access block (`documents.verification_read_policy`).
A stack creates this role when its config names `auditorPrincipalArn` (the principal that runs verification,
e.g. CI's OIDC role); that principal then reads the account through this role instead of holding deploy rights.
Flat, typed inputs like the other components, so any program can use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from access import documents

DEFAULT_ROLE_NAME = "cross-account-access-auditor"


@dataclass(frozen=True, kw_only=True)
class AuditorRoleArgs:
    """Who may assume the auditor role, and which buckets' guards it may read.

    `principal_arn` is a role or user ARN (or an account's `:root`); `policy_name` defaults to
    `<role_name>-read`.
    """

    principal_arn: pulumi.Input[str]
    bucket_arns: Sequence[pulumi.Input[str]] = ()
    role_name: pulumi.Input[str] = DEFAULT_ROLE_NAME
    policy_name: pulumi.Input[str] | None = None
    max_session_duration: pulumi.Input[int] = 3600


class AuditorRole(pulumi.ComponentResource):
    """The role, its customer-managed read-only policy and the attachment.

    Children: `<name>-role` (`aws.iam.Role`), `<name>-policy` (`aws.iam.Policy`), `<name>-policy-attachment`.
    """

    arn: pulumi.Output[str]

    def __init__(self, name: str, args: AuditorRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("cross-account-access:verify:AuditorRole", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-role",
            name=args.role_name,
            description="Read-only: python -m verify reads IAM and the guarded buckets' policies",
            assume_role_policy=pulumi.Output.from_input(args.principal_arn).apply(
                lambda arn: documents.to_json(documents.trust_policy([arn]))),
            max_session_duration=args.max_session_duration,
            opts=child,
        )
        policy_name = args.policy_name if args.policy_name is not None else pulumi.Output.concat(args.role_name,
                                                                                                 "-read")
        policy = aws.iam.Policy(
            f"{name}-policy",
            name=policy_name,
            policy=pulumi.Output.from_input(list(args.bucket_arns)).apply(
                lambda arns: documents.to_json(documents.verification_read_policy(arns))),
            opts=child,
        )
        aws.iam.RolePolicyAttachment(f"{name}-policy-attachment", role=role.name, policy_arn=policy.arn, opts=child)
        self.arn = role.arn
        self.register_outputs({"arn": self.arn})
