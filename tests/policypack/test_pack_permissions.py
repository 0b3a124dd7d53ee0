"""Rules on what the ones who get in may do, and on documents AWS would refuse, through the analyzer protocol."""

from __future__ import annotations

import json

import pytest
from policypack_records import (
    DEVELOPMENT,
    READ_WRITE_APP_BUCKET,
    TUTORIAL_TRUST,
    bucket_policy,
    document,
    found,
    group_policy,
    managed_policy,
    names,
    only,
    resource,
    role,
)

from offline.analyzer import PolicyConfig, PolicyPackAnalyzer

ADMIN = "iam-no-full-admin"
ASSUME_ANY = "iam-no-assume-any-role"
VALID = "iam-policy-document-valid"
USERS = "iam-no-user-inline-policies"


def group(effect: str = "Allow", **statement: object) -> object:
    policy = group_policy(effect)
    policy["Statement"].update(statement)
    return resource(
        "aws:iam/groupPolicy:GroupPolicy",
        "Developers-policy",
        {"group": "Developers", "policy": json.dumps(policy)},
        on=DEVELOPMENT,
    )


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:GetObject", "*:*"], "Resource": "*"},
        {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
    ],
)
def test_full_admin_fires_in_every_identity_policy(pack: PolicyPackAnalyzer, statement: dict) -> None:
    text = document(statement)
    for target in (
        managed_policy("admin", text),
        resource("aws:iam/rolePolicy:RolePolicy", "admin", {"role": "UpdateApp", "policy": text}),
        resource("aws:iam/userPolicy:UserPolicy", "admin", {"user": "bob", "policy": text}),
        role("UpdateApp", json.dumps(TUTORIAL_TRUST), inlinePolicies=[{"name": "admin", "policy": text}]),
    ):
        (violation,) = only(found(pack, target), ADMIN)
        assert violation.enforcement_level == "mandatory" and "Statement[0] of" in violation.detail


def test_inline_policy_is_named_in_message(pack: PolicyPackAnalyzer) -> None:
    text = document({"Effect": "Allow", "Action": "*", "Resource": "*"})
    target = role(
        "UpdateApp",
        json.dumps(TUTORIAL_TRUST),
        inlinePolicies=[{"name": "ok", "policy": json.dumps(READ_WRITE_APP_BUCKET)}, {"name": "admin", "policy": text}],
    )
    (violation,) = only(found(pack, target), ADMIN)
    assert "Statement[0] of inlinePolicies[1].policy" in violation.detail


def test_deny_everything_and_scoped_policies_are_fine(pack: PolicyPackAnalyzer) -> None:
    assert ADMIN not in names(found(pack, managed_policy("read-write-app-bucket", json.dumps(READ_WRITE_APP_BUCKET))))
    deny_all = document({"Effect": "Deny", "Action": "*", "Resource": "*"})
    assert ADMIN not in names(found(pack, managed_policy("deny", deny_all)))


def test_policy_given_as_object_is_read_too(pack: PolicyPackAnalyzer) -> None:
    as_object = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
    assert ADMIN in names(found(pack, managed_policy("admin", as_object)))


@pytest.mark.parametrize(
    ("action", "resource_"),
    [
        ("sts:AssumeRole", "*"),
        ("sts:*", "*"),
        ("sts:Assume*", "*"),
        ("STS:ASSUMEROLE", "*"),
        ("*", "*"),
        ("sts:AssumeRole", "arn:aws:iam::*:role/UpdateApp"),
        ("sts:AssumeRole", ["arn:aws:iam::999999999999:role/A", "arn:aws:iam::*:role/*"]),
    ],
)
def test_assume_any_role_fires(pack: PolicyPackAnalyzer, action: str, resource_: object) -> None:
    (violation,) = only(found(pack, group(Action=action, Resource=resource_)), ASSUME_ANY)
    assert violation.enforcement_level == "mandatory" and "List the role ARNs" in violation.detail


def test_assume_with_not_resource_fires(pack: PolicyPackAnalyzer) -> None:
    policy = document(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": "arn:aws:iam::999999999999:role/A"}
    )
    assert ASSUME_ANY in names(found(pack, managed_policy("p", policy)))


def test_tutorial_group_policies_are_fine(pack: PolicyPackAnalyzer) -> None:
    for effect in ("Allow", "Deny"):
        assert found(pack, group(effect)) == []
    # Deny on any role is a guardrail, not a grant.
    assert ASSUME_ANY not in names(found(pack, group("Deny", Resource="*")))


