"""The Development side as the program registers it: one inline policy per group and role, allow or deny."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from offline.mock_run import StackRun
from tests.conftest import run_with_model

GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
ROLE_ARN = "arn:aws:iam::999999999999:role/UpdateApp"


def test_developers_may_and_testers_may_not_assume(dev_run: StackRun) -> None:
    policies = {(r.inputs["group"], r.inputs["name"]): json.loads(r.inputs["policy"])
                for r in dev_run.of_type(GROUP_POLICY)}
    assert policies == {
        ("Developers", "allow-assume-S3-role-in-production"): {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE_ARN}},
        ("Testers", "deny-assume-S3-role-in-production"): {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": ROLE_ARN}},
    }


def test_groups_and_users_are_prerequisites_by_default(dev_run: StackRun) -> None:
    created = {r.type for r in dev_run.resources if r.type.startswith("aws:")}
    assert created == {GROUP_POLICY}


def test_dev_stack_creates_groups_members_and_memberships_where_asked(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["groups"][1].update(create=True, createMembers=True)
    run = run_with_model("dev", raw, tmp_path)
    assert run.named("aws:iam/group:Group", "Testers").inputs["name"] == "Testers"
    assert run.named("aws:iam/user:User", "Theresa").inputs["name"] == "Theresa"
    assert run.named("aws:iam/userGroupMembership:UserGroupMembership", "Theresa-in-Testers").inputs == {
        "user": "Theresa", "groups": ["Testers"]}
    attachment = run.named("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "Testers-PowerUserAccess")
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/PowerUserAccess"
    assert not run.of_type("aws:iam/user:User")[1:], "Developers' David stays a prerequisite"


def test_role_arn_is_derived_from_config_with_its_path(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0]["path"] = "/apps/"
    run = run_with_model("dev", raw, tmp_path)
    resources = {json.loads(r.inputs["policy"])["Statement"]["Resource"] for r in run.of_type(GROUP_POLICY)}
    assert resources == {"arn:aws:iam::999999999999:role/apps/UpdateApp"}
