"""The Development side: one inline policy per group and role, allow or deny; the account's users and
memberships registered once each, however many created groups name a user; and the components on their own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from components.trusted_account import AccountUsers, AccountUsersArgs, GroupRoleAccess, GroupRoleAccessArgs
from components.trusting_account import CrossAccountRole, CrossAccountRoleArgs
from offline.mock_run import StackRun
from tests.components.conftest import run_program
from tests.conftest import run_with_model

GROUP = "aws:iam/group:Group"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
USER = "aws:iam/user:User"
MEMBERSHIP = "aws:iam/userGroupMembership:UserGroupMembership"
ROLE_ARN = "arn:aws:iam::999999999999:role/UpdateApp"


def policy_text(effect: str) -> str:
    """The tutorial's group policy exactly as deployed (two-space JSON)."""
    return ('{\n  "Version": "2012-10-17",\n  "Statement": {\n    "Effect": "' + effect + '",\n'
            '    "Action": "sts:AssumeRole",\n    "Resource": "' + ROLE_ARN + '"\n  }\n}')


def test_developers_may_and_testers_may_not_assume_byte_for_byte(dev_run: StackRun) -> None:
    policies = {(r.name, r.inputs["group"], r.inputs["name"]): r.inputs["policy"]
                for r in dev_run.of_type(GROUP_POLICY)}
    assert policies == {
        ("Developers-allow-assume-S3-role-in-production", "Developers", "allow-assume-S3-role-in-production"):
            policy_text("Allow"),
        ("Testers-deny-assume-S3-role-in-production", "Testers", "deny-assume-S3-role-in-production"):
            policy_text("Deny"),
    }


def test_groups_and_users_are_prerequisites_by_default(dev_run: StackRun) -> None:
    created = {r.type for r in dev_run.resources if r.type.startswith("aws:")}
    assert created == {GROUP_POLICY}
    assert not dev_run.of_type("cross-account-access:trusted:AccountUsers")


def test_dev_stack_creates_groups_members_and_memberships_where_asked(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["groups"][1].update(create=True, createMembers=True)
    run = run_with_model("dev", raw, tmp_path)
    assert run.named(GROUP, "Testers-group").inputs["name"] == "Testers"
    assert run.named(USER, "development-Theresa").inputs["name"] == "Theresa"
    assert run.named(MEMBERSHIP, "development-Theresa-groups").inputs == {"user": "Theresa", "groups": ["Testers"]}
    attachment = run.named("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "Testers-PowerUserAccess")
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/PowerUserAccess"
    assert [u.name for u in run.of_type(USER)] == ["development-Theresa"], "Developers' David stays a prerequisite"


def test_a_user_in_two_created_groups_is_registered_once(raw: dict[str, Any], tmp_path: Path) -> None:
    for group in raw["groups"]:
        group.update(create=True, createMembers=True, members=["David", "Theresa"])
    run = run_with_model("dev", raw, tmp_path)
    urns = [r.urn for r in run.resources]
    assert len(urns) == len(set(urns)), "the engine refuses a program registering one URN twice"
    assert sorted(u.inputs["name"] for u in run.of_type(USER)) == ["David", "Theresa"]
    memberships = {m.inputs["user"]: m.inputs["groups"] for m in run.of_type(MEMBERSHIP)}
    assert memberships == {"David": ["Developers", "Testers"], "Theresa": ["Developers", "Testers"]}


def test_memberships_wait_for_the_groups_they_name(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["groups"][0].update(create=True, createMembers=True)
    run = run_with_model("dev", raw, tmp_path)
    membership = run.named(MEMBERSHIP, "development-David-groups")
    assert {run.named(GROUP, "Developers-group").urn, run.named(USER, "development-David").urn} <= set(
        membership.dependencies)


def test_role_arn_is_derived_from_config_with_its_path(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0]["path"] = "/apps/"
    run = run_with_model("dev", raw, tmp_path)
    resources = {json.loads(r.inputs["policy"])["Statement"]["Resource"] for r in run.of_type(GROUP_POLICY)}
    assert resources == {"arn:aws:iam::999999999999:role/apps/UpdateApp"}


def same_account_program() -> None:
    """A program of its own: a role, and a created group allowed to assume it through the role's ARN output."""
    role = CrossAccountRole("deployer", CrossAccountRoleArgs(role_name="Deployer",
                                                             trusted_account_ids=["111111111111"]))
    ops = GroupRoleAccess("ops", GroupRoleAccessArgs(group_name="Ops", allowed_role_arns={"may-deploy": role.arn},
                                                     create=True))
    AccountUsers("acct", AccountUsersArgs(create_users=["Olga"], memberships={"Olga": [ops.group_name]}))


def test_group_component_takes_role_arns_from_other_components() -> None:
    run = run_program(same_account_program)
    policy = run.named(GROUP_POLICY, "ops-may-deploy")
    assert policy.inputs["group"] == "Ops" and policy.inputs["name"] == "may-deploy"
    assert json.loads(policy.inputs["policy"])["Statement"] == {
        "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam:::role/Deployer"}
    assert run.named(MEMBERSHIP, "acct-Olga-groups").inputs == {"user": "Olga", "groups": ["Ops"]}


def test_a_policy_name_cannot_both_allow_and_deny() -> None:
    with pytest.raises(ValueError, match="both allowed and denied"):
        GroupRoleAccessArgs(group_name="G", allowed_role_arns={"p": "a"}, denied_role_arns={"p": "b"})


def test_a_user_is_created_once_per_account() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        AccountUsersArgs(create_users=["Olga", "Olga"])
