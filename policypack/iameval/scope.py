"""What a statement can match: the catalogued actions its Action/NotAction covers and the resources its
Resource/NotResource can name.

The analysis groups actions and skips resources by these answers, so a question is evaluated only where an
Allow can match it; expansions are cached because the same patterns recur across thousands of principals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from . import catalogue as pinned
from .matching import ARN, has_wildcard, matcher
from .policy import Statement


@dataclass(frozen=True)
class ActionSet:
    """The actions a statement's Action/NotAction matches, over the catalogue: all, a set, or all but a set."""

    kind: str  # "all", "set", "except"
    names: frozenset[str] = frozenset()  # lower-cased

    def __contains__(self, action: str) -> bool:
        return self.kind == "all" or ((action in self.names) == (self.kind == "set"))


class Actions:
    """The catalogue, lower-cased, with wildcard expansions cached (the same patterns recur across roles)."""

    def __init__(self, catalogue: pinned.Catalogue) -> None:
        self.catalogue = catalogue
        self.display: dict[str, str] = {}  # actions the documents name that the catalogue does not have
        self._expanded: dict[str, frozenset[str]] = {}
        self._sets: dict[int, ActionSet] = {}
        self._interned: dict[tuple[bool, tuple[str, ...]], ActionSet] = {}

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

    def of(self, statement: Statement) -> ActionSet:
        """The statement's actions (cached per statement object: policies are shared by many principals)."""
        cached = self._sets.get(id(statement))
        if cached is None:
            patterns = statement.actions if statement.actions is not None else statement.not_actions or ()
            negated = statement.actions is None
            key = (negated, patterns)
            cached = self._interned.get(key)
            if cached is None:  # one object per distinct element, so action groups can be cached by identity
                if "*" in patterns:
                    cached = ActionSet("set") if negated else ActionSet("all")
                else:
                    names = frozenset().union(*(self.expand(p) for p in patterns))
                    cached = ActionSet("except" if negated else "set", names)
                self._interned[key] = cached
            self._sets[id(statement)] = cached
        return cached

    def rest(self, explicit: frozenset[str]) -> dict[str, list[str]]:
        """Every catalogued action not in `explicit`, by service."""
        return {service: [a for a in actions if a not in explicit] for service, actions in self.by_service.items()}


def resources_of(statement: Statement) -> tuple[str, ...]:
    return statement.resources if statement.resources is not None else statement.not_resources or ()


def resource_test(statement: Statement) -> Callable[[str], bool]:
    """Whether the statement's Resource/NotResource can match an ARN (a pattern with a policy variable: maybe)."""
    if statement.resources is None and statement.not_resources is None:
        return lambda resource: True
    patterns = resources_of(statement)
    if any("${" in p for p in patterns):
        return lambda resource: True
    test = matcher(patterns, ARN)
    if statement.resources is None:
        return lambda resource: not test(resource)
    return test


def wildcard_grant(statement: Statement) -> str:
    """For an Allow whose actions will also cover actions AWS adds later: which patterns do."""
    if statement.actions is None:
        return f"NotAction {', '.join(statement.not_actions or ())}"
    wild = [a for a in statement.actions if has_wildcard(a)]
    return ", ".join(wild)
