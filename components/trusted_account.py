"""The trusted (Development) side: which groups may assume which roles, which are explicitly denied, and the
account's users and their memberships.

Flat, typed inputs (role ARNs, policy names, group and user names), so any Pulumi program can use these;
`access.adapter` maps this project's access model onto them. Child resources are named from the component's name.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from access import documents


@dataclass(frozen=True, kw_only=True)
class GroupRoleAccessArgs:
    """A group and the roles (of other accounts) its members may, or may never, assume.

    `allowed_role_arns` / `denied_role_arns` map each inline policy's name to the role ARN it allows or denies
    (the tutorial's `allow-assume-S3-role-in-production`: `arn:aws:iam::999999999999:role/UpdateApp`).
    The group is a prerequisite referenced by name unless `create`; `managed_policy_arns` are attached here.
    """

    group_name: pulumi.Input[str]
    allowed_role_arns: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    denied_role_arns: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    create: bool = False
    managed_policy_arns: Sequence[str] = ()

    def __post_init__(self) -> None:
        both = sorted(set(self.allowed_role_arns) & set(self.denied_role_arns))
        if both:
            raise ValueError(f"policy names {both!r:.80} are both allowed and denied: a group policy has one name")


class GroupRoleAccess(pulumi.ComponentResource):
    """The tutorial's `allow-assume-S3-role-in-production` / `deny-assume-S3-role-in-production` for one group.

    Children: `<name>-group` (with `create`), `<name>-<managed policy name>` attachments, and one
    `<name>-<policy name>` inline policy per allowed or denied role.
    """

    group_name: pulumi.Output[str]

    def __init__(self, name: str, args: GroupRoleAccessArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("cross-account-access:trusted:GroupRoleAccess", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        group_name: pulumi.Input[str] = args.group_name
        if args.create:
            group_name = aws.iam.Group(f"{name}-group", name=args.group_name, opts=child).name
        for arn in args.managed_policy_arns:
            aws.iam.GroupPolicyAttachment(f"{name}-{arn.rsplit('/', 1)[-1]}", group=group_name, policy_arn=arn,
                                          opts=child)
        policies = [(n, arn, True) for n, arn in args.allowed_role_arns.items()]
        policies += [(n, arn, False) for n, arn in args.denied_role_arns.items()]
        for policy_name, role_arn, allow in policies:
            aws.iam.GroupPolicy(
                f"{name}-{policy_name}",
                group=group_name,
                name=policy_name,
                policy=pulumi.Output.from_input(role_arn).apply(
                    lambda arn, allow=allow: documents.to_json(documents.group_assume_policy(arn, allow))),
                opts=child,
            )
        self.group_name = pulumi.Output.from_input(group_name)
        self.register_outputs({"group": self.group_name})


@dataclass(frozen=True, kw_only=True)
class AccountUsersArgs:
    """An account's IAM users created here, and the groups each user joins.

    Users are account-level, not per group: a user in two groups is one `aws.iam.User` and one
    `aws.iam.UserGroupMembership` listing both groups. Users not in `create_users` are prerequisites referenced
    by name. Pass a created group's name output (e.g. `GroupRoleAccess.group_name`) so the membership waits for it.
    """

    create_users: Sequence[str] = ()
    memberships: Mapping[str, Sequence[pulumi.Input[str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        repeated = sorted(user for user, count in Counter(self.create_users).items() if count > 1)
        if repeated:
            raise ValueError(f"users {repeated!r:.80} are listed twice: an IAM user exists once per account")


class AccountUsers(pulumi.ComponentResource):
    """An account's users and memberships, each registered once however many groups name the user.

    Children: `<name>-<user>` (`aws.iam.User`, for created users) and `<name>-<user>-groups`
    (`aws.iam.UserGroupMembership`, for users with groups).
    """

    def __init__(self, name: str, args: AccountUsersArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("cross-account-access:trusted:AccountUsers", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        users: dict[str, pulumi.Input[str]] = {
            user: aws.iam.User(f"{name}-{user}", name=user, opts=child).name for user in args.create_users}
        for user, groups in args.memberships.items():
            if groups:
                aws.iam.UserGroupMembership(f"{name}-{user}-groups", user=users.get(user, user), groups=list(groups),
                                            opts=child)
        self.register_outputs({"users": list(users)})
