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
    ResourceValidationPolicy,
    Severity,
)

from .documents import Statement, arn_account, is_account_id, is_unknown, is_wildcard_account, principal_account
from .resources import ROLE_TYPE, DocumentKind, additional_actions_schema, documents_of, read, stack_account

_TRUSTING = (DocumentKind.TRUST, DocumentKind.RESOURCE)

# Condition keys that narrow a wildcard principal to known organisations, accounts or roles.
_ORG_KEY = "aws:principalorgid"
_ACCOUNT_KEYS = frozenset({"aws:principalaccount", "aws:sourceaccount"})
_ARN_KEY = "aws:principalarn"
_NARROWING_KEYS = _ACCOUNT_KEYS | {_ORG_KEY, _ARN_KEY}

VALID_TRUST_ACTIONS = (
    "sts:AssumeRole",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
)

DEFAULT_MAX_SESSION_SECONDS = 3600


def _wildcard_principals(statement: Statement) -> list[str]:
    """Principals that stand for everyone or for every account."""
    return [
        value
        for value in statement.aws_principals()
        if not is_unknown(value) and (value == "*" or is_wildcard_account(principal_account(value)))
    ]


def _narrowed_to_known_principals(statement: Statement) -> bool:
    """A wildcard pinned by aws:PrincipalOrgID/PrincipalAccount/PrincipalArn/SourceAccount to fixed values.

    This is AWS's documented way to share with a whole organisation; the condition decides who gets in.
    """
    pinned = statement.pinned_values(_NARROWING_KEYS)
    arns = pinned.get(_ARN_KEY, ())
    if any(is_wildcard_account(arn_account(arn)) for arn in arns if not is_unknown(arn)):
        return False
    return bool(pinned)


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
        if wildcards and not _narrowed_to_known_principals(statement):
            shown = ", ".join(f'"{value}"' for value in wildcards)
            report_violation(
                f"{source.where(statement)} allows principal {shown}, which is anyone in any AWS account. Name "
                'the trusted account, e.g. {"AWS": "arn:aws:iam::111111111111:root"}, or keep "*" only with a '
                'condition such as {"StringEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxx"}}.',
            )


def _trusted_accounts(statement: Statement) -> set[str]:
    """Accounts an Allow statement lets in, by principal or through a condition narrowing a wildcard."""
    candidates = [principal_account(value) for value in statement.aws_principals()]
    if statement.names_everyone():
        pinned = statement.pinned_values(_NARROWING_KEYS)
        candidates += [account for key in _ACCOUNT_KEYS for account in pinned.get(key, ())]
        candidates += [arn_account(arn) for arn in pinned.get(_ARN_KEY, ())]
    return {account for account in candidates if is_account_id(account)}


def check_trusted_accounts(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-trusted-accounts-allowlisted: see the policy description."""
    allowed = frozenset(str(account) for account in args.get_config().get("allowedAccountIds") or ())
    if not allowed:
        args.not_applicable("no allowedAccountIds configured for this policy")
    own = stack_account(args.provider)
    listed = ", ".join(sorted(allowed))
    for source, statement in documents_of(args.resource_type, args.props, _TRUSTING):
        if not statement.allows:
            continue
        strangers = sorted(_trusted_accounts(statement) - allowed - {own})
        if strangers:
            report_violation(
                f"{source.where(statement)} trusts account(s) {', '.join(strangers)}, which are not in the "
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
    return "sts:externalid" in statement.pinned_values(frozenset({"sts:externalid"}))


def _broken_mfa_checks(statement: Statement) -> Iterator[str]:
    """The MFA conditions that look protective in an Allow but are not (parliament's BAD_PATTERN_FOR_MFA)."""
    for condition in statement.conditions:
        if condition.key_lower != "aws:multifactorauthpresent":
            continue
        if condition.operator_lower in ("bool", "boolifexists") and "false" in map(str.lower, condition.values):
            yield (
                f'{{"{condition.operator}": {{"aws:MultiFactorAuthPresent": "false"}}}} in an Allow admits the '
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
        foreign = sorted(_trusted_accounts(statement) - {own})
        if foreign:
            report_violation(
                f"{source.where(statement)} lets account(s) {', '.join(foreign)} assume the role without MFA or "
                'an external ID. Add {"Bool": {"aws:MultiFactorAuthPresent": "true"}} for people, or '
                '{"StringEquals": {"sts:ExternalId": "<agreed secret>"}} for a third party.',
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
            guess = difflib.get_close_matches(action.lower(), list(valid), n=1)
            hint = f'did you mean "{valid[guess[0]]}"? ' if guess else ""
            report_violation(
                f'{source.where(statement)} has action "{action}", which is not an action a trust policy grants (a '
                f"misspelt one fails the update, a wildcard trusts more than intended); {hint}Use only "
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
    ResourceValidationPolicy(
        name="iam-no-wildcard-principals",
        description=(
            'Checks that trust policies and resource-based policies do not allow everyone: no Principal "*", '
            '{"AWS": "*"}, wildcard-account ARNs or NotPrincipal in Allow statements, unless a condition pins '
            "aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn or aws:SourceAccount to fixed values."
        ),
        validate=check_wildcard_principals,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.CRITICAL,
    ),
    ResourceValidationPolicy(
        name="iam-trusted-accounts-allowlisted",
        description=(
            "Checks that trust policies and resource-based policies only let in accounts from the configured "
            "allowedAccountIds (the stack's own account is always allowed)."
        ),
        validate=check_trusted_accounts,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        config_schema=PolicyConfigSchema(
            properties={
                "allowedAccountIds": {
                    "type": "array",
                    "items": {"type": "string", "pattern": "^[0-9]{12}$"},
                    "description": "Accounts that may be trusted; when empty, the policy does not apply.",
                }
            }
        ),
    ),
    ResourceValidationPolicy(
        name="iam-cross-account-trust-requires-mfa-or-external-id",
        description=(
            "Checks that a role trusting another account requires MFA (aws:MultiFactorAuthPresent) or an "
            "external ID (sts:ExternalId), and that no Allow relies on a broken MFA condition."
        ),
        validate=check_cross_account_mfa,
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.MEDIUM,
    ),
    ResourceValidationPolicy(
        name="iam-trust-actions-valid",
        description=(
            "Checks that trust policy statements only use sts:AssumeRole, sts:TagSession, sts:SetSourceIdentity, "
            "sts:AssumeRoleWithSAML or sts:AssumeRoleWithWebIdentity (a typo makes the update fail)."
        ),
        validate=check_trust_actions,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
        config_schema=additional_actions_schema("Further trust actions to accept, e.g. sts:SetContext."),
    ),
    ResourceValidationPolicy(
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
    ),
]
