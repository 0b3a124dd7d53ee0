"""Pure helpers for reading IAM policy documents the way AWS reads them.

Every rule of the pack looks at the same few things (who is trusted, which actions, which resources, which
conditions), and Pulumi programs write documents in every shape AWS accepts: a JSON string or an object,
`Statement` as a list or a single object, `Principal`/`Action`/`Resource` as a string or a list. This module
turns all of them into one normalised form, once per distinct document (parsing is cached on the JSON text),
so the rules never have to care about shapes and never disagree about them. On the way it notes what AWS
would refuse (`problems`), so the validity rule reports it and the other rules skip it.

Size comes first: a document over its AWS limit is measured, never parsed, so a 5 MB policy costs a
character count, and one nested thousands of levels deep is a problem, not a crash.

Nothing here knows about Pulumi resources; the only Pulumi knowledge is the set of placeholder strings that
stand for values not known yet during a preview, which a document may carry in any of its fields.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi_policy import proxy

from .text import shown

CURRENT_VERSION = "2012-10-17"
_VERSIONS = (CURRENT_VERSION, "2008-10-17")

# The placeholders pulumi_policy puts where a value is only known after the update (UNKNOWN_STRING_VALUE, ...).
UNKNOWN_VALUES = frozenset(
    getattr(proxy, name) for name in dir(proxy) if name.startswith("UNKNOWN_") and name.endswith("_VALUE")
)

_PLACEHOLDERS = re.compile("|".join(sorted(UNKNOWN_VALUES)))
_PLACEHOLDER_LENGTH = min(map(len, UNKNOWN_VALUES))
_DOCUMENT_ELEMENTS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_ELEMENTS = frozenset(
    {"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}
)
_PRINCIPAL_TYPES = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_DIGITS = re.compile(r"^\d+$")
# What IAM accepts as an AWS principal besides "*" and an account ID: an IAM or STS ARN of a 12-digit account,
# or the unique ID IAM shows in place of a deleted principal (AIDA..., AROA...).
_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::(?P<account>[^:]*):(?P<resource>.+)$")
_UNIQUE_ID = re.compile(r"^A[A-Z0-9]{15,127}$")
_WHITESPACE = (" ", "\n", "\t", "\r")

_OPERATORS = frozenset(
    operator.lower()
    for operator in (
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
        "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals",
        "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals", "DateLessThan",
        "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress",
        "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
    )
)  # fmt: skip


def is_unknown(value: object) -> bool:
    """Whether a value is, or embeds, a placeholder for something only known after the update.

    A string that merely contains a placeholder (e.g. an ARN built around an unknown bucket name) is as
    undecidable as the placeholder itself, so rules skip it rather than judge a value that will change.
    """
    return isinstance(value, str) and len(value) >= _PLACEHOLDER_LENGTH and _PLACEHOLDERS.search(value) is not None


def has_wildcard(value: str) -> bool:
    """IAM's two wildcards; `?` widens a value as much as `*` does for our purposes."""
    return "*" in value or "?" in value


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """IAM globbing: only `*` and `?` are special (unlike fnmatch, `[` is a literal character)."""
    body = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(f"^{body}$", (re.IGNORECASE | re.DOTALL) if ignore_case else re.DOTALL)


def action_matches(pattern: str, action: str) -> bool:
    """Whether an Action pattern covers an action; IAM compares action names case-insensitively."""
    return _glob(pattern, True).match(action) is not None


def arn_matches(pattern: str, arn: str) -> bool:
    """Whether a Resource pattern covers an ARN; ARNs are case-sensitive."""
    return _glob(pattern, False).match(arn) is not None


def arn_account(arn: str) -> str | None:
    """The account field of an ARN (may be empty or hold wildcards), None when the value is not an ARN."""
    parts = arn.split(":", 5)
    if len(parts) < 5 or parts[0] != "arn":
        return None
    return parts[4]


def principal_account(value: str) -> str | None:
    """The account an AWS principal belongs to: a bare account ID, `arn:aws:iam::ID:root` or any ARN in it."""
    if is_account_id(value):
        return value
    return arn_account(value)


def is_account_id(value: str | None) -> bool:
    """A literal 12-digit account; not a wildcard, a placeholder, or a pseudo-account like CloudFront's."""
    return value is not None and _ACCOUNT_ID.match(value) is not None


def is_wildcard_account(account: str | None) -> bool:
    """An ARN whose account field is a wildcard names every account in AWS."""
    return account is not None and has_wildcard(account)


