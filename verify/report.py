"""Verification's result as one value: what was read, access against the intent, drift, and the verdict.

Kept apart from rendering so the terminal, JSON and Markdown outputs cannot disagree on what failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from policypack.iameval.results import Analysis, Finding
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


# An assumed-role session (`arn:aws:sts::<id>:assumed-role/<name>/<session>`) acts as its role, whatever its path.
_SESSION = re.compile(r"arn:(aws[\w-]*):sts::(\d{12}):assumed-role/([^/]+)/")


def reads_as(caller_arn: str, principal_arn: str) -> bool:
    """Whether `principal_arn` (a user or role of the estate) is the identity whose credentials read its account."""
    session = _SESSION.match(caller_arn)
    if session is None:
        return principal_arn == caller_arn
    partition, account, role = session.groups()
    return principal_arn.startswith(f"arn:{partition}:iam::{account}:role/") and principal_arn.endswith(f"/{role}")


def _is_reader(finding: Finding, readers: list[str]) -> bool:
    """A finding that only says the reading identity itself may assume a role its account is trusted by.

    The stack names that identity as its account's administrator (`profile` / `assumeRoleArn`); a trust naming
    the account (`:root`) delegates to exactly those administrators, who could grant themselves the role anyway.
    Any other principal the model does not know, administrator or not, stays a finding."""
    return (finding.kind == "assume" and finding.granted and not finding.promised and bool(finding.arn)
            and any(reads_as(reader, finding.arn) for reader in readers))


@dataclass
class VerifyReport:
    accounts: list[AccountRead]
    analysis: Analysis
    drift: list[Drift]
    notes: list[str] = field(default_factory=list)

    @property
    def _readers(self) -> list[str]:
        return [a.caller_arn for a in self.accounts]

    def counted(self, findings: list[Finding]) -> list[Finding]:
        """The findings that count: all but what the reading identities themselves may assume."""
        return [f for f in findings if not _is_reader(f, self._readers)]

    @property
    def findings(self) -> list[Finding]:
        return self.counted(self.analysis.findings)

    @property
    def reader_notes(self) -> list[str]:
        """What the reading identities may assume, said once each instead of counted as findings."""
        return [f"{f.principal} ({f.arn}) may assume {f.role}: it is the identity this account was read as, the "
                f"stack's administrator, to whom the trust's account principal delegates; not counted"
                for f in self.analysis.findings if _is_reader(f, self._readers)]

    @property
    def all_notes(self) -> list[str]:
        """Every note, in the order each output gives them: verification's, the readers', the analysis's."""
        return self.notes + self.reader_notes + self.analysis.notes

    @property
    def failures(self) -> list[str]:
        """Everything that makes verification fail, one line each, every principal, role and document named."""
        return [f.text() for f in self.findings] + [d.line for d in self.drift]

    @property
    def exit_code(self) -> int:
        return FAILED if self.failures else OK

    def summary(self) -> str:
        roles = self.analysis.roles
        wrong = sum(bool(self.counted(r.findings)) for r in roles)
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
            "notes": self.all_notes,
            "exitCode": self.exit_code,
        }


def build_report(verification: Verification, notes: tuple[str, ...] = ()) -> VerifyReport:
    stacks = {str(run.outputs["account"]["id"]): run.config.stack for run in verification.runs}
    accounts = [AccountRead.of(stacks[account_id], live) for account_id, live in verification.live.items()]
    return VerifyReport(accounts, verification.analysis, list(verification.drift),
                        [*notes, *verification.desired.unverified])
