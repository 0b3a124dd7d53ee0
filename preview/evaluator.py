"""IAM policy evaluation for the access matrix: the one module that knows principalmapper.

principalmapper's local simulation follows AWS's documented evaluation logic (explicit deny wins, resource
policies, cross-account needs both sides, `:root` delegates to the account's own policies, condition keys).
Everything else in the preview speaks in plain policy documents and ARNs, so swapping the engine (for IAM's
own policy simulator, or another library) means rewriting this module only.
"""

from __future__ import annotations

import collections
import collections.abc
import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import Any

Document = dict[str, Any]
ASSUME_ROLE = "sts:AssumeRole"


@cache
def _engine() -> SimpleNamespace:
    """Import principalmapper on first use (it pulls in botocore: ~0.1 s the preview only pays when evaluating).

    principalmapper 1.1.5 still does `from collections import Mapping, MutableMapping`, removed in Python 3.10:
    the aliases exist only while it is imported, so no other code can come to rely on them.
    """
    added = [name for name in ("Mapping", "MutableMapping") if not hasattr(collections, name)]
    for name in added:
        setattr(collections, name, getattr(collections.abc, name))
    try:
        from principalmapper.common import Group, Node, Policy
        from principalmapper.querying import local_policy_simulation, query_interface
    finally:
        for name in added:
            delattr(collections, name)
    return SimpleNamespace(Group=Group, Node=Node, Policy=Policy, simulation=local_policy_simulation,
                           query=query_interface)


@dataclass(frozen=True, eq=False)
class NamedPolicy:
    """A policy document and the name an explanation calls it by (`policy X`, `group G: X`, `AWS-managed X`)."""

    name: str
    document: Document


@dataclass(frozen=True, eq=False)
class Request:
    """One API call to decide: action on resource, with request context keys and the resource's own policy."""

    action: str
    resource: str
    context: Mapping[str, str]
    resource_policy: NamedPolicy | None = None
    resource_owner: str | None = None


class Principal:
    """An IAM user or role (a role's session acts with the role's ARN and policies), ready for evaluation.

    Its policies are indexed by the literal resource ARNs they are confined to, so a request is evaluated
    against the few policies that can match it (plus any with wildcards): a principal holding one policy per
    role does not make every one of its requests scan them all.
    """

    def __init__(self, arn: str, entries: Sequence[tuple[str | None, NamedPolicy]], boundary: NamedPolicy | None,
                 trust: Document | None) -> None:
        self.arn = arn
        self.entries = tuple(entries)  # (group ARN, or None for the principal's own policy; the policy)
        self.boundary = boundary
        self.trust = trust
        self.by_resource: dict[str, list[int]] = {}  # lower-cased resource → positions of entries confined to it
        self.anywhere: list[int] = []  # positions of entries that may match any resource
        for position, (_, policy) in enumerate(self.entries):
            keys = _resource_keys(policy.document)
            if keys is None:
                self.anywhere.append(position)
            for key in keys or ():
                self.by_resource.setdefault(key, []).append(position)
        self.views: dict[str, tuple[Any, list[NamedPolicy]]] = {}

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]

    def relevant(self, resource: str) -> list[tuple[str | None, NamedPolicy]]:
        """The entries that may match `resource` (compared lower-cased, as principalmapper does), in order."""
        positions = sorted({*self.anywhere, *self.by_resource.get(resource.lower(), ())})
        return [self.entries[p] for p in positions]


@dataclass(frozen=True)
class AssumeDecision:
    """Whether a principal may assume a role, and which side said no: its own policies or the role's trust."""

    allowed: bool
    identity: bool
    trust: bool


def _condition_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return [_condition_value(v) for v in value]
    return value


def normalized(document: Document) -> Document:
    """The document as IAM reads it, spelled so principalmapper reads it the same way.

    principalmapper compares condition values as strings only, so `{"Bool": {"aws:SecureTransport": false}}`
    (valid IAM, common in bucket policies) would never match and its Deny would silently not apply: JSON
    booleans and numbers become strings. And it makes regular expressions of Resource elements escaping only
    `.`, so `+` and brackets are escaped here.
    """
    statements = document.get("Statement")
    if not isinstance(statements, list | dict):
        return document
    result = []
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict):
            result.append(statement)
            continue
        statement = dict(statement)
        condition = statement.get("Condition")
        if isinstance(condition, dict):
            statement["Condition"] = {
                operator: {key: _condition_value(v) for key, v in values.items()} if isinstance(values, dict)
                else values for operator, values in condition.items()}
        for element in ("Resource", "NotResource"):
            value = statement.get(element)
            if isinstance(value, str | list):
                escaped = [_REGEX_SPECIALS.sub(r"\\\1", v) if isinstance(v, str) else v
                           for v in (value if isinstance(value, list) else [value])]
                statement[element] = escaped if isinstance(value, list) else escaped[0]
        result.append(statement)
    return {**document, "Statement": result}


# Regex characters principalmapper leaves unescaped when it turns a Resource into a pattern (it only handles
# . * ? $ ^): a role named `Deploy+Ops` (valid IAM) would otherwise not match its own ARN.
_REGEX_SPECIALS = re.compile(r"([+()\[\]|\\])")


