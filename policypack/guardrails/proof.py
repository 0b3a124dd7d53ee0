"""The stack proof: on every `pulumi preview` and `pulumi up`, over the whole stack, with the IAM engine.

The resource rules read one document at a time; these two stack policies put the stack's roles, trusts and
permissions together and ask the engine (`iameval`, shipped in this folder) the two questions the pack exists
for:

- `iam-stack-no-outsider-assumes-role`: may a principal of an account outside the allowlist assume any role
  of the stack? (`assumers.admissions`: the trust as AWS evaluates it, under every condition value a caller
  can present.)
- `iam-stack-cross-account-role-not-admin`: is a role that another account may assume admin-equivalent? Its
  identity policies (inline, RolePolicy, attached customer-managed policies of the stack, AWS-managed
  administrator policies, managedPolicyArns) and its permissions boundary are gathered, and the engine is
  asked whether its session could write IAM policies (attach or put a role, user or group policy, create a
  policy version) or pass any role to new compute. A boundary the stack does not define cannot be read, so
  such a role is not judged (its absence could only make the role less powerful).

Values unknown during a preview are skipped: the proof runs again on `pulumi up` with the real values.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    Severity,
    StackValidationArgs,
)

from .assumers import ADMIN_DOCUMENT, admissions
from .attachments import admin_policy_name, attached_arns
from .documents import is_unknown
from .metadata import IAM_GUIDE, guarded
from .permissions import COMPUTE_ACTIONS, ESCALATION_ACTIONS
from .resources import MANAGED_POLICY_TYPE, ROLE_TYPE, allowlist, known_text, read, stack_account
from .text import clipped, shown
from .trust import ALLOWLIST_SCHEMA

_ROLE_POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy"
# Attachments that give policies to roles, and the property naming the role(s).
_ROLE_ATTACHMENTS = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "role",
    "aws:iam/policyAttachment:PolicyAttachment": "roles",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "roleName",
}
_PROBE = "guardrails-probe"
_UNKNOWN_ACCOUNT = "000000000001"  # a provider pinned to several accounts (or none) leaves the role's unknown


def _role_arn(role: PolicyResource, own: str | None) -> str:
    name = known_text(role.props, "name") or role.name
    path = known_text(role.props, "path") or "/"
    return f"arn:aws:iam::{own or _UNKNOWN_ACCOUNT}:role{path}{name}"


def _trust(role: PolicyResource) -> str | None:
    """The role's trust document as JSON text, when fully known."""
    value = read(role.props, "assumeRolePolicy")
    return _text(value) if isinstance(value, str | Mapping) else None


def _roles(args: StackValidationArgs) -> Iterable[tuple[PolicyResource, str | None, str]]:
    for resource in args.resources:
        if resource.resource_type == ROLE_TYPE:
            trust = _trust(resource)
            if trust is not None:
                yield resource, stack_account(resource.provider), trust


