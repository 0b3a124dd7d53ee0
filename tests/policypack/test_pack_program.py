"""The real program's two stacks through the pack with the shipped config: the tutorial is never blocked."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from offline.analyzer import PolicyPackAnalyzer, load_policy_config, mandatory
from offline.mock_run import StackRun
from tests.policypack.conftest import PACK_DIR


@pytest.fixture
def shipped(pack_process: PolicyPackAnalyzer) -> PolicyPackAnalyzer:
    """The pack configured from policypack/policy-config.json, as the workflows run it."""
    pack_process.configure(load_policy_config(PACK_DIR / "policy-config.json"))
    return pack_process


@pytest.mark.parametrize("run_name", ["prod_run", "dev_run"])
def test_tutorial_stacks_raise_no_mandatory_violation(run_name: str, shipped: PolicyPackAnalyzer,
                                                      request: pytest.FixtureRequest) -> None:
    run: StackRun = request.getfixturevalue(run_name)
    violations = shipped.preview(run.resources)
    assert mandatory(violations) == [], [v.detail for v in violations]


def test_tutorial_trust_gets_the_advisory_mfa_note_only(prod_run: StackRun, shipped: PolicyPackAnalyzer) -> None:
    names = {(v.policy_name, v.enforcement_level, v.resource_name) for v in shipped.preview(prod_run.resources)}
    assert names == {("iam-cross-account-trust-requires-mfa-or-external-id", "advisory", "UpdateApp-role")}


def test_program_role_opened_to_everyone_is_blocked(prod_run: StackRun, shipped: PolicyPackAnalyzer) -> None:
    role = prod_run.named("aws:iam/role:Role", "UpdateApp-role")
    trust = json.loads(role.inputs["assumeRolePolicy"])
    trust["Statement"][0]["Principal"] = {"AWS": "*"}
    opened = replace(role, inputs={**role.inputs, "assumeRolePolicy": json.dumps(trust)})
    resources = [opened if r is role else r for r in prod_run.resources]
    blocking = {(v.policy_name, v.resource_name) for v in mandatory(shipped.preview(resources))}
    assert ("iam-no-wildcard-principals", "UpdateApp-role") in blocking
