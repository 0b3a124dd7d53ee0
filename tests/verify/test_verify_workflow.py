"""The daily verification workflow, checked as data (actionlint runs over every workflow in tests/test_workflows.py),
and the AWS config it writes so that each stack's own profile reads its account through the auditor role."""

from __future__ import annotations

import configparser
import re
from typing import Any

import yaml

from tests.conftest import PROJECT_DIR
from verify.profiles import aws_config, main

WORKFLOW = PROJECT_DIR / ".github" / "workflows" / "verify.yml"


def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def steps() -> list[dict[str, Any]]:
    return workflow()["jobs"]["verify"]["steps"]


def test_it_runs_daily_and_on_demand():
    triggers = workflow()[True]  # YAML 1.1 reads the key `on` as true
    (schedule,) = triggers["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month, weekday) == ("*", "*", "*") and minute.isdigit() and hour.isdigit()
    assert "workflow_dispatch" in triggers


def test_the_markdown_summary_goes_to_the_job_summary():
    runs = [step.get("run", "") for step in steps()]
    assert runs[-1] == 'venv/bin/python -m verify --markdown >> "$GITHUB_STEP_SUMMARY"'


def test_credentials_come_from_oidc_and_only_read_is_granted():
    assert workflow()["permissions"] == {"contents": "read", "id-token": "write"}
    oidc = next(s for s in steps() if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@"))
    assert oidc["with"]["role-to-assume"] == "${{ vars.VERIFY_ROLE_ARN }}"
    text = WORKFLOW.read_text()
    assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text and "secrets." not in text


def test_the_profiles_are_written_before_verification_and_after_the_oidc_credentials():
    order = [s.get("uses", "").split("@")[0] or s.get("run", "").strip() for s in steps()]
    profiles = next(i for i, s in enumerate(order) if "python -m verify.profiles > ~/.aws/config" in s)
    assert order.index("aws-actions/configure-aws-credentials") < profiles < len(order) - 1


def test_each_stack_profile_assumes_its_own_accounts_auditor_role_from_the_environment():
    text, notes = aws_config(PROJECT_DIR)
    config = configparser.ConfigParser()
    config.read_string(text)

    stacks = {path.name: yaml.safe_load(path.read_text())["config"] for path in PROJECT_DIR.glob("Pulumi.*.yaml")}
    profiles = {values["cross-account-access:profile"] for values in stacks.values()}
    assert {section.removeprefix("profile ") for section in config.sections()} == profiles == {
        "production-admin", "development-admin"}
    assert notes == []
    for account_id, profile in (("999999999999", "production-admin"), ("111111111111", "development-admin")):
        section = config[f"profile {profile}"]
        assert section["role_arn"] == f"arn:aws:iam::{account_id}:role/cross-account-access-auditor"
        assert section["credential_source"] == "Environment"


def test_the_command_prints_the_config_and_takes_another_role_name(capsys):
    assert main(["--role-name", "auditor"]) == 0

    out = capsys.readouterr().out
    assert re.findall(r"role_arn = (\S+)", out) == ["arn:aws:iam::999999999999:role/auditor",
                                                    "arn:aws:iam::111111111111:role/auditor"]
