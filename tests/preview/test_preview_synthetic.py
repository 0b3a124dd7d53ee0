"""The synthetic models of the benchmark: valid, shaped as asked, and previewed exactly as intended."""

from __future__ import annotations

from pathlib import Path

import pytest

from access.config import parse_model
from benchmarks.synthetic import POLICY_CONFIG, grid, model, shape, write_project
from preview.exit_codes import OK
from preview.pack import PackRun
from preview.programs import run_stacks
from preview.report import build_report
from preview.scope import choose_stacks


@pytest.mark.parametrize(("n", "roles", "groups"), [(1, 1, 1), (12, 3, 4), (100, 10, 10), (1000, 25, 40), (7, 1, 7)])
def test_shape_multiplies_to_n(n: int, roles: int, groups: int) -> None:
    assert shape(n) == (roles, groups)
    parsed = parse_model(model(n))
    assert sum(len(g.can_assume) for g in parsed.groups) == n


def test_the_grid_has_roles_times_groups_questions_and_one_relationship_per_group() -> None:
    parsed = parse_model(grid(30, 40))
    assert (len(parsed.roles), sum(g.name.startswith("Group") for g in parsed.groups)) == (30, 40)
    assert all(len(g.can_assume) == 1 for g in parsed.groups if g.name.startswith("Group"))


@pytest.mark.parametrize("build", [lambda d: write_project(12, d), lambda d: write_project(0, d, (6, 8))])
def test_a_synthetic_project_previews_as_intended(build, tmp_path: Path) -> None:
    stacks = build(tmp_path)
    scope = choose_stacks(tmp_path, None)
    assert list(scope.stacks) == stacks
    runs = run_stacks(stacks, tmp_path)
    with PackRun(config_path=tmp_path / POLICY_CONFIG) as pack:
        report = build_report(runs, pack.check, tmp_path, scope)
    assert (report.failures, report.exit_code) == ([], OK)
    roles = report.proof.analysis.roles
    assert not any(a.label.startswith("auditor") for r in roles for a in r.assumers)
    members = [a.label for r in roles for a in r.assumers if a.kind == "user"]
    assert members and all(label.startswith("user") for label in members)
