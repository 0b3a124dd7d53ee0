"""Who may get in: rules on the principals of trust policies and resource-based policies.

A cross-account role is safe when its trust policy names the trusting account (as AWS's tutorial does with
`arn:aws:iam::111111111111:root`), because that account's administrators then decide, with their own IAM
policies, who may assume it. It becomes an open door when the principal is everyone, any account, or an
account nobody meant to trust; these rules catch exactly that and stay silent on the tutorial's setup.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    Severity,
)

from .documents import Statement, is_account_id, is_unknown, is_wildcard_account, principal_account
from .metadata import IAM_GUIDE, guarded
from .narrowing import narrowing
from .resources import (
    ROLE_TYPE,
    DocumentKind,
    PolicySource,
    additional_actions_schema,
    allowlist,
    documents_of,
    read,
    stack_account,
)
from .text import shown

_TRUSTING = (DocumentKind.TRUST, DocumentKind.RESOURCE)

VALID_TRUST_ACTIONS = (
    "sts:AssumeRole",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
)

DEFAULT_MAX_SESSION_SECONDS = 3600
ALLOWLIST_SCHEMA = {
    "allowedAccountIds": {
        "type": "array",
        "items": {"type": "string", "pattern": "^[0-9]{12}$"},
        "description": "Accounts that may be trusted; when empty, the policy does not apply.",
    }
}


def _wildcard_principals(statement: Statement) -> list[str]:
    """Principals that stand for everyone or for every account."""
    return [
        value
        for value in statement.aws_principals()
        if not is_unknown(value) and (value == "*" or is_wildcard_account(principal_account(value)))
    ]


def check_wildcard_principals(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-no-wildcard-principals: see the policy description."""
    for source, statement in documents_of(args.resource_type, args.props, _TRUSTING):
        if not statement.allows:
            continue
        if statement.principal_element == "NotPrincipal":
            report_violation(
                f"{source.where(statement)} allows NotPrincipal: every principal in every account except the ones "
                "listed. Use Principal with the accounts or roles to trust; keep NotPrincipal for Deny statements.",
            )
            continue
        wildcards = _wildcard_principals(statement)
        if wildcards and not narrowing(statement, source.document).narrowed:
            listed = ", ".join(shown(value) for value in wildcards[:3])
            report_violation(
                f"{source.where(statement)} allows principal {listed}, which is anyone in any AWS account. Name "
                'the trusted account, e.g. {"AWS": "arn:aws:iam::111111111111:root"}, or keep "*" only with a '
                'condition such as {"StringEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxx"}}.',
            )


def trusted_accounts(source: PolicySource, statement: Statement) -> set[str]:
    """Accounts an Allow statement lets in: by principal, or named by the conditions that narrow it.

    The conditions count for any principal: `aws:SourceAccount` on a service principal says which account's
    resources the service may act for, `aws:PrincipalArn` on "*" which account's roles get in.
    """
    accounts = {principal_account(value) for value in statement.aws_principals()}
    accounts |= narrowing(statement, source.document).accounts
    return {account for account in accounts if is_account_id(account)}