def test_assume_narrowed_to_an_account_is_fine(pack: PolicyPackAnalyzer) -> None:
    target = group(Resource="*", Condition={"StringEquals": {"aws:ResourceAccount": "999999999999"}})
    assert ASSUME_ANY not in names(found(pack, target))


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("{not json", "policy: the document is not valid JSON"),
        (
            json.dumps(
                {
                    "Statement": [
                        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${aws:username}"}
                    ]
                }
            ),
            "Version is missing, so policy variables such as ${aws:username} are read literally",
        ),
        (document({"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}), 'Effect must be "Allow" or "Deny"'),
        (document({"Effect": "Allow", "Resource": "*"}), "needs Action or NotAction"),
        (document({"Effect": "Allow", "Actions": "s3:GetObject", "Resource": "*"}), 'unknown element(s) "Actions"'),
        (document({"Effect": "Allow", "Action": "s3:GetObject"}), "needs Resource or NotResource"),
        (
            document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": "*"}),
            "an identity policy cannot have Principal",
        ),
        (
            document({"Sid": "read-bucket", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}),
            "IAM only accepts letters and digits in a Sid",
        ),
        (
            document(
                {"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Sid": "A", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
            ),
            'Sid "A" is used by 2',
        ),
        (
            document({"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "arn:aws:s3:::productionapp/*"}),
            'Statement[0] of policy: unknown action "s3:GetObjects" in AWS\'s action catalogue',
        ),
        (
            document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:productionapp/*"}),
            'resource "arn:aws:s3:productionapp/*" is not a valid ARN',
        ),
        (
            document({"Effect": "Allow", "Action": "s4:GetObject", "Resource": "*"}),
            'service prefix "s4" is unknown',
        ),
        (
            document(
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {"StringEqualz": {"aws:PrincipalOrgID": "o-1"}},
                }
            ),
            'condition operator "StringEqualz" does not exist',
        ),
    ],
)
def test_invalid_documents_fire(pack: PolicyPackAnalyzer, policy: str, expected: str) -> None:
    violations = only(found(pack, managed_policy("broken", policy)), VALID)
    assert any(expected in violation.detail for violation in violations), [v.detail for v in violations]
    assert all(violation.enforcement_level == "mandatory" for violation in violations)


def test_trust_policy_structure(pack: PolicyPackAnalyzer) -> None:
    with_resource = json.dumps(
        {"Version": "2012-10-17", "Statement": [{**TUTORIAL_TRUST["Statement"][0], "Resource": "*"}]}
    )
    assert any(
        "a trust policy cannot have Resource" in v.detail for v in only(found(pack, role("R", with_resource)), VALID)
    )
    no_principal = document({"Effect": "Allow", "Action": "sts:AssumeRole"})
    assert any("needs a Principal" in v.detail for v in only(found(pack, role("R", no_principal)), VALID))


def test_resource_policies_accept_any_sid_and_implied_resource(pack: PolicyPackAnalyzer) -> None:
    """S3 accepts Sids with spaces; ECR repository policies omit Resource (AWS's own ECR example)."""
    bucket = document(
        {
            "Sid": "Allow read from dev",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::productionapp/*",
        }
    )
    assert VALID not in names(found(pack, bucket_policy("productionapp", bucket)))
    ecr = document(
        {
            "Sid": "AllowPushPull",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:PutImage"],
        }
    )
    repository = resource("aws:ecr/repositoryPolicy:RepositoryPolicy", "app", {"repository": "app", "policy": ecr})
    assert VALID not in names(found(pack, repository))


def test_tutorial_documents_are_valid(pack: PolicyPackAnalyzer) -> None:
    assert found(pack, managed_policy("read-write-app-bucket", json.dumps(READ_WRITE_APP_BUCKET))) == []
    assert VALID not in names(found(pack, role("UpdateApp", json.dumps(TUTORIAL_TRUST))))


def test_newer_actions_can_be_accepted_by_config(pack_process: PolicyPackAnalyzer) -> None:
    policy = managed_policy("new", document({"Effect": "Allow", "Action": "newservice:DoThing", "Resource": "*"}))
    pack_process.configure({})
    assert VALID in names(found(pack_process, policy))
    pack_process.configure({VALID: PolicyConfig(properties={"additionalActions": ["newservice:*"]})})
    assert VALID not in names(found(pack_process, policy))


@pytest.mark.parametrize(
    ("type_", "inputs"),
    [
        ("aws:iam/userPolicy:UserPolicy", {"user": "bob", "policy": json.dumps(READ_WRITE_APP_BUCKET)}),
        (
            "aws:iam/userPolicyAttachment:UserPolicyAttachment",
            {"user": "bob", "policyArn": "arn:aws:iam::aws:policy/x"},
        ),
        ("aws:iam/userPoliciesExclusive:UserPoliciesExclusive", {"userName": "bob", "policyNames": ["a"]}),
    ],
)
def test_permissions_on_users_are_advisory(pack: PolicyPackAnalyzer, type_: str, inputs: dict) -> None:
    (violation,) = only(found(pack, resource(type_, "bob-permissions", inputs)), USERS)
    assert violation.enforcement_level == "advisory" and "aws.iam.Group" in violation.detail


def test_groups_and_roles_are_the_way(pack: PolicyPackAnalyzer) -> None:
    membership = resource("aws:iam/groupMembership:GroupMembership", "devs", {"group": "Developers", "users": ["bob"]})
    assert USERS not in names(found(pack, membership))
    assert USERS not in names(found(pack, group()))
