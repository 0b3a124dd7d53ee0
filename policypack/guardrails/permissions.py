"""What the ones who get in may do: rules on identity policies.

In the tutorial, developers may assume exactly one role (arn:aws:iam::999999999999:role/UpdateApp) and that
role may touch exactly one bucket. Full-admin grants and "assume any role" grants undo that design from the
other side of the trust. Full admin is not only `"Action": "*"`: `iam:*` on every resource, or the right to
write any role's policy, lets the principal grant itself everything; `iam:PassRole` on every role together
with the right to start compute (an instance, a function, a task) lets it run code as the account's most
powerful role. Each of those is reported as what it is, admin-equivalent.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, Severity

from .documents import PolicyDocument, Statement, arn_account, arn_matches, is_unknown, is_wildcard_account
from .metadata import IAM_GUIDE, guarded
from .resources import DocumentKind, documents_of, known_text
from .text import shown

_RESOURCE_SCOPE_KEYS = frozenset({"aws:resourceaccount", "aws:resourceorgid"})
_DELEGATION_KEYS = frozenset({"iam:permissionsboundary", "iam:policyarn"})
USER_PERMISSION_TYPES = frozenset(
    {
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "aws:iam/userPoliciesExclusive:UserPoliciesExclusive",
        "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive",
    }
)
# Writing a policy of any role, user or group, or a new version of any managed policy: the principal can grant
# itself everything (the IAM privilege-escalation paths that need nothing else).
ESCALATION_ACTIONS = {
    "iam:CreatePolicyVersion": "policy",
    "iam:SetDefaultPolicyVersion": "policy",
    "iam:PutRolePolicy": "role",
    "iam:AttachRolePolicy": "role",
    "iam:UpdateAssumeRolePolicy": "role",
    "iam:PutUserPolicy": "user",
    "iam:AttachUserPolicy": "user",
    "iam:PutGroupPolicy": "group",
    "iam:AttachGroupPolicy": "group",
    "iam:AddUserToGroup": "group",
}
# Actions that start compute running with a role passed to it.
COMPUTE_ACTIONS = (
    "ec2:RunInstances",
    "ec2:RequestSpotInstances",
    "autoscaling:CreateLaunchConfiguration",
    "lambda:CreateFunction",
    "lambda:UpdateFunctionConfiguration",
    "ecs:RunTask",
    "ecs:StartTask",
    "ecs:RegisterTaskDefinition",
    "ecs:CreateService",
    "batch:SubmitJob",
    "glue:CreateDevEndpoint",
    "glue:CreateJob",
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "codebuild:CreateProject",
    "datapipeline:CreatePipeline",
    "states:CreateStateMachine",
    "elasticmapreduce:RunJobFlow",
    "apprunner:CreateService",
)


def _every(kind: str, resource: str) -> bool:
    """Whether a Resource pattern covers every IAM `kind` (role, user, policy, group) of its account or more."""
    if _any_account(resource):
        return True
    parts = resource.split(":", 5)
    return len(parts) == 6 and parts[2] in ("iam", "*") and arn_matches(parts[5], f"{kind}/guardrails-probe")


def _on_every(statement: Statement, kind: str) -> bool:
    """An Allow reaching every IAM `kind` of the account (NotResource reaches all but a few)."""
    if statement.resource_element == "NotResource":
        return True
    return any(_every(kind, resource) for resource in statement.resources if not is_unknown(resource))


def _bounded_delegation(statement: Statement) -> bool:
    """AWS's documented delegation: IAM writes allowed only with a fixed permissions boundary or policy ARN."""
    return any(
        condition.key_lower in _DELEGATION_KEYS and condition.values and "ifexists" not in condition.operator_lower
        and not condition.operator_lower.startswith(("forallvalues:", "stringnot", "arnnot"))
        for condition in statement.conditions
    )


def _admin_equivalents(statement: Statement, document: PolicyDocument) -> Iterator[str]:
    """Why an Allow is admin-equivalent (nothing when it is not)."""
    if statement.action_element == "NotAction":
        yield (
            "allows NotAction: every action of every service except the ones listed, including new ones. List "
            "the actions the principal needs instead"
        )
        return
    if any(action in ("*", "*:*") for action in statement.actions):
        yield (
            'allows Action "*", full administrator access. List the actions the principal needs (the tutorial\'s '
            "role gets s3:ListBucket, s3:GetObject, ... on one bucket)"
        )
        return
    if _bounded_delegation(statement):
        return
    if statement.covers_action("iam:*") and _on_every(statement, "role"):
        yield "allows iam:* on every IAM resource: the principal can attach AdministratorAccess to itself"
        return
    for action, kind in ESCALATION_ACTIONS.items():
        if statement.covers_action(action) and _on_every(statement, kind):
            yield (
                f"allows {action} on every {kind}: the principal can grant itself any permission "
                f"(admin-equivalent). Name the {kind}s it may change"
            )
            return
    if statement.covers_action("iam:PassRole") and _on_every(statement, "role"):
        compute = next(
            (a for a in COMPUTE_ACTIONS for s in document.statements if s.allows and s.covers_action(a)), None
        )
        if compute:
            yield (
                f"allows iam:PassRole on every role together with {compute}: the principal can run code as any "
                "role of the account, an administrator's included (admin-equivalent). Pass only named roles, "
                "e.g. arn:aws:iam::111111111111:role/app-runtime"
            )