def check_trusted_accounts(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-trusted-accounts-allowlisted: see the policy description."""
    allowed = allowlist(args.get_config())
    if not allowed:
        args.not_applicable("no allowedAccountIds configured for this policy")
    own = stack_account(args.provider)
    listed = ", ".join(sorted(allowed))
    for source, statement in documents_of(args.resource_type, args.props, _TRUSTING):
        if not statement.allows:
            continue
        strangers = sorted(trusted_accounts(source, statement) - allowed - {own})
        if strangers:
            report_violation(
                f"{source.where(statement)} trusts account(s) {', '.join(strangers[:10])}, which are not in the "
                f"organisation's allowlist ({listed}). Trust only allowlisted accounts, or have the account "
                "reviewed and added to allowedAccountIds in the policy pack config.",
            )


def _requires_mfa_or_external_id(statement: Statement) -> bool:
    """Whether the statement only lets in callers who used MFA or who present the agreed external ID."""
    for condition in statement.conditions:
        operator, key = condition.operator_lower, condition.key_lower
        if key == "aws:multifactorauthpresent" and operator == "bool" and condition.only("true"):
            return True
        if key == "aws:multifactorauthage" and operator.startswith("numeric") and not operator.endswith("ifexists"):
            return True
        if key == "sts:externalid" and operator in ("stringequals", "stringlike") and condition.values:
            return True
    return False


def _broken_mfa_checks(statement: Statement) -> Iterator[str]:
    """The MFA conditions that look protective in an Allow but are not (parliament's BAD_PATTERN_FOR_MFA)."""
    for condition in statement.conditions:
        if condition.key_lower != "aws:multifactorauthpresent":
            continue
        if condition.operator_lower in ("bool", "boolifexists") and "false" in map(str.lower, condition.values):
            yield (
                f'{{{shown(condition.operator)}: {{"aws:MultiFactorAuthPresent": "false"}}}} in an Allow admits the '
                'callers that did not use MFA instead of requiring it. Require {"Bool": {"aws:MultiFactorAuthPresent": '
                '"true"}} instead.'
            )
        elif condition.operator_lower == "null":
            yield (
                '{"Null": {"aws:MultiFactorAuthPresent": ...}} only tests whether the key is present (temporary '
                'credentials), not whether MFA was used. Require {"Bool": {"aws:MultiFactorAuthPresent": "true"}}.'
            )


def check_cross_account_mfa(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-cross-account-trust-requires-mfa-or-external-id: see the policy description."""
    own = stack_account(args.provider)
    kinds = (DocumentKind.TRUST, DocumentKind.IDENTITY, DocumentKind.RESOURCE)
    for source, statement in documents_of(args.resource_type, args.props, kinds):
        if not statement.allows:
            continue
        for problem in _broken_mfa_checks(statement):
            report_violation(f"{source.where(statement)}: {problem}")
        if source.kind is not DocumentKind.TRUST or _requires_mfa_or_external_id(statement):
            continue
        foreign = sorted(trusted_accounts(source, statement) - {own})
        if foreign:
            report_violation(
                f"{source.where(statement)} lets account(s) {', '.join(foreign[:10])} assume the role without MFA "
                "or an external ID. They answer different threats: for people, require MFA "
                '({"Bool": {"aws:MultiFactorAuthPresent": "true"}}) so a stolen password or access key of the '
                "other account is not enough (account takeover); for a third-party service, require the external "
                'ID you agreed with it ({"StringEquals": {"sts:ExternalId": "<agreed value>"}}) so the service '
                "cannot be tricked into using its access for another customer (the confused deputy).",
            )


def check_trust_actions(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-trust-actions-valid: see the policy description."""
    extra = tuple(str(action) for action in args.get_config().get("additionalActions") or ())
    valid = {action.lower(): action for action in (*VALID_TRUST_ACTIONS, *extra)}
    for source, statement in documents_of(args.resource_type, args.props, (DocumentKind.TRUST,)):
        if statement.action_element == "NotAction":
            report_violation(
                f"{source.where(statement)} uses NotAction, which in a trust policy means every STS action but "
                f"the listed ones. List the actions instead: {', '.join(VALID_TRUST_ACTIONS)}.",
            )
            continue
        for action in statement.actions:
            if is_unknown(action) or action.lower() in valid:
                continue
            guess = difflib.get_close_matches(action.lower()[:80], list(valid), n=1)
            hint = f'did you mean "{valid[guess[0]]}"? ' if guess else ""
            report_violation(
                f"{source.where(statement)} has action {shown(action)}, which is not an action a trust policy "
                f"grants (a misspelt one fails the update, a wildcard trusts more than intended); {hint}Use only "
                f"{', '.join(VALID_TRUST_ACTIONS)}.",
            )


def check_max_session_duration(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-role-max-session-duration: see the policy description."""
    if args.resource_type != ROLE_TYPE:
        return
    duration = read(args.props, "maxSessionDuration")
    if isinstance(duration, bool) or not isinstance(duration, int | float):
        return  # unset, or unknown until the update
    limit = args.get_config().get("maxSeconds") or DEFAULT_MAX_SESSION_SECONDS
    if duration > limit:
        report_violation(
            f"maxSessionDuration is {int(duration)} seconds, above the allowed {int(limit)}: credentials leaked "
            f"from a session stay valid that long. Set maxSessionDuration to {int(limit)} or less."
        )


POLICIES = [
    guarded(
        name="iam-no-wildcard-principals",
        description=(
            'Checks that trust policies and resource-based policies do not allow everyone: no Principal "*", '
            '{"AWS": "*"}, wildcard-account ARNs or NotPrincipal in Allow statements, unless a condition fixes '
            "who or where (organisation, account, principal ARN, source ARN/account/owner, VPC endpoint, source "
            "IP ranges) or a Deny in the same document refuses everyone else."
        ),
        validate=check_wildcard_principals,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.CRITICAL,
        remediation_steps=(
            "Replace the wildcard with the accounts or roles to trust, or keep it with a condition that fixes "
            "who may use it, e.g. aws:PrincipalOrgID for your organisation or aws:SourceVpce for a VPC endpoint."
        ),
        url=f"{IAM_GUIDE}/reference_policies_elements_principal.html",
    ),
    guarded(
        name="iam-trusted-accounts-allowlisted",
        description=(
            "Checks that trust policies and resource-based policies only let in accounts from the configured "
            "allowedAccountIds (the stack's own account is always allowed), whether named as principals or in "
            "conditions such as aws:SourceAccount, aws:SourceArn or aws:PrincipalArn."
        ),
        validate=check_trusted_accounts,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        config_schema=PolicyConfigSchema(properties=ALLOWLIST_SCHEMA),
        remediation_steps=(
            "Trust only accounts of the organisation's allowlist, or have the new account reviewed and added to "
            "allowedAccountIds in the policy pack configuration."
        ),
        url=f"{IAM_GUIDE}/tutorial_cross-account-with-roles.html",
    ),
    guarded(
        name="iam-cross-account-trust-requires-mfa-or-external-id",
        description=(
            "Checks that a role trusting another account requires MFA (aws:MultiFactorAuthPresent) or an "
            "external ID (sts:ExternalId), and that no Allow relies on a broken MFA condition."
        ),
        validate=check_cross_account_mfa,
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.MEDIUM,
        remediation_steps=(
            "For people, add {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}} (against account takeover); "
            "for a third-party service, add {\"StringEquals\": {\"sts:ExternalId\": \"<agreed value>\"}} "
            "(against the confused deputy)."
        ),
        url=f"{IAM_GUIDE}/id_roles_common-scenarios_third-party.html",
    ),
    guarded(
        name="iam-trust-actions-valid",
        description=(
            "Checks that trust policy statements only use sts:AssumeRole, sts:TagSession, sts:SetSourceIdentity, "
            "sts:AssumeRoleWithSAML or sts:AssumeRoleWithWebIdentity (a typo makes the update fail)."
        ),
        validate=check_trust_actions,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
        config_schema=additional_actions_schema("Further trust actions to accept, e.g. sts:SetContext."),
        remediation_steps="List only the STS actions the trusted principals need, spelt as AWS spells them.",
        url=f"{IAM_GUIDE}/id_roles_update-role-trust-policy.html",
    ),
    guarded(
        name="iam-role-max-session-duration",
        description="Checks that IAM roles do not let sessions last longer than maxSeconds.",
        validate=check_max_session_duration,
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
        config_schema=PolicyConfigSchema(
            properties={
                "maxSeconds": {
                    "type": "integer",
                    "minimum": 900,
                    "maximum": 43200,
                    "default": DEFAULT_MAX_SESSION_SECONDS,
                    "description": "Longest session a role may allow, in seconds.",
                }
            }
        ),
        remediation_steps="Lower maxSessionDuration to the configured maximum (3600 seconds by default).",
        url=f"{IAM_GUIDE}/id_roles_update-role-settings.html",
    ),
]
