"""examples/component-only: the components used by a program of its own, with no model and no stack config."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from offline.mock_run import run_stack
from offline.stack_config import load_stack_config
from tests.conftest import PROJECT_DIR

EXAMPLE = PROJECT_DIR / "examples" / "component-only"


def test_example_runs_with_no_stack_config_and_builds_the_tutorial(tmp_path: Path) -> None:
    # The config the CLI would pass for a fresh stack: the example's Pulumi.yaml and an empty stack file.
    shutil.copy(EXAMPLE / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.example.yaml").write_text("")
    config = load_stack_config(tmp_path, "example")
    assert [k for k in config.values if not k.startswith("pulumi:")] == []

    run = run_stack("example", project_dir=EXAMPLE, config=config)

    assert not (EXAMPLE / "access-model.yaml").exists()
    role = run.named("aws:iam/role:Role", "update-app-role")
    assert role.inputs["name"] == "UpdateApp"
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "AWS": "arn:aws:iam::111111111111:root"}
    policies = {r.inputs["name"]: json.loads(r.inputs["policy"])["Statement"] for r in
                run.of_type("aws:iam/groupPolicy:GroupPolicy")}
    assert policies == {
        "allow-assume-S3-role-in-production": {"Effect": "Allow", "Action": "sts:AssumeRole",
                                               "Resource": "arn:aws:iam::999999999999:role/UpdateApp"},
        "deny-assume-S3-role-in-production": {"Effect": "Deny", "Action": "sts:AssumeRole",
                                              "Resource": "arn:aws:iam::999999999999:role/UpdateApp"},
    }
    providers = {r.urn: json.loads(r.inputs["allowedAccountIds"]) for r in run.of_type("pulumi:providers:aws")}
    assert sorted(providers.values()) == [["111111111111"], ["999999999999"]]
    assert all(r.provider_urn in providers for r in run.resources if r.type.startswith("aws:"))
    assert run.outputs["roleArn"] == "arn:aws:iam::999999999999:role/UpdateApp"
