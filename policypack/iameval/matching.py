"""IAM wildcard matching: only `*` and `?` are special, and nothing is ever a regular expression.

Three flavours, because AWS documents three:

- actions (`Action`, `NotAction`): case-insensitive, `*` matches anything;
- ARNs (`Resource`, `NotResource`, `ArnLike`...): case-sensitive and matched per segment. The first five colons
  split an ARN into six parts; within the first five parts `*` and `?` do not match a colon, except that a `*`
  ending a part "can expand to match beyond the colon boundaries" (AWS, *IAM JSON policy elements: Resource*);
  in the sixth part (the resource ID, which may itself hold colons) they match anything;
- strings (`StringLike`): case-sensitive, `*` matches anything.

Patterns compile once into a regular expression made of escaped literals, cached by pattern: a `{`, `+`, `(`,
`[` or `.` in a policy is a literal character, as it is for AWS. A pattern may also be given as parts, each
(text, literal): text that came from a policy variable or an escape such as `${*}` is literal even when it holds
`*` or `?` (see variables.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

ACTION, ARN, STRING = "action", "arn", "string"

Parts = tuple[tuple[str, bool], ...]  # (text, literal): a pattern with some of its text taken literally
Pattern = str | Parts

_CACHE_SIZE = 1 << 16


def _tokens(pattern: Pattern) -> list[tuple[str, bool]]:
    """The pattern as (character, literal) pairs, consecutive `*` collapsed (they mean the same, and a run of
    them would only make the regular expression backtrack more)."""
    pairs = [(c, False) for c in pattern] if isinstance(pattern, str) else [
        (c, literal) for text, literal in pattern for c in text]
    tokens: list[tuple[str, bool]] = []
    for pair in pairs:
        if pair == ("*", False) and tokens and tokens[-1] == pair:
            continue
        tokens.append(pair)
    return tokens


def _regex(pattern: Pattern, flavour: str) -> str:
    """The regular expression (to `fullmatch`) for an IAM pattern of the given flavour."""
    tokens = _tokens(pattern)
    out: list[str] = []
    segment = 0  # ARN part the token is in; colons from the sixth part on belong to the resource ID
    for position, (char, literal) in enumerate(tokens):
        if literal or char not in "*?":
            out.append(re.escape(char))
            if char == ":":
                segment += 1
            continue
        if flavour != ARN or segment >= 5:
            out.append(".*" if char == "*" else ".")
            continue
        ends_part = position + 1 == len(tokens) or tokens[position + 1][0] == ":"
        if char == "*":
            out.append(".*" if ends_part else "[^:]*")
        else:
            out.append("[^:]")
    return "".join(out)


@lru_cache(maxsize=_CACHE_SIZE)
def compile_pattern(pattern: Pattern, flavour: str) -> re.Pattern[str]:
    """The compiled pattern (actions lower-cased: match them against a lower-cased action)."""
    if flavour == ACTION:
        pattern = pattern.lower() if isinstance(pattern, str) else tuple((t.lower(), lit) for t, lit in pattern)
    return re.compile(_regex(pattern, flavour), re.DOTALL)


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


def matches(pattern: Pattern, value: str, flavour: str) -> bool:
    """Whether `value` matches one IAM pattern (for actions, pass the action in any case)."""
    if flavour == ACTION:
        value = value.lower()
    return compile_pattern(pattern, flavour).fullmatch(value) is not None


def matcher(patterns: Iterable[str], flavour: str) -> Callable[[str], bool]:
    """A test of values against a list of patterns (any may match), built once per policy element.

    Literal patterns go in a set, the wildcard ones into a single alternation, so a test is a set lookup and at
    most one regular-expression call. Action tests expect the action already lower-cased.
    """
    patterns = [p.lower() for p in patterns] if flavour == ACTION else list(patterns)
    if "*" in patterns:
        return _always
    literals = frozenset(p for p in patterns if not has_wildcard(p))
    wild = [p for p in patterns if has_wildcard(p)]
    if not wild:
        return literals.__contains__
    combined = re.compile("|".join(f"(?:{_regex(p, flavour)})" for p in wild), re.DOTALL).fullmatch
    if not literals:
        return lambda value: combined(value) is not None
    return lambda value: value in literals or combined(value) is not None


def _always(_: str) -> bool:
    return True


DIRECT, ACCOUNT = "direct", "account"


class Principals:
    """A `Principal` or `NotPrincipal` element, indexed once: who it names and how.

    A bare account ID and `arn:<partition>:iam::<id>:root` both name the account; any other AWS value is a
    principal's exact ARN (IAM allows no wildcard there except a lone `*`). Callers are spelled as in
    evaluate.Caller: an IAM ARN, `*` for anonymous, `service:<name>`, `federated:<provider>`.
    """

    __slots__ = ("accounts", "arns", "everyone", "others")

    def __init__(self, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        self.everyone = False
        self.accounts: set[str] = set()
        self.arns: set[str] = set()
        self.others: set[str] = set()  # "service:<name>", "federated:<provider>", "canonical:<id>"
        for kind, values in entries:
            for value in values:
                self._add(kind, value)

    def _add(self, kind: str, value: str) -> None:
        if kind == "*" or (kind == "AWS" and value == "*"):
            self.everyone = True
        elif kind != "AWS":
            self.others.add(f"{_PREFIXES[kind]}:{value}")
        elif value.isdigit() and len(value) == 12:
            self.accounts.add(value)
        elif value.startswith("arn:") and value.endswith(":root") and value.count(":") == 5:
            self.accounts.add(value.split(":")[4])
        else:
            self.arns.add(value)

    def admits(self, arn: str, account: str) -> str | None:
        """How a `Principal` element names the caller: DIRECT (its ARN, its service, `*`; the root user by its
        account), ACCOUNT (only through its account, which delegates to the account's own policies), or None."""
        if self.everyone or arn in self.arns or arn in self.others:
            return DIRECT
        if account and account in self.accounts:
            return DIRECT if arn.endswith(":root") else ACCOUNT
        return None

    def excludes(self, arn: str, account: str, has_boundary: bool) -> bool:
        """Whether a `NotPrincipal` element exempts the caller. AWS: "you must also specify the account ARN of the
        not-denied principal. Otherwise, the policy might deny access to the entire account", and a NotPrincipal
        Deny "will always deny any IAM principal that has a permissions boundary policy attached". So an IAM
        principal is exempt only when both its account and its own ARN are named, and never with a boundary."""
        if self.everyone:
            return True
        if arn in self.others:
            return True
        if has_boundary or not account or account not in self.accounts:
            return False
        return arn.endswith(":root") or arn in self.arns


_PREFIXES = {"Service": "service", "Federated": "federated", "CanonicalUser": "canonical"}
