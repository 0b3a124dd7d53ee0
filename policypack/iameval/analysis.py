"""Exhaustive analysis of an estate: who can assume each role, what each role's session can do, and how that
differs from what was intended.

Nothing is sampled. For each role:

(a) *who can assume it*: every user and role of the estate, in every account; per account the estate does not
    know completely, "any other principal of that account whose own policies allow it"; each principal the trust
    names that the estate does not hold; each service the trust names; and an administrator of an outsider
    account that nothing names. Each is asked under every case of the conditions the trust (and the caller's
    policies) mention: MFA absent / present and younger or older than each age limit, ExternalId right / wrong /
    absent, any other key at each literal, another value, absent, numbers and dates at each boundary and one
    either side.
(b) *what its session can do*: every action of the pinned catalogue (and any other the documents name) on the
    resources in play (a concrete representative of each ARN or pattern the documents and the intent mention,
    `*`, and a fresh resource of each service in the role's own account), under every case of the conditions
    its policies and the bucket policies mention. Actions are grouped by which statements can match them (their
    signature), and a group is evaluated only where an Allow can match both it and the resource: everything
    else is refused by construction, without an evaluation.

The comparison with a `RoleIntent` turns the complete answer into findings: anything granted that is not
promised, anything promised that is not granted, each naming principal, action, resource, condition and the
statements that decided (`Decision.explain()`).

Principals are indexed by the literal resources their statements name, so a principal is evaluated only against
the roles its policies can reach; principals the trust does not admit are decided without their policies.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cached_property

from . import catalogue as pinned
from .estate import BucketEstate, Estate, Principal, RoleEstate, arn_account, arn_name
from .evaluate import Caller, Request, Target, evaluate
from .matching import ARN, has_wildcard, matcher, matches
from .policy import Condition, Policy, Statement, parse_policy

ASSUME_ROLE = "sts:assumerole"
SECURE_TRANSPORT = "aws:securetransport"
MFA_PRESENT, MFA_AGE = "aws:multifactorauthpresent", "aws:multifactorauthage"
EXTERNAL_ID = "sts:externalid"
# Keys AWS sets from the caller itself (the engine adds them): a request cannot choose them.
CALLER_KEYS = frozenset({"aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:username",
                         "aws:userid"})
# Keys every request carries: never asked absent.
ALWAYS_PRESENT = frozenset({SECURE_TRANSPORT, "aws:currenttime", "aws:epochtime"})
MAX_PARTITIONS = 256  # beyond this product of condition cases, each key is varied alone (and the report says so)
FRESH = "preview-fresh"
OUTSIDER_CANDIDATES = tuple(str(d) * 12 for d in range(2, 10))
_ACCOUNT_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")
_ANY_OTHER = "any other principal of {account} whose own policies allow it"


# ---- intent: what was promised, as data ------------------------------------------------------------------------


def principal_key(arn: str) -> str:
    """`<account>:<user|role>/<name>`: a principal regardless of its IAM path (names are unique per account)."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return arn
    return f"{parts[4]}:{parts[5].split('/', 1)[0]}/{arn_name(parts[5])}"


@dataclass(frozen=True)
class Grant:
    """One promise of a role's session: these actions on this resource (an ARN or pattern), maybe only over TLS."""

    actions: tuple[str, ...]
    resource: str
    tls_only: bool = False
    why: str = ""

    @cached_property
    def lowered(self) -> frozenset[str]:
        return frozenset(a.lower() for a in self.actions)


@dataclass(frozen=True)
class RoleIntent:
    """What is intended for one role, by its ARN: who may assume it, under which conditions, and its session.

    Principals are named by `principal_key`. Anyone not in `may` may not; `may_not` only says why, for reports.
    `if_allowed` are ARNs the trust names ("if their own policies allow"), `delegated` account IDs whose other
    principals may assume the role when their own policies allow it (a trust to `:root`). The ExternalId a caller
    must present is its account's entry of `external_ids`, else `external_id`; None: the value is not known here.
    """

    arn: str
    may: Mapping[str, str] = field(default_factory=dict)
    may_not: Mapping[str, str] = field(default_factory=dict)
    if_allowed: frozenset[str] = frozenset()
    delegated: frozenset[str] = frozenset()
    require_mfa: bool = False
    mfa_max_age: int | None = None
    require_external_id: bool = False
    external_id: str | None = None
    external_ids: Mapping[str, str] = field(default_factory=dict)
    session: tuple[Grant, ...] = ()

    @property
    def name(self) -> str:
        return arn_name(self.arn)

    def principal(self, arn: str) -> tuple[bool | None, str]:
        """Whether a known principal may assume the role (None: if its own policies allow it), and why."""
        key = principal_key(arn)
        if key in self.may:
            return True, self.may[key]
        if arn in self.if_allowed:
            return None, "the trust names it: it may if its own policies allow it"
        return False, self.may_not.get(key, f"nothing in the intent lets it assume {self.name}")

    def conditions_met(self, context: Mapping[str, str], account: str) -> tuple[bool, str]:
        """Whether a request with this context meets the required conditions, and what it lacks if not."""
        if self.require_mfa:
            if context.get("aws:MultiFactorAuthPresent") != "true":
                return False, f"{self.name} requires MFA"
            age = context.get("aws:MultiFactorAuthAge")
            if self.mfa_max_age is not None and (age is None or Decimal(age) >= self.mfa_max_age):
                return False, f"{self.name} requires MFA younger than {self.mfa_max_age} s"
        if self.require_external_id:
            presented = context.get("sts:ExternalId")
            expected = self.external_ids.get(account, self.external_id)
            if presented is None:
                return False, f"{self.name} requires its ExternalId"
            if expected is not None and presented != expected:
                return False, f"{self.name} requires the ExternalId its callers were given"
        return True, ""

    def promised(self, resource: str, context: Mapping[str, str]) -> tuple[frozenset[str], str]:
        """The actions (lower-cased) promised on `resource` under `context`, and why (for reports)."""
        found: set[str] = set()
        why: list[str] = []
        for grant in self.session:
            if not matches(grant.resource, resource, ARN):
                continue
            if grant.tls_only and context.get("aws:SecureTransport") != "true":
                why.append(f"{grant.why or grant.resource} only over TLS")
                continue
            found |= grant.lowered
            why.append(grant.why or grant.resource)
        return frozenset(found), "; ".join(dict.fromkeys(why))


