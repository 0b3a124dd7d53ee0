"""The trusted (Development) side: which groups may assume which roles, and which are explicitly denied."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from access import documents
from access.model import AccessModel, Group


@dataclass
class GroupRoleAccessArgs:
    """The model and the group whose access to the other account's roles this component grants or denies."""

    model: AccessModel
    group: Group


class GroupRoleAccess(pulumi.ComponentResource):
    """The tutorial's `allow-assume-S3-role-in-production` / `deny-assume-S3-role-in-production` for one group.

    Groups and users are prerequisites referenced by name; with `create` the group (its managed policies and
    memberships) is created here too, and with `createMembers` its users.
    """

    def __init__(self, name: str, args: GroupRoleAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("cross-account-access:trusted:GroupRoleAccess", name, None, opts)
        model, group = args.model, args.group
        child = pulumi.ResourceOptions(parent=self)
        group_name: pulumi.Input[str] = group.name
        if group.create:
            group_name = aws.iam.Group(group.name, name=group.name, opts=child).name
            for arn in group.managed_policy_arns:
                aws.iam.GroupPolicyAttachment(f"{group.name}-{arn.rsplit('/', 1)[-1]}", group=group_name,
                                              policy_arn=arn, opts=child)
            for user in group.members:
                user_name: pulumi.Input[str] = user
                if group.create_members:
                    user_name = aws.iam.User(user, name=user, opts=child).name
                aws.iam.UserGroupMembership(f"{user}-in-{group.name}", user=user_name, groups=[group_name], opts=child)
        policies = [(role, True) for role in group.can_assume] + [(role, False) for role in group.denied]
        for role_name, allow in policies:
            role = model.role(role_name)
            policy_name = documents.group_policy_name(role, allow)
            aws.iam.GroupPolicy(
                f"{group.name}-{policy_name}",
                group=group_name,
                name=policy_name,
                policy=documents.to_json(documents.group_assume_policy(model.role_arn(role), allow)),
                opts=child,
            )
        self.register_outputs({"group": group_name})
