"""Access against the intent, on moto's server: the same analysis as the preview, where every principal of each
account read is known by name. Each out-of-band change that opens a door is a finding naming who and what."""

from __future__ import annotations

import json

from tests.verify.support import DEVELOPMENT, PRODUCTION, Tutorial
from verify.report import VerifyReport, build_report

ASSUME_ANYTHING = {"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}


def report(tutorial: Tutorial) -> VerifyReport:
    return build_report(tutorial.verify())


def assume_findings(result: VerifyReport) -> list[str]:
    return [f.principal for f in result.findings if f.kind == "assume" and f.granted]


def test_as_deployed_only_david_may_assume_and_the_session_reaches_its_grant(tutorial):
    result = report(tutorial)

    (role,) = result.analysis.roles
    assert result.failures == [] and result.exit_code == 0
    assert [a.label for a in role.assumers] == ["David (Developers)"]
    assert role.assume_summary() == "may assume: David (Developers); nobody else"
    assert {a.resource for a in role.session} == {"arn:aws:s3:::productionapp", "arn:aws:s3:::productionapp/*", "*"}


def test_a_user_added_to_developers_is_named(tutorial):
    iam = tutorial.admin("iam", DEVELOPMENT)
    iam.create_user(UserName="Mallory")
    iam.add_user_to_group(GroupName="Developers", UserName="Mallory")

    result = report(tutorial)

    assert assume_findings(result) == ["Mallory (Developers)"]
    (line,) = result.failures
    assert line.startswith("UpdateApp: Mallory (Developers) may assume it: granted, not intended")
    assert "group Developers: allow-assume-S3-role-in-production" in line
    assert result.drift == []  # Developers is the tutorial's group: its members are not the program's to manage


def test_the_testers_deny_removed_lets_theresa_in_and_is_drift(tutorial):
    tutorial.admin("iam", DEVELOPMENT).delete_group_policy(GroupName="Testers",
                                                           PolicyName="deny-assume-S3-role-in-production")

    result = report(tutorial)

    assert assume_findings(result) == ["Theresa (Testers)"]
    assert "AWS-managed PowerUserAccess" in result.failures[0]
    assert [d.resource for d in result.drift] == ["group Testers"]


def test_a_trust_opened_to_everyone_lets_in_principals_of_every_account(tutorial):
    opened = {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    tutorial.admin("iam", PRODUCTION).update_assume_role_policy(RoleName="UpdateApp", PolicyDocument=json.dumps(opened))

    result = report(tutorial)

    found = assume_findings(result)
    assert any(p.startswith("an administrator of ") and "an account nothing names" in p for p in found)
    assert "role UpdateApp" in found  # in its own account, a trust naming everyone needs no identity Allow
    assert [d.aspect for d in result.drift] == ["trust policy"]


def test_the_role_policy_widened_is_a_session_finding_and_drift(tutorial):
    wide = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    tutorial.admin("iam", PRODUCTION).create_policy_version(
        PolicyArn=f"arn:aws:iam::{PRODUCTION}:policy/read-write-app-bucket", PolicyDocument=json.dumps(wide),
        SetAsDefault=True)

    result = report(tutorial)

    session = [f for f in result.findings if f.kind == "session"]
    assert session and all(f.granted and not f.promised for f in session)
    assert any("s3:DeleteBucket" in f.actions and "arn:aws:s3:::productionapp" in f.resources for f in session)
    assert [d.resource for d in result.drift] == ["policy arn:aws:iam::999999999999:policy/read-write-app-bucket"]


def test_an_unknown_role_that_may_assume_anything_is_named(tutorial):
    iam = tutorial.admin("iam", DEVELOPMENT)
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="ci-deployer", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="ci-deployer", PolicyName="assume-anything",
                        PolicyDocument=json.dumps(ASSUME_ANYTHING))

    result = report(tutorial)

    assert assume_findings(result) == ["role ci-deployer"]
    assert "policy role ci-deployer: assume-anything" in result.failures[0]
    assert result.drift == []


def test_a_user_in_no_group_with_nothing_attached_is_not_a_finding(tutorial):
    tutorial.admin("iam", DEVELOPMENT).create_user(UserName="Nobody")

    assert report(tutorial).failures == []
