"""The model's intent, written once: who may assume each role, under which conditions, and what its session is
promised. Pure: it reads the model (and the ExternalIds the stacks hold), never a document.

The offline preview, the rehearsal and live verification all compare what AWS would do with this, so they cannot
disagree on what "as intended" means. The rules:

- a user may assume a role when one of their groups has it in `canAssume` and none has it in `denyAssume`
  (an explicit deny wins, as in AWS), in an account the role trusts;
- the principals of `trustedPrincipalArns` may, if their own policies allow it; so may any other principal of a
  trusted account (the trust names the account: its own policies decide);
- with `requireMfa` only with MFA (younger than `mfaMaxAgeSeconds`, if set), with `externalIdSecret` only with the
  ExternalId the caller's side holds;
- the session gets, per grant, the access level's bucket actions on the bucket and object actions on its objects,
  all only over TLS, plus `s3:ListAllMyBuckets` on `*` (the console's bucket list), and nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from access.documents import BUCKET_ACTIONS, OBJECT_ACTIONS
from access.model import AccessModel, Group, Role
from policypack.iameval.role_intent import Grant, RoleIntent, principal_key

LIST_ALL_BUCKETS = "s3:ListAllMyBuckets"


def user_arn(account_id: str, user: str) -> str:
    """A model user's ARN (the model names users without a path)."""
    return f"arn:aws:iam::{account_id}:user/{user}"


def members(model: AccessModel, account: str) -> tuple[str, ...]:
    """The users of an account's groups, each once, in the model's order."""
    return tuple(dict.fromkeys(user for group in model.groups_in(account) for user in group.members))


def _groups_of(model: AccessModel) -> dict[tuple[str, str], list[Group]]:
    """(account name, user) -> the user's groups."""
    found: dict[tuple[str, str], list[Group]] = defaultdict(list)
    for group in model.groups:
        for user in group.members:
            found[(group.account, user)].append(group)
    return found


def _decide(role: Role, account: str, groups: list[Group]) -> tuple[bool, str]:
    denied = [g.name for g in groups if role.name in g.denied]
    allowed = [g.name for g in groups if role.name in g.can_assume]
    if denied:
        return False, f"{denied[0]} is denied {role.name}"
    if allowed and account in role.trusted_accounts:
        return True, f"{allowed[0]} may assume {role.name}"
    return False, f"no group of theirs may assume {role.name}"


def may_assume(model: AccessModel, role: Role, account: str, user: str) -> tuple[bool, str]:
    """Whether `user` of `account` (names as in the model) may assume `role`, and why."""
    return _decide(role, account, [g for g in model.groups_in(account) if user in g.members])


def promised_session(model: AccessModel, role: Role) -> tuple[Grant, ...]:
    """What the role's session is promised: per grant, the bucket's and its objects' actions (over TLS), and the
    bucket list."""
    grants = [Grant((LIST_ALL_BUCKETS,), "*", False, "every role may list the buckets (the console needs it)")]
    for grant in role.grants:
        arn = model.bucket(grant.bucket).arn
        why = f"{grant.access} on {grant.bucket}"
        grants.append(Grant(BUCKET_ACTIONS[grant.access], arn, True, why))
        grants.append(Grant(OBJECT_ACTIONS[grant.access], f"{arn}/*", True, why))
    return tuple(grants)


def role_intent(model: AccessModel, role: Role, external_ids: Mapping[str, str] | None = None,
                groups_of: Mapping[tuple[str, str], list[Group]] | None = None) -> RoleIntent:
    """The intent for one role. `external_ids`: account name -> the ExternalId that account's stack holds for it.

    Only members of groups that name the role are listed: anyone else may not, by default."""
    groups_of = groups_of if groups_of is not None else _groups_of(model)
    naming = [g for g in model.groups if role.name in g.can_assume or role.name in g.denied]
    return _role_intent(model, role, external_ids, groups_of, naming)


def _role_intent(model: AccessModel, role: Role, external_ids: Mapping[str, str] | None,
                 groups_of: Mapping[tuple[str, str], list[Group]], naming: list[Group]) -> RoleIntent:
    ids = {a.name: a.id for a in model.accounts}
    may: dict[str, str] = {}
    may_not: dict[str, str] = {}
    for group in naming:
        for user in group.members:
            allowed, why = _decide(role, group.account, groups_of[(group.account, user)])
            (may if allowed else may_not)[principal_key(user_arn(ids[group.account], user))] = why
    external_ids = dict(external_ids or {})
    return RoleIntent(
        arn=model.role_arn(role),
        may=may,
        may_not=may_not,
        if_allowed=frozenset(role.trusted_principal_arns),
        delegated=frozenset(ids[a] for a in role.trusted_accounts),
        require_mfa=role.require_mfa,
        mfa_max_age=role.mfa_max_age_seconds if role.require_mfa else None,
        require_external_id=role.external_id_secret is not None,
        external_id=external_ids.get(role.account),
        external_ids={ids[a]: v for a, v in external_ids.items() if a != role.account},
        session=promised_session(model, role),
    )


def intent_of(model: AccessModel, external_ids: Mapping[tuple[str, str], str] | None = None,
              roles: tuple[Role, ...] | None = None) -> dict[str, RoleIntent]:
    """Every role's intent (or those of `roles`), by role ARN. `external_ids`: (account name, role name) -> the
    ExternalId that account's stack holds for the role."""
    by_role: dict[str, dict[str, str]] = defaultdict(dict)
    for (account, role_name), value in (external_ids or {}).items():
        by_role[role_name][account] = value
    groups_of = _groups_of(model)
    naming: dict[str, list[Group]] = defaultdict(list)  # role name -> the groups that allow or deny it
    for group in model.groups:
        for name in dict.fromkeys((*group.can_assume, *group.denied)):
            naming[name].append(group)
    return {model.role_arn(r): _role_intent(model, r, by_role.get(r.name), groups_of, naming[r.name])
            for r in (model.roles if roles is None else roles)}
