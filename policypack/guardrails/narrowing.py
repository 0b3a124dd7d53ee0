"""When a condition narrows who gets in: the keys AWS documents for it, and the accounts they name.

A wildcard principal is AWS's documented way to share with an organisation, a VPC endpoint, the resources of
one account or the callers of one service, as long as a condition fixes who or where. AWS's own definition of
"public" (S3 Block Public Access, IAM Access Analyzer) lists those keys: fixed aws:SourceArn, aws:SourceVpc,
aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn,
a set of aws:SourceIp CIDRs, plus the organisation paths and kms:CallerAccount (with kms:ViaService in AWS's
default KMS key policy). A statement is narrowed when an Allow fixes one of them, or when a Deny of the same
document refuses everyone else (AWS's private API Gateway policy: Allow "*", Deny unless aws:SourceVpce).

A condition fixes a key only with a non-negated operator that is false when the key is missing (no IfExists,
no ForAllValues:, which pass then), and only with literal values; an ARN pattern counts when its account is
literal (IAM Identity Center's `arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*/
AWSReservedSSO_*`). The accounts those values name are what the allowlist rule checks.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .documents import (
    Condition,
    PolicyDocument,
    Statement,
    action_matches,
    arn_account,
    arn_matches,
    has_wildcard,
    is_account_id,
    is_unknown,
)

ACCOUNT_KEYS = frozenset(
    {"aws:principalaccount", "aws:sourceaccount", "aws:sourceowner", "kms:calleraccount", "s3:dataaccesspointaccount"}
)
ARN_KEYS = frozenset({"aws:principalarn", "aws:sourcearn", "s3:dataaccesspointarn"})
_ORGANISATION_KEYS = frozenset({"aws:principalorgid", "aws:principalorgpaths", "aws:sourceorgid", "aws:sourceorgpaths"})
_NETWORK_KEYS = frozenset({"aws:sourcevpc", "aws:sourcevpce"})
# Also fixed values in AWS's definition of "public": a caller's unique ID (a role's `AROA...:*` sessions), the KMS
# key a request must encrypt with, and the service a service principal is.
_OTHER_KEYS = frozenset({"aws:userid", "s3:x-amz-server-side-encryption-aws-kms-key-id", "aws:principalservicename"})
_SOURCE_IP = "aws:sourceip"
_AWS_SERVICE = "aws:principalisawsservice"
NARROWING_KEYS = ACCOUNT_KEYS | ARN_KEYS | _ORGANISATION_KEYS | _NETWORK_KEYS | _OTHER_KEYS | {_SOURCE_IP}
SOURCE_KEYS = frozenset({"aws:sourceaccount", "aws:sourceowner", "aws:sourcearn", "aws:sourceorgid",
                         "aws:sourceorgpaths"})

_FIXING = frozenset({"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"})
_EXCLUDING = frozenset(
    {"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike", "notipaddress"}
)
# The widest CIDRs still narrowing in our reading: a /8 of IPv4 or a /32 of IPv6 is one organisation's block.
_MIN_PREFIX = {4: 8, 6: 32}


@dataclass(frozen=True)
class Narrowing:
    """What the conditions of a statement (and the Denies confining it) fix about the caller."""

    narrowed: bool
    accounts: frozenset[str]


NOT_NARROWED = Narrowing(False, frozenset())


def _fixed_value(key: str, value: str) -> bool:
    """Whether one condition value stands for fixed principals or places (unknown values will be concrete IDs)."""
    if is_unknown(value):
        return True
    if key == _SOURCE_IP:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            return False
        return network.prefixlen >= _MIN_PREFIX[network.version]
    if key in ARN_KEYS:
        return not has_wildcard(value) or is_account_id(arn_account(value))
    if key in ("aws:principalorgpaths", "aws:sourceorgpaths"):
        head = value.split("/", 1)[0]
        return head.startswith("o-") and not has_wildcard(head)
    if key == "aws:userid":
        return not has_wildcard(value.split(":", 1)[0])
    return not has_wildcard(value)


def _fixes(condition: Condition, *, negated: bool) -> bool:
    """Whether a condition ties a narrowing key to fixed values.

    In an Allow (`negated` False) the operator must be a positive one and not IfExists (which passes when the
    key is missing); in a Deny refusing everyone else (`negated` True) it must be a negated one, IfExists
    included (a negated operator denies when the key is missing).
    """
    operator = condition.operator_lower
    if condition.key_lower == _AWS_SERVICE:  # only AWS services acting with their service principals
        return not negated and operator == "bool" and condition.only("true")
    if condition.key_lower not in NARROWING_KEYS or not condition.values or operator.startswith("forallvalues:"):
        return False
    operator = operator.removeprefix("foranyvalue:")
    if operator.endswith("ifexists") and not negated:
        return False
    fixed = all(_fixed_value(condition.key_lower, value) for value in condition.values)
    return operator.removesuffix("ifexists") in (_EXCLUDING if negated else _FIXING) and fixed


def _accounts(conditions: Iterable[Condition]) -> frozenset[str]:
    """The literal accounts named by account-valued keys and by the account field of ARN-valued keys."""
    accounts: set[str] = set()
    for condition in conditions:
        key = condition.key_lower
        for value in condition.values:
            account = value if key in ACCOUNT_KEYS else arn_account(value) if key in ARN_KEYS else None
            if is_account_id(account):
                accounts.add(account)
    return frozenset(accounts)


def fixed_conditions(statement: Statement) -> tuple[Condition, ...]:
    """The conditions of an Allow that fix a narrowing key to literal values."""
    return tuple(condition for condition in statement.conditions if _fixes(condition, negated=False))


def _covers(patterns: tuple[str, ...], values: tuple[str, ...], match: Callable[[str, str], bool]) -> bool:
    """Whether every value (itself a pattern) is matched by one of `patterns` read literally."""
    return bool(values) and all(any(match(pattern, value) for pattern in patterns) for value in values)


def _confines(deny: Statement, allow: Statement) -> bool:
    """A Deny refusing everyone outside fixed principals or places, for every action and resource of the Allow."""
    if not deny.denies or not deny.names_everyone() or not deny.conditions:
        return False
    if not all(_fixes(condition, negated=True) for condition in deny.conditions):
        return False
    if deny.action_element != "Action" or allow.action_element != "Action":
        return False
    if "*" not in deny.actions and not _covers(deny.actions, allow.actions, action_matches):
        return False
    if deny.resource_element is None and allow.resource_element is None:
        return True
    if deny.resource_element != "Resource" or allow.resource_element != "Resource":
        return False
    return "*" in deny.resources or _covers(deny.resources, allow.resources, arn_matches)


def narrowing(statement: Statement, document: PolicyDocument) -> Narrowing:
    """How the statement's own conditions, or a confining Deny of its document, narrow who gets in."""
    fixed = fixed_conditions(statement)
    confining = [deny for deny in document.statements if _confines(deny, statement)]
    if not fixed and not confining:
        return NOT_NARROWED
    conditions = [*fixed, *(condition for deny in confining for condition in deny.conditions)]
    return Narrowing(True, _accounts(conditions))


def fixed_source(statement: Statement) -> bool:
    """Whether an Allow fixes the resource or account a service acts for (the confused-deputy guard)."""
    return any(condition.key_lower in SOURCE_KEYS for condition in fixed_conditions(statement))