def check_full_admin(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-no-full-admin: see the policy description."""
    for source, statement in documents_of(args.resource_type, args.props, (DocumentKind.IDENTITY,)):
        if statement.allows:
            for problem in _admin_equivalents(statement, source.document):
                report_violation(f"{source.where(statement)} {problem}.")


def _any_account(resource: str) -> bool:
    """Resource "*" or a wildcard account: for sts:AssumeRole, every role that trusts the caller's account,
    wherever it lives."""
    return resource == "*" or is_wildcard_account(arn_account(resource))


def _resource_scoped(statement: Statement) -> bool:
    """Narrowed by aws:ResourceAccount / aws:ResourceOrgID to fixed accounts or organisations."""
    return any(
        condition.key_lower in _RESOURCE_SCOPE_KEYS
        and condition.operator_lower in ("stringequals", "stringlike")
        and condition.values
        and not any("*" in value for value in condition.values)
        for condition in statement.conditions
    )


def check_assume_any_role(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-no-assume-any-role: see the policy description."""
    for source, statement in documents_of(args.resource_type, args.props, (DocumentKind.IDENTITY,)):
        if not statement.allows or not statement.covers_action("sts:AssumeRole") or _resource_scoped(statement):
            continue
        if statement.resource_element == "NotResource":
            wide = ["NotResource"]
        else:
            wide = [shown(r) for r in statement.resources if not is_unknown(r) and _any_account(r)]
        if wide:
            report_violation(
                f"{source.where(statement)} allows sts:AssumeRole on {', '.join(wide[:3])}: any role, in any "
                "account, that trusts this account. List the role ARNs, e.g. arn:aws:iam::999999999999:role/UpdateApp."
            )


def check_user_permissions(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-no-user-inline-policies: see the policy description."""
    if args.resource_type not in USER_PERMISSION_TYPES:
        return
    user = known_text(args.props, "user") or known_text(args.props, "userName")
    who = f"user {shown(user)}" if user else "an IAM user"
    report_violation(
        f"{args.resource_type.rsplit(':', 1)[-1]} gives {who} permissions directly. Add the user to an "
        "aws.iam.Group that holds the policy (as the tutorial does for developers), or let them assume a role."
    )


POLICIES = [
    guarded(
        name="iam-no-full-admin",
        description=(
            'Checks that identity policies grant nothing admin-equivalent: no Allow with Action "*" or NotAction, '
            "iam:* or policy-writing IAM actions on every role, user, group or policy, or iam:PassRole on every "
            "role together with an action that starts compute (ec2:RunInstances, lambda:CreateFunction, ...)."
        ),
        validate=check_full_admin,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.CRITICAL,
        remediation_steps=(
            "List the actions the principal needs on the resources it needs; pass only named roles with "
            "iam:PassRole; keep IAM administration to a few named roles."
        ),
        url=f"{IAM_GUIDE}/best-practices.html#grant-least-privilege",
    ),
    guarded(
        name="iam-no-assume-any-role",
        description=(
            "Checks that identity policies do not allow sts:AssumeRole (directly or through sts:*, sts:Assume* "
            'or *) on Resource "*" or on role ARNs with a wildcard account.'
        ),
        validate=check_assume_any_role,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        remediation_steps="List the ARNs of the roles the principal may assume.",
        url=f"{IAM_GUIDE}/tutorial_cross-account-with-roles.html",
    ),
    guarded(
        name="iam-no-user-inline-policies",
        description=(
            "Checks that permissions are not attached to IAM users (UserPolicy, UserPolicyAttachment and their "
            "Exclusive variants): they belong to groups and roles."
        ),
        validate=check_user_permissions,
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
        remediation_steps="Attach the policy to a group the user belongs to, or to a role the user assumes.",
        url=f"{IAM_GUIDE}/best-practices.html#use-groups-for-permissions",
    ),
]
