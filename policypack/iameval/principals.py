"""Who a role's trust can let in: the principals a trust policy names, and the estate's principals indexed by the
resources their statements name.

With these, a principal is evaluated only against the roles its policies can reach, and principals the trust
does not admit are decided without their policies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .estate import Principal, RoleEstate, arn_account
from .matching import has_wildcard
from .policy import Policy
from .scope import Actions, resources_of

ASSUME_ROLE = "sts:assumerole"


@dataclass(frozen=True)
class Admission:
    """Who a trust policy's Allow statements name: everyone, accounts, principal ARNs, services."""

    everyone: bool
    accounts: frozenset[str]
    arns: frozenset[str]
    others: tuple[str, ...]  # "service:<name>", "federated:<name>"

    def admits(self, arn: str, account: str) -> bool:
        return self.everyone or arn in self.arns or account in self.accounts

    def names(self, arn: str) -> bool:
        """Whether it names the caller itself (which, in the role's own account, needs no identity Allow)."""
        return self.everyone or arn in self.arns


def trust_admission(trust: Policy, actions: Actions) -> Admission:
    everyone = False
    accounts: set[str] = set()
    arns: set[str] = set()
    others: list[str] = []
    for statement in trust.statements:
        if statement.deny or ASSUME_ROLE not in actions.of(statement):
            continue
        if statement.principals is None:
            everyone = True  # NotPrincipal with Allow: everyone but a few; let the engine decide each
            continue
        for kind, values in statement.principals:
            for value in values:
                if kind == "*" or value == "*":
                    everyone = True
                elif kind != "AWS":
                    others.append(f"{'service' if kind == 'Service' else 'federated'}:{value}")
                elif value.isdigit() and len(value) == 12:
                    accounts.add(value)
                elif value.endswith(":root") and value.count(":") == 5:
                    accounts.add(arn_account(value))
                else:
                    arns.add(value)
    return Admission(everyone, frozenset(accounts), frozenset(arns), tuple(dict.fromkeys(others)))


@dataclass
class IndexedPrincipal:
    """A principal of the estate, indexed by the resources its statements name."""

    principal: Principal | RoleEstate
    label: str
    kind: str
    literal: dict[str, list[int]]  # resource ARN -> positions of its policies with a statement naming it
    wild: list[int]  # positions of policies with a statement that may match any resource
    assume_literal: frozenset[str]  # resources named by Allow statements that can match sts:AssumeRole
    assume_wild: bool  # such an Allow with a wildcard, NotResource or a policy variable

    @property
    def arn(self) -> str:
        return self.principal.arn

    def policies_for(self, resource: str) -> tuple[Policy, ...]:
        """Only the policies whose statements can match `resource`, in their order."""
        identity = self.principal.identity
        positions = sorted({*self.wild, *self.literal.get(resource, ())})
        return tuple(identity[p] for p in positions)


class PolicyIndex:
    """Per policy (by object, since members of a group share them): literal resources, wildcards, assume Allows."""

    def __init__(self, actions: Actions) -> None:
        self.actions = actions
        self._cache: dict[int, tuple[frozenset[str], bool, frozenset[str], bool]] = {}

    def of(self, policy: Policy) -> tuple[frozenset[str], bool, frozenset[str], bool]:
        found = self._cache.get(id(policy))
        if found is None:
            literal: set[str] = set()
            wild = False
            assume_literal: set[str] = set()
            assume_wild = False
            for statement in policy.statements:
                patterns = resources_of(statement)
                loose = statement.resources is None or any(has_wildcard(p) or "${" in p for p in patterns)
                wild = wild or loose
                literal.update(p for p in patterns if not loose)
                if not statement.deny and ASSUME_ROLE in self.actions.of(statement):
                    assume_wild = assume_wild or loose
                    assume_literal.update(p for p in patterns if not loose)
            found = (frozenset(literal), wild, frozenset(assume_literal), assume_wild)
            self._cache[id(policy)] = found
        return found

    def caller(self, principal: Principal | RoleEstate, label: str, kind: str) -> IndexedPrincipal:
        literal: dict[str, list[int]] = defaultdict(list)
        wild: list[int] = []
        assume_literal: set[str] = set()
        assume_wild = False
        for position, policy in enumerate(principal.identity):
            resources, loose, assume, assume_loose = self.of(policy)
            for resource in resources:
                literal[resource].append(position)
            if loose:
                wild.append(position)
            assume_literal |= assume
            assume_wild = assume_wild or assume_loose
        return IndexedPrincipal(principal, label, kind, dict(literal), wild, frozenset(assume_literal), assume_wild)
