"""What the analysis answers, as data: who may assume each role, what its session may do, and the findings where
that differs from the intent.

The preview and verify reports render these (text and JSON) without running the analysis themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .estate import RoleEstate


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
