"""AWS's documented policy evaluation logic for one request (*Policy evaluation logic*, *Cross-account policy
evaluation logic*, *Permissions boundaries for IAM entities*):

1. an explicit Deny in any policy that applies (identity, boundary, resource) denies;
2. same account: an Allow in the caller's identity policies (and, if it has one, in its permissions boundary),
   or an Allow in the resource policy naming the caller itself (its ARN, or `*`); a resource-policy Allow
   matched only through the account (`arn:aws:iam::<id>:root`, a bare account ID) delegates to the account's
   own policies, so it needs the identity Allow. For a role, a resource-policy Allow naming the role is still
   limited by the role's boundary; for a user it is not;
3. another account: the identity Allow (within the boundary) AND an Allow in the resource policy;
4. a trust policy (Target.requires_policy) must itself Allow, whatever the account;
5. otherwise: implicitly denied.

The Decision keeps the statements that decided it, and its explanation is made of them and nothing else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from .matching import DIRECT
from .policy import Policy, Statement

IDENTITY, BOUNDARY, TRUST, RESOURCE = "identity policy", "permissions boundary", "trust policy", "resource policy"
USER, ROLE, ROOT, ANONYMOUS, SERVICE, FEDERATED = "user", "role", "root", "anonymous", "service", "federated"

# Callers without identity policies: only a resource policy can let them in.
_WITHOUT_IDENTITY = frozenset({ANONYMOUS, SERVICE, FEDERATED})
_PRINCIPAL_TYPES = {USER: "User", ROLE: "AssumedRole", ROOT: "Account", ANONYMOUS: "Anonymous",
                    FEDERATED: "FederatedUser"}


@dataclass(frozen=True)
class Caller:
    """Who makes the request, with every policy that applies to it.

    `arn`: an IAM user or role ARN (a role's session acts with its role's ARN and policies), an account's
    `arn:aws:iam::<id>:root`, `*` for an anonymous caller, `service:<name>.amazonaws.com` for an AWS service,
    `federated:<provider>` for a web-identity or SAML federated caller.
    """

    arn: str
    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    tags: tuple[tuple[str, str], ...] = ()

    @cached_property
    def kind(self) -> str:
        if self.arn == "*":
            return ANONYMOUS
        for prefix, kind in (("service:", SERVICE), ("federated:", FEDERATED)):
            if self.arn.startswith(prefix):
                return kind
        parts = self.arn.split(":", 5)
        resource = parts[5] if len(parts) == 6 and parts[0] == "arn" else ""
        if resource == "root":
            return ROOT
        if resource.startswith("user/"):
            return USER
        if resource.startswith(("role/", "assumed-role/")):
            return ROLE
        raise ValueError(f"not a caller this engine knows (user, role, root, *, service:, federated:): "
                         f"{_short(self.arn)}")

    @cached_property
    def account(self) -> str:
        """The caller's account ID; "" for anonymous, service and federated callers."""
        return "" if self.kind in _WITHOUT_IDENTITY else self.arn.split(":")[4]

    @cached_property
    def context(self) -> dict[str, tuple[str, ...]]:
        """The request context keys AWS sets for this caller (lower-cased), added to a request's when absent.

        aws:userid is IAM's unique ID, which a plan does not know: a stable stand-in derived from the ARN
        (AIDA... for users, AROA...:<session> for roles, as IAM spells them)."""
        kind = self.kind
        keys: dict[str, str] = {}
        if kind not in (ANONYMOUS, SERVICE):
            keys["aws:principalarn"] = self.arn
        if kind in _PRINCIPAL_TYPES:
            keys["aws:principaltype"] = _PRINCIPAL_TYPES[kind]
        if self.account:
            keys["aws:principalaccount"] = self.account
        if kind == USER:
            keys["aws:username"] = self.arn.rsplit("/", 1)[-1]
            keys["aws:userid"] = _unique_id("AIDA", self.arn)
        elif kind == ROLE:
            keys["aws:userid"] = _unique_id("AROA", self.arn) + ":session"
        elif kind == ROOT:
            keys["aws:userid"] = self.account
        elif kind == ANONYMOUS:
            keys["aws:userid"] = "anonymous"
        for tag, value in self.tags:
            keys[f"aws:principaltag/{tag.lower()}"] = value
        return {key: (value,) for key, value in keys.items()}


