"""Cross-account access: one account's role, assumed by chosen groups of another (AWS's IAM tutorial).

Each stack deploys one account's side with that account's own credentials: the trusting side (roles, their
policies, the buckets they reach) and the trusted side (group policies allowing or denying the roles).
"""

from pathlib import Path

import pulumi

from access.config import load_stack
from access.instructions import sign_in, source_accounts
from access.model import Account, Role
from components.providers import account_provider
from components.trusted_account import GroupRoleAccess, GroupRoleAccessArgs
from components.trusting_account import CrossAccountRole, CrossAccountRoleArgs, ProtectedBucket

model, settings = load_stack(pulumi.runtime.get_config_env(), Path(__file__).parent)
account = model.account(settings.account)
on_account = pulumi.ResourceOptions(providers=[account_provider(account, settings)])


def secret(value: str | None) -> pulumi.Output[str] | None:
    """Stack secrets stay secrets in state and outputs."""
    return None if value is None else pulumi.Output.secret(value)


def sign_in_output(role: Role, source: Account) -> pulumi.Input[dict[str, str]]:
    """The tutorial's step 3 for `source`'s users; secret as a whole when it carries an ExternalId."""
    external_id = settings.external_id(role.name)
    details = sign_in(model, role, source, external_id)
    return details if external_id is None else pulumi.Output.secret(details)


roles = {
    role.name: CrossAccountRole(role.name, CrossAccountRoleArgs(model, role, secret(settings.external_id(role.name))),
                                on_account)
    for role in model.roles_in(account.name)
}
for bucket in model.buckets_in(account.name):
    ProtectedBucket(bucket.name, bucket, on_account)
for group in model.groups_in(account.name):
    GroupRoleAccess(group.name, GroupRoleAccessArgs(model, group), on_account)

pulumi.export("account", {"name": account.name, "id": account.id, "region": account.region})
pulumi.export("roles", {
    role.name: {
        "arn": roles[role.name].arn if role.name in roles else model.role_arn(role),
        "signIn": {source.name: sign_in_output(role, source) for source in source_accounts(model, role, account.name)},
    }
    for role in model.roles_in_scope(account.name)
})
