"""Policy documents read once into frozen, hashable objects, refusing what AWS refuses.

A document comes from a plan, a live account or a pull request: it may be huge, cyclic or nested a thousand
levels deep. It is measured before anything else (MAX_DOCUMENT_CHARS, MAX_DEPTH), and every refusal is one
PolicyError naming the policy and a value cut to 80 characters, never the whole value.

Parsing also compiles what evaluation needs (action and resource matchers, condition tests, who a Principal
names), so a statement is tested against a request without building anything.
"""

from __future__ import annotations

import json
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .conditions import ConditionError, ConditionTest, check_operator
from .matching import ACTION, ARN, Principals, compile_pattern, matcher
from .variables import Lookup, Template, template

MAX_DOCUMENT_CHARS = 1 << 20  # 1 MiB; AWS's own largest policies (S3 bucket policies) stop at 20 KB
MAX_DEPTH = 16  # a valid policy nests 6 levels deep (document, Statement, statement, Condition, operator, key)
MAX_SHOWN = 80

VERSIONS = ("2012-10-17", "2008-10-17")
DEFAULT_VERSION = "2008-10-17"  # AWS: "If you do not include a Version element, the value defaults to 2008-10-17"
PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_DOCUMENT_KEYS = frozenset({"Version", "Id", "Statement"})
_STATEMENT_KEYS = frozenset({"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource",
                             "NotResource", "Condition"})

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = MAX_SHOWN
_SHORT.maxlevel = 2


def shown(value: object) -> str:
    """A bounded rendering of a value for messages (reprlib stops at fixed depth and width, whatever the size)."""
    text = _SHORT.repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


class PolicyError(ValueError):
    """A document AWS would refuse, or one too large to read; the message names the policy and a short value."""

    def __init__(self, policy: str, problem: str, value: object = None, *, with_value: bool = True) -> None:
        suffix = f": {shown(value)}" if with_value else ""
        super().__init__(f"policy {shown(policy)}: {problem}{suffix}")


@dataclass(frozen=True)
class Condition:
    """One (operator, key, values) test, as written; JSON true/false/numbers are normalised to strings."""

    operator: str
    key: str
    values: tuple[str, ...]


def _never(_: str) -> bool:
    return False


@dataclass(frozen=True)
class Statement:
    """One statement of a policy, with its place (for explanations) and its compiled tests."""

    policy: str
    index: int
    sid: str
    effect: str
    actions: tuple[str, ...] | None = None
    not_actions: tuple[str, ...] | None = None
    resources: tuple[str, ...] | None = None
    not_resources: tuple[str, ...] | None = None
    principals: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    not_principals: tuple[tuple[str, tuple[str, ...]], ...] | None = None
    conditions: tuple[Condition, ...] = ()
    version: str = "2012-10-17"  # of the holding policy: whether variables are substituted
    deny: bool = field(init=False, repr=False, compare=False)  # Effect is Deny (read in every evaluation)
    _compiled: _Compiled = field(init=False, repr=False, compare=False)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "deny", self.effect == "Deny")
        object.__setattr__(self, "_compiled", _Compiled(self))
        object.__setattr__(self, "_hash", hash((self.policy, self.index, self.effect, self.actions, self.not_actions,
                                                self.resources, self.not_resources, self.principals,
                                                self.not_principals, self.conditions)))

    def __hash__(self) -> int:
        """Computed once: statements and policies key the analysis's caches."""
        return self._hash

    def label(self) -> str:
        """How explanations name it: `statement 2 "Sid" of policy X`."""
        sid = f' "{self.sid}"' if self.sid else ""
        return f"statement {self.index}{sid} of policy {self.policy}"

    def applies(self, action: str, resource: str, lookup: Lookup) -> bool:
        """Whether the statement covers the request: `action` lower-cased, `lookup` the request's context keys
        (lower-cased). Who the caller is, is a separate question (`admits`)."""
        compiled = self._compiled
        if not compiled.action(action) or not compiled.resource(resource, lookup):
            return False
        return not compiled.conditions or all(test(lookup) for test in compiled.conditions)

    def admits(self, arn: str, account: str, has_boundary: bool) -> str | None:
        """How the statement's Principal/NotPrincipal names the caller: matching.DIRECT, matching.ACCOUNT, or
        None. A statement with neither element (an identity policy) names no one."""
        compiled = self._compiled
        if compiled.principals is not None:
            return compiled.principals.admits(arn, account)
        if compiled.not_principals is not None:
            excluded = compiled.not_principals.excludes(arn, account, has_boundary)
            return None if excluded else "direct"
        return None


