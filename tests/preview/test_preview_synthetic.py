"""The synthetic models of the benchmark: valid, shaped as N trust relationships, and previewed as intended."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from access.config import parse_model
from benchmarks.synthetic import POLICY_CONFIG, model, shape, write_project
from preview.exit_codes import OK
from preview.pack import PackRun
from preview.plan import run_stacks
from preview.report import build_report


@pytest.mark.parametrize(("n", "roles", "groups"), [(1, 1, 1), (12, 3, 4), (100, 10, 10), (1000, 25, 40), (7, 1, 7)])
def test_shape_multiplies_to_n(n: int, roles: int, groups: int) -> None:
    assert shape(n) == (roles, groups)
    parsed = parse_model(model(n))
    assert sum(len(g.can_assume) for g in parsed.groups) == n


def test_a_synthetic_project_previews_with_every_cell_as_intended(tmp_path: Path) -> None:
    stacks = write_project(12, tmp_path)
    assert stacks == ["trusting-00", "trusted-00"]
    runs = run_stacks(stacks, tmp_path)
    with PackRun(config_path=tmp_path / POLICY_CONFIG) as pack:
        report = build_report(runs, pack.check, tmp_path)
    assert report.failures == []
    assert report.exit_code == OK
    conditions = Counter(c.condition for c in report.matrix.cells if c.principal.startswith("user"))
    # 4 members × 3 roles: Role002 requires MFA, so each member is also asked without it.
    assert conditions == {"": 8, "with MFA": 4, "without MFA": 4}
    assert {c.actual for c in report.matrix.cells if c.principal.startswith("auditor")} == {False}