def _statements(document: Document) -> list[Any]:
    statements = document.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _resource_keys(document: Document) -> frozenset[str] | None:
    """The resources a document is confined to (lower-cased), or None if a statement may match others
    (wildcards, policy variables, NotResource, or no Resource element at all)."""
    keys: set[str] = set()
    for statement in _statements(document):
        resources = statement.get("Resource") if isinstance(statement, dict) else None
        for resource in resources if isinstance(resources, list) else [resources]:
            if not isinstance(resource, str) or any(c in resource for c in "*?$"):
                return None
            keys.add(resource.lower())
    return frozenset(keys)


def _unique_id(prefix: str, arn: str) -> str:
    """A stable stand-in for IAM's unique IDs (AIDA… for users, AROA… for roles), which conditions may read."""
    return prefix + hashlib.sha1(arn.encode()).hexdigest()[:17].upper()


class Evaluator:
    """Builds principalmapper's Node/Group/Policy objects from our documents and answers requests with them."""

    def __init__(self) -> None:
        self._pm = _engine()
        self._documents: dict[NamedPolicy, Document] = {}
        self._policies: dict[NamedPolicy, Any] = {}

    def document(self, policy: NamedPolicy) -> Document:
        """The policy's document as the engine is given it, normalised once per policy (trusts, bucket policies
        and group policies are shared by many requests)."""
        if policy not in self._documents:
            self._documents[policy] = normalized(policy.document)
        return self._documents[policy]

    def _policy(self, policy: NamedPolicy) -> Any:
        if policy not in self._policies:
            self._policies[policy] = self._pm.Policy(policy.name, policy.name, self.document(policy))
        return self._policies[policy]

    def principal(self, arn: str, policies: Sequence[NamedPolicy] = (),
                  groups: Sequence[tuple[str, Sequence[NamedPolicy]]] = (), boundary: NamedPolicy | None = None,
                  trust: Document | None = None) -> Principal:
        """A user (`groups` are its memberships as (group ARN, policies)) or a role (`trust` is its trust policy)."""
        entries = [(None, p) for p in policies] + [(group, p) for group, ps in groups for p in ps]
        return Principal(arn, entries, boundary, (trust or {}) if ":role/" in arn else None)

    def _view(self, principal: Principal, resource: str) -> tuple[Any, list[NamedPolicy]]:
        """principalmapper's Node for the principal, holding (in its own and its groups' places) only the
        policies that may match `resource`; built once per principal and resource."""
        key = resource.lower()
        if key not in principal.views:
            entries = principal.relevant(resource)
            groups: dict[str, list[Any]] = {}
            for group, policy in entries:
                if group is not None:
                    groups.setdefault(group, []).append(self._policy(policy))
            node = self._pm.Node(
                principal.arn, _unique_id("AROA" if principal.trust is not None else "AIDA", principal.arn),
                [self._policy(p) for g, p in entries if g is None],
                [self._pm.Group(arn, policies) for arn, policies in groups.items()],
                principal.trust, None, 0, False, False,
                self._policy(principal.boundary) if principal.boundary else None, False, None)
            principal.views[key] = (node, [p for _, p in entries])
        return principal.views[key]

    def allowed(self, principal: Principal, request: Request) -> bool:
        """AWS's decision for one request: identity policies, the resource policy (when given) and conditions."""
        policy = self.document(request.resource_policy) if request.resource_policy else None
        node, _ = self._view(principal, request.resource)
        return bool(self._pm.query.local_check_authorization_full(
            node, request.action, request.resource, dict(request.context), policy,
            request.resource_owner if policy is not None else None))

    def may_assume(self, principal: Principal, role_arn: str, trust: NamedPolicy,
                   context: Mapping[str, str]) -> AssumeDecision:
        """`sts:AssumeRole` needs both sides: the caller's own policies allow it, and the role's trust policy
        (a resource policy owned by the role's account) admits the caller, under the request's conditions."""
        identity = self.allowed(principal, Request(ASSUME_ROLE, role_arn, context))
        trusted = self.allowed(principal, Request(ASSUME_ROLE, role_arn, context, trust, role_arn.split(":")[4]))
        return AssumeDecision(identity and trusted, identity, trusted)

    def explain(self, principal: Principal, request: Request) -> str:
        """Which policy decided a request, for people reading the matrix (the decision itself is `allowed`)."""
        sim = self._pm.simulation
        node, policies = self._view(principal, request.resource)
        context = self._pm.query._prepare_condition_context(dict(request.context))
        context.update(self._pm.query._infer_condition_keys(node, context))

        def matching(effect: str) -> Iterator[str]:
            for policy in policies:
                if sim.policy_has_matching_statement(self.document(policy), effect, request.action, request.resource,
                                                     context):
                    yield policy.name

        denies = list(matching("Deny"))
        if denies:
            return f"explicit Deny in {denies[0]}"
        resource_says = ""
        if request.resource_policy is not None:
            statements = sim.resource_policy_matching_statements(
                node, self.document(request.resource_policy), request.action, request.resource, context)
            if any(s["Effect"] == "Deny" for s in statements):
                return f"explicit Deny in {request.resource_policy.name}"
            if statements:
                resource_says = f"; {request.resource_policy.name} admits the caller"
            elif request.resource_owner != principal.account:
                return f"{request.resource_policy.name} does not admit a caller of account {principal.account}"
        allows = list(matching("Allow"))
        if principal.boundary is not None and not sim.policy_has_matching_statement(
                self.document(principal.boundary), "Allow", request.action, request.resource, context):
            return f"outside the permissions boundary {principal.boundary.name}"
        if not allows:
            return "no Allow in the caller's policies (implicit deny)" + resource_says
        return f"Allow in {', '.join(allows)}" + resource_says
