"""AWS-managed policies that make their holder an administrator, attached by ARN.

`AdministratorAccess` is `"Action": "*"`; `IAMFullAccess` lets its holder attach the first to itself; the
Amplify and Elastic Beanstalk administrator policies hold IAM role and policy management too. Attached by ARN,
they never appear as a document the other rules could read, so this rule reads the attachments: the
`*PolicyAttachment` resources, their `*AttachmentsExclusive` variants, and a role's `managedPolicyArns`.
On a role another account may assume, such an attachment hands that account the whole of this one.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, Severity

from .metadata import IAM_GUIDE, guarded
from .resources import ROLE_TYPE, DocumentKind, known_text, known_texts, policy_sources, stack_account
from .text import shown
from .trust import trusted_accounts

ADMIN_POLICY_NAMES = (
    "AdministratorAccess",
    "IAMFullAccess",
    "AdministratorAccess-Amplify",
    "AdministratorAccess-AWSElasticBeanstalk",
)
# Where each type keeps the ARNs it attaches, and the property naming who receives them.
ATTACHMENT_FIELDS = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ("policyArn", "role"),
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": ("policyArn", "group"),
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": ("policyArn", "user"),
    "aws:iam/policyAttachment:PolicyAttachment": ("policyArn", "name"),
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": ("policyArns", "roleName"),
    "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive": ("policyArns", "groupName"),
    "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive": ("policyArns", "userName"),
    ROLE_TYPE: ("managedPolicyArns", "name"),
}


def admin_policy_name(arn: str) -> str | None:
    """The AWS-managed administrator policy an ARN names (any partition), or None."""
    prefix, _, name = arn.partition(":iam::aws:policy/")
    return name if prefix.startswith("arn:aws") and name in ADMIN_POLICY_NAMES else None


def attached_arns(resource_type: str, props: object) -> tuple[str, ...]:
    """The known policy ARNs a resource attaches."""
    field = ATTACHMENT_FIELDS.get(resource_type)
    return known_texts(props, field[0]) if field else ()  # type: ignore[arg-type]


def _foreign_trust(args: ResourceValidationArgs) -> list[str]:
    """For a role: the other accounts its own trust policy lets in (attachments elsewhere: the stack proof)."""
    own = stack_account(args.provider)
    accounts: set[str] = set()
    for source in policy_sources(args.resource_type, args.props):
        if source.kind is DocumentKind.TRUST:
            for statement in source.document.statements:
                if statement.allows:
                    accounts |= trusted_accounts(source, statement)
    return sorted(accounts - {own})


def check_admin_attachments(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-no-admin-managed-policy: see the policy description."""
    admins = [name for name in map(admin_policy_name, attached_arns(args.resource_type, args.props)) if name]
    if not admins:
        return
    field, holder_field = ATTACHMENT_FIELDS[args.resource_type]
    holder = known_text(args.props, holder_field)
    who = f"{holder_field} {shown(holder)}" if holder else "its holder"
    foreign = _foreign_trust(args) if args.resource_type == ROLE_TYPE else []
    above_all = (
        f" Above all, the role's trust lets account(s) {', '.join(foreign[:10])} in: they would own this account."
        if foreign
        else ""
    )
    report_violation(
        f"{field} attaches the AWS-managed {', '.join(admins)} to {who}, which makes it an administrator of the "
        f"account.{above_all} Attach a policy listing the actions it needs instead."
    )


POLICIES = [
    guarded(
        name="iam-no-admin-managed-policy",
        description=(
            "Checks that no role, group or user gets an AWS-managed administrator policy (AdministratorAccess, "
            "IAMFullAccess, AdministratorAccess-Amplify, AdministratorAccess-AWSElasticBeanstalk) through a "
            "policy attachment or a role's managedPolicyArns."
        ),
        validate=check_admin_attachments,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.CRITICAL,
        remediation_steps=(
            "Replace the administrator policy with a customer-managed policy listing the actions needed; never "
            "give one to a role another account may assume."
        ),
        url=f"{IAM_GUIDE}/access_policies_job-functions.html",
    ),
]
