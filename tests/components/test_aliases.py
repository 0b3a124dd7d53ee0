"""Stacks deployed before children were named from their component keep their resources: every URN the
program registered then is either registered still or an alias of a resource registered now, so `pulumi up`
updates in place instead of deleting and recreating the role, its policy, the bucket guard or the users."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml

from components.aliases import keep_former_names
from offline.mock_run import StackRun, run_stack
from offline.stack_config import load_stack_config
from tests.components.conftest import AliasRecordingMonitor, run_program
from tests.conftest import PROJECT_DIR

PREFIX = {"prod": "urn:pulumi:prod::cross-account-access::", "dev": "urn:pulumi:dev::cross-account-access::"}
ROLE_CHILD = "cross-account-access:trusting:CrossAccountRole$"
BUCKET_CHILD = "cross-account-access:trusting:ProtectedBucket$"
GROUP_CHILD = "cross-account-access:trusted:GroupRoleAccess$"
# What the program registered before the rename (the tutorial's stacks, and dev with every group created).
BEFORE = {
    "prod": [
        ROLE_CHILD + "aws:iam/role:Role::UpdateApp",
        ROLE_CHILD + "aws:iam/policy:Policy::read-write-app-bucket",
        ROLE_CHILD + "aws:iam/rolePolicyAttachment:RolePolicyAttachment::UpdateApp-read-write-app-bucket",
        BUCKET_CHILD + "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::productionapp",
        BUCKET_CHILD + "aws:s3/bucketPolicy:BucketPolicy::productionapp",
        "pulumi:pulumi:Stack$cross-account-access:trusting:CrossAccountRole::UpdateApp",
        "pulumi:pulumi:Stack$pulumi:providers:aws::production-999999999999",
    ],
    "dev": [
        GROUP_CHILD + "aws:iam/groupPolicy:GroupPolicy::Developers-allow-assume-S3-role-in-production",
        GROUP_CHILD + "aws:iam/groupPolicy:GroupPolicy::Testers-deny-assume-S3-role-in-production",
        "pulumi:pulumi:Stack$cross-account-access:trusted:GroupRoleAccess::Developers",
        "pulumi:pulumi:Stack$pulumi:providers:aws::development-111111111111",
    ],
    "dev-created": [
        GROUP_CHILD + "aws:iam/group:Group::Developers",
        GROUP_CHILD + "aws:iam/group:Group::Testers",
        GROUP_CHILD + "aws:iam/user:User::David",
        GROUP_CHILD + "aws:iam/user:User::Theresa",
        GROUP_CHILD + "aws:iam/userGroupMembership:UserGroupMembership::David-in-Developers",
        GROUP_CHILD + "aws:iam/userGroupMembership:UserGroupMembership::Theresa-in-Testers",
        GROUP_CHILD + "aws:iam/groupPolicyAttachment:GroupPolicyAttachment::Testers-PowerUserAccess",
        GROUP_CHILD + "aws:iam/groupPolicy:GroupPolicy::Testers-deny-assume-S3-role-in-production",
    ],
}


def own_type(urn: str) -> str:
    """The resource's own type in a URN `urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`."""
    return urn.split("::")[2].rsplit("$", 1)[-1]


def answered_urns(run: StackRun, monitor: AliasRecordingMonitor) -> set[str]:
    """The URNs registered, plus the URN each alias stands for (former name, former or current parent)."""
    answered = {r.urn for r in run.resources}
    for resource in run.resources:
        for name, parent_urn in monitor.aliases.get(resource.urn, []):
            parent_type = own_type(parent_urn or resource.parent or "")
            answered.add(f"{resource.urn.split('::')[0]}::{run.config.project}::{parent_type}${resource.type}::{name}")
    return answered


def aliased_run(stack: str, raw: dict[str, Any] | None = None, tmp_path: Path | None = None) -> tuple[
        StackRun, AliasRecordingMonitor]:
    config = load_stack_config(PROJECT_DIR, stack)
    if raw is not None and tmp_path is not None:
        path = tmp_path / "model.yaml"
        path.write_text(yaml.safe_dump(raw))
        config = config.with_values(**{"cross-account-access:model": str(path)})
    monitor = AliasRecordingMonitor()
    return run_stack(stack, config=config, monitor=monitor), monitor


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_the_tutorials_former_urns_are_all_answered(stack: str) -> None:
    run, monitor = aliased_run(stack)
    missing = {PREFIX[stack] + urn for urn in BEFORE[stack]} - answered_urns(run, monitor)
    assert missing == set()


def test_created_groups_users_and_memberships_keep_their_state(raw: dict[str, Any], tmp_path: Path) -> None:
    for group in raw["groups"]:
        group.update(create=True, createMembers=True)
    run, monitor = aliased_run("dev", raw, tmp_path)
    missing = {PREFIX["dev"] + urn for urn in BEFORE["dev-created"]} - answered_urns(run, monitor)
    assert missing == set()
    user = run.named("aws:iam/user:User", "development-David")
    developers = run.named("cross-account-access:trusted:GroupRoleAccess", "Developers")
    assert monitor.aliases[user.urn] == [("David", developers.urn)]


def test_only_the_children_named_get_an_alias() -> None:
    def program() -> None:
        class Parent(pulumi.ComponentResource):
            def __init__(self, name: str, opts: pulumi.ResourceOptions) -> None:
                super().__init__("test:index:Parent", name, None, opts)
                for child in ("renamed", "kept"):
                    pulumi.CustomResource("test:index:Child", f"{name}-{child}", {},
                                          pulumi.ResourceOptions(parent=self))

        Parent("p", pulumi.ResourceOptions(transformations=[keep_former_names({"p-renamed": ("old", None)})]))

    run = run_program(program)
    aliases = {r.name: run.aliases[r.urn] for r in run.resources if r.type == "test:index:Child"}
    assert aliases == {"p-renamed": [("old", "")], "p-kept": []}
