"""Cross-account access: one account's role, assumed by chosen groups of another (AWS's IAM tutorial).

Each stack deploys one account's side with that account's own credentials: the trusting side (roles, their
policies, the buckets they reach) and the trusted side (group policies allowing or denying the roles).
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi

from access.adapter import Planned, account_components, account_users
from access.instructions import sign_in, source_accounts
from access.model import Account, Role
from access.pulumi_config import load_stack_from_sdk
from components.aliases import keep_former_names
from components.auditor import AuditorRole, AuditorRoleArgs
from components.providers import account_provider
from components.trusted_account import AccountUsers, GroupRoleAccess
from components.trusting_account import CrossAccountRole, ProtectedBucket

model, settings = load_stack_from_sdk(Path(__file__).parent)
account = model.account(settings.account)
provider = account_provider(f"{account.name}-{account.id}", account.id, account.region, settings.profile,
                            settings.assume_role_arn)


def on_account(component: Planned[Any], parents: Mapping[str, pulumi.Resource] | None = None) -> pulumi.ResourceOptions:
    """The stack's pinned provider, and aliases so children renamed since an earlier deploy keep their state."""
    former = {child: (f.name, (parents or {})[f.parent_group] if f.parent_group else None)
              for child, f in component.former.items()}
    return pulumi.ResourceOptions(providers=[provider], transformations=[keep_former_names(former)])


def sign_in_output(role: Role, source: Account) -> pulumi.Input[dict[str, str]]:
    """The tutorial's step 3 for `source`'s users; secret as a whole when it carries an ExternalId."""
    external_id = settings.external_id(role.name)
    if external_id is None:
        return sign_in(model, role, source)
    return pulumi.Output.secret(external_id).apply(lambda value: sign_in(model, role, source, value))


planned = account_components(model, settings)
roles = {c.name: CrossAccountRole(c.name, c.args, on_account(c)) for c in planned.roles}
for component in planned.buckets:
    ProtectedBucket(component.name, component.args, on_account(component))
groups = {c.name: GroupRoleAccess(c.name, c.args, on_account(c)) for c in planned.groups}
users = account_users(model, account.name, {name: group.group_name for name, group in groups.items()})
if users is not None:
    AccountUsers(users.name, users.args, on_account(users, groups))
if settings.auditor_principal_arn:  # read-only access for `python -m verify`, e.g. the daily workflow's OIDC role
    AuditorRole("auditor", AuditorRoleArgs(principal_arn=settings.auditor_principal_arn,
                                           bucket_arns=[b.arn for b in model.buckets_in(account.name)]),
                pulumi.ResourceOptions(providers=[provider]))

pulumi.export("account", {"name": account.name, "id": account.id, "region": account.region})
pulumi.export("roles", {
    role.name: {
        "arn": roles[role.name].arn if role.name in roles else model.role_arn(role),
        "signIn": {source.name: sign_in_output(role, source) for source in source_accounts(model, role, account.name)},
    }
    for role in model.roles_in_scope(account.name)
})
