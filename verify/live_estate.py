"""The live accounts as the analysis's `Estate`: every user and role of each account read, so each is complete.

A user's identity policies are its own (inline, attached) and its groups' (inline, attached), each named for
explanations the way people say it ("group Developers: allow-assume-S3-role-in-production", "AWS-managed
PowerUserAccess"). A document the engine refuses does not stop verification: whoever holds it carries the
problem and the analysis reports its answers as not decided. A bucket that does not exist is left out (drift
names it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from policypack.iameval.estate import AccountEstate, BucketEstate, Estate, Principal, RoleEstate
from policypack.iameval.policy import Policy, PolicyError, parse_policy
from verify.desired import BLOCK_SETTINGS
from verify.live import Document, LiveAccount, LiveBucket, LiveIdentity

Parsed = Policy | PolicyError


def _parse(name: str, document: Document) -> Parsed:
    try:
        return parse_policy(name, document)
    except PolicyError as error:
        return error


def _split(results: Iterable[Parsed]) -> tuple[tuple[Policy, ...], tuple[str, ...]]:
    """The policies that parsed, and one problem line per refused one."""
    results = list(results)
    return (tuple(r for r in results if isinstance(r, Policy)),
            tuple(str(r) for r in results if isinstance(r, PolicyError)))


class _Account:
    """One live account's policies, managed ones parsed once however many identities hold them."""

    def __init__(self, live: LiveAccount) -> None:
        self.live = live
        self._managed: dict[str, Parsed] = {}

    def managed(self, arn: str) -> Parsed:
        if arn not in self._managed:
            policy = self.live.policies.get(arn)
            kind = "AWS-managed" if ":aws:policy/" in arn else "policy"
            self._managed[arn] = (PolicyError(arn, "is attached but was not read", with_value=False) if policy is None
                                  else _parse(f"{kind} {policy.name}", policy.document))
        return self._managed[arn]

    def policies(self, owner: str, identity: LiveIdentity) -> list[Parsed]:
        """`identity`'s inline policies (named after `owner`), then its attached ones."""
        inline = [_parse(f"{owner}: {name}", document) for name, document in identity.inline.items()]
        return inline + [self.managed(arn) for arn in identity.attached]

    def boundary(self, identity: LiveIdentity) -> list[Parsed]:
        return [self.managed(identity.boundary)] if identity.boundary else []

    def user(self, user: LiveIdentity) -> Principal:
        groups = [self.live.groups[g] for g in user.groups if g in self.live.groups]
        identity, problems = _split([*self.policies(f"user {user.name}", user),
                                     *(p for g in groups for p in self.policies(f"group {g.name}", g))])
        boundary, boundary_problems = _split(self.boundary(user))
        return Principal(user.arn, identity, next(iter(boundary), None), tuple(user.groups),
                         problems=problems + boundary_problems)

    def role(self, role: LiveIdentity) -> RoleEstate:
        identity, problems = _split(self.policies(f"role {role.name}", role))
        trust, trust_problems = _split([_parse(f"trust policy of {role.name}", role.trust)] if role.trust else [])
        boundary, boundary_problems = _split(self.boundary(role))
        return RoleEstate(role.arn, role.name, next(iter(trust), None), identity, next(iter(boundary), None),
                          problems + trust_problems + boundary_problems)

    def bucket(self, bucket: LiveBucket) -> BucketEstate:
        policy, problems = _split([_parse(f"bucket policy of {bucket.name}", bucket.policy)] if bucket.policy else [])
        block = bucket.public_access_block or {}
        return BucketEstate(bucket.name, self.live.id, next(iter(policy), None),
                            all(bool(block.get(key)) for key in BLOCK_SETTINGS), problems)

    def estate(self) -> AccountEstate:
        live = self.live
        return AccountEstate(
            id=live.id, name=live.name,
            users={name: self.user(user) for name, user in live.users.items()},
            roles={name: self.role(role) for name, role in live.roles.items()},
            buckets={name: self.bucket(bucket) for name, bucket in live.buckets.items() if bucket.exists},
        )


def live_estate(accounts: Mapping[str, LiveAccount]) -> Estate:
    """Every live account read, each complete: the analysis names every principal instead of "any other"."""
    return Estate({account_id: _Account(live).estate() for account_id, live in accounts.items()},
                  complete=frozenset(accounts))