def is_service(value: str) -> bool:
    """A service principal, written as AWS writes them (`s3.amazonaws.com`, `logs.eu-west-1.amazonaws.com`)."""
    return value.endswith((".amazonaws.com", ".amazonaws.com.cn")) and "/" not in value and ":" not in value


def _text(value: Any) -> str:
    """Condition values as IAM compares them: JSON booleans are the strings "true"/"false"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _strings(value: Any, element: str, problems: list[str]) -> tuple[str, ...]:
    """A string-or-list element as a tuple of strings, noting anything AWS would reject."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) for item in items):
        problems.append(f"{element} must be a string or a non-empty list of strings")
        return tuple(item for item in items if isinstance(item, str))
    return tuple(items)


@dataclass(frozen=True)
class Condition:
    """One `operator: {key: values}` entry of a Condition block."""

    operator: str
    key: str
    values: tuple[str, ...]

    @property
    def operator_lower(self) -> str:
        return self.operator.lower()

    @property
    def key_lower(self) -> str:
        return self.key.lower()

    def only(self, value: str) -> bool:
        """Whether every value equals `value` ignoring case (IAM reads "True" and "true" alike for Bool)."""
        return bool(self.values) and all(item.lower() == value for item in self.values)


@dataclass(frozen=True)
class Statement:
    """A statement with every element normalised to tuples, keeping which variant (Action/NotAction...) it used."""

    index: int
    sid: str | None
    effect: Any
    principal_element: str | None  # "Principal", "NotPrincipal" or None
    principals: tuple[tuple[str, str], ...]  # (type, value); Principal "*" is ("*", "*")
    action_element: str | None  # "Action", "NotAction" or None
    actions: tuple[str, ...]
    resource_element: str | None  # "Resource", "NotResource" or None
    resources: tuple[str, ...]
    conditions: tuple[Condition, ...]
    problems: tuple[str, ...]

    @property
    def label(self) -> str:
        """How messages name the statement: its Sid when it has one, else its position in the list."""
        return f"statement {shown(self.sid)}" if self.sid else f"Statement[{self.index}]"

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    @property
    def denies(self) -> bool:
        return self.effect == "Deny"

    def covers_action(self, action: str) -> bool:
        """Whether the statement applies to `action` (NotAction applies to everything it does not list).

        Passing a pattern such as "s3:*" asks whether the statement covers every action of that pattern:
        only patterns at least as wide ("*", "s3:*") match the literal string "s3:*".
        """
        listed = any(action_matches(pattern, action) for pattern in self.actions if not is_unknown(pattern))
        if self.action_element == "NotAction":
            return not listed
        return listed

    def principals_of(self, *kinds: str) -> tuple[str, ...]:
        """Principal values of the given types (e.g. "Service", "Federated")."""
        return tuple(value for kind, value in self.principals if kind in kinds)

    def aws_principals(self) -> tuple[str, ...]:
        """Values of the `AWS` principal type, with Principal "*" counted as the AWS wildcard it stands for."""
        return self.principals_of("AWS", "*")

    def names_everyone(self) -> bool:
        """Principal "*" or {"AWS": "*"} (alone or in a list): every principal, authenticated or not."""
        return any(value == "*" for value in self.aws_principals())


@dataclass(frozen=True)
class PolicyDocument:
    """A normalised document; `problems` lists what AWS would reject at the document level.

    `size` is what AWS counts against its limits (characters without whitespace for IAM, bytes otherwise,
    see `measure`); an `oversized` document was measured but not parsed, so it has no statements.
    """

    version: Any
    statements: tuple[Statement, ...]
    problems: tuple[str, ...]
    has_unknowns: bool
    size: int = 0
    oversized: bool = False

    def names_principals(self) -> bool:
        """Documents with a principal are resource-based policies (or trust policies), not identity policies."""
        return any(statement.principal_element for statement in self.statements)

    def uses_variables(self) -> bool:
        """Whether any statement holds a policy variable such as ${aws:username}."""
        return any(
            "${" in value
            for statement in self.statements
            for value in (*statement.resources, *(v for c in statement.conditions for v in c.values))
        )


@dataclass(frozen=True)
class SizeLimit:
    """AWS's size limit for one place a document can sit, and how AWS counts it."""

    chars: int
    what: str  # "a managed policy"
    counts_whitespace: bool = False  # IAM does not count whitespace; S3 and the other services count bytes


