"""The pure adapter: the model in the components' terms (IDs, ARNs, the tutorial's names), registering nothing."""

from __future__ import annotations

from dataclasses import replace

from access import adapter
from access.model import AccessModel, BucketAccess, StackSettings


def test_tutorial_role_as_component_inputs(tutorial: AccessModel) -> None:
    args = adapter.role_args(tutorial, tutorial.role("UpdateApp"))
    assert args.role_name == "UpdateApp" and args.policy_name == "read-write-app-bucket"
    assert list(args.trusted_account_ids) == ["111111111111"] and list(args.trusted_principal_arns) == []
    assert [(g.bucket_arn, g.access) for g in args.grants] == [("arn:aws:s3:::productionapp", BucketAccess.READ_WRITE)]
    assert (args.require_mfa, args.mfa_max_age_seconds, args.external_id) == (False, None, None)
    assert (args.path, args.max_session_duration, args.permissions_boundary_arn) == ("/", 3600, None)
    assert args.description == "Lets chosen Development groups update the productionapp bucket."
    assert args.tags is None and list(args.trust_actions) == ["sts:AssumeRole"] and args.trust_conditions is None


def test_role_options_and_external_id_pass_through(tutorial: AccessModel) -> None:
    role = replace(tutorial.role("UpdateApp"), require_mfa=True, mfa_max_age_seconds=900, description="",
                   trusted_principal_arns=("arn:aws:iam::222222222222:role/Ci",), tags=(("team", "platform"),))
    args = adapter.role_args(tutorial, role, external_id="Ex-42")
    assert (args.require_mfa, args.mfa_max_age_seconds, args.external_id) == (True, 900, "Ex-42")
    assert list(args.trusted_principal_arns) == ["arn:aws:iam::222222222222:role/Ci"]
    assert args.description is None and args.tags == {"team": "platform"}


def test_groups_get_the_tutorials_policy_names_and_derived_role_arns(tutorial: AccessModel) -> None:
    developers = adapter.group_args(tutorial, tutorial.groups[0])
    testers = adapter.group_args(tutorial, tutorial.groups[1])
    arn = "arn:aws:iam::999999999999:role/UpdateApp"
    assert (developers.group_name, dict(developers.allowed_role_arns), dict(developers.denied_role_arns)) == (
        "Developers", {"allow-assume-S3-role-in-production": arn}, {})
    assert dict(testers.denied_role_arns) == {"deny-assume-S3-role-in-production": arn}
    assert not testers.create and list(testers.managed_policy_arns) == [], "a prerequisite group's policies stay"


def test_a_created_group_gets_its_managed_policies_attached(tutorial: AccessModel) -> None:
    testers = adapter.group_args(tutorial, replace(tutorial.groups[1], create=True))
    assert testers.create and list(testers.managed_policy_arns) == ["arn:aws:iam::aws:policy/PowerUserAccess"]


def test_stack_components_are_its_accounts_only(tutorial: AccessModel) -> None:
    prod = adapter.account_components(tutorial, StackSettings(account="production"))
    dev = adapter.account_components(tutorial, StackSettings(account="development"))
    assert ([c.name for c in prod.roles], [c.name for c in prod.buckets], prod.groups) == (
        ["UpdateApp"], ["productionapp"], ())
    assert (dev.roles, dev.buckets, [c.name for c in dev.groups]) == ((), (), ["Developers", "Testers"])


def test_the_stacks_external_id_reaches_the_role(tutorial: AccessModel) -> None:
    settings = StackSettings(account="production", external_ids=(("UpdateApp", "Ex-42"),))
    (role,) = adapter.account_components(tutorial, settings).roles
    assert role.args.external_id == "Ex-42"


def test_former_names_are_the_physical_names_children_had(tutorial: AccessModel) -> None:
    (role,) = adapter.account_components(tutorial, StackSettings(account="production")).roles
    assert {child: former.name for child, former in role.former.items()} == {
        "UpdateApp-role": "UpdateApp", "UpdateApp-policy": "read-write-app-bucket",
        "UpdateApp-policy-attachment": "UpdateApp-read-write-app-bucket"}
    assert all(former.parent_group is None for former in role.former.values())


def test_users_are_account_level_and_listed_once(tutorial: AccessModel) -> None:
    groups = tuple(replace(g, create=True, create_members=g.name == "Testers", members=("David", "Theresa"))
                   for g in tutorial.groups)
    model = replace(tutorial, groups=groups)
    users = adapter.account_users(model, "development", {"Developers": "dev-out", "Testers": "test-out"})
    assert users is not None and users.name == "development"
    assert list(users.args.create_users) == ["David", "Theresa"]
    assert {u: list(g) for u, g in users.args.memberships.items()} == {
        "David": ["dev-out", "test-out"], "Theresa": ["dev-out", "test-out"]}
    assert users.former["development-David"] == adapter.FormerName("David", "Testers")
    assert users.former["development-David-groups"] == adapter.FormerName("David-in-Developers", "Developers")


def test_no_users_component_without_created_groups(tutorial: AccessModel) -> None:
    assert adapter.account_users(tutorial, "development", {}) is None