def _unique_id(prefix: str, arn: str) -> str:
    return prefix + hashlib.sha1(arn.encode()).hexdigest()[:17].upper()


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


@dataclass(frozen=True)
class Request:
    """One API call: action, resource ARN, and the condition keys present in the request (absent = missing)."""

    action: str
    resource: str
    context: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """The resource's side: its policy (a trust policy, a bucket policy...), its owner, whether it must Allow.

    Without a Target only identity policies decide. Without `account`, the owner is the account in the resource
    ARN, or the caller's own when the ARN has none (S3)."""

    policy: Policy | None = None
    account: str | None = None
    requires_policy: bool = False


@dataclass(frozen=True)
class Decision:
    """The answer and the statements that made it.

    Added to the contract: `boundary_allows` (the boundary statements that allowed) and `admitted` (for each
    resource Allow, whom its Principal named: `account 111111111111`, the caller's ARN, or `everyone`).
    When a Deny matched, Allows are not looked for: they would change nothing.
    """

    allowed: bool
    denied_by: tuple[Statement, ...] = ()
    identity_allows: tuple[Statement, ...] = ()
    resource_allows: tuple[Statement, ...] = ()
    missing: tuple[str, ...] = ()
    boundary_allows: tuple[Statement, ...] = ()
    admitted: tuple[str, ...] = ()

    def explain(self) -> str:
        """One line, made only of this decision's statements and what was missing."""
        if self.denied_by:
            return "denied: explicit Deny in " + _labels(self.denied_by)
        found = []
        if self.identity_allows:
            found.append("Allow in " + _labels(self.identity_allows))
            if self.boundary_allows:
                found[-1] += " within the permissions boundary (" + _labels(self.boundary_allows) + ")"
        if self.resource_allows:
            admits = ", ".join(dict.fromkeys(self.admitted))
            found.append(_labels(self.resource_allows) + (f" admits {admits}" if admits else ""))
        if self.allowed:
            return "allowed: " + (" and ".join(found) if found else "no policy denies it and none needs to allow it")
        reasons = [_MISSING[m] for m in self.missing]
        if found:
            return "denied: " + " and ".join(found) + ", but " + " and ".join(reasons)
        return "denied: " + " and ".join(reasons or ["nothing allows it"])


_MISSING = {IDENTITY: "no Allow in its identity policies", BOUNDARY: "its permissions boundary does not allow it",
            TRUST: "the trust policy does not admit it", RESOURCE: "the resource policy does not admit it"}


def _labels(statements: tuple[Statement, ...]) -> str:
    return "; ".join(s.label() for s in statements)


class _Lookup:
    """The request's condition keys, lower-cased and merged with the caller's, built only if a condition or a
    policy variable asks (most statements have neither)."""

    __slots__ = ("caller", "keys", "request")

    def __init__(self, caller: Caller, request: Request) -> None:
        self.caller = caller
        self.request = request
        self.keys: dict[str, tuple[str, ...]] | None = None

    def __call__(self, key: str) -> tuple[str, ...] | None:
        if self.keys is None:
            keys = dict(self.caller.context)
            for name, value in self.request.context.items():
                keys[name.lower()] = (value,) if isinstance(value, str) else tuple(value)
            self.keys = keys
        return self.keys.get(key)


def _matching(policy: Policy, action: str, resource: str, lookup: _Lookup,
              allows: list[Statement], denies: list[Statement]) -> None:
    for statement in policy.statements:
        if statement.applies(action, resource, lookup):
            (denies if statement.deny else allows).append(statement)