# ---- results ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One difference between the complete answer and the intent (or something that could not be decided)."""

    role: str  # the role's name
    kind: str  # "assume", "session" or "undecided"
    principal: str  # who: a principal's label, a class, "<role> session"
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: str  # the condition case ("" when no condition is mentioned)
    granted: bool
    promised: bool
    why: str  # Decision.explain() of a representative request, or the problem
    intent: str = ""  # why the intent says what it says
    arn: str = ""  # the principal's ARN, when it has one

    def text(self, limit: int = 6) -> str:
        """One line naming who, what, on what, under which condition, and which statements decided."""
        if self.kind == "undecided":
            return f"{self.role}: cannot decide for {self.principal}: {self.why}"
        condition = f" [{self.condition}]" if self.condition else ""
        verdict = "granted, not intended" if self.granted else "intended, not granted"
        intent = f" ({self.intent})" if self.intent else ""
        if self.kind == "assume":
            return f"{self.role}: {self.principal} may{'' if self.granted else ' not'} assume it{condition}: " \
                   f"{verdict}{intent}; {self.why}"
        return (f"{self.role} session: {_some(self.actions, limit)} on {_some(self.resources, 3)}{condition}: "
                f"{verdict}{intent}; {self.why}")

    def to_dict(self) -> dict[str, object]:
        return {"role": self.role, "kind": self.kind, "principal": self.principal, "arn": self.arn,
                "actionCount": len(self.actions), "actions": list(self.actions[:50]),
                "resources": list(self.resources[:20]), "condition": self.condition, "granted": self.granted,
                "intended": self.promised, "why": self.why, "intent": self.intent, "text": self.text()}


def _some(names: Sequence[str], limit: int) -> str:
    """The first `limit` names and how many more (a broad grant can reach thousands of actions)."""
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit:,} more"


@dataclass(frozen=True)
class Assumer:
    """Someone who may assume a role, under which condition cases (all of them when `conditions` is empty)."""

    label: str
    arn: str
    kind: str  # "user", "role", "class", "named", "service", "outsider"
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Refusal:
    """A known principal whose own policies reach the role (or whom the intent names) and who is refused under every
    condition case, with why (the explanation of its last case)."""

    label: str
    arn: str
    why: str


@dataclass(frozen=True)
class Access:
    """What a session may do: these actions on this resource, under these condition cases (empty: all of them)."""

    resource: str
    actions: tuple[str, ...]
    conditions: tuple[str, ...] = ()


@dataclass
class RoleAnalysis:
    """The complete answer for one role, and its differences with the intent."""

    role: RoleEstate
    assumers: list[Assumer] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)  # evaluated known principals, refused throughout
    asked: int = 0  # (caller, condition case) questions answered about assuming it
    evaluated: int = 0  # of which evaluated with the engine (the rest decided by construction)
    partitions: tuple[str, ...] = ()  # the condition cases of the trust
    session: list[Access] = field(default_factory=list)
    session_partitions: tuple[str, ...] = ()
    session_evaluated: int = 0
    wildcards: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.role.name

    def assume_summary(self) -> str:
        """`may assume: David (Developers); any other principal of ... whose own policies allow it; nobody else`."""
        names = [a.label + (f" [{' or '.join(a.conditions)}]" if a.conditions else "") for a in self.assumers]
        return "may assume: " + "; ".join([*names, "nobody else"] if names else ["nobody"])

    def refused_summary(self, limit: int = 10) -> str:
        """`refused although their policies reach it: Theresa (Testers): denied: explicit Deny in ...`."""
        shown = [f"{r.label}: {r.why}" for r in self.refused[:limit]]
        more = [f"and {len(self.refused) - limit:,} more"] if len(self.refused) > limit else []
        return "refused although their policies reach it: " + "; ".join(shown + more) if shown else ""

    def session_summary(self, catalogued: int, date: str) -> str:
        """`6 actions on ...; s3:ListAllMyBuckets on *; nothing else of N catalogued actions (catalogue of D)`."""
        parts = [f"{_some(a.actions, 6)} on {a.resource}" + (f" [{' or '.join(a.conditions)}]" if a.conditions else "")
                 for a in self.session]
        rest = f"nothing else of {catalogued:,} catalogued actions (catalogue of {date})"
        return "session: " + "; ".join([*parts, rest] if parts else [f"nothing: none of {catalogued:,} catalogued "
                                                                      f"actions (catalogue of {date})"])

    def to_dict(self) -> dict[str, object]:
        return {
            "role": self.name, "arn": self.role.arn, "account": self.role.account,
            "mayAssume": [{"principal": a.label, "arn": a.arn, "kind": a.kind, "conditions": list(a.conditions)}
                          for a in self.assumers],
            "refusedCount": len(self.refused),
            "refused": [{"principal": r.label, "arn": r.arn, "why": r.why} for r in self.refused[:50]],
            "questions": self.asked, "evaluated": self.evaluated, "conditionCases": list(self.partitions),
            "session": [{"resource": a.resource, "actionCount": len(a.actions), "actions": list(a.actions[:50]),
                         "conditions": list(a.conditions)} for a in self.session],
            "sessionConditionCases": list(self.session_partitions), "sessionEvaluated": self.session_evaluated,
            "wildcardGrants": self.wildcards, "findings": [f.to_dict() for f in self.findings], "notes": self.notes,
        }


@dataclass
class Analysis:
    """Every analysed role, the outsider account used, the catalogue, and what the analysis approximates."""

    roles: list[RoleAnalysis]
    outsider: str
    catalogue_source: str
    catalogue_date: str
    catalogued: int
    notes: list[str] = field(default_factory=list)
    findings_outside_roles: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [*self.findings_outside_roles, *(f for role in self.roles for f in role.findings)]

    def to_dict(self) -> dict[str, object]:
        return {"outsider": self.outsider,
                "catalogue": {"source": self.catalogue_source, "date": self.catalogue_date,
                              "actions": self.catalogued},
                "roles": [r.to_dict() for r in self.roles],
                "findings": [f.to_dict() for f in self.findings_outside_roles], "notes": self.notes}


# ---- condition cases -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Partition:
    """One case of every condition key in play: its label (for reports) and the request context it sets."""

    label: str
    context: Mapping[str, str]


Case = tuple[str, tuple[tuple[str, str], ...]]  # (label, context entries)


def _family(operator: str) -> str:
    base = operator.split(":", 1)[-1].lower()
    base = base.removesuffix("ifexists") if base != "ifexists" else base
    for family in ("string", "arn", "bool", "numeric", "date", "binary", "null"):
        if base.startswith(family):
            return family
    return "ip" if base in ("ipaddress", "notipaddress") else "string"


def _representative(pattern: str) -> str:
    """A concrete value a wildcard pattern matches (`*` and `?` filled in, policy variables too)."""
    return re.sub(r"\$\{[^}]*\}", "preview", pattern).replace("*", "preview").replace("?", "p")


