"""Every AWS resource goes through one explicit provider pinned to its stack's account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from offline.mock_run import StackRun, run_stack
from offline.stack_config import load_stack_config
from tests.conftest import PROJECT_DIR

PROVIDER = "pulumi:providers:aws"


@pytest.mark.parametrize(("stack", "account_id", "profile"), [
    ("prod", "999999999999", "production-admin"),
    ("dev", "111111111111", "development-admin"),
])
def test_one_provider_pinned_to_the_stacks_account(stack: str, account_id: str, profile: str) -> None:
    run = run_stack(stack)
    (provider,) = run.of_type(PROVIDER)
    assert json.loads(provider.inputs["allowedAccountIds"]) == [account_id]
    assert provider.inputs["region"] == "us-east-1"
    assert provider.inputs["profile"] == profile
    assert not {"accessKey", "secretKey"} & set(provider.inputs)


@pytest.mark.parametrize("run_name", ["prod_run", "dev_run"])
def test_every_aws_resource_uses_the_pinned_provider(run_name: str, request: pytest.FixtureRequest) -> None:
    run: StackRun = request.getfixturevalue(run_name)
    (provider,) = run.of_type(PROVIDER)
    aws_resources = [r for r in run.resources if r.type.startswith("aws:")]
    assert aws_resources
    for resource in aws_resources:
        assert resource.provider_urn == provider.urn, resource.urn
        assert "default" not in resource.provider


def test_default_aws_provider_is_disabled_for_every_stack() -> None:
    for stack in ("prod", "dev"):
        config = load_stack_config(PROJECT_DIR, stack)
        assert json.loads(config.values["pulumi:disable-default-providers"]) == ["aws"]


def test_role_to_assume_instead_of_a_profile(tmp_path: Path) -> None:
    config = load_stack_config(PROJECT_DIR, "prod").with_values(**{
        "cross-account-access:assumeRoleArn": "arn:aws:iam::999999999999:role/Deployer"})
    (provider,) = run_stack("prod", config=config).of_type(PROVIDER)
    assume = json.loads(provider.inputs["assumeRoles"])
    assert assume == [{"roleArn": "arn:aws:iam::999999999999:role/Deployer",
                       "sessionName": "pulumi-cross-account-access"}]