def _decision(allowed: bool, denied_by: tuple[Statement, ...] = (), identity_allows: tuple[Statement, ...] = (),
              resource_allows: tuple[Statement, ...] = (), missing: tuple[str, ...] = (),
              boundary_allows: tuple[Statement, ...] = (), admitted: tuple[str, ...] = ()) -> Decision:
    """A Decision without the frozen dataclass's __init__, which sets each of its seven fields through
    object.__setattr__: a fifth of an evaluation's time, and the analysis makes a million of them."""
    decision = object.__new__(Decision)
    decision.__dict__.update(allowed=allowed, denied_by=denied_by, identity_allows=identity_allows,
                             resource_allows=resource_allows, missing=missing, boundary_allows=boundary_allows,
                             admitted=admitted)
    return decision


def evaluate(caller: Caller, request: Request, target: Target | None = None) -> Decision:
    """AWS's decision on one request (see the module's docstring for the rules and their sources)."""
    kind = caller.kind  # first: a caller the engine does not know is refused whatever its policies say
    action = request.action.lower()
    resource = request.resource
    lookup = _Lookup(caller, request)
    denies: list[Statement] = []
    identity: list[Statement] = []
    bounded: list[Statement] = []
    for policy in caller.identity:
        _matching(policy, action, resource, lookup, identity, denies)
    if caller.boundary is not None:
        _matching(caller.boundary, action, resource, lookup, bounded, denies)
    allows: list[Statement] = []
    admitted: list[str] = []
    direct = False
    if target is not None and target.policy is not None:
        has_boundary = caller.boundary is not None
        for statement in target.policy.statements:
            named = statement.admits(caller.arn, caller.account, has_boundary)
            if named is None or not statement.applies(action, resource, lookup):
                continue
            if statement.deny:
                denies.append(statement)
            else:
                allows.append(statement)
                admitted.append(_whom(statement, caller, named))
                direct = direct or named == DIRECT
    if denies:
        return _decision(False, tuple(denies))
    missing = _missing(caller, kind, target, resource, bool(identity), caller.boundary is None or bool(bounded),
                       bool(allows), direct)
    return _decision(not missing, (), tuple(identity), tuple(allows), missing, tuple(bounded), tuple(admitted))


def _missing(caller: Caller, kind: str, target: Target | None, resource: str, identity: bool, within: bool,
             resource_allows: bool, direct: bool) -> tuple[str, ...]:
    """What the request lacks to be allowed (nothing: allowed), once no Deny matched.

    `identity`: an identity Allow matched; `within`: the boundary (if any) allowed too; `direct`: a resource
    Allow named the caller itself rather than its account."""
    requires = target is not None and target.requires_policy
    cross = _owner(caller, resource, target) != caller.account
    missing = []
    if kind not in _WITHOUT_IDENTITY and kind != ROOT and not (identity and within):
        # Same account: a resource policy naming the caller grants on its own, within a role's boundary
        # (a user's boundary does not limit it: AWS, "Permissions boundaries for IAM entities").
        granted_directly = not cross and direct and (kind != ROLE or within)
        if not granted_directly:
            missing.append(BOUNDARY if identity or (direct and not cross) else IDENTITY)
    needs_resource = kind in _WITHOUT_IDENTITY or requires or (target is not None and cross)
    if needs_resource and not resource_allows:
        missing.append(TRUST if requires else RESOURCE)
    return tuple(missing)


def _owner(caller: Caller, resource: str, target: Target | None) -> str:
    """The account that owns the resource: the Target's, else the resource ARN's, else the caller's."""
    if target is not None and target.account:
        return target.account
    if target is None:
        return caller.account
    parts = resource.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[4] else caller.account


def _whom(statement: Statement, caller: Caller, named: str) -> str:
    """How a resource-policy Allow named the caller, for explanations."""
    if named != DIRECT:
        return f"account {caller.account}"
    everyone = statement.not_principals is not None or any(
        kind == "*" or (kind == "AWS" and "*" in values) for kind, values in statement.principals or ())
    return "everyone" if everyone else caller.arn.removeprefix("service:").removeprefix("federated:")
