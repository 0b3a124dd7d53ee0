"""The preview's result as one value: plan trees, pack violations, access matrix, and the verdict.

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
from preview import deployed
from preview.exit_codes import FAILED, OK
from preview.matrix import Cell, Matrix, access_matrix
from preview.plan import TreeNode, plan_tree


def violation_stack(violation: Violation) -> str:
    """The stack a violation is about, from its URN (urn:pulumi:<stack>::…)."""
    return violation.urn.split("::", 1)[0].removeprefix("urn:pulumi:") if violation.urn else ""


def cell_failure(cell: Cell) -> str:
    """One line naming a wrong cell: who, what, expected vs actual, and which policy decided."""
    condition = f" ({cell.condition})" if cell.condition else ""
    if cell.actual is None:
        return f"cannot evaluate: {cell.principal} {cell.action} {cell.resource}{condition}: {cell.reason}"
    return (f"wrong cell: {cell.principal} {cell.action} {cell.resource}{condition}: "
            f"actual {'yes' if cell.actual else 'no'}, expected {'yes' if cell.expected else 'no'} "
            f"({cell.intent}; {cell.reason})")


@dataclass
class Report:
    stacks: list[TreeNode]
    violations: list[Violation]
    matrix: Matrix
    notes: list[str] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement_level == "mandatory"]

    @property
    def failures(self) -> list[str]:
        """Everything that makes the preview fail, one line each."""
        lines = [f"mandatory violation: {v.policy_name} on {violation_stack(v)} {v.resource_type} {v.resource_name}: "
                 f"{v.detail}" for v in self.mandatory]
        return lines + [cell_failure(c) for c in self.matrix.wrong]

    @property
    def exit_code(self) -> int:
        return FAILED if self.failures else OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "stacks": [s.to_dict() for s in self.stacks],
            "violations": [{"stack": violation_stack(v), "policy": v.policy_name, "level": v.enforcement_level,
                            "resourceType": v.resource_type, "resourceName": v.resource_name, "urn": v.urn,
                            "message": v.detail} for v in self.violations],
            "access": [c.to_dict() for c in self.matrix.cells],
            "notes": self.notes + self.matrix.notes,
            "failures": self.failures,
            "exitCode": self.exit_code,
        }


def build_report(runs: Sequence[StackRun], check: Callable[[Sequence[StackRun]], list[Violation]],
                 project_dir: Path, notes: Sequence[str] = ()) -> Report:
    """The report of `runs` (possibly edited by a test), with `check` the policy pack's verdict on them.

    `check` runs on a thread while this one evaluates the matrix: it mostly waits for the pack's process
    (booting, then analysing on the other core), so the two overlap instead of adding up.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-pack") as pool:
        violations = pool.submit(check, runs)
        matrix = access_matrix(runs, deployed.index(runs), project_dir)
        trees = [plan_tree(r) for r in runs]
        # Stable order (registration order varies between runs), most severe first.
        found = sorted(violations.result(), key=lambda v: (v.enforcement_level != "mandatory", violation_stack(v),
                                                           v.resource_type, v.resource_name, v.policy_name))
        return Report(trees, found, matrix, list(notes))
