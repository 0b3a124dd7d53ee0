"""The stacks' programs run the same here and in forked workers, and a failure in a worker is the program's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.synthetic import write_project
from preview.plan import ProgramError
from preview.programs import run_stacks, workers


def registered(runs: list) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(run.config.stack, sorted((r.type, r.name) for r in run.resources)) for run in runs]


def test_workers_run_the_stacks_as_this_process_does_in_order(tmp_path: Path) -> None:
    stacks = write_project(100, tmp_path)
    assert len(stacks) == 3
    seen: list[str] = []
    with workers(stacks) as pool:
        assert pool is not None
        forked = run_stacks(stacks, tmp_path, lambda run: seen.append(run.config.stack), pool)
    assert seen == stacks
    assert registered(forked) == registered(run_stacks(stacks, tmp_path))


def test_a_program_failing_in_a_worker_raises_its_own_error(tmp_path: Path) -> None:
    stacks = write_project(100, tmp_path)
    config = tmp_path / f"Pulumi.{stacks[1]}.yaml"
    config.write_text(config.read_text().replace("cross-account-access:account", "cross-account-access:acount"))
    with workers(stacks) as pool, pytest.raises(ProgramError) as raised:
        run_stacks(stacks, tmp_path, pool=pool)
    assert raised.value.stack == stacks[1]
    assert type(raised.value.error).__name__ == "ConfigError" and "acount" in str(raised.value.error)


def test_two_stacks_run_here() -> None:
    with workers(["prod", "dev"]) as pool:
        assert pool is None
