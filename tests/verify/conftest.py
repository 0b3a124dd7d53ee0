"""Fixtures of the verification tests: moto's server once per test module, and the tutorial deployed in it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rehearsal.emulator import Emulator, start_emulator
from tests.verify.support import Tutorial, seed


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """moto's server on 127.0.0.1, stopped after the module's tests."""
    with start_emulator() as running:
        yield running


@pytest.fixture
def tutorial(emulator: Emulator) -> Tutorial:
    """The emulator wiped and holding the tutorial as both stacks deploy it."""
    return seed(emulator)
