"""Verification's result as one value: what was read, access against the intent, drift, and the verdict.

Kept apart from rendering so the terminal, JSON and Markdown outputs cannot disagree on what failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from policypack.iameval.analysis import Analysis, Finding
from preview.exit_codes import FAILED, OK
from verify.drift import Drift
from verify.live import LiveAccount
from verify.run import Verification


@dataclass(frozen=True)
class AccountRead:
    """One account as read: by which stack, as whom, and how much it holds."""

    stack: str
    name: str
    id: str
    caller_arn: str
    users: int
    groups: int
    roles: int
    policies: int
    buckets: int

    @classmethod
    def of(cls, stack: str, live: LiveAccount) -> AccountRead:
        return cls(stack, live.name, live.id, live.caller_arn, len(live.users), len(live.groups), len(live.roles),
                   len(live.policies), sum(b.exists for b in live.buckets.values()))

    @property
    def text(self) -> str:
        return (f"{self.name} ({self.id}), stack {self.stack}, read as {self.caller_arn}: {self.users} users, "
                f"{self.groups} groups, {self.roles} roles, {self.policies} managed policies, {self.buckets} buckets")

    def to_dict(self) -> dict[str, Any]:
        return {"stack": self.stack, "account": self.name, "id": self.id, "readAs": self.caller_arn,
                "users": self.users, "groups": self.groups, "roles": self.roles, "policies": self.policies,
                "buckets": self.buckets}


@dataclass
class VerifyReport:
    accounts: list[AccountRead]
    analysis: Analysis
    drift: list[Drift]
    notes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return self.analysis.findings

    @property
    def failures(self) -> list[str]:
        """Everything that makes verification fail, one line each, every principal, role and document named."""
        return [f.text() for f in self.findings] + [d.line for d in self.drift]

    @property
    def exit_code(self) -> int:
        return FAILED if self.failures else OK

    def summary(self) -> str:
        roles = self.analysis.roles
        wrong = sum(bool(r.findings) for r in roles)
        accounts = ", ".join(f"{a.name} ({a.id})" for a in self.accounts)
        verdict = "FAILED" if self.failures else "passed"
        return (f"Verification {verdict}: {len(roles)} role(s) analysed on the live accounts {accounts}, {wrong} not "
                f"as intended ({len(self.findings)} finding(s)); {len(self.drift)} drifted document(s).")

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": "FAILED" if self.failures else "passed",
            "summary": self.summary(),
            "failures": self.failures,
            "accounts": [a.to_dict() for a in self.accounts],
            "access": self.analysis.to_dict(),
            "drift": [d.to_dict() for d in self.drift],
            "notes": self.notes + self.analysis.notes,
            "exitCode": self.exit_code,
        }


def build_report(verification: Verification, notes: tuple[str, ...] = ()) -> VerifyReport:
    stacks = {str(run.outputs["account"]["id"]): run.config.stack for run in verification.runs}
    accounts = [AccountRead.of(stacks[account_id], live) for account_id, live in verification.live.items()]
    return VerifyReport(accounts, verification.analysis, list(verification.drift),
                        [*notes, *verification.desired.unverified])
