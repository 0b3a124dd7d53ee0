"""What the tutorial has in place before its first step, created in the emulated accounts from the model.

Only what the program does not create itself: buckets without `create`, groups without `create` (with the
managed policies they already hold, e.g. the Testers' PowerUserAccess, and their memberships), users
without `createMembers`. Plus one bucket the role was never granted, next to the granted ones, so the
rehearsal can show the role cannot write outside its grant. Access keys come last, once the program has
created any users it creates.
"""

from __future__ import annotations

from access.model import AccessModel, Account, Group
from rehearsal.apply import bucket_location
from rehearsal.emulator import Emulator, Keys

UserKey = tuple[str, str]  # (account name, user name)


def other_bucket(account: Account) -> str:
    """A bucket in `account` that no role is granted (account IDs keep the name valid and unique)."""
    return f"otherbucket-{account.id}"


def _label(account: Account) -> str:
    return f"{account.name} ({account.id})"


def _create_buckets(emulator: Emulator, model: AccessModel) -> list[str]:
    done = []
    for account in model.accounts:
        names = [b.name for b in model.buckets_in(account.name) if not b.create]
        if model.roles_in(account.name):
            names.append(other_bucket(account))
        s3 = emulator.admin("s3", account.id, account.region)
        for name in names:
            s3.create_bucket(Bucket=name, **bucket_location(account.region))
        if names:
            done.append(f"{_label(account)}: buckets {', '.join(names)}")
    return done


def _create_group(emulator: Emulator, account: Account, group: Group, users: set[UserKey]) -> list[str]:
    """The group (unless the program creates it) with its managed policies and members, and the users."""
    iam = emulator.admin("iam", account.id, account.region)
    if not group.create:
        iam.create_group(GroupName=group.name)
        for arn in group.managed_policy_arns:
            iam.attach_group_policy(GroupName=group.name, PolicyArn=arn)
    for user in group.members:
        if not group.create_members and (account.name, user) not in users:
            iam.create_user(UserName=user)
            users.add((account.name, user))
        if not group.create:
            iam.add_user_to_group(GroupName=group.name, UserName=user)
    members = ", ".join(group.members) or "none"
    if not group.create:
        holding = f" holding {', '.join(group.managed_policy_arns)}" if group.managed_policy_arns else ""
        return [f"{_label(account)}: group {group.name}{holding}, members {members}"]
    if not group.create_members:
        return [f"{_label(account)}: users {members} (the program creates group {group.name})"]
    return []


def create(emulator: Emulator, model: AccessModel) -> list[str]:
    """Create the prerequisites (authorisation still off); a line per account's buckets and per group."""
    done = _create_buckets(emulator, model)
    users: set[UserKey] = set()
    for group in model.groups:
        done += _create_group(emulator, model.account(group.account), group, users)
    return done


def issue_access_keys(emulator: Emulator, model: AccessModel) -> dict[UserKey, Keys]:
    """An access key for every group member, as each user would have one to use the AWS CLI."""
    keys: dict[UserKey, Keys] = {}
    for group in model.groups:
        account = model.account(group.account)
        iam = emulator.admin("iam", account.id, account.region)
        for user in group.members:
            if (account.name, user) not in keys:
                key = iam.create_access_key(UserName=user)["AccessKey"]
                keys[(account.name, user)] = Keys(key["AccessKeyId"], key["SecretAccessKey"])
    return keys
