"""The access model → the components' arguments: the one place that knows both.

The components (`components/`) take flat, typed inputs any Pulumi program can give; this pure module says
what this project's model means in those terms: account names become account IDs, bucket names ARNs, group
policies get the tutorial's names. It registers nothing, so it is tested without Pulumi's runtime.

It also says what each child was called before children were named from their component (`<name>-role`,
...): stacks deployed earlier hold those names, and `aliases` built from `former` let them update the same
cloud resources instead of replacing them (a replaced role would be deleted and recreated, breaking sessions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import pulumi

from access import documents
from access.model import AccessModel, Bucket, Group, Role, StackSettings
from components.trusted_account import AccountUsersArgs, GroupRoleAccessArgs
from components.trusting_account import BucketGrantArgs, CrossAccountRoleArgs, ProtectedBucketArgs

ArgsT = TypeVar("ArgsT")


@dataclass(frozen=True)
class FormerName:
    """A child's logical name before the rename, and the group component it was under if not its parent now."""

    name: str
    parent_group: str | None = None


@dataclass(frozen=True)
class Planned(Generic[ArgsT]):
    """One component to register: its name, its arguments, and its children's former names (new name → former)."""

    name: str
    args: ArgsT
    former: Mapping[str, FormerName] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountComponents:
    """Everything a stack registers for its account, in registration order."""

    roles: tuple[Planned[CrossAccountRoleArgs], ...]
    buckets: tuple[Planned[ProtectedBucketArgs], ...]
    groups: tuple[Planned[GroupRoleAccessArgs], ...]


def role_args(model: AccessModel, role: Role, external_id: pulumi.Input[str] | None = None) -> CrossAccountRoleArgs:
    """A model role as `CrossAccountRole` inputs; the ExternalId comes from the stack's secrets."""
    return CrossAccountRoleArgs(
        role_name=role.name,
        trusted_account_ids=[model.account(a).id for a in role.trusted_accounts],
        trusted_principal_arns=list(role.trusted_principal_arns),
        require_mfa=role.require_mfa,
        mfa_max_age_seconds=role.mfa_max_age_seconds,
        external_id=external_id,
        max_session_duration=role.max_session_duration,
        permissions_boundary_arn=role.permissions_boundary_arn,
        path=role.path,
        description=role.description or None,
        tags=dict(role.tags) or None,
        trust_actions=list(role.trust_actions),
        grants=[BucketGrantArgs(bucket_arn=model.bucket(g.bucket).arn, access=g.access) for g in role.grants],
        policy_name=role.policy_name,
    )


def bucket_args(bucket: Bucket) -> ProtectedBucketArgs:
    return ProtectedBucketArgs(bucket=bucket.name, create=bucket.create)


def group_args(model: AccessModel, group: Group) -> GroupRoleAccessArgs:
    """A model group as `GroupRoleAccess` inputs: role ARNs derived from the model, so the trusted side needs
    nothing from the trusting stack; managed policies are attached only to a group created here."""

    def policies(roles: tuple[str, ...], allow: bool) -> dict[str, str]:
        return {documents.group_policy_name(model.role(r).group_policy_suffix, allow): model.role_arn(model.role(r))
                for r in roles}

    return GroupRoleAccessArgs(
        group_name=group.name,
        allowed_role_arns=policies(group.can_assume, True),
        denied_role_arns=policies(group.denied, False),
        create=group.create,
        managed_policy_arns=list(group.managed_policy_arns) if group.create else [],
    )


def _created_groups_of(model: AccessModel, account: str) -> dict[str, list[Group]]:
    """Each user of `account`'s created groups, with those groups in model order."""
    by_user: dict[str, list[Group]] = {}
    for group in model.groups_in(account):
        if group.create:
            for user in group.members:
                by_user.setdefault(user, []).append(group)
    return by_user


def account_users(model: AccessModel, account: str,
                  group_names: Mapping[str, pulumi.Input[str]]) -> Planned[AccountUsersArgs] | None:
    """The account's users and memberships, each once; None when the account creates no group.

    Memberships exist only for groups created here (a prerequisite group's members are already in it); a user
    is created when a created group with `createMembers` lists it. `group_names` gives each group's name as an
    Input (a created group's output), so a membership waits for its groups.
    """
    by_user = _created_groups_of(model, account)
    if not by_user:
        return None
    created = [u for u, groups in by_user.items() if any(g.create_members for g in groups)]
    former: dict[str, FormerName] = {}
    for user, groups in by_user.items():
        # Before, each created group registered its members' memberships (and users) as its own children.
        former[f"{account}-{user}-groups"] = FormerName(f"{user}-in-{groups[0].name}", groups[0].name)
        if user in created:
            owner = next(g for g in groups if g.create_members)
            former[f"{account}-{user}"] = FormerName(user, owner.name)
    args = AccountUsersArgs(create_users=created,
                            memberships={u: [group_names[g.name] for g in gs] for u, gs in by_user.items()})
    return Planned(account, args, former)


def account_components(model: AccessModel, settings: StackSettings) -> AccountComponents:
    """The roles, buckets and groups of the stack's account, with their former child names."""
    account = settings.account
    return AccountComponents(
        roles=tuple(Planned(r.name, role_args(model, r, settings.external_id(r.name)), {
            f"{r.name}-role": FormerName(r.name),
            f"{r.name}-policy": FormerName(r.policy_name),
            f"{r.name}-policy-attachment": FormerName(f"{r.name}-{r.policy_name}"),
        }) for r in model.roles_in(account)),
        buckets=tuple(Planned(b.name, bucket_args(b), {
            f"{b.name}-{child}": FormerName(b.name) for child in ("bucket", "public-access-block", "policy")
        }) for b in model.buckets_in(account)),
        groups=tuple(Planned(g.name, group_args(model, g), {f"{g.name}-group": FormerName(g.name)})
                     for g in model.groups_in(account)),
    )