def _shown(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _numbers(values: Iterable[str]) -> list[str]:
    found: set[Decimal] = set()
    for value in values:
        try:
            number = Decimal(value)
        except InvalidOperation:
            continue
        found |= {number - 1, number, number + 1}
    return [str(n) for n in sorted(n for n in found if n >= 0)]


def _date(value: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _dates(values: Iterable[str]) -> list[str]:
    found = {d + timedelta(seconds=s) for v in values if (d := _date(v)) is not None for s in (-1, 0, 1)}
    return [d.strftime("%Y-%m-%dT%H:%M:%SZ") for d in sorted(found)]


def _addresses(values: Iterable[str]) -> list[str]:
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            continue
    inside = [str(n.network_address) for n in networks]
    outside = next((a for a in ("192.0.2.1", "198.51.100.1", "203.0.113.1", "2001:db8::1")
                    if not any(ipaddress.ip_address(a) in n for n in networks)), None)
    return list(dict.fromkeys(inside + ([outside] if outside else [])))


def _generic_cases(key: str, spelled: str, uses: list[tuple[str, tuple[str, ...]]]) -> list[Case]:
    """Each literal (or number/date boundary ±1, address inside each range and one outside), another value,
    and absent."""
    values: list[str] = []
    for family, literals in uses:
        plain = [v for v in literals if "${" not in v]
        if family in ("string", "arn", "binary"):
            values += [_representative(v) for v in plain]
        elif family == "bool":
            values += ["true", "false"]
        elif family == "numeric":
            values += _numbers(plain)
        elif family == "date":
            values += _dates(plain)
        elif family == "ip":
            values += _addresses(plain)
    if any(family in ("string", "arn", "binary", "null") for family, _ in uses):
        values.append("preview-other-value")
    cases: list[Case] = [(_value_label(key, spelled, v), ((spelled, v),)) for v in dict.fromkeys(values)]
    if key not in ALWAYS_PRESENT:
        cases.append(("without TLS information" if key == SECURE_TRANSPORT else f"no {spelled}", ()))
    return cases


def _value_label(key: str, spelled: str, value: str) -> str:
    if key == SECURE_TRANSPORT:
        return "over TLS" if value == "true" else "without TLS"
    if value == "preview-other-value":
        return f"{spelled} another value"
    return f"{spelled}={_shown(value)}"


def _mfa_cases(ages: Iterable[str]) -> list[Case]:
    limits = _numbers(ages)
    cases: list[Case] = [("without MFA", ()), ("MFA not used", (("aws:MultiFactorAuthPresent", "false"),))]
    for age in dict.fromkeys(["0", *limits]):
        cases.append((f"with MFA {age} s old",
                      (("aws:MultiFactorAuthPresent", "true"), ("aws:MultiFactorAuthAge", age))))
    return cases


def _external_id_cases(trust_values: Sequence[str], expected: Mapping[str, str]) -> list[Case]:
    """The trust's values, the ones each caller's side holds, another one, none: labelled without the values,
    which are secrets."""
    cases: list[Case] = []
    seen: set[str] = set()
    for i, value in enumerate(dict.fromkeys(v for v in trust_values if "${" not in v)):
        seen.add(value)
        cases.append(("with the trust's ExternalId" + (f" #{i + 1}" if i else ""), (("sts:ExternalId", value),)))
    for holder, value in expected.items():
        if value not in seen:
            seen.add(value)
            cases.append((f"with the ExternalId {holder} holds", (("sts:ExternalId", value),)))
    cases.append(("with another ExternalId", (("sts:ExternalId", "preview-another-external-id"),)))
    cases.append(("without ExternalId", ()))
    return cases


@dataclass(frozen=True)
class _Needs:
    """Condition keys an intent relies on, so they are asked even when no document mentions them."""

    mfa_ages: tuple[str, ...] = ()
    mfa: bool = False
    external_ids: tuple[tuple[str, str], ...] = ()  # (who holds it, value)
    external_id: bool = False
    tls: bool = False


def _dimensions(conditions: Iterable[Condition], needs: _Needs) -> list[list[Case]]:
    """One list of cases per condition key in play (MFA's two keys are one dimension: they come together)."""
    uses: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    spelled: dict[str, str] = {}
    for condition in conditions:
        key = condition.key.lower()
        if key in CALLER_KEYS or key.startswith("aws:principaltag/"):
            continue
        spelled.setdefault(key, condition.key)
        uses[key].append((_family(condition.operator), condition.values))
    dims: list[list[Case]] = []
    if needs.mfa or MFA_PRESENT in uses or MFA_AGE in uses:
        ages = [v for _, values in uses.pop(MFA_AGE, []) for v in values] + list(needs.mfa_ages)
        uses.pop(MFA_PRESENT, None)
        dims.append(_mfa_cases(ages))
    if needs.external_id or EXTERNAL_ID in uses:
        literals = [v for _, values in uses.pop(EXTERNAL_ID, []) for v in values]
        dims.append(_external_id_cases(literals, dict(needs.external_ids)))
    if needs.tls and SECURE_TRANSPORT not in uses:
        uses[SECURE_TRANSPORT].append(("bool", ("true",)))
        spelled[SECURE_TRANSPORT] = "aws:SecureTransport"
    for key in sorted(uses):
        dims.append(_generic_cases(key, spelled[key], uses[key]))
    return dims


def partitions(dims: Sequence[Sequence[Case]]) -> tuple[tuple[Partition, ...], bool]:
    """Every combination of the dimensions' cases; past MAX_PARTITIONS, each dimension varied alone from its
    first case (the flag says so)."""
    size = 1
    for dim in dims:
        size *= len(dim)
    if size <= MAX_PARTITIONS:
        combos: Iterable[Sequence[Case]] = itertools.product(*dims)
        capped = False
    else:
        base = [dim[0] for dim in dims]
        combos = [base] + [[*base[:i], case, *base[i + 1:]] for i, dim in enumerate(dims) for case in dim[1:]]
        capped = True
    found = []
    for combo in combos:
        label = ", ".join(label for label, _ in combo if label)
        found.append(Partition(label, {k: v for _, entries in combo for k, v in entries}))
    return tuple(found), capped


# ---- statements: which actions and resources each can match ---------------------------------------------------


@dataclass(frozen=True)
class _ActionSet:
    """The actions a statement's Action/NotAction matches, over the catalogue: all, a set, or all but a set."""

    kind: str  # "all", "set", "except"
    names: frozenset[str] = frozenset()  # lower-cased

    def __contains__(self, action: str) -> bool:
        return self.kind == "all" or ((action in self.names) == (self.kind == "set"))


class _Actions:
    """The catalogue, lower-cased, with wildcard expansions cached (the same patterns recur across roles)."""

    def __init__(self, catalogue: pinned.Catalogue) -> None:
        self.catalogue = catalogue
        self.display: dict[str, str] = {}  # actions the documents name that the catalogue does not have
        self._expanded: dict[str, frozenset[str]] = {}
        self._sets: dict[int, _ActionSet] = {}
        self._interned: dict[tuple[bool, tuple[str, ...]], _ActionSet] = {}

    @cached_property
    def count(self) -> int:
        return sum(len(actions) for actions in self.catalogue.services.values())

    @property
    def services(self) -> Iterable[str]:
        return self.catalogue.services

    @cached_property
    def by_service(self) -> dict[str, tuple[str, ...]]:
        """Every catalogued action, lower-cased, by service (only needed when a statement matches them all)."""
        return {service: tuple(a.lower() for a in actions) for service, actions in self.catalogue.services.items()}

    def name(self, action: str) -> str:
        """AWS's spelling of a lower-cased action."""
        return self.catalogue.by_lower.get(action) or self.display.get(action, action)

    def expand(self, pattern: str) -> frozenset[str]:
        if pattern not in self._expanded:
            if has_wildcard(pattern):
                found = frozenset(a.lower() for a in pinned.expand([pattern]))
            else:
                found = frozenset({pattern.lower()})
                self.display.setdefault(pattern.lower(), pattern)
            self._expanded[pattern] = found
        return self._expanded[pattern]

    def of(self, statement: Statement) -> _ActionSet:
        """The statement's actions (cached per statement object: policies are shared by many principals)."""
        cached = self._sets.get(id(statement))
        if cached is None:
            patterns = statement.actions if statement.actions is not None else statement.not_actions or ()
            negated = statement.actions is None
            key = (negated, patterns)
            cached = self._interned.get(key)
            if cached is None:  # one object per distinct element, so action groups can be cached by identity
                if "*" in patterns:
                    cached = _ActionSet("set") if negated else _ActionSet("all")
                else:
                    names = frozenset().union(*(self.expand(p) for p in patterns))
                    cached = _ActionSet("except" if negated else "set", names)
                self._interned[key] = cached
            self._sets[id(statement)] = cached
        return cached

    def rest(self, explicit: frozenset[str]) -> dict[str, list[str]]:
        """Every catalogued action not in `explicit`, by service."""
        return {service: [a for a in actions if a not in explicit] for service, actions in self.by_service.items()}


def _resources_of(statement: Statement) -> tuple[str, ...]:
    return statement.resources if statement.resources is not None else statement.not_resources or ()


def _resource_test(statement: Statement) -> Callable[[str], bool]:
    """Whether the statement's Resource/NotResource can match an ARN (a pattern with a policy variable: maybe)."""
    if statement.resources is None and statement.not_resources is None:
        return lambda resource: True
    patterns = _resources_of(statement)
    if any("${" in p for p in patterns):
        return lambda resource: True
    test = matcher(patterns, ARN)
    if statement.resources is None:
        return lambda resource: not test(resource)
    return test


def _wildcard_grant(statement: Statement) -> str:
    """For an Allow whose actions will also cover actions AWS adds later: which patterns do."""
    if statement.actions is None:
        return f"NotAction {', '.join(statement.not_actions or ())}"
    wild = [a for a in statement.actions if has_wildcard(a)]
    return ", ".join(wild)


# ---- who may assume ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Admission:
    """Who a trust policy's Allow statements name: everyone, accounts, principal ARNs, services."""

    everyone: bool
    accounts: frozenset[str]
    arns: frozenset[str]
    others: tuple[str, ...]  # "service:<name>", "federated:<name>"

    def admits(self, arn: str, account: str) -> bool:
        return self.everyone or arn in self.arns or account in self.accounts

    def names(self, arn: str) -> bool:
        """Whether it names the caller itself (which, in the role's own account, needs no identity Allow)."""
        return self.everyone or arn in self.arns


def _admission(trust: Policy, actions: _Actions) -> _Admission:
    everyone = False
    accounts: set[str] = set()
    arns: set[str] = set()
    others: list[str] = []
    for statement in trust.statements:
        if statement.deny or ASSUME_ROLE not in actions.of(statement):
            continue
        if statement.principals is None:
            everyone = True  # NotPrincipal with Allow: everyone but a few; let the engine decide each
            continue
        for kind, values in statement.principals:
            for value in values:
                if kind == "*" or value == "*":
                    everyone = True
                elif kind != "AWS":
                    others.append(f"{'service' if kind == 'Service' else 'federated'}:{value}")
                elif value.isdigit() and len(value) == 12:
                    accounts.add(value)
                elif value.endswith(":root") and value.count(":") == 5:
                    accounts.add(arn_account(value))
                else:
                    arns.add(value)
    return _Admission(everyone, frozenset(accounts), frozenset(arns), tuple(dict.fromkeys(others)))


@dataclass
class _Caller:
    """A principal of the estate, indexed by the resources its statements name."""

    principal: Principal | RoleEstate
    label: str
    kind: str
    literal: dict[str, list[int]]  # resource ARN -> positions of its policies with a statement naming it
    wild: list[int]  # positions of policies with a statement that may match any resource
    assume_literal: frozenset[str]  # resources named by Allow statements that can match sts:AssumeRole
    assume_wild: bool  # such an Allow with a wildcard, NotResource or a policy variable

    @property
    def arn(self) -> str:
        return self.principal.arn

    def policies_for(self, resource: str) -> tuple[Policy, ...]:
        """Only the policies whose statements can match `resource`, in their order."""
        identity = self.principal.identity
        positions = sorted({*self.wild, *self.literal.get(resource, ())})
        return tuple(identity[p] for p in positions)


class _PolicyIndex:
    """Per policy (by object, since members of a group share them): literal resources, wildcards, assume Allows."""

    def __init__(self, actions: _Actions) -> None:
        self.actions = actions
        self._cache: dict[int, tuple[frozenset[str], bool, frozenset[str], bool]] = {}

    def of(self, policy: Policy) -> tuple[frozenset[str], bool, frozenset[str], bool]:
        found = self._cache.get(id(policy))
        if found is None:
            literal: set[str] = set()
            wild = False
            assume_literal: set[str] = set()
            assume_wild = False
            for statement in policy.statements:
                patterns = _resources_of(statement)
                loose = statement.resources is None or any(has_wildcard(p) or "${" in p for p in patterns)
                wild = wild or loose
                literal.update(p for p in patterns if not loose)
                if not statement.deny and ASSUME_ROLE in self.actions.of(statement):
                    assume_wild = assume_wild or loose
                    assume_literal.update(p for p in patterns if not loose)
            found = (frozenset(literal), wild, frozenset(assume_literal), assume_wild)
            self._cache[id(policy)] = found
        return found

    def caller(self, principal: Principal | RoleEstate, label: str, kind: str) -> _Caller:
        literal: dict[str, list[int]] = defaultdict(list)
        wild: list[int] = []
        assume_literal: set[str] = set()
        assume_wild = False
        for position, policy in enumerate(principal.identity):
            resources, loose, assume, assume_loose = self.of(policy)
            for resource in resources:
                literal[resource].append(position)
            if loose:
                wild.append(position)
            assume_literal |= assume
            assume_wild = assume_wild or assume_loose
        return _Caller(principal, label, kind, dict(literal), wild, frozenset(assume_literal), assume_wild)


def _allowing(name: str, action: str = "sts:AssumeRole", resource: str = "*") -> Policy:
    return parse_policy(name, {"Version": "2012-10-17",
                               "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})


OWN_POLICIES_ALLOW = _allowing("its own policies (taken to allow it)")
ADMINISTRATOR = _allowing("its administrator policy (Allow * on *)", "*")


def outsider_account(estate: Estate, intents: Iterable[RoleIntent] = ()) -> str:
    """An account ID that neither the estate nor any of its documents nor the intent names."""
    used = set(estate.accounts)
    texts: list[str] = []
    for policy in _policies(estate):
        for statement in policy.statements:
            texts += [*_resources_of(statement), *(v for c in statement.conditions for v in c.values)]
            texts += [v for _, values in (statement.principals or statement.not_principals or ()) for v in values]
    for intent in intents:
        texts += [intent.arn, *intent.may, *intent.if_allowed, *intent.delegated, *intent.external_ids]
    used.update(_ACCOUNT_ID.findall(" ".join(texts)))
    candidates = itertools.chain(OUTSIDER_CANDIDATES, (str(n) for n in itertools.count(123456789012)))
    return next(c for c in candidates if c not in used)


def _policies(estate: Estate) -> Iterator[Policy]:
    for principal in (*estate.users(), *estate.roles()):
        yield from principal.identity
        if principal.boundary is not None:
            yield principal.boundary
        if isinstance(principal, RoleEstate) and principal.trust is not None:
            yield principal.trust
    for bucket in estate.buckets():
        if bucket.policy is not None:
            yield bucket.policy


# ---- the session's resources ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Resource:
    """A concrete resource a session is asked about: its ARN, owner, bucket (for its policy) and how to call it."""

    arn: str
    owner: str
    label: str
    bucket: BucketEstate | None = None

    @cached_property
    def service(self) -> str:
        return "*" if self.arn == "*" else self.arn.split(":", 3)[2]


@dataclass
class _Group:
    """Actions that the same statements can match (so one evaluation answers for all of them), by service."""

    signature: frozenset[int]
    by_service: dict[str, list[str]]

    @cached_property
    def actions(self) -> list[str]:
        return [a for actions in self.by_service.values() for a in actions]

    @property
    def representative(self) -> str:
        return self.actions[0]


class _SessionQuestions:
    """Asks a session one action group on one resource under every condition case, and sorts the answers into
    what is allowed, what is granted but not promised and what is promised but refused."""

    def __init__(self, caller: Caller, parts: Sequence[Partition], intent: RoleIntent | None,
                 homes: Mapping[str, frozenset[str]], actions: _Actions) -> None:
        self.caller = caller
        self.parts = parts
        self.intent = intent
        self.homes = homes
        self.actions = actions
        self.evaluated = 0
        self.allowed: dict[tuple[str, str], list[str]] = defaultdict(list)  # (action, resource label) -> cases
        self.pending: dict[tuple[object, ...], list[tuple[str, ...]]] = defaultdict(list)

    def __call__(self, group: _Group, resource: _Resource, names: Sequence[str]) -> None:
        target = Target(resource.bucket.policy if resource.bucket else None, resource.owner)
        for partition in self.parts:
            promised, why = self.intent.promised(resource.arn, partition.context) if self.intent else (frozenset(), "")
            # A promise is checked on its own resource: `s3:ListAllMyBuckets on *` is asked on `*`, not on each
            # bucket `*` also matches (where it means nothing).
            home = self.homes.get(resource.arn, frozenset()) & promised
            request = Request(self.actions.name(group.representative), resource.arn, partition.context)
            decision = evaluate(self.caller, request, target)
            self.evaluated += 1
            if decision.allowed:
                for action in names:
                    self.allowed[(action, resource.label)].append(partition.label)
                surplus = [a for a in names if a not in promised] if self.intent else []
                if surplus:
                    self.pending[(True, partition.label, decision.explain(), why)].append((resource.label, *surplus))
            else:
                wanted = [a for a in names if a in home]
                if wanted:
                    self.pending[(False, partition.label, decision.explain(), why)].append((resource.label, *wanted))


# ---- the analysis ----------------------------------------------------------------------------------------------


class Analyser:
    """The exhaustive analysis of one estate; indexes are built once and shared by every role's questions."""

    def __init__(self, estate: Estate, intents: Mapping[str, RoleIntent] | None = None,
                 catalogue: pinned.Catalogue | None = None) -> None:
        self.estate = estate
        self.intents = dict(intents or {})
        self.actions = _Actions(catalogue or pinned.load())
        self.outsider = outsider_account(estate, self.intents.values())
        self._policies = _PolicyIndex(self.actions)
        self._buckets = {b.name: b for b in estate.buckets()}
        self.callers = [self._policies.caller(u, u.label, "user") for u in estate.users()]
        self.callers += [self._policies.caller(r, f"role {r.name}", "role") for r in estate.roles()]
        self._by_key = {principal_key(c.arn): c for c in self.callers}
        self._by_arn = {c.arn: c for c in self.callers}
        self._assume_literal: dict[str, list[_Caller]] = defaultdict(list)
        self._assume_wild: list[_Caller] = []
        for caller in self.callers:
            for resource in caller.assume_literal:
                self._assume_literal[resource].append(caller)
            if caller.assume_wild:
                self._assume_wild.append(caller)
        self._undecided = [c for c in self.callers if c.principal.problems]
        self._bucket_grants = self._index_bucket_grants()
        self._partition_cache: dict[tuple[object, ...], tuple[tuple[Partition, ...], bool]] = {}
        self._fresh_resources: dict[str, dict[str, list[_Resource]]] = {}
        self._group_cache: dict[tuple[object, ...], list[_Group]] = {}

    # -- who may assume --

    def _role_needs(self, intent: RoleIntent | None) -> _Needs:
        if intent is None:
            return _Needs()
        holders = [(self.estate.label(account), value) for account, value in intent.external_ids.items()]
        if intent.external_id is not None:
            holders.append(("the role's own side", intent.external_id))
        ages = (str(intent.mfa_max_age),) if intent.mfa_max_age is not None else ()
        return _Needs(mfa_ages=ages, mfa=intent.require_mfa, external_ids=tuple(holders),
                      external_id=intent.require_external_id)

    def _partitions(self, conditions: tuple[Condition, ...], needs: _Needs) -> tuple[tuple[Partition, ...], bool]:
        key = (conditions, needs)
        if key not in self._partition_cache:
            self._partition_cache[key] = partitions(_dimensions(conditions, needs))
        return self._partition_cache[key]

    def assumers(self, role: RoleEstate, intent: RoleIntent | None, result: RoleAnalysis) -> None:
        """Who may assume `role`: every caller under every condition case, compared with `intent`."""
        assert role.trust is not None
        admission = _admission(role.trust, self.actions)
        trust_conditions = tuple(c for s in role.trust.statements for c in s.conditions)
        needs = self._role_needs(intent)
        base, capped = self._partitions(trust_conditions, needs)
        result.partitions = tuple(p.label for p in base)
        if capped:
            result.notes.append(f"{role.name}: the trust's conditions have more cases than {MAX_PARTITIONS}: each key "
                                "was varied alone")
        target = Target(role.trust, role.account, requires_policy=True)
        request_of = {p.label: Request("sts:AssumeRole", role.arn, p.context) for p in base}

        def ask(caller: Caller, label: str, arn: str, kind: str, parts: Sequence[Partition],
                expect: Callable[[Partition], tuple[bool | None, str]]) -> None:
            allowed_under: list[str] = []
            for partition in parts:
                request = request_of.get(partition.label) or Request("sts:AssumeRole", role.arn, partition.context)
                decision = evaluate(caller, request, target)
                result.evaluated += 1
                result.asked += 1
                if decision.allowed:
                    allowed_under.append(partition.label)
                expected, why = expect(partition)
                if expected is not None and expected != decision.allowed:
                    result.findings.append(Finding(role.name, "assume", label, ("sts:AssumeRole",), (role.arn,),
                                                   partition.label, decision.allowed, expected, decision.explain(),
                                                   why, arn))
            if allowed_under:
                everywhere = len(allowed_under) == len(parts)
                result.assumers.append(Assumer(label, arn, kind, () if everywhere else tuple(allowed_under)))
            elif kind in ("user", "role"):
                result.refused.append(Refusal(label, arn, decision.explain()))

        def expectation(allowed: bool | None, why: str, account: str) -> Callable[[Partition], tuple[bool | None, str]]:
            def expect(partition: Partition) -> tuple[bool | None, str]:
                if intent is None or allowed is None:
                    return None, why
                if not allowed:
                    return False, why
                met, lacking = intent.conditions_met(partition.context, account)
                return met, why if met else lacking
            return expect

        known = self._known_candidates(role, admission, intent)
        for caller in known:
            principal = caller.principal
            if principal.problems:
                result.findings.append(Finding(role.name, "undecided", caller.label, ("sts:AssumeRole",), (role.arn,),
                                               "", False, False, "; ".join(principal.problems), arn=caller.arn))
                continue
            policies = caller.policies_for(role.arn)
            extra = tuple(c for p in (*policies, *((principal.boundary,) if principal.boundary else ()))
                          for s in p.statements for c in s.conditions)
            parts = self._partitions(trust_conditions + extra, needs)[0] if extra else base
            allowed, why = intent.principal(caller.arn) if intent else (None, "")
            ask(Caller(caller.arn, policies, principal.boundary, principal.tags), caller.label, caller.arn,
                caller.kind, parts, expectation(allowed, why, principal.account))
        result.asked += (len(self.callers) - len(known)) * len(base)
        self._ask_unknown(role, admission, intent, base, ask, expectation, result)

    def _known_candidates(self, role: RoleEstate, admission: _Admission, intent: RoleIntent | None) -> list[_Caller]:
        """The estate's principals whose answer is not refused by construction: admitted by the trust and with an
        Allow that can reach the role (or named by the trust in the role's own account), or promised the role
        (evaluated to explain why not), or with policies unknown (reported undecided)."""
        found: dict[str, _Caller] = {}
        account = role.account
        pool = [*self._assume_literal.get(role.arn, ()), *self._assume_wild]
        if admission.everyone:
            pool += [c for c in self.callers if c.principal.account == account]
        pool += [self._by_arn[a] for a in admission.arns if a in self._by_arn]
        if intent is not None:
            pool += [self._by_key[k] for k in intent.may if k in self._by_key]
        pool += self._undecided
        for caller in pool:
            promised = intent is not None and principal_key(caller.arn) in intent.may
            if promised or (admission.admits(caller.arn, caller.principal.account) and (
                    caller.principal.problems or (admission.names(caller.arn) and caller.principal.account == account)
                    or role.arn in caller.assume_literal or caller.assume_wild)):
                found.setdefault(caller.arn, caller)
        return sorted(found.values(), key=lambda c: (c.kind != "user", c.arn))

    def _ask_unknown(self, role: RoleEstate, admission: _Admission, intent: RoleIntent | None,
                     base: Sequence[Partition], ask: Callable[..., None], expectation: Callable[..., object],
                     result: RoleAnalysis) -> None:
        """The principals the estate does not hold: each incomplete account's others, the trust's named principals
        and services, and the outsider. An account the trust does not name is refused by construction (evaluated
        only when the intent says it may, to explain why it cannot)."""
        accounts = dict.fromkeys([*self.estate.accounts, *sorted(admission.accounts),
                                  *sorted(arn_account(a) for a in admission.arns)])
        for account in accounts:
            if not account or account in self.estate.complete:
                continue
            label = _ANY_OTHER.format(account=self.estate.label(account))
            delegated = intent is not None and account in intent.delegated
            if not (delegated or admission.everyone or account in admission.accounts):
                result.asked += len(base)
                continue
            why = (f"{account} is trusted: its own policies decide" if delegated
                   else f"{role.name} does not trust {account}")
            arn = f"arn:aws:iam::{account}:role/{FRESH}-principal"
            ask(Caller(arn, (OWN_POLICIES_ALLOW,)), label, f"arn:aws:iam::{account}:root", "class", base,
                expectation(delegated, why, account))
        for arn in sorted(admission.arns - set(self._by_arn)):
            named = intent is not None and arn in intent.if_allowed
            label = f"{arn} (if its own policies allow it)"
            why = "the trust names it" if named else "nothing intends it to assume the role"
            try:
                caller = Caller(arn, (OWN_POLICIES_ALLOW,))
                caller.kind  # noqa: B018 (refuses what is not a principal ARN)
            except ValueError:
                continue
            ask(caller, label, arn, "named", base, expectation(named, why, arn_account(arn)))
        for other in admission.others:
            ask(Caller(other), other.split(":", 1)[1], other, "service", base,
                expectation(False, "no service is intended to assume it", ""))
        if not admission.everyone:
            result.asked += len(base)
            return
        label = f"an administrator of {self.outsider}, an account nothing names"
        ask(Caller(f"arn:aws:iam::{self.outsider}:user/{FRESH}-outsider", (ADMINISTRATOR,)), label,
            f"arn:aws:iam::{self.outsider}:root", "outsider", base,
            expectation(False, "an account nothing names is never intended", self.outsider))

    # -- what the session can do --

    def _index_bucket_grants(self) -> tuple[list[BucketEstate], dict[str, list[BucketEstate]]]:
        """Buckets whose policy has an Allow naming everyone, or naming accounts / ARNs (looked up per role)."""
        everyone: list[BucketEstate] = []
        named: dict[str, list[BucketEstate]] = defaultdict(list)
        for bucket in self._buckets.values():
            if bucket.policy is None:
                continue
            for statement in bucket.policy.statements:
                if statement.deny:
                    continue
                if statement.principals is None:
                    everyone.append(bucket)
                    continue
                for kind, values in statement.principals:
                    for value in values:
                        if kind == "*" or value == "*":
                            everyone.append(bucket)
                        elif value.isdigit() or value.endswith(":root"):
                            named[value if value.isdigit() else arn_account(value)].append(bucket)
                        else:
                            named[value].append(bucket)
        return everyone, named

    def _relevant_buckets(self, role: RoleEstate, statements: Iterable[Statement],
                          intent: RoleIntent | None) -> list[BucketEstate]:
        """Buckets the role's policies or the intent name, and buckets whose policy may grant the role something."""
        names: list[str] = []
        patterns = [p for s in statements for p in _resources_of(s)]
        patterns += [g.resource for g in intent.session] if intent else []
        for pattern in patterns:
            if pattern.startswith("arn:aws:s3:::"):
                name = pattern.removeprefix("arn:aws:s3:::").split("/", 1)[0]
                if not has_wildcard(name) and "${" not in name:
                    names.append(name)
        everyone, named = self._bucket_grants
        found = {b.name: b for b in (*everyone, *named.get(role.account, ()), *named.get(role.arn, ()))}
        found.update({n: self._buckets[n] for n in names if n in self._buckets})
        return sorted(found.values(), key=lambda b: b.name)

    def _resource(self, arn: str, role: RoleEstate, label: str) -> _Resource:
        if arn.startswith("arn:aws:s3:::"):
            bucket = self._buckets.get(arn.removeprefix("arn:aws:s3:::").split("/", 1)[0])
            return _Resource(arn, bucket.account if bucket else role.account, label, bucket)
        account = arn_account(arn)
        return _Resource(arn, account if account.isdigit() and len(account) == 12 else role.account, label)

    def _resources(self, role: RoleEstate, statements: Sequence[Statement], buckets: Sequence[BucketEstate],
                   intent: RoleIntent | None) -> dict[str, list[_Resource]]:
        """By service (`*` for the resource `*`): a representative of each ARN or pattern in play, each relevant
        bucket and one of its objects, and a fresh resource of each service in the role's own account."""
        found: dict[str, _Resource] = {}
        patterns = [p for s in statements for p in _resources_of(s)]
        patterns += [g.resource for g in intent.session] if intent else []
        for pattern in patterns:
            if pattern != "*" and pattern.startswith("arn:"):
                arn = _concrete(pattern, role.account)
                found.setdefault(arn, self._resource(arn, role, pattern))
        for bucket in buckets:
            found.setdefault(bucket.arn, self._resource(bucket.arn, role, bucket.arn))
            objects = _concrete(f"{bucket.arn}/*", role.account)
            found.setdefault(objects, self._resource(objects, role, f"{bucket.arn}/*"))
        by_service: dict[str, list[_Resource]] = defaultdict(list)
        by_service["*"].append(_Resource("*", role.account, "*"))
        for resource in found.values():
            by_service[resource.service].append(resource)
        for service, fresh in self._fresh(role.account).items():
            by_service[service] = by_service[service] + fresh if service in by_service else fresh
        return by_service

    def _fresh(self, account: str) -> dict[str, list[_Resource]]:
        """A resource of each service in `account` that no document names (built once per account)."""
        if account not in self._fresh_resources:
            self._fresh_resources[account] = {
                service: [_Resource(arn, account, label) for arn, label in _fresh(service, account)]
                for service in self.actions.services}
        return self._fresh_resources[account]

    def _groups(self, statements: Sequence[Statement], intent: RoleIntent | None) -> list[_Group]:
        """The actions grouped by signature (which statements match them); roles whose statements match the same
        actions (most of a large estate) share the result."""
        sets = [self.actions.of(s) for s in statements]
        promised = frozenset().union(*(g.lowered for g in intent.session)) if intent is not None else frozenset()
        key = (tuple(id(s) for s in sets), promised)
        if key not in self._group_cache:
            self._group_cache[key] = self._grouped(sets, intent)
        return self._group_cache[key]

    def _grouped(self, sets: Sequence[_ActionSet], intent: RoleIntent | None) -> list[_Group]:
        explicit = frozenset().union(*(s.names for s in sets))
        if intent is not None:
            for grant in intent.session:
                for action in grant.actions:
                    self.actions.display.setdefault(action.lower(), action)
            explicit |= frozenset().union(*(g.lowered for g in intent.session))
        groups: dict[frozenset[int], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for action in sorted(explicit):
            signature = frozenset(i for i, s in enumerate(sets) if action in s)
            groups[signature][action.split(":", 1)[0]].append(action)
        rest_signature = frozenset(i for i, s in enumerate(sets) if s.kind in ("all", "except"))
        result = [_Group(sig, dict(by_service)) for sig, by_service in groups.items()]
        if rest_signature:  # the other catalogued actions matter only when a statement matches them all
            rest = {svc: acts for svc, acts in self.actions.rest(explicit).items() if acts}
            result.append(_Group(rest_signature, rest))
        return result

    def session(self, role: RoleEstate, intent: RoleIntent | None, result: RoleAnalysis) -> None:
        """What `role`'s session may do: every action group on every resource in play, under every condition case."""
        own: list[tuple[Statement, str]] = [(s, "identity") for p in role.identity for s in p.statements]
        own += [(s, "boundary") for s in (role.boundary.statements if role.boundary else ())]
        buckets = self._relevant_buckets(role, [s for s, _ in own], intent)
        sources = own + [(s, f"bucket:{b.name}") for b in buckets if b.policy for s in b.policy.statements]
        statements = [s for s, _ in sources]
        tests = [_resource_test(s) for s in statements]
        result.wildcards = [f"{s.label()} allows {_wildcard_grant(s)}" for s, source in own
                            if source == "identity" and not s.deny and (s.actions is None or any(
                                has_wildcard(a) for a in s.actions))]
        needs = _Needs(tls=intent is not None and any(g.tls_only for g in intent.session))
        conditions = tuple(c for s in statements for c in s.conditions)
        parts, capped = self._partitions(conditions, needs)
        result.session_partitions = tuple(p.label for p in parts)
        if capped:
            result.notes.append(f"{role.name} session: more condition cases than {MAX_PARTITIONS}: each key was "
                                "varied alone")
        caller = Caller(role.arn, role.identity, role.boundary, role.tags)
        resources = self._resources(role, statements, buckets, intent)
        homes: dict[str, frozenset[str]] = defaultdict(frozenset)
        for grant in intent.session if intent else ():
            homes[_concrete(grant.resource, role.account)] |= grant.lowered
        ask = _SessionQuestions(caller, parts, intent, homes, self.actions)
        for group in self._groups(statements, intent):
            allows = [i for i in group.signature if not statements[i].deny and sources[i][1] != "boundary"]
            for service, names in (("*", group.actions), *group.by_service.items()):
                for resource in resources.get(service, ()):
                    bucket = f"bucket:{resource.bucket.name}" if resource.bucket is not None else ""
                    if any(sources[i][1] in ("identity", bucket) and tests[i](resource.arn) for i in allows) or \
                            not homes.get(resource.arn, frozenset()).isdisjoint(names):
                        ask(group, resource, names)
        result.session_evaluated = ask.evaluated
        result.findings += [self._session_finding(role, key, entries) for key, entries in ask.pending.items()]
        allowed = ask.allowed
        result.session = _accesses(allowed, len(parts), self.actions)

    def _session_finding(self, role: RoleEstate, key: tuple[object, ...],
                         entries: list[tuple[str, ...]]) -> Finding:
        granted, condition, why, intent_why = key
        resources = tuple(dict.fromkeys(e[0] for e in entries))
        actions = tuple(sorted({self.actions.name(a) for e in entries for a in e[1:]}))
        intent = str(intent_why) if intent_why else "nothing promises it"
        if not granted:
            intent = str(intent_why)
        return Finding(role.name, "session", f"{role.name} session", actions, resources, str(condition),
                       bool(granted), not granted, str(why), intent, role.arn)

    # -- everything --

    def role(self, role: RoleEstate, intent: RoleIntent | None = None) -> RoleAnalysis:
        result = RoleAnalysis(role)
        for problem in role.problems:
            result.findings.append(Finding(role.name, "undecided", f"role {role.name}", (), (role.arn,), "", False,
                                           False, problem, arn=role.arn))
        if role.trust is not None:
            self.assumers(role, intent, result)
        self.session(role, intent, result)
        for bucket in self._relevant_buckets(role, (), intent):
            result.findings += [Finding(role.name, "undecided", f"bucket {bucket.name}", (), (bucket.arn,), "", False,
                                        False, problem) for problem in bucket.problems]
        order = {"undecided": 0, "assume": 1, "session": 2}
        result.findings.sort(key=lambda f: (order[f.kind], f.principal, f.condition))
        return result

    def run(self, roles: Iterable[str] | None = None) -> Analysis:
        """Analyse the roles named (by ARN; default: every role with an intent, else every role of the estate)."""
        by_arn = {r.arn: r for r in self.estate.roles()}
        wanted = list(roles) if roles is not None else (list(self.intents) or list(by_arn))
        analysis = Analysis([], self.outsider, self.actions.catalogue.source, self.actions.catalogue.date,
                            self.actions.count, notes=list(self.estate.problems))
        for arn in wanted:
            role = by_arn.get(arn)
            if role is None:
                analysis.findings_outside_roles.append(Finding(
                    arn_name(arn), "undecided", f"role {arn_name(arn)}", (), (arn,), "", False, True,
                    f"the role {arn} is intended but not in the estate", arn=arn))
                continue
            analysis.roles.append(self.role(role, self.intents.get(arn)))
        return analysis


def _concrete(pattern: str, account: str) -> str:
    """The representative of an ARN pattern: a wildcard account is `account`, a wildcard region us-east-1."""
    if pattern == "*":
        return pattern
    parts = pattern.split(":", 5)
    if len(parts) == 6 and has_wildcard(parts[4]):
        parts[4] = account
    if len(parts) == 6 and has_wildcard(parts[3]):
        parts[3] = "us-east-1"
    return _representative(":".join(parts))


def _fresh(service: str, account: str) -> list[tuple[str, str]]:
    """A resource of `service` in `account` that no document names (S3: a bucket and one of its objects)."""
    if service == "s3":
        bucket = f"arn:aws:s3:::{FRESH}-{account}"
        return [(bucket, f"any other bucket of {account}"), (f"{bucket}/{FRESH}-object",
                                                              f"any other bucket's objects in {account}")]
    region = "" if service in ("iam", "sts", "organizations", "route53", "cloudfront") else "us-east-1"
    return [(f"arn:aws:{service}:{region}:{account}:{FRESH}", f"any other {service} resource of {account}")]


def _accesses(allowed: Mapping[tuple[str, str], list[str]], cases: int, actions: _Actions) -> list[Access]:
    """The allowed (action, resource) pairs as one entry per (resource, condition cases), actions sorted; an action
    allowed on `*` under some cases is not repeated for each resource it reaches under the same cases."""
    star = {action: tuple(c) for (action, label), c in allowed.items() if label == "*"}
    grouped: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for (action, label), conditions in allowed.items():
        under = tuple(dict.fromkeys(conditions))
        if label != "*" and action in star and set(under) <= set(star[action]):
            continue
        grouped[(label, () if len(under) == cases else under)].append(actions.name(action))
    return [Access(label, tuple(sorted(names)), conditions)
            for (label, conditions), names in sorted(grouped.items(), key=lambda item: (item[0][0] == "*", item[0]))]


def analyse(estate: Estate, intents: Mapping[str, RoleIntent] | None = None,
            roles: Iterable[str] | None = None, catalogue: pinned.Catalogue | None = None) -> Analysis:
    """The exhaustive analysis of `estate` against `intents` (role ARN -> RoleIntent); see the module docstring."""
    return Analyser(estate, intents, catalogue).run(roles)
