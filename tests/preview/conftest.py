"""Fixtures of the preview tests: one policy pack process for the whole session, and ways to make variants."""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from offline.mock_run import StackRun
from preview.pack import PackRun
from preview.report import Report, build_report
from preview.scope import choose_stacks
from tests.conftest import PROJECT_DIR


@pytest.fixture(scope="session")
def pack() -> Iterator[PackRun]:
    """The real policy pack over the analyzer protocol, booted once (about half a second)."""
    with PackRun() as running:
        yield running


@pytest.fixture(scope="session")
def report_of(pack: PackRun) -> Callable[..., Report]:
    """The preview's report of some runs, exactly as `python -m preview` builds it for the repository's stacks."""
    scope = choose_stacks(PROJECT_DIR, None)

    def build(*runs: StackRun) -> Report:
        return build_report(runs, pack.check, PROJECT_DIR, scope)
    return build


def edit_document(run: StackRun, type_: str, name: str, key: str, change: Callable[[dict[str, Any]], None]) -> StackRun:
    """The run with one resource's JSON policy input changed by `change`: a program bug, simulated."""
    def edited(resource: Any) -> Any:
        if resource.type != type_ or resource.name != name:
            return resource
        document = json.loads(resource.inputs[key])
        change(document)
        return dataclasses.replace(resource, inputs={**resource.inputs, key: json.dumps(document)})
    return dataclasses.replace(run, resources=tuple(edited(r) for r in run.resources))


def project_copy(directory: Path, model: dict[str, Any] | None = None, stacks: dict[str, dict[str, Any]] | None = None
                 ) -> Path:
    """The project's files in `directory` (the program still imports access/components from the repository), with
    another model and more stack files (name -> config keys without the project's namespace) if given."""
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dev.yaml", "__main__.py", "access-model.yaml"):
        shutil.copy(PROJECT_DIR / name, directory / name)
    if model is not None:
        (directory / "access-model.yaml").write_text(yaml.safe_dump(model))
    for stack, config in (stacks or {}).items():
        values = {f"cross-account-access:{key}": value for key, value in config.items()}
        (directory / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": values}))
    return directory
