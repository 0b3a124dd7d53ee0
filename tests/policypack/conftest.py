"""The policy pack under test, started once per test module and driven over gRPC as the Pulumi CLI does."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from offline.analyzer import PolicyConfig, PolicyPackAnalyzer

PACK_DIR = Path(__file__).resolve().parents[2] / "policypack"
# The pack's modules import each other as top-level modules (the CLI runs the folder as a script); unit tests
# import them the same way. Appended, so they never shadow anyone else's modules.
if str(PACK_DIR) not in sys.path:
    sys.path.append(str(PACK_DIR))

ALLOWLIST = PolicyConfig(properties={"allowedAccountIds": ["111111111111", "999999999999"]})
ALLOWLISTED_POLICIES = ("iam-trusted-accounts-allowlisted", "iam-stack-no-outsider-assumes-role")


@pytest.fixture(scope="module")
def pack_process() -> Iterator[PolicyPackAnalyzer]:
    with PolicyPackAnalyzer(PACK_DIR) as pack:
        yield pack


@pytest.fixture
def pack(pack_process: PolicyPackAnalyzer) -> PolicyPackAnalyzer:
    """The running pack with the organisation's usual config (allowlist set, default levels)."""
    pack_process.configure({name: ALLOWLIST for name in ALLOWLISTED_POLICIES})
    return pack_process
