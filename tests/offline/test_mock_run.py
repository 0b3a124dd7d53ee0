"""The program under the SDK's mock runtime: registrations recorded as the engine sees them, runs isolated."""

from __future__ import annotations

import os

import pytest

from offline.mock_run import StackRun, run_stack

STACK = "pulumi:pulumi:Stack"


def test_parents_chain_stack_component_resource(prod_run: StackRun) -> None:
    (stack,) = prod_run.of_type(STACK)
    component = prod_run.named("cross-account-access:trusting:CrossAccountRole", "UpdateApp")
    role = prod_run.named("aws:iam/role:Role", "UpdateApp-role")
    assert component.parent == stack.urn and role.parent == component.urn
    assert not component.custom and role.custom
    assert stack.urn == "urn:pulumi:prod::cross-account-access::pulumi:pulumi:Stack::cross-account-access-prod"


def test_mocks_answer_with_arns_of_the_providers_account(prod_run: StackRun) -> None:
    attachment = prod_run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")[0]
    assert attachment.inputs["policyArn"] == "arn:aws:iam::999999999999:policy/read-write-app-bucket"


def test_runs_in_one_process_do_not_leak_into_each_other() -> None:
    first, second = run_stack("prod"), run_stack("dev")
    assert {r.urn.split("::")[0] for r in second.resources} == {"urn:pulumi:dev"}
    assert len(second.of_type(STACK)) == 1 and not second.of_type("aws:iam/role:Role")
    again = run_stack("prod")
    assert sorted(r.urn for r in again.resources) == sorted(r.urn for r in first.resources)


def test_environment_is_restored_after_a_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_CONFIG", '{"sentinel": "1"}')
    monkeypatch.delenv("PULUMI_CONFIG_SECRET_KEYS", raising=False)
    run_stack("dev")
    assert os.environ["PULUMI_CONFIG"] == '{"sentinel": "1"}'
    assert "PULUMI_CONFIG_SECRET_KEYS" not in os.environ


def test_secrets_are_unwrapped_at_every_depth_and_their_key_remembered() -> None:
    from pulumi.runtime import rpc

    from offline.mock_run import _unwrap_secrets

    nested = {"tags": {"team": rpc.wrap_rpc_secret("platform")}, "list": [1, rpc.wrap_rpc_secret(2)]}
    assert _unwrap_secrets(nested["tags"]) == ({"team": "platform"}, True)
    assert _unwrap_secrets(nested["list"]) == ([1, 2], True)
    assert _unwrap_secrets(rpc.wrap_rpc_secret({"a": rpc.wrap_rpc_secret("b")})) == ({"a": "b"}, True)
    assert _unwrap_secrets({"plain": ["x"]}) == ({"plain": ["x"]}, False)
