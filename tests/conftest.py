"""Shared fixtures: the repository's own model and stacks, so tests exercise the real configuration."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from access.config import parse_model
from access.model import AccessModel
from access.model_file import MODEL_DIR_ENV
from offline.mock_run import StackRun, run_stack
from offline.stack_config import load_stack_config

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def models_in_temporary_directories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests write variant models under pytest's temporary directory: allow it, as an operator would."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MODEL_DIR_ENV, str(tmp_path_factory.getbasetemp()))
        yield


@pytest.fixture(scope="session")
def tutorial_raw() -> dict[str, Any]:
    """The shipped access-model.yaml as loaded YAML (tests deep-copy it before changing anything)."""
    return yaml.safe_load((PROJECT_DIR / "access-model.yaml").read_text())


@pytest.fixture
def raw(tutorial_raw: dict[str, Any]) -> dict[str, Any]:
    """A private copy of the tutorial model to mutate."""
    return copy.deepcopy(tutorial_raw)


@pytest.fixture(scope="session")
def tutorial(tutorial_raw: dict[str, Any]) -> AccessModel:
    return parse_model(tutorial_raw)


@pytest.fixture(scope="session")
def prod_run() -> StackRun:
    """The production stack's program, run once under the mock runtime with its real config."""
    return run_stack("prod")


@pytest.fixture(scope="session")
def dev_run() -> StackRun:
    return run_stack("dev")


def run_with_model(stack: str, model: dict[str, Any], directory: Path, **secrets: str) -> StackRun:
    """Run a stack's program with another model file (and extra stack secrets), leaving the shipped files alone."""
    path = directory / f"model-{stack}.yaml"
    path.write_text(yaml.safe_dump(model))
    base = load_stack_config(PROJECT_DIR, stack).with_secrets(**secrets)
    return run_stack(stack, config=base.with_values(**{"cross-account-access:model": str(path)}))