class _Compiled:
    """What a statement's elements compile to: built once when the statement is made."""

    __slots__ = ("action", "conditions", "not_principals", "principals", "resource")

    def __init__(self, statement: Statement) -> None:
        if statement.actions is not None:
            self.action = matcher(statement.actions, ACTION)
        else:
            inside = matcher(statement.not_actions or (), ACTION)
            self.action = lambda action: not inside(action)
        self.resource = _resource_test(statement)
        self.conditions = tuple(ConditionTest(c.operator, c.key, c.values, statement.version)
                                for c in statement.conditions)
        self.principals = Principals(statement.principals) if statement.principals is not None else None
        self.not_principals = Principals(statement.not_principals) if statement.not_principals is not None else None


def _resource_test(statement: Statement) -> Callable[[str, Lookup], bool]:
    """Resource/NotResource as one test; patterns with policy variables are resolved per request."""
    negated = statement.resources is None and statement.not_resources is not None
    patterns = statement.not_resources if negated else statement.resources
    if patterns is None:  # a trust policy: the statement is about the role that holds it
        return lambda resource, lookup: True
    templates: list[Template] = []
    fixed: list[str] = []
    for pattern in patterns:
        found = template(pattern, statement.version)
        if found is None:
            fixed.append(pattern)
        else:
            templates.append(found)
    static = matcher(fixed, ARN) if fixed else _never

    def inside(resource: str, lookup: Lookup) -> bool:
        if static(resource):
            return True
        for found in templates:
            parts = found.resolve(lookup)
            if parts is not None and compile_pattern(parts, ARN).fullmatch(resource):
                return True
        return False

    if negated:
        return lambda resource, lookup: not inside(resource, lookup)
    return inside


@dataclass(frozen=True)
class Policy:
    """A parsed policy: its name (explanations quote it), version, statements."""

    name: str
    version: str
    statements: tuple[Statement, ...]
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.name, self.version, self.statements)))

    def __hash__(self) -> int:
        return self._hash


def parse_policy(name: str, document: str | Mapping[str, Any]) -> Policy:
    """Read a policy document (JSON text or its parsed mapping) as AWS would, or raise PolicyError."""
    if isinstance(document, str | bytes):
        if len(document) > MAX_DOCUMENT_CHARS:
            raise PolicyError(name, f"document of {len(document)} characters, more than {MAX_DOCUMENT_CHARS}",
                              with_value=False)
        try:
            document = json.loads(document)
        except RecursionError:
            raise PolicyError(name, f"document nested more than {MAX_DEPTH} levels deep", with_value=False) from None
        except ValueError as error:
            where = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
            raise PolicyError(name, f"not valid JSON{where}", with_value=False) from None
    _measure(name, document)
    return _Reader(name).document(document)


