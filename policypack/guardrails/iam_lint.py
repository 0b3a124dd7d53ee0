"""What AWS itself would refuse in a document, using parliament's database of IAM actions and ARN formats.

parliament (duo-labs) ships the list of every service prefix, action and resource ARN format, and a linter
over it. The pack keeps only the findings that mean "this will not work" (an unknown action or prefix, a
malformed ARN, a resource no listed action can apply to, an unknown condition operator) and drops the
stylistic ones (Resource "*", old Version, conditions it does not know for an action), so that a mandatory
rule never blocks a correct document.

Two things make it fast enough to run on every resource of every preview: parliament looks privileges up
with a linear scan over ~450 services for each expanded action (tens of ms for "s3:*"), which is replaced by
a dictionary built once; and results are cached per document text, since stacks repeat the same documents.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import parliament
import parliament.statement
from parliament.finding import Finding
from parliament.misc import make_list

from .documents import action_matches

_KEPT_FINDINGS = frozenset(
    {"MALFORMED", "UNKNOWN_ACTION", "UNKNOWN_PREFIX", "INVALID_ARN", "RESOURCE_MISMATCH", "UNKNOWN_OPERATOR"}
)


def _build_privilege_index() -> dict[tuple[str, str], dict[str, Any]]:
    """(prefix, privilege) -> privilege info, exactly as parliament's get_privilege_info returns it.

    parliament attaches the service's resources and conditions to the privilege dict on each lookup; the index
    does it once. When two services share a prefix the first one wins, as in parliament's own scan.
    """
    index: dict[tuple[str, str], dict[str, Any]] = {}
    for service in parliament.iam_definition:
        for privilege in service["privileges"]:
            key = (service["prefix"], privilege["privilege"])
            if key not in index:
                privilege["service_resources"] = service["resources"]
                privilege["service_conditions"] = service["conditions"]
                index[key] = privilege
    return index


_PRIVILEGES = _build_privilege_index()


def _indexed_privilege_info(service: str, action: str) -> dict[str, Any]:
    try:
        return _PRIVILEGES[(service, action)]
    except KeyError:
        raise parliament.UnknownActionException(f"Unknown action {service}:{action}") from None


parliament.statement.get_privilege_info = _indexed_privilege_info


@dataclass(frozen=True)
class LintFinding:
    """A parliament finding the pack keeps, tied to the statement (by position) it is about."""

    statement_index: int
    message: str


def _mismatch_message(statement_json: Any, detail: list[dict[str, str]]) -> str | None:
    """RESOURCE_MISMATCH, kept only for action patterns none of whose actions can use the listed resources.

    parliament reports a mismatch as soon as one expanded action lacks a matching resource, so "s3:*" on a
    bucket and its objects is "mismatched" (some S3 actions only apply to access points or jobs) although AWS
    accepts it and it does what its author meant. A pattern all of whose actions mismatch grants nothing.
    """
    if "Action" not in statement_json:  # with NotAction, parliament checks the excluded actions: meaningless
        return None
    mismatched = {item["action"].lower(): item["required_format"] for item in detail}
    useless = []
    for pattern in make_list(statement_json["Action"]):
        expanded = [f"{a['service']}:{a['action']}".lower() for a in parliament.expand_action(pattern.value, False)]
        if expanded and all(action in mismatched for action in expanded):
            needs = sorted({mismatched[action] for action in expanded})
            useless.append(f"{pattern.value} (needs a resource like {' or '.join(needs)})")
    if not useless:
        return None
    return "no listed resource fits " + ", ".join(useless)


def _message(finding: Finding, statement_json: Any) -> str | None:
    """parliament's finding as a sentence with its fix; None when the finding does not mean "will not work"."""
    subject = finding.location.get("string", "")
    if finding.issue in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX"):
        return (
            f"{finding.detail}; check the spelling against the Service Authorization Reference, or list it in "
            "additionalActions if it is newer than parliament's database"
        )
    if finding.issue == "INVALID_ARN":
        return (
            f'resource "{subject}" is not a valid ARN ({finding.detail}); write arn:PARTITION:SERVICE:REGION:ACCOUNT:ID'
        )
    if finding.issue == "RESOURCE_MISMATCH":
        mismatch = _mismatch_message(statement_json, finding.detail)
        return f"{mismatch}; add a Resource of that form or drop the action" if mismatch else None
    if finding.issue == "UNKNOWN_OPERATOR":
        return f"unknown condition operator {finding.detail}; use an IAM operator such as StringEquals, ArnLike or Bool"
    return str(finding.detail or finding.issue)


@functools.lru_cache(maxsize=2048)
def lint(text: str, extra_actions: tuple[str, ...] = ()) -> tuple[LintFinding, ...]:
    """The findings of parliament on a normalised document that mean AWS would reject or ignore part of it.

    The text must come from PolicyDocument.parliament_text of a structurally valid document: parliament's
    document-level checks (elements, Version, Sids) are the pack's own, so only statement findings are read.
    `extra_actions` are action patterns to accept although parliament's database does not know them yet
    (services add actions faster than parliament releases).
    """
    try:
        policy = parliament.analyze_policy_string(text, ignore_private_auditors=True)
    except Exception as error:  # a linter bug must not fail every preview of the organisation
        print(f"cross-account-guardrails: parliament could not lint a document: {error!r}", file=sys.stderr)
        return ()
    findings = []
    for index, statement in enumerate(policy.statements):
        for finding in statement.findings:
            if finding.issue not in _KEPT_FINDINGS or _is_extra(finding, extra_actions):
                continue
            message = _message(finding, statement.stmt)
            if message:
                findings.append(LintFinding(index, message))
    return tuple(findings)


def _is_extra(finding: Finding, extra_actions: Iterable[str]) -> bool:
    if finding.issue not in ("UNKNOWN_ACTION", "UNKNOWN_PREFIX"):
        return False
    action = finding.location.get("string", "")
    return any(action_matches(pattern, action) for pattern in extra_actions)
