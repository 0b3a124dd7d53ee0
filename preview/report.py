"""The preview's result as one value: plan trees, pack violations, the access proof, and the verdict.

Kept apart from rendering so the terminal, JSON and Markdown outputs cannot disagree on what failed, and
apart from running so tests can build a report from edited plans.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline.analyzer import Violation
from offline.mock_run import StackRun
from policypack.iameval.results import Finding
from preview.exit_codes import FAILED, OK
from preview.plan import TreeNode, plan_tree
from preview.proof import Proof, prove
from preview.scope import Scope


def violation_stack(violation: Violation) -> str:
    """The stack a violation is about, from its URN (urn:pulumi:<stack>::…)."""
    return violation.urn.split("::", 1)[0].removeprefix("urn:pulumi:") if violation.urn else ""


def violation_line(violation: Violation) -> str:
    return (f"mandatory violation: {violation.policy_name} on {violation_stack(violation)} {violation.resource_type} "
            f"{violation.resource_name}: {violation.detail}")


@dataclass
class Report:
    stacks: list[TreeNode]
    violations: list[Violation]
    proof: Proof
    notes: list[str] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement_level == "mandatory"]

    @property
    def findings(self) -> list[Finding]:
        return self.proof.analysis.findings

    @property
    def failures(self) -> list[str]:
        """Everything that makes the preview fail, one line each: violations, findings, what is left unproven."""
        return ([violation_line(v) for v in self.mandatory] + [f.text() for f in self.findings]
                + [a.text() for a in self.proof.partial] + self.proof.outside)

    @property
    def exit_code(self) -> int:
        return FAILED if self.failures else OK

    def summary(self) -> str:
        """The verdict in one line."""
        roles = self.proof.analysis.roles
        wrong = sum(bool(r.findings) for r in roles)
        partial = self.proof.partial
        scope = (f"partial proof: {len(partial)} account(s) not previewed ({', '.join(a.account for a in partial)})"
                 if partial else "every account of the model that deploys something was previewed")
        verdict = "FAILED" if self.failures else "passed"
        return (f"Preview {verdict}: {len(self.mandatory)} mandatory violation(s), {len(self.violations)} in all; "
                f"{len(roles)} role(s) analysed exhaustively, {wrong} not as intended ({len(self.findings)} "
                f"finding(s)); {scope}.")

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": "FAILED" if self.failures else "passed",
            "summary": self.summary(),
            "failures": self.failures,
            "stacks": [s.to_dict() for s in self.stacks],
            "violations": [{"stack": violation_stack(v), "policy": v.policy_name, "level": v.enforcement_level,
                            "resourceType": v.resource_type, "resourceName": v.resource_name, "urn": v.urn,
                            "message": v.detail} for v in self.violations],
            "scope": {"previewed": [s.name for s in self.stacks],
                      "notPreviewed": [{"account": a.account, "id": a.id, "reason": a.reason, "partial": a.deploys}
                                       for a in self.proof.left_out],
                      "outside": self.proof.outside, "partial": bool(self.proof.partial)},
            "access": self.proof.analysis.to_dict(),
            "unjudged": self.proof.unjudged,
            "notes": self.notes + self.proof.notes + self.proof.analysis.notes,
            "exitCode": self.exit_code,
        }


def build_report(runs: Sequence[StackRun], check: Callable[[Sequence[StackRun]], list[Violation]],
                 project_dir: Path, scope: Scope, notes: Sequence[str] = ()) -> Report:
    """The report of `runs` (possibly edited by a test), with `check` the policy pack's verdict on them.

    `check` runs on a thread while this one analyses: it mostly waits for the pack's process (booting, then
    analysing on the other core), so the two overlap instead of adding up.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-pack") as pool:
        violations = pool.submit(check, runs)
        proof = prove(runs, project_dir, scope)
        trees = [plan_tree(r) for r in runs]
        # Stable order (registration order varies between runs), most severe first.
        found = sorted(violations.result(), key=lambda v: (v.enforcement_level != "mandatory", violation_stack(v),
                                                           v.resource_type, v.resource_name, v.policy_name))
        return Report(trees, found, proof, list(notes))
