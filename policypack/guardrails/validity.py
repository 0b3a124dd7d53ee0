"""Documents AWS would refuse, or that silently grant nothing: rule iam-policy-document-valid.

Structure (elements, Effect, Principal where it belongs, operators, principals IAM accepts, Sids) comes from
the normalised document; sizes from AWS's quotas, measured before parsing; action names from the engine's
pinned AWS action catalogue (`iameval.catalogue`, with its date and a refresh command), which replaced
parliament: the catalogue knows the services parliament never saw (s3vectors, ...), loads in ~10 ms on first
use instead of parliament's ~100 ms at boot, and the pack no longer needs pkg_resources.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator

from pulumi_policy import EnforcementLevel, PolicyConfigSchema, ReportViolation, ResourceValidationArgs, Severity

from .documents import Statement, action_matches, has_wildcard, is_unknown
from .metadata import IAM_GUIDE, guarded
from .resources import DocumentKind, PolicySource, policy_sources
from .text import shown

_IAM_KINDS = (DocumentKind.TRUST, DocumentKind.IDENTITY)
_SID = re.compile(r"^[0-9A-Za-z]*$")
_PARTITIONS = frozenset({"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"})
DEFAULT_TRUST_CHARS = 2_048


@functools.lru_cache(maxsize=4096)
def _unknown_action(action: str) -> str | None:
    """Why the catalogue does not know an action or pattern (None when it does)."""
    import iameval.catalogue as catalogue  # first use loads the catalogue (~10 ms); nothing at boot

    if action in ("*", "*:*"):
        return None
    if ":" not in action:
        return f"action {shown(action)} has no service prefix (service:Action)"
    service = action.split(":", 1)[0]
    known = catalogue.expand([action]) if has_wildcard(action) else catalogue.is_known(action)
    if known:
        return None
    if not has_wildcard(service) and not catalogue.expand([f"{service}:*"]):
        return f"service prefix {shown(service)} is unknown (action {shown(action)})"
    what = "no action matches" if has_wildcard(action) else "unknown action"
    return f"{what} {shown(action)}"


def _action_problems(statement: Statement, extra: tuple[str, ...]) -> Iterator[str]:
    from iameval.catalogue import catalogue_date

    for action in statement.actions:
        if is_unknown(action) or any(action_matches(pattern, action) for pattern in extra):
            continue
        problem = _unknown_action(action)
        if problem:
            yield (
                f"{problem} in AWS's action catalogue of {catalogue_date()}; check the spelling against the Service "
                "Authorization Reference, or list it in additionalActions if it is newer than the catalogue"
            )


def _arn_problem(resource: str) -> str | None:
    """A Resource written as an ARN must have its six parts (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)."""
    if resource == "*" or is_unknown(resource) or not resource.startswith("arn:"):
        return None
    parts = resource.split(":", 5)
    if len(parts) == 6 and parts[2] and (parts[1] in _PARTITIONS or has_wildcard(parts[1])):
        return None
    return f"resource {shown(resource)} is not a valid ARN; write arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"


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
        for resource in statement.resources:
            if not (resource == "*" or resource.startswith("arn:") or is_unknown(resource)):
                yield f'resource {shown(resource)} is neither an ARN nor "*"'
    elif statement.principal_element is None:
        yield "a resource-based policy statement needs Principal or NotPrincipal"
    if kind is not DocumentKind.TRUST:
        yield from filter(None, map(_arn_problem, statement.resources))
    if kind in _IAM_KINDS and statement.sid and not _SID.match(statement.sid):
        yield f"IAM only accepts letters and digits in a Sid, not {shown(statement.sid)}"


def _structure_problems(source: PolicySource) -> Iterator[str]:
    document = source.document
    for problem in document.problems:
        yield f"{source.property}: {problem}"
    for statement in document.statements:
        for problem in (*statement.problems, *_kind_problems(source.kind, statement)):
            yield f"{source.where(statement)}: {problem}"
    if source.kind in _IAM_KINDS:
        counts = Counter(statement.sid for statement in document.statements if statement.sid)
        for sid, count in sorted(counts.items())[:10]:
            if count > 1:
                yield f"{source.property}: Sid {shown(sid)} is used by {count:,} statements; IAM requires unique Sids"


def check_document_valid(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule iam-policy-document-valid: see the policy description."""
    config = args.get_config()
    extra = tuple(str(action) for action in config.get("additionalActions") or ())
    trust_chars = int(config.get("trustPolicyMaxChars") or DEFAULT_TRUST_CHARS)
    for source in policy_sources(args.resource_type, args.props):
        document = source.document
        if source.kind is DocumentKind.TRUST and not document.oversized and document.size > trust_chars:
            report_violation(
                f"{source.property}: the document is {document.size:,} characters (whitespace not counted); the "
                f"account's trust policy quota is {trust_chars:,} (2,048 by default, up to 4,096 on request). "
                "Shorten it, or raise trustPolicyMaxChars once AWS has raised the quota."
            )
        problems = list(_structure_problems(source))
        for problem in problems:
            report_violation(f"{problem}.")
        if problems or source.kind is DocumentKind.TRUST or document.has_unknowns:
            continue  # trust actions: rule iam-trust-actions-valid
        for statement in document.statements:
            for problem in _action_problems(statement, extra):
                report_violation(f"{source.where(statement)}: {problem}.")


POLICIES = [
    guarded(
        name="iam-policy-document-valid",
        description=(
            "Checks that policy documents are valid and within AWS's size limits: JSON, a known Version, Effect "
            "Allow or Deny, Action or NotAction in every statement, elements where AWS accepts them, principals "
            "IAM accepts (12-digit accounts, no wildcard inside an ARN), known condition operators, well-formed "
            "ARNs, and actions of AWS's action catalogue."
        ),
        validate=check_document_valid,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.MEDIUM,
        config_schema=PolicyConfigSchema(
            properties={
                "additionalActions": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Action patterns to accept although the pack's AWS action catalogue lacks them.",
                },
                "trustPolicyMaxChars": {
                    "type": "integer",
                    "minimum": 2048,
                    "maximum": 4096,
                    "default": DEFAULT_TRUST_CHARS,
                    "description": "The account's role trust policy quota (2,048 unless AWS raised it, at most 4,096).",
                },
            }
        ),
        remediation_steps=(
            "Fix the document as the message says: AWS refuses it (the update fails) or it grants nothing."
        ),
        url=f"{IAM_GUIDE}/reference_policies_grammar.html",
    ),
]
