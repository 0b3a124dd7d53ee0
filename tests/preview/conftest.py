"""Fixtures of the preview tests: one policy pack process for the whole session, and ways to make variants."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from offline.mock_run import StackRun
from preview.pack import PackRun
from preview.report import Report, build_report
from tests.conftest import PROJECT_DIR


@pytest.fixture(scope="session")
def pack() -> Iterator[PackRun]:
    """The real policy pack over the analyzer protocol, booted once (about half a second)."""
    with PackRun() as running:
        yield running


@pytest.fixture(scope="session")
def report_of(pack: PackRun) -> Callable[..., Report]:
    """The preview's report of some runs, exactly as `python -m preview` builds it."""
    def build(*runs: StackRun) -> Report:
        return build_report(runs, pack.check, PROJECT_DIR)
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
