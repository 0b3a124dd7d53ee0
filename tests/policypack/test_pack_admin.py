"""Admin-equivalent grants other than "*", through the analyzer protocol: IAM write access on everything, PassRole
with compute, and AWS-managed administrator policies attached by ARN; scoped grants pass."""

from __future__ import annotations

import json

import pytest
from policypack_records import TUTORIAL_TRUST, document, found, managed_policy, names, only, resource, role

from offline.analyzer import PolicyPackAnalyzer

ADMIN = "iam-no-full-admin"
MANAGED = "iam-no-admin-managed-policy"
ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        ([{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}], "iam:* on every IAM resource"),
        ([{"Effect": "Allow", "Action": "iam:*", "Resource": "arn:aws:iam::999999999999:*"}], "iam:*"),
        ([{"Effect": "Allow", "Action": "iam:Attach*", "Resource": "*"}], "iam:AttachRolePolicy on every role"),
        (
            [{"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "arn:aws:iam::999999999999:role/*"}],
            "iam:PutRolePolicy on every role",
        ),
        ([{"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "*"}], "on every policy"),
        (
            [{"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}],
            "iam:PassRole on every role together with ec2:RunInstances",
        ),
        (
            [
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::999999999999:role/*"},
                {"Effect": "Allow", "Action": "lambda:*", "Resource": "*"},
            ],
            "together with lambda:CreateFunction",
        ),
    ],
)
def test_admin_equivalent_grants_fire(pack: PolicyPackAnalyzer, statements: list, expected: str) -> None:
    (violation,) = only(found(pack, managed_policy("ops", document(*statements))), ADMIN)
    assert violation.enforcement_level == "mandatory" and expected in violation.detail


@pytest.mark.parametrize(
    "statements",
    [
        # AWS's example: pass one named role to EC2.
        [
            {"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"},
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::999999999999:role/EC2-roles-*"},
        ],
        # AWS's example: let users manage their own credentials only.
        [
            {
                "Effect": "Allow",
                "Action": ["iam:CreateAccessKey", "iam:UpdateLoginProfile"],
                "Resource": "arn:aws:iam::*:user/${aws:username}",
            }
        ],
        [{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}],  # read-only IAM
        [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}],  # nothing to pass it to
        # AWS's delegation example: roles may be created and given policies only within a permissions boundary.
        [
            {
                "Effect": "Allow",
                "Action": ["iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy"],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::999999999999:policy/workload-boundary"}
                },
            }
        ],
    ],
)
def test_scoped_grants_pass(pack: PolicyPackAnalyzer, statements: list) -> None:
    assert ADMIN not in names(found(pack, managed_policy("ops", document(*statements))))


@pytest.mark.parametrize(
    ("type_", "inputs"),
    [
        ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"role": "Ops", "policyArn": ADMINISTRATOR}),
        ("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", {"group": "Ops", "policyArn": ADMINISTRATOR}),
        (
            "aws:iam/policyAttachment:PolicyAttachment",
            {"name": "ops", "roles": ["Ops"], "policyArn": "arn:aws:iam::aws:policy/IAMFullAccess"},
        ),
        (
            "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
            {"roleName": "Ops", "policyArns": [ADMINISTRATOR]},
        ),
    ],
)
def test_administrator_policies_attached_by_arn_fire(pack: PolicyPackAnalyzer, type_: str, inputs: dict) -> None:
    (violation,) = only(found(pack, resource(type_, "ops-admin", inputs)), MANAGED)
    assert violation.enforcement_level == "mandatory" and "makes it an administrator" in violation.detail


def test_administrator_on_a_role_another_account_assumes_says_so(pack: PolicyPackAnalyzer) -> None:
    target = role("UpdateApp", json.dumps(TUTORIAL_TRUST), managedPolicyArns=[ADMINISTRATOR])
    (violation,) = only(found(pack, target), MANAGED)
    assert "Above all, the role's trust lets account(s) 111111111111 in" in violation.detail


def test_other_managed_policies_pass(pack: PolicyPackAnalyzer) -> None:
    for arn in ("arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::999999999999:policy/read-write-app-bucket"):
        attachment = resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", {"role": "R", "policyArn": arn})
        assert MANAGED not in names(found(pack, attachment))
