"""Who may get in through an identity provider: federated trusts must say which identities of it.

A trust to GitHub's OIDC provider without a `sub` condition lets every GitHub Actions workflow of every
repository in the world assume the role (`aud` is always sts.amazonaws.com, it narrows nothing); `repo:*` or
`repo:*/...` does the same with more words. A Cognito identity-pool trust without
`cognito-identity.amazonaws.com:aud` admits identities of every pool in AWS; a SAML trust without `SAML:aud`
accepts assertions meant for other service providers. AWS's documented trusts fix each of those keys; any
other OIDC provider needs at least one of its own claims fixed.
"""

from __future__ import annotations

from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, ReportViolation, ResourceValidationArgs, Severity

from .documents import Condition, Statement, has_wildcard, is_unknown
from .metadata import IAM_GUIDE, guarded
from .resources import DocumentKind, documents_of
from .text import shown

GITHUB = "token.actions.githubusercontent.com"
COGNITO = "cognito-identity.amazonaws.com"
_FIXING = frozenset({"stringequals", "stringequalsignorecase", "stringlike"})


def _fixed(statement: Statement, key: str) -> tuple[str, ...]:
    """Values a non-negated, non-IfExists string condition fixes `key` to (empty: not fixed)."""
    values: list[str] = []
    for condition in statement.conditions:
        operator = condition.operator_lower.removeprefix("foranyvalue:")
        if condition.key_lower == key.lower() and operator in _FIXING:
            values.extend(condition.values)
    return tuple(values)


def _provider_host(federated: str) -> str:
    """`token.actions.githubusercontent.com` from its provider ARN (`...:oidc-provider/HOST[/path]`) or as is."""
    return federated.split(":oidc-provider/", 1)[-1] if ":oidc-provider/" in federated else federated


def _github_subject_scoped(value: str) -> bool:
    """A `sub` pattern confined to one owner: `repo:OWNER/...` with a literal owner (or a custom claim prefix).

    GitHub subjects read `repo:OWNER/REPO:ref:refs/heads/main`, `repo:OWNER/REPO:environment:prod`, ...;
    organisations that customise the claim start it with their own literal fields.
    """
    if is_unknown(value):
        return True
    head = value.split("*", 1)[0].split("?", 1)[0]
    if value.startswith("repo:"):
        owner = head.removeprefix("repo:").split("/", 1)
        return len(owner) == 2 and bool(owner[0])
    return not has_wildcard(value) or head.count(":") >= 2


def _github_problems(statement: Statement) -> Iterator[str]:
    subjects = _fixed(statement, f"{GITHUB}:sub")
    if not subjects:
        has_audience = bool(_fixed(statement, f"{GITHUB}:aud"))
        yield (
            f"trusts GitHub Actions with {'only an audience' if has_audience else 'no'} condition on "
            f"{GITHUB}:sub: every workflow of every GitHub repository can assume the role. Add "
            f'{{"StringLike": {{"{GITHUB}:sub": "repo:OWNER/REPO:ref:refs/heads/main"}}}} (and keep '
            f'"{GITHUB}:aud": "sts.amazonaws.com")'
        )
        return
    broad = [value for value in subjects if not _github_subject_scoped(value)]
    if broad:
        yield (
            f"trusts GitHub Actions for {GITHUB}:sub {', '.join(shown(v) for v in broad[:3])}, which matches "
            "repositories of any owner. Name the owner and repository: \"repo:OWNER/REPO:...\""
        )


def _claim_conditions(statement: Statement, host: str) -> list[Condition]:
    prefix = f"{host.lower()}:"
    return [c for c in statement.conditions if c.key_lower.startswith(prefix) and c.values]


def _problems(statement: Statement) -> Iterator[str]:
    """What is missing from one Allow to a federated principal."""
    for federated in statement.principals_of("Federated"):
        if is_unknown(federated):
            continue
        host = _provider_host(federated)
        if host.lower() == GITHUB:
            yield from _github_problems(statement)
        elif host.lower() == COGNITO:
            if not _fixed(statement, f"{COGNITO}:aud"):
                yield (
                    f"trusts Cognito identities without {COGNITO}:aud: identities of every identity pool in AWS "
                    f'can assume the role. Add {{"StringEquals": {{"{COGNITO}:aud": "<identity pool ID>"}}}}'
                )
        elif ":saml-provider/" in federated:
            if not _fixed(statement, "SAML:aud"):
                yield (
                    f"trusts SAML provider {shown(federated)} without SAML:aud, so assertions meant for another "
                    'service provider are accepted. Add {"StringEquals": {"SAML:aud": '
                    '"https://signin.aws.amazon.com/saml"}}'
                )
        elif ":oidc-provider/" in federated and not _claim_conditions(statement, host):
            yield (
                f"trusts OIDC provider {shown(host)} with no condition on its claims: every identity it issues "
                'can assume the role. Fix the subject, e.g. {"StringEquals": {"<provider host>:sub": "<subject>"}}'
            )


def check_federated_trust(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-federated-trust-scoped: see the policy description."""
    for source, statement in documents_of(args.resource_type, args.props, (DocumentKind.TRUST,)):
        if statement.allows:
            for problem in _problems(statement):
                report_violation(f"{source.where(statement)} {problem}.")


POLICIES = [
    guarded(
        name="iam-federated-trust-scoped",
        description=(
            "Checks that trusts to identity providers say which identities may assume the role: GitHub Actions "
            "OIDC trusts fix token.actions.githubusercontent.com:sub to one owner's repositories, Cognito trusts "
            "fix cognito-identity.amazonaws.com:aud, SAML trusts fix SAML:aud, other OIDC trusts fix a claim."
        ),
        validate=check_federated_trust,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.CRITICAL,
        remediation_steps=(
            "Add a StringEquals/StringLike condition on the provider's subject or audience: for GitHub, "
            '"token.actions.githubusercontent.com:sub": "repo:OWNER/REPO:ref:refs/heads/main".'
        ),
        url=f"{IAM_GUIDE}/id_roles_create_for-idp_oidc.html",
    ),
]
