"""Who can assume a role, decided by the IAM evaluation engine (`iameval`) rather than by reading patterns.

For every account a question is about (an account the trust names, plus one it does not name, standing for
everyone else), the engine is asked whether that account's principals may call sts:AssumeRole on the role:
its root, a role and a user of it (each holding an administrator identity policy in its own account: the
trust must be what stops them), and every role or user ARN the trust names in that account (through Principal
or an aws:PrincipalArn pattern). Each is asked under the request context the caller controls: the condition
values the trust itself mentions for keys a caller sets for itself (MFA, an external ID, tags, source IP,
time...), never for keys AWS sets from who the caller is (its account, ARN, organisation, the source account
of a service). So `aws:MultiFactorAuthPresent` or `sts:ExternalId` do not keep a foreign account out, while
`aws:PrincipalOrgID` does.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .documents import Condition, PolicyDocument, is_account_id, parse_document, principal_account

_ACCOUNT_TEXT = re.compile(r"\b\d{12}\b")
# Keys AWS sets from who the caller is and where the request comes from: a caller cannot choose their values.
_SET_BY_AWS = (
    "aws:principal", "aws:userid", "aws:username", "aws:source", "aws:vpcsourceip", "aws:calledvia",
    "aws:viaawsservice", "aws:resource", "kms:calleraccount", "kms:viaservice", "aws:federatedprovider",
)  # fmt: skip
_ELSEWHERE = "guardrails-outsider"
# Allow * on *: the policy each probing caller holds in its own account, and what the stack proof reads an
# AWS-managed administrator policy as.
ADMIN_DOCUMENT = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass(frozen=True)
class Admission:
    """A principal the engine lets assume the role, and the engine's explanation."""

    caller: str
    account: str
    explanation: str


def _caller_arn(arn: str) -> str | None:
    """An IAM principal ARN as the engine's caller (role, user or role session), wildcards filled in."""
    arn = arn.replace("*", "x").replace("?", "x")
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not is_account_id(parts[4]):
        return None
    if (parts[2], parts[5].split("/", 1)[0]) in (("sts", "assumed-role"), ("iam", "role"), ("iam", "user")):
        return arn
    return None


def _named_arns(document: PolicyDocument) -> set[str]:
    """Role and user ARNs the trust names, as principals or through aws:PrincipalArn."""
    arns: set[str] = set()
    for statement in document.statements:
        arns.update(statement.aws_principals())
        for condition in statement.conditions:
            if condition.key_lower == "aws:principalarn":
                arns.update(condition.values)
    return {caller for caller in map(_caller_arn, arns) if caller}


def accounts_named(document: PolicyDocument) -> set[str]:
    """Every 12-digit account the trust mentions anywhere: principals, ARNs, condition values."""
    found: set[str] = set()
    for statement in document.statements:
        for value in (*statement.aws_principals(), *(v for c in statement.conditions for v in c.values)):
            account = principal_account(value)
            found.update([account] if is_account_id(account) else _ACCOUNT_TEXT.findall(value)[:1])
    return found


def _satisfying(condition: Condition) -> str | None:
    """A request value making the condition true (None: leave the key absent)."""
    operator = condition.operator_lower.split(":")[-1].removesuffix("ifexists")
    first = condition.values[0].replace("*", "x").replace("?", "x") if condition.values else ""
    if operator == "null":
        return None if condition.only("true") else "x"
    if "not" in operator:
        return "203.0.113.7" if "ip" in operator else "1970-01-01T00:00:00Z" if "date" in operator else _ELSEWHERE
    if operator.startswith("numeric"):
        return "0" if "less" in operator else "99999999" if "greater" in operator else first
    if operator.startswith("date"):
        return "1970-01-01T00:00:00Z" if "less" in operator else "2999-01-01T00:00:00Z" if "greater" in operator \
            else first
    if operator == "ipaddress":
        try:
            return str(ipaddress.ip_network(first, strict=False).network_address)
        except ValueError:
            return None
    return first


def _contexts(document: PolicyDocument) -> Iterator[dict[str, str]]:
    """For each Allow, the request context a caller would present to satisfy it (keys it controls only)."""
    yield {}
    for statement in document.statements:
        if statement.allows and statement.conditions:
            context: dict[str, str] = {}
            for condition in statement.conditions:
                value = _satisfying(condition)
                if value is not None and not condition.key_lower.startswith(_SET_BY_AWS):
                    context[condition.key] = value
            yield context


@functools.lru_cache(maxsize=1)
def _admin_policy() -> Any:
    from iameval import parse_policy

    return parse_policy("its own administrator policy", ADMIN_DOCUMENT)


def _unnamed_account(named: set[str]) -> str:
    """An account the trust does not name, standing for every such account (no real account has these IDs)."""
    return next(candidate for candidate in ("000000000000", "000000000002", "000000000003") if candidate not in named)


@functools.lru_cache(maxsize=512)
def _parsed(text: str) -> tuple[Any, PolicyDocument] | None:
    from iameval import PolicyError, parse_policy

    document = parse_document(text)
    if document.problems or document.has_unknowns or any(s.problems for s in document.statements):
        return None  # the validity rule reports it; nothing to prove on a document AWS refuses
    try:
        return parse_policy("the trust policy", text), document
    except PolicyError:
        return None


@functools.lru_cache(maxsize=512)
def admissions(trust: str, role_arn: str, own: str | None) -> tuple[Admission, ...]:
    """The principals of other accounts that may assume the role, one per account (with the engine's reason).

    Asked of every account the trust names and of one it does not name; per account, of a role holding an
    administrator policy of its own and of every role or user ARN the trust names there. Empty when the trust
    cannot be read yet (unknown values during a preview) or is refused by AWS anyway. Cached on its arguments:
    stacks and previews repeat the same trusts.
    """
    from iameval import Caller, Request, Target, evaluate

    parsed = _parsed(trust)
    if parsed is None:
        return ()
    policy, document = parsed
    named = accounts_named(document)
    accounts = sorted((named | {_unnamed_account(named)}) - {own})
    callers = [arn for arn in sorted(_named_arns(document)) if arn.split(":")[4] in accounts]
    callers += [f"arn:aws:iam::{account}:role/{_ELSEWHERE}" for account in accounts]
    contexts = list(_contexts(document))
    target = Target(policy, own or role_arn.split(":")[4], requires_policy=True)
    found: dict[str, Admission] = {}
    for arn in callers:
        caller = Caller(arn, identity=(_admin_policy(),))
        if caller.account in found:
            continue
        for context in contexts:
            decision = evaluate(caller, Request("sts:AssumeRole", role_arn, context), target)
            if decision.allowed:
                found[caller.account] = Admission(arn, caller.account, decision.explain())
                break
    return tuple(found.values())
