"""Condition operators, one small family at a time, as AWS documents them (*IAM JSON policy elements: Condition
operators*).

Each family says how to read a policy value, how to read a request's value, and how to compare them; the
operators are the families plus negation. Around them, the rules common to all:

- several values for one key match if any does (OR); several keys and operators must all match (AND, done by
  the statement);
- a key absent from the request: non-negated operators are false, negated ones true, `...IfExists` true,
  `ForAllValues:` true (also for an empty set), `ForAnyValue:` false;
- `ForAnyValue:` needs one request value to match, `ForAllValues:` needs every one; without either, a
  multi-valued key matches when one of its values does (and a negated operator when none does);
- a value that cannot be read as the operator's type (a bad IP, date or number) matches nothing, for negated
  operators too: a malformed request never satisfies a condition.

Keys compare case-insensitively; values as each family says.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .matching import ARN, STRING, compile_pattern
from .variables import Lookup, Template, plain, template


class ConditionError(ValueError):
    """An operator AWS does not know (AWS refuses to save such a policy)."""


@dataclass(frozen=True)
class Family:
    """How one family of operators reads policy and request values and compares them (None: unreadable)."""

    policy_value: Callable[[Any], Any]  # str, or (text, literal) parts for families with wildcards
    request_value: Callable[[str], Any]
    compare: Callable[[Any, Any], bool]
    wildcards: bool = False


def _same(value: str) -> str:
    return value


def _lower(value: str) -> str:
    return value.lower()


_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _number(value: str) -> int | float | None:
    """Integers exactly (Python compares int and float exactly too), decimals as floats."""
    if not _NUMBER.fullmatch(value):
        return None
    return float(value) if "." in value else int(value)


def _date(value: str) -> float | None:
    """Seconds since the epoch of an ISO 8601 date/time (UTC unless it says otherwise) or of epoch seconds."""
    try:
        if _NUMBER.fullmatch(value):
            return float(value)
        moment = datetime.fromisoformat(value)
    except (ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _bool(value: str) -> str | None:
    lowered = value.lower()
    return lowered if lowered in ("true", "false") else None


def _binary(value: str) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _in_network(address: Any, network: Any) -> bool:
    return address.version == network.version and address in network


def _like(flavour: str) -> Callable[[Any], re.Pattern[str]]:
    return lambda pattern: compile_pattern(pattern, flavour)


def _fullmatch(value: str, pattern: re.Pattern[str]) -> bool:
    return pattern.fullmatch(value) is not None


def _ordered(parse: Callable[[str], Any], compare: Callable[[Any, Any], bool]) -> Family:
    return Family(parse, parse, compare)


_STRING = Family(_same, _same, operator.eq)
_STRING_IGNORE_CASE = Family(_lower, _lower, operator.eq)
_STRING_LIKE = Family(_like(STRING), _same, _fullmatch, wildcards=True)
_ARN_LIKE = Family(_like(ARN), _same, _fullmatch, wildcards=True)
_BOOL = Family(_bool, _bool, operator.eq)
_BINARY = Family(_binary, _binary, operator.eq)
_IP = Family(_network, _address, _in_network)

# operator name (lower-cased, without IfExists / set prefix) -> (family, negated)
_OPERATORS: dict[str, tuple[Family, bool]] = {
    "stringequals": (_STRING, False), "stringnotequals": (_STRING, True),
    "stringequalsignorecase": (_STRING_IGNORE_CASE, False), "stringnotequalsignorecase": (_STRING_IGNORE_CASE, True),
    "stringlike": (_STRING_LIKE, False), "stringnotlike": (_STRING_LIKE, True),
    "bool": (_BOOL, False), "binaryequals": (_BINARY, False),
    "ipaddress": (_IP, False), "notipaddress": (_IP, True),
    "arnequals": (_ARN_LIKE, False), "arnlike": (_ARN_LIKE, False),
    "arnnotequals": (_ARN_LIKE, True), "arnnotlike": (_ARN_LIKE, True),
}
for _kind, _parse in (("numeric", _number), ("date", _date)):
    _OPERATORS.update({
        f"{_kind}equals": (_ordered(_parse, operator.eq), False),
        f"{_kind}notequals": (_ordered(_parse, operator.eq), True),
        f"{_kind}lessthan": (_ordered(_parse, operator.lt), False),
        f"{_kind}lessthanequals": (_ordered(_parse, operator.le), False),
        f"{_kind}greaterthan": (_ordered(_parse, operator.gt), False),
        f"{_kind}greaterthanequals": (_ordered(_parse, operator.ge), False),
    })

_NULL = "null"
_SET_PREFIXES = {"foranyvalue": any, "forallvalues": all}
_IF_EXISTS = "ifexists"


def _operator(name: str) -> tuple[Family | None, bool, bool, Callable[..., bool] | None]:
    """(family or None for Null, negated, IfExists, set quantifier) of an operator as written; raises
    ConditionError for one AWS does not define."""
    quantifier = None
    base = name
    if ":" in name:
        prefix, base = name.split(":", 1)
        quantifier = _SET_PREFIXES.get(prefix.lower())
        if quantifier is None:
            raise ConditionError(name)
    lowered = base.lower()
    if_exists = lowered.endswith(_IF_EXISTS) and lowered != _IF_EXISTS
    if if_exists:
        lowered = lowered[: -len(_IF_EXISTS)]
    if lowered == _NULL and not if_exists and quantifier is None:
        return None, False, False, None
    if lowered not in _OPERATORS:
        raise ConditionError(name)
    family, negated = _OPERATORS[lowered]
    return family, negated, if_exists, quantifier


def check_operator(name: str) -> None:
    """Raise ConditionError unless `name` is an operator AWS documents (with IfExists and set prefixes)."""
    _operator(name)


class ConditionTest:
    """One compiled condition (operator, key, values): call it with a request's lookup."""

    __slots__ = ("family", "if_exists", "key", "negated", "quantifier", "static", "templates")

    def __init__(self, name: str, key: str, values: Sequence[str], version: str) -> None:
        self.family, self.negated, self.if_exists, self.quantifier = _operator(name)
        self.key = key.lower()
        found = [(value, template(value, version)) for value in values]
        self.templates: tuple[Template, ...] = tuple(t for _, t in found if t is not None)
        if self.family is None:
            self.static: tuple[Any, ...] = tuple(v.lower() for v, t in found if t is None)
        else:
            read = self.family.policy_value
            self.static = tuple(p for p in (read(v) for v, t in found if t is None) if p is not None)

    def __call__(self, lookup: Lookup) -> bool:
        present = lookup(self.key)
        if self.family is None:
            return any(v == ("false" if present else "true") for v in self._values(lookup))
        if not present:
            if self.if_exists or self.quantifier is all:
                return True
            return self.negated and self.quantifier is None
        values = self._values(lookup)
        family = self.family
        read, compare = family.request_value, family.compare

        def single(raw: str) -> bool:
            value = read(raw)
            if value is None:
                return False
            hit = any(compare(value, p) for p in values)
            return not hit if self.negated else hit

        # Without a set operator a negated operator is the negation of its positive one (AWS: "the values are
        # evaluated using a logical NOR"), so every request value must avoid every policy value.
        combine = self.quantifier or (all if self.negated else any)
        return combine(single(raw) for raw in present)

    def _values(self, lookup: Lookup) -> tuple[Any, ...]:
        """The policy's values for this request: the fixed ones read once, those with variables now."""
        if not self.templates:
            return self.static
        resolved = []
        for found in self.templates:
            parts = found.resolve(lookup)
            if parts is None:
                continue
            if self.family is None:
                resolved.append(plain(parts).lower())
                continue
            value = self.family.policy_value(parts if self.family.wildcards else plain(parts))
            if value is not None:
                resolved.append(value)
        return self.static + tuple(resolved)
