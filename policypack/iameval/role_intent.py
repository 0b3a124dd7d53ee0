"""What was promised for a role, as data: who may assume it, under which conditions, and what its session may do.

Written once by the model's intent (`access/intent.py`) and read by the analysis, which compares the complete
answer with it; kept apart so the intent can be built without loading the analysis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from .estate import arn_name
from .matching import ARN, matches


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