def _measure(name: str, document: object) -> None:
    """Refuse a document too deep or too large before reading it, in time bounded by the limits themselves
    (a cyclic mapping is simply too deep)."""
    budget = MAX_DOCUMENT_CHARS
    pending: list[tuple[object, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise PolicyError(name, f"document nested more than {MAX_DEPTH} levels deep", with_value=False)
        if isinstance(value, Mapping):
            children: list[object] = [*value.keys(), *value.values()]
        elif isinstance(value, list | tuple):
            children = list(value)
        else:
            children = []
            budget -= len(value) if isinstance(value, str) else 8
        budget -= 2 + len(children)
        if budget < 0:
            raise PolicyError(name, f"document larger than {MAX_DOCUMENT_CHARS} characters", with_value=False)
        pending.extend((child, depth + 1) for child in children)


class _Reader:
    """Shape checks, each naming the element at fault (`Statement[2].Condition.Bool`)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.version = DEFAULT_VERSION

    def fail(self, where: str, problem: str, value: object) -> PolicyError:
        return PolicyError(self.name, f"{where} {problem}", value)

    def document(self, document: object) -> Policy:
        if not isinstance(document, Mapping):
            raise self.fail("the document", "must be a JSON object", document)
        for key in document:
            if key not in _DOCUMENT_KEYS:
                raise self.fail("the document", "has an element AWS does not define", key)
        version = document.get("Version", DEFAULT_VERSION)
        if version not in VERSIONS:
            raise self.fail("Version", f"must be one of {', '.join(VERSIONS)}", version)
        self.version = version
        if "Id" in document and not isinstance(document["Id"], str):
            raise self.fail("Id", "must be a string", document["Id"])
        if "Statement" not in document:
            raise self.fail("the document", "has no Statement", dict(document))
        raw = document["Statement"]
        statements = [raw] if isinstance(raw, Mapping) else raw
        if not isinstance(statements, list):
            raise self.fail("Statement", "must be an object or a list of objects", raw)
        return Policy(self.name, version, tuple(self.statement(i, s) for i, s in enumerate(statements)))

    def statement(self, index: int, raw: object) -> Statement:
        where = f"Statement[{index}]"
        if not isinstance(raw, Mapping):
            raise self.fail(where, "must be an object", raw)
        for key in raw:
            if key not in _STATEMENT_KEYS:
                raise self.fail(where, "has an element AWS does not define", key)
        sid = raw.get("Sid", "")
        if not isinstance(sid, str):
            raise self.fail(f"{where}.Sid", "must be a string", sid)
        effect = raw.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise self.fail(f"{where}.Effect", "must be Allow or Deny", effect)
        actions, not_actions = self.exactly_one(where, raw, "Action", "NotAction", required=True)
        resources, not_resources = self.exactly_one(where, raw, "Resource", "NotResource", required=False)
        for element, values in (("Action", actions), ("NotAction", not_actions)):
            for value in values or ():
                if value != "*" and ":" not in value:
                    raise self.fail(f"{where}.{element}", "must be `*` or service:action", value)
        if "Principal" in raw and "NotPrincipal" in raw:
            raise self.fail(where, "has both Principal and NotPrincipal", sorted(raw))
        principals = self.principal(f"{where}.Principal", raw["Principal"]) if "Principal" in raw else None
        not_principals = (self.principal(f"{where}.NotPrincipal", raw["NotPrincipal"])
                          if "NotPrincipal" in raw else None)
        return Statement(self.name, index, sid, effect, actions, not_actions, resources, not_resources,
                         principals, not_principals, self.conditions(f"{where}.Condition", raw.get("Condition")),
                         self.version)

    def exactly_one(self, where: str, raw: Mapping[str, Any], element: str, negated: str,
                    required: bool) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
        if element in raw and negated in raw:
            raise self.fail(where, f"has both {element} and {negated}", sorted(raw))
        if required and element not in raw and negated not in raw:
            raise self.fail(where, f"has neither {element} nor {negated}", sorted(raw))
        return (self.strings(f"{where}.{element}", raw[element]) if element in raw else None,
                self.strings(f"{where}.{negated}", raw[negated]) if negated in raw else None)

    def strings(self, where: str, value: object) -> tuple[str, ...]:
        """A string or a non-empty list of non-empty strings."""
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise self.fail(where, "must be a non-empty string or list of them", value)
        return tuple(values)

    def principal(self, where: str, value: object) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if value == "*":
            return (("*", ("*",)),)
        if not isinstance(value, Mapping) or not value:
            raise self.fail(where, 'must be "*" or an object of principal types', value)
        entries = []
        for kind, names in value.items():
            if kind not in PRINCIPAL_TYPES:
                raise self.fail(where, f"type must be one of {', '.join(PRINCIPAL_TYPES)}", kind)
            entries.append((kind, self.strings(f"{where}.{kind}", names)))
        return tuple(entries)

    def conditions(self, where: str, value: object) -> tuple[Condition, ...]:
        if value is None:
            return ()
        if not isinstance(value, Mapping):
            raise self.fail(where, "must be an object of operators", value)
        found = []
        for operator, keys in value.items():
            if not isinstance(operator, str):
                raise self.fail(where, "operator must be a string", operator)
            try:
                check_operator(operator)
            except ConditionError:
                raise self.fail(where, "has an operator AWS does not define", operator) from None
            if not isinstance(keys, Mapping) or not keys:
                raise self.fail(f"{where}.{operator}", "must be an object of condition keys", keys)
            for key, values in keys.items():
                if not isinstance(key, str) or not key:
                    raise self.fail(f"{where}.{operator}", "key must be a non-empty string", key)
                found.append(Condition(operator, key, self.condition_values(f"{where}.{operator}.{key}", values)))
        return tuple(found)

    def condition_values(self, where: str, value: object) -> tuple[str, ...]:
        values = value if isinstance(value, list) else [value]
        return tuple(self.scalar(where, v) for v in values)

    def scalar(self, where: str, value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return value
        if isinstance(value, int | float):
            return str(value)
        raise self.fail(where, "must be a string, number or boolean", value)