def measure(text: str, limit: SizeLimit) -> int:
    """The document's size as AWS counts it; cheap on megabytes (C-level counting, no parsing)."""
    if limit.counts_whitespace:
        return len(text) if text.isascii() else len(text.encode())
    return len(text) - sum(text.count(space) for space in _WHITESPACE)


def _principal_problems(kind: str, value: str) -> list[str]:
    """What IAM refuses in one principal: unknown types, malformed accounts, wildcards inside an ARN."""
    if kind not in _PRINCIPAL_TYPES:
        return [f"principal type {shown(kind)} does not exist; use AWS, Service, Federated or CanonicalUser"]
    if kind != "AWS" or value == "*" or is_unknown(value) or is_account_id(value) or _UNIQUE_ID.match(value):
        return []
    if _DIGITS.match(value):
        return [f"principal {shown(value)} is not an account ID: account IDs have exactly 12 digits"]
    match = _PRINCIPAL_ARN.match(value)
    if match is None:
        return [f"principal {shown(value)} is neither an account ID nor an IAM ARN"]
    account = match["account"]
    if account == "cloudfront":
        return []  # CloudFront origin access identities live in the pseudo-account "cloudfront"
    if has_wildcard(value):
        return [
            f"principal {shown(value)} holds a wildcard, which IAM refuses in a principal ARN; name the principal, "
            'or use "*" with a condition such as {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/'
            'App*"}}'
        ]
    if not is_account_id(account):
        return [f"principal {shown(value)} has account {shown(account)}: account IDs have exactly 12 digits"]
    return []


def _principals(value: Any, element: str, problems: list[str]) -> tuple[tuple[str, str], ...]:
    if value == "*":
        return (("*", "*"),)
    if is_unknown(value):
        return ()
    if not isinstance(value, Mapping) or not value:
        problems.append(f'{element} must be "*" or an object such as {{"AWS": "arn:aws:iam::111111111111:root"}}')
        return ()
    pairs: list[tuple[str, str]] = []
    for kind, members in value.items():
        for member in _strings(members, f"{element}.{shown(kind)}", problems):
            problems.extend(_principal_problems(kind, member))
            pairs.append((kind, member))
    return tuple(pairs)


def _operator_problem(operator: str) -> str | None:
    """AWS refuses a policy whose condition operator it does not know (a typo would otherwise never match)."""
    name = operator.lower()
    for prefix in ("foranyvalue:", "forallvalues:"):
        name = name.removeprefix(prefix)
    if name == "null" or name.removesuffix("ifexists") in _OPERATORS:
        return None
    return (
        f"condition operator {shown(operator)} does not exist; use an IAM operator such as StringEquals, "
        "ArnLike, Bool or IpAddress (optionally with IfExists, ForAnyValue: or ForAllValues:)"
    )


def _conditions(value: Any, problems: list[str]) -> tuple[Condition, ...]:
    if is_unknown(value):
        return ()
    if not isinstance(value, Mapping):
        problems.append("Condition must be an object of operators")
        return ()
    conditions: list[Condition] = []
    for operator, block in value.items():
        if is_unknown(block):
            continue
        problem = _operator_problem(operator)
        if problem:
            problems.append(problem)
        if not isinstance(block, Mapping):
            problems.append(f"Condition.{shown(operator)} must be an object of condition keys")
            continue
        for key, values in block.items():
            items = values if isinstance(values, list) else [values]
            conditions.append(Condition(operator, key, tuple(_text(item) for item in items)))
    return tuple(conditions)


def _one_of(raw: Mapping[str, Any], positive: str, negative: str, problems: list[str]) -> str | None:
    """Which of an element and its Not- variant the statement uses; AWS rejects a statement with both."""
    if positive in raw and negative in raw:
        problems.append(f"a statement cannot have both {positive} and {negative}")
    if positive in raw:
        return positive
    return negative if negative in raw else None


