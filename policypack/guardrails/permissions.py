"""What the ones who get in may do: rules on identity policies, and on documents AWS would refuse.

In the tutorial, developers may assume exactly one role (arn:aws:iam::999999999999:role/UpdateApp) and that
role may touch exactly one bucket. Full-admin grants and "assume any role" grants undo that design from the
other side of the trust, and a malformed or misspelled document silently grants nothing or fails the update.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from .documents import Statement, arn_account, is_unknown, is_wildcard_account
from .iam_lint import lint
from .resources import (
    DocumentKind,
    PolicySource,
    additional_actions_schema,
    documents_of,
    known_text,
    policy_sources,
)

_IAM_KINDS = (DocumentKind.TRUST, DocumentKind.IDENTITY)
_SID = re.compile(r"^[0-9A-Za-z]*$")
_RESOURCE_SCOPE_KEYS = frozenset({"aws:resourceaccount", "aws:resourceorgid"})
USER_PERMISSION_TYPES = frozenset(
    {
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "aws:iam/userPoliciesExclusive:UserPoliciesExclusive",
        "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
    }
)


def check_full_admin(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-no-full-admin: see the policy description."""
    for source, statement in documents_of(args.resource_type, args.props, (DocumentKind.IDENTITY,)):
        if not statement.allows:
            continue
        if statement.action_element == "NotAction":
            report_violation(
                f"{source.where(statement)} allows NotAction: every action of every service except the ones "
                "listed, including new ones. List the actions the principal needs instead."
            )
        elif any(action in ("*", "*:*") for action in statement.actions):
            report_violation(
                f'{source.where(statement)} allows Action "*", full administrator access. List the actions the '
                "principal needs (the tutorial's role gets s3:ListBucket, s3:GetObject, ... on one bucket)."
            )


def _any_role(resource: str) -> bool:
    """Resource "*" or a wildcard account: every role that trusts the caller's account, wherever it lives."""
    return resource == "*" or is_wildcard_account(arn_account(resource))


def check_assume_any_role(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-no-assume-any-role: see the policy description."""
    for source, statement in documents_of(args.resource_type, args.props, (DocumentKind.IDENTITY,)):
        if not statement.allows or not statement.covers_action("sts:AssumeRole"):
            continue
        if statement.pinned_values(_RESOURCE_SCOPE_KEYS):
            continue  # narrowed by aws:ResourceAccount / aws:ResourceOrgID to fixed accounts or organisations
        if statement.resource_element == "NotResource":
            wide = ["NotResource"]
        else:
            wide = [
                f'"{resource}"' for resource in statement.resources if not is_unknown(resource) and _any_role(resource)
            ]
        if wide:
            report_violation(
                f"{source.where(statement)} allows sts:AssumeRole on {', '.join(wide)}: any role, in any account, "
                "that trusts this account. List the role ARNs, e.g. arn:aws:iam::999999999999:role/UpdateApp."
            )


def _kind_problems(kind: DocumentKind, statement: Statement) -> Iterator[str]:
    """What AWS rejects in a statement because of where the document sits."""
    if kind is DocumentKind.TRUST:
        if statement.principal_element is None:
            yield "a trust policy statement needs a Principal (who may assume the role)"
        if statement.resource_element:
            yield f"a trust policy cannot have {statement.resource_element}: the role itself is the resource"
    elif kind is DocumentKind.IDENTITY:
        if statement.principal_element:
            yield (
                f"an identity policy cannot have {statement.principal_element}: it applies to whoever it is "
                "attached to. Move the principal to the role's trust policy or the resource's policy"
            )
        if statement.resource_element is None:
            yield "an identity policy statement needs Resource or NotResource"
    elif statement.principal_element is None:
        yield "a resource-based policy statement needs Principal or NotPrincipal"
    if kind in _IAM_KINDS and statement.sid and not _SID.match(statement.sid):
        yield f'IAM only accepts letters and digits in a Sid, not "{statement.sid}"'


def _structure_problems(source: PolicySource) -> Iterator[str]:
    document = source.document
    for problem in document.problems:
        yield f"{source.property}: {problem}"
    for statement in document.statements:
        for problem in (*statement.problems, *_kind_problems(source.kind, statement)):
            yield f"{source.where(statement)}: {problem}"
    if source.kind in _IAM_KINDS:
        counts = Counter(statement.sid for statement in document.statements if statement.sid)
        for sid, count in sorted(counts.items()):
            if count > 1:
                yield f'{source.property}: Sid "{sid}" is used by {count} statements; IAM requires unique Sids'


def check_document_valid(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-policy-document-valid: see the policy description."""
    extra = tuple(str(action) for action in args.get_config().get("additionalActions") or ())
    for source in policy_sources(args.resource_type, args.props):
        problems = list(_structure_problems(source))
        for problem in problems:
            report_violation(f"{problem}.")
        # parliament needs a well-formed document, knows nothing of trust policies (rule iam-trust-actions-valid
        # covers their actions) and would misread placeholders for values unknown during a preview.
        if problems or source.kind is DocumentKind.TRUST or source.document.has_unknowns:
            continue
        for finding in lint(source.document.parliament_text(), extra):
            statement = source.document.statements[finding.statement_index]
            report_violation(f"{source.where(statement)}: {finding.message}.")


def check_user_permissions(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-no-user-inline-policies: see the policy description."""
    if args.resource_type not in USER_PERMISSION_TYPES:
        return
    user = known_text(args.props, "user")
    who = f'user "{user}"' if user else "an IAM user"
    report_violation(
        f"{args.resource_type.rsplit(':', 1)[-1]} gives {who} permissions directly. Add the user to an "
        "aws.iam.Group that holds the policy (as the tutorial does for developers), or let them assume a role."
    )


POLICIES = [
    ResourceValidationPolicy(
        name="iam-no-full-admin",
        description=(
            'Checks that identity policies do not grant every action: no Allow with Action "*" or "*:*", '
            "and no Allow with NotAction."
        ),
        validate=check_full_admin,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.CRITICAL,
    ),
    ResourceValidationPolicy(
        name="iam-no-assume-any-role",
        description=(
            "Checks that identity policies do not allow sts:AssumeRole (directly or through sts:*, sts:Assume* "
            'or *) on Resource "*" or on role ARNs with a wildcard account.'
        ),
        validate=check_assume_any_role,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
    ResourceValidationPolicy(
        name="iam-policy-document-valid",
        description=(
            "Checks that policy documents are valid: JSON, Version 2012-10-17, Effect Allow or Deny, Action or "
            "NotAction in every statement, elements where AWS accepts them, known actions and well-formed "
            "resource ARNs (action and ARN knowledge from parliament)."
        ),
        validate=check_document_valid,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
        config_schema=additional_actions_schema("Actions to accept although parliament does not know them."),
    ),
    ResourceValidationPolicy(
        name="iam-no-user-inline-policies",
        description=(
            "Checks that permissions are not attached to IAM users (UserPolicy, UserPolicyAttachment and their "
            "Exclusive variants): they belong to groups and roles."
        ),
        validate=check_user_permissions,
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
    ),
]