def check_no_outsider(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-stack-no-outsider-assumes-role: see the policy description."""
    allowed = allowlist(args.get_config())
    if not allowed:
        args.not_applicable("no allowedAccountIds configured for this policy")
    for role, own, trust in _roles(args):
        for admission in admissions(trust, _role_arn(role, own), own):
            if admission.account in allowed:
                continue
            report_violation(
                f"role {shown(role.name)} may be assumed by {shown(admission.caller)} of account "
                f"{admission.account}, which is not in the allowlist: {clipped(admission.explanation)}. Trust only "
                "allowlisted accounts, and keep wildcards behind conditions AWS sets (aws:PrincipalOrgID, "
                "aws:PrincipalArn, ...).",
                role.urn,
            )


def _holds(resource: PolicyResource, field: str, role: PolicyResource, role_name: str) -> bool:
    """Whether `resource` names the role in `field`, by value or by depending on the role for it."""
    value = read(resource.props, field)
    names = value if isinstance(value, list) else [value]
    if role_name in names:
        return True
    return any(dependency.urn == role.urn for dependency in resource.property_dependencies.get(field, []))


def _policy_document(arn: str, by_arn: Mapping[str, PolicyResource]) -> Any:
    """The document an attached ARN stands for: an AWS-managed administrator policy, or a Policy of the stack."""
    if admin_policy_name(arn):
        return ADMIN_DOCUMENT
    policy = by_arn.get(arn) or by_arn.get(arn.rsplit("/", 1)[-1])
    return read(policy.props, "policy") if policy is not None else None


def _managed_policies(resources: Iterable[PolicyResource], own: str | None) -> dict[str, PolicyResource]:
    """The stack's customer-managed policies, by ARN and by name."""
    found: dict[str, PolicyResource] = {}
    for resource in resources:
        if resource.resource_type == MANAGED_POLICY_TYPE:
            name = known_text(resource.props, "name") or resource.name
            path = known_text(resource.props, "path") or "/"
            found[f"arn:aws:iam::{own}:policy{path}{name}"] = found[name] = resource
    return found


def _identity(role: PolicyResource, resources: list[PolicyResource], by_arn: Mapping[str, PolicyResource]) -> list[Any]:
    """Every identity document the stack gives the role (documents, not yet parsed)."""
    name = known_text(role.props, "name") or role.name
    inline = read(role.props, "inlinePolicies")
    documents = [item.get("policy") for item in inline if isinstance(item, Mapping)] if isinstance(inline, list) else []
    arns = list(attached_arns(ROLE_TYPE, role.props))
    for resource in resources:
        if resource.resource_type == _ROLE_POLICY_TYPE and _holds(resource, "role", role, name):
            documents.append(read(resource.props, "policy"))
        holder = _ROLE_ATTACHMENTS.get(resource.resource_type)
        if holder and _holds(resource, holder, role, name):
            arns += attached_arns(resource.resource_type, resource.props)
    documents += [_policy_document(arn, by_arn) for arn in arns]
    return [document for document in documents if document is not None]


def _boundary(role: PolicyResource, by_arn: Mapping[str, PolicyResource]) -> tuple[bool, Any]:
    """(readable, document): the role's permissions boundary, None when it has none."""
    arn = known_text(role.props, "permissionsBoundary")
    if read(role.props, "permissionsBoundary") is None:
        return True, None
    document = _policy_document(arn, by_arn) if arn else None
    return document is not None, document


def _text(document: Any) -> str | None:
    """A known document as JSON text (None while it holds values unknown during a preview)."""
    text = document if isinstance(document, str) else json.dumps(document)
    return None if is_unknown(text) else text


@functools.lru_cache(maxsize=512)
def _escalation(role_arn: str, own: str, identity: tuple[str, ...], boundary: str | None) -> str | None:
    """What makes the role's session admin-equivalent, per the engine (None: nothing found). Cached: stacks and
    previews repeat the same roles."""
    from iameval import Caller, PolicyError, Request, evaluate, parse_policy

    try:
        policies = tuple(parse_policy(f"identity policy {index}", text) for index, text in enumerate(identity))
        limit = parse_policy("permissions boundary", boundary) if boundary is not None else None
    except PolicyError:
        return None  # the validity rule reports documents AWS refuses
    caller = Caller(role_arn, identity=policies, boundary=limit)

    def allows(action: str, resource: str) -> bool:
        return evaluate(caller, Request(action, resource)).allowed

    for action, kind in ESCALATION_ACTIONS.items():
        if allows(action, f"arn:aws:iam::{own}:{kind}/{_PROBE}"):
            return f"it may call {action} on any {kind}, so it can grant itself anything"
    if allows("iam:PassRole", f"arn:aws:iam::{own}:role/{_PROBE}"):
        compute = next((action for action in COMPUTE_ACTIONS if allows(action, "*")), None)
        if compute:
            return f"it may pass any role to {compute}, so it can run code as any role of the account"
    return None


def check_cross_account_not_admin(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-stack-cross-account-role-not-admin: see the policy description."""
    resources = list(args.resources)
    managed: dict[str | None, dict[str, PolicyResource]] = {}  # the stack's managed policies, per account
    for role, own, trust in _roles(args):
        arn = _role_arn(role, own)
        foreign = admissions(trust, arn, own)
        if not foreign:
            continue
        if own not in managed:
            managed[own] = _managed_policies(resources, own)
        readable, boundary = _boundary(role, managed[own])
        if not readable or (boundary is not None and _text(boundary) is None):
            continue
        identity = tuple(text for text in map(_text, _identity(role, resources, managed[own])) if text is not None)
        why = _escalation(arn, own or arn.split(":")[4], identity, _text(boundary) if boundary is not None else None)
        if why:
            accounts = ", ".join(sorted({admission.account for admission in foreign})[:5])
            report_violation(
                f"role {shown(role.name)} may be assumed from account(s) {accounts} and is admin-equivalent: "
                f"{why}. Give a role another account may assume only the actions it needs.",
                role.urn,
            )


POLICIES = [
    guarded(
        stack=True,
        name="iam-stack-no-outsider-assumes-role",
        description=(
            "Proves with the IAM evaluation engine, over the whole stack, that no principal of an account "
            "outside allowedAccountIds can assume any role of the stack, whatever condition values it presents."
        ),
        validate=check_no_outsider,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.CRITICAL,
        config_schema=PolicyConfigSchema(properties=ALLOWLIST_SCHEMA),
        remediation_steps=(
            "Change the role's trust policy so that only allowlisted accounts are admitted: name them, or "
            "keep a wildcard only behind aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn."
        ),
        url=f"{IAM_GUIDE}/reference_policies_evaluation-logic-cross-account.html",
    ),
    guarded(
        stack=True,
        name="iam-stack-cross-account-role-not-admin",
        description=(
            "Proves with the IAM evaluation engine that no role another account may assume is admin-equivalent "
            "(may write IAM policies, or pass any role to new compute), counting its inline, attached and "
            "AWS-managed policies and its permissions boundary."
        ),
        validate=check_cross_account_not_admin,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.CRITICAL,
        remediation_steps=(
            "Give the role a customer-managed policy listing the actions it needs, or a permissions boundary "
            "without IAM write actions and iam:PassRole on every role."
        ),
        url=f"{IAM_GUIDE}/access_policies_boundaries.html",
    ),
]