def _statement(index: int, raw: Any) -> Statement:
    """One statement; placeholders for unknown values are never reported as malformed (they are not yet)."""
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        return Statement(index, None, None, None, (), None, (), None, (), (), ("a statement must be an object",))
    unknown = sorted(set(raw) - _STATEMENT_ELEMENTS)
    if unknown:
        listed = ", ".join(shown(element) for element in unknown[:5])
        problems.append(f"unknown element(s) {listed} (AWS rejects them; check the spelling)")
    sid = raw.get("Sid")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny") and not is_unknown(effect):
        problems.append(f'Effect must be "Allow" or "Deny" (case-sensitive), not {shown(effect)}')
    principal_element = _one_of(raw, "Principal", "NotPrincipal", problems)
    action_element = _one_of(raw, "Action", "NotAction", problems)
    if action_element is None:
        problems.append("a statement needs Action or NotAction")
    resource_element = _one_of(raw, "Resource", "NotResource", problems)
    return Statement(
        index=index,
        sid=sid if isinstance(sid, str) and sid else None,
        effect=effect,
        principal_element=principal_element,
        principals=_principals(raw[principal_element], principal_element, problems) if principal_element else (),
        action_element=action_element,
        actions=_strings(raw[action_element], action_element, problems) if action_element else (),
        resource_element=resource_element,
        resources=_strings(raw[resource_element], resource_element, problems) if resource_element else (),
        conditions=_conditions(raw["Condition"], problems) if "Condition" in raw else (),
        problems=tuple(problems),
    )


def _invalid(problem: str, text: str = "") -> PolicyDocument:
    """A document AWS cannot read; one built around a placeholder is only unreadable until the value is known."""
    return PolicyDocument(None, (), (problem,), is_unknown(text))


def _version_problem(version: Any, statements: tuple[Statement, ...]) -> str | None:
    """AWS knows two versions; only 2012-10-17 substitutes policy variables (the older reads them literally)."""
    if is_unknown(version):
        return None
    if version is not None and version not in _VERSIONS:
        return f'Version is {shown(version)}; AWS only knows "{CURRENT_VERSION}" (and the older "2008-10-17")'
    if version != CURRENT_VERSION and PolicyDocument(version, statements, (), False).uses_variables():
        return (
            f'Version is {shown(version) if version else "missing"}, so policy variables such as ${{aws:username}} '
            f'are read literally and match nothing; set "Version": "{CURRENT_VERSION}"'
        )
    return None


def _parse_text(text: str) -> PolicyDocument:
    try:
        raw = json.loads(text)
    except RecursionError:
        return _invalid("the document is nested too deeply to be a policy (AWS policies nest a few levels)", text)
    except ValueError as error:
        return _invalid(f"the document is not valid JSON ({shown(str(error))})", text)
    if not isinstance(raw, Mapping):
        return _invalid("the document must be a JSON object with Version and Statement", text)
    problems: list[str] = []
    unknown = sorted(set(raw) - _DOCUMENT_ELEMENTS)
    if unknown:
        listed = ", ".join(shown(element) for element in unknown[:5])
        problems.append(f"unknown top-level element(s) {listed}; only Version, Id and Statement exist")
    body = raw.get("Statement")
    if body is None or body == []:
        problems.append("the document has no Statement")
    items = body if isinstance(body, list) else [] if body is None or is_unknown(body) else [body]
    # A statement that is wholly unknown has nothing to check yet; the others keep their positions for messages.
    statements = tuple(_statement(index, item) for index, item in enumerate(items) if not is_unknown(item))
    version = raw.get("Version")
    version_problem = _version_problem(version, statements)
    if version_problem:
        problems.insert(0, version_problem)
    return PolicyDocument(version, statements, tuple(problems), is_unknown(text))


def _text_of(value: Any) -> str | PolicyDocument:
    """JSON text of a document given as text or as an object; an invalid document when it has no JSON text."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        try:
            return json.dumps(value)
        except RecursionError:
            return _invalid("the document is nested too deeply to be a policy (AWS policies nest a few levels)")
        except (TypeError, ValueError) as error:
            return _invalid(f"the document cannot be written as JSON ({shown(str(error))})")
    return _invalid(f"the document must be JSON text or an object, not {shown(value)}")


def parse_document(value: str | Mapping[str, Any], limit: SizeLimit | None = None) -> PolicyDocument:
    """Normalise a document given as JSON text or as an already-decoded object (cached on the JSON text).

    With a `limit`, a document over it is measured and refused before any parsing (and never cached).
    """
    text = _text_of(value)
    if isinstance(text, PolicyDocument):
        return text
    size = measure(text, limit) if limit else len(text)
    if limit and size > limit.chars:
        unit = "bytes" if limit.counts_whitespace else "characters (whitespace not counted)"
        problem = f"the document is {size:,} {unit}; AWS accepts at most {limit.chars:,} in {limit.what}"
        return PolicyDocument(None, (), (problem,), is_unknown(text), size, oversized=True)
    return _sized(text, size)


@functools.lru_cache(maxsize=1024)
def _sized(text: str, size: int) -> PolicyDocument:
    document = _parse_text(text)
    return PolicyDocument(document.version, document.statements, document.problems, document.has_unknowns, size)
