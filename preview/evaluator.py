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
    """A policy document and the name an explanation calls it by (its ARN, or `group X: policy-name`)."""

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
    """An IAM user or role (a role's session acts with the role's ARN and policies), ready for evaluation."""

    def __init__(self, node: Any, policies: Sequence[NamedPolicy], boundary: NamedPolicy | None) -> None:
        self.node = node
        self.policies = tuple(policies)  # identity policies in evaluation order, own then groups'
        self.boundary = boundary

    @property
    def arn(self) -> str:
        return str(self.node.arn)

    @property
    def account(self) -> str:
        return self.arn.split(":")[4]


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
    """The document with JSON booleans and numbers in conditions spelled as strings, as IAM reads them.

    principalmapper compares condition values as strings only, so `{"Bool": {"aws:SecureTransport": false}}`
    (valid IAM, common in bucket policies) would never match and its Deny would silently not apply.
    """
    statements = document.get("Statement")
    if not isinstance(statements, list | dict):
        return document
    result = []
    for statement in statements if isinstance(statements, list) else [statements]:
        condition = statement.get("Condition") if isinstance(statement, dict) else None
        if isinstance(condition, dict):
            statement = {**statement, "Condition": {
                operator: {key: _condition_value(v) for key, v in values.items()} if isinstance(values, dict)
                else values for operator, values in condition.items()}}
        result.append(statement)
    return {**document, "Statement": result}


def _unique_id(prefix: str, arn: str) -> str:
    """A stable stand-in for IAM's unique IDs (AIDA… for users, AROA… for roles), which conditions may read."""
    return prefix + hashlib.sha1(arn.encode()).hexdigest()[:17].upper()


class Evaluator:
    """Builds principalmapper's Node/Group/Policy objects once per identity and answers requests against them."""

    def __init__(self) -> None:
        self._pm = _engine()
        self._groups: dict[str, Any] = {}
        self._documents: dict[NamedPolicy, Document] = {}

    def _policies(self, owner_arn: str, policies: Sequence[NamedPolicy]) -> list[Any]:
        return [self._pm.Policy(owner_arn, p.name, self.document(p)) for p in policies]

    def document(self, policy: NamedPolicy) -> Document:
        """The policy's document as the engine is given it, normalised once per policy (trusts, bucket policies
        and group policies are shared by many requests)."""
        if policy not in self._documents:
            self._documents[policy] = normalized(policy.document)
        return self._documents[policy]

    def principal(self, arn: str, policies: Sequence[NamedPolicy] = (),
                  groups: Sequence[tuple[str, Sequence[NamedPolicy]]] = (), boundary: NamedPolicy | None = None,
                  trust: Document | None = None) -> Principal:
        """A user (`groups` are its memberships as (group ARN, policies)) or a role (`trust` is its trust policy).

        Group objects are shared between members by ARN, so a group's policies are parsed and held once.
        """
        is_role = ":role/" in arn
        memberships = []
        for group_arn, group_policies in groups:
            if group_arn not in self._groups:
                self._groups[group_arn] = self._pm.Group(group_arn, self._policies(group_arn, group_policies))
            memberships.append(self._groups[group_arn])
        node = self._pm.Node(
            arn, _unique_id("AROA" if is_role else "AIDA", arn), self._policies(arn, policies), memberships,
            (trust or {}) if is_role else None, None, 0, False, False,
            self._pm.Policy(boundary.name, boundary.name, self.document(boundary)) if boundary else None, False, None,
        )
        return Principal(node, [*policies, *(p for _, group_policies in groups for p in group_policies)], boundary)

    def allowed(self, principal: Principal, request: Request) -> bool:
        """AWS's decision for one request: identity policies, the resource policy (when given) and conditions."""
        policy = self.document(request.resource_policy) if request.resource_policy else None
        return bool(self._pm.query.local_check_authorization_full(
            principal.node, request.action, request.resource, dict(request.context), policy,
            request.resource_owner if policy is not None else None))

    def may_assume(self, principal: Principal, role_arn: str, trust: NamedPolicy,
                   context: Mapping[str, str]) -> AssumeDecision:
        """`sts:AssumeRole` needs both sides: the caller's own policies allow it, and the role's trust policy
        (a resource policy owned by the role's account) admits the caller, under the request's conditions."""
        identity = self.allowed(principal, Request(ASSUME_ROLE, role_arn, context))
        trusted = self.allowed(principal, Request(ASSUME_ROLE, role_arn, context, trust, role_arn.split(":")[4]))
        return AssumeDecision(identity and trusted, identity, trusted)

    def explain(self, principal: Principal, request: Request) -> str:
        """Which policy decided a request: for people reading a wrong cell, not for the decision itself."""
        sim = self._pm.simulation
        context = self._pm.query._prepare_condition_context(dict(request.context))
        context.update(self._pm.query._infer_condition_keys(principal.node, context))

        def matching(effect: str) -> Iterator[str]:
            for policy in principal.policies:
                if sim.policy_has_matching_statement(self.document(policy), effect, request.action, request.resource,
                                                     context):
                    yield policy.name

        denies = list(matching("Deny"))
        if denies:
            return f"explicit Deny in {denies[0]}"
        resource_says = ""
        if request.resource_policy is not None:
            statements = sim.resource_policy_matching_statements(
                principal.node, self.document(request.resource_policy), request.action, request.resource, context)
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
