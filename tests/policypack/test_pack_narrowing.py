"""Safe, documented patterns through the analyzer protocol: a wildcard principal narrowed by a key AWS documents,
or confined by a Deny of the same document, passes; what those keys name is still held to the allowlist.
Each must-not below is an AWS documentation example (account IDs set to the allowlisted ones)."""

from __future__ import annotations

import json

import pytest
from policypack_records import (
    PRODUCTION_ACCOUNT,
    bucket_policy,
    document,
    found,
    names,
    only,
    provider,
    resource,
    trust,
)

from offline.analyzer import PolicyPackAnalyzer, mandatory

WILDCARD = "iam-no-wildcard-principals"
ALLOWLISTED = "iam-trusted-accounts-allowlisted"
SSO_ROLES = "arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_*"


def read_objects(condition: dict) -> str:
    return document(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::productionapp/*",
            "Condition": condition,
        }
    )


@pytest.mark.parametrize(
    "condition",
    [
        {"ArnLike": {"aws:PrincipalArn": SSO_ROLES}},  # IAM Identity Center permission-set roles
        {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/deploy-*"}},
        {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}},
        {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
        {"StringEquals": {"aws:SourceVpc": "vpc-111bbb22"}},
        {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]}},
        {"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::999999999999:distribution/*"}},
        {"StringLike": {"aws:userid": "AROAEXAMPLEID:*"}},  # the sessions of one role
        {"Bool": {"aws:PrincipalIsAWSService": "true"}},  # AWS services only
    ],
)
def test_wildcard_narrowed_by_a_documented_key_passes(pack: PolicyPackAnalyzer, condition: dict) -> None:
    assert mandatory(found(pack, bucket_policy("productionapp", read_objects(condition)))) == []


@pytest.mark.parametrize(
    ("condition", "policy"),
    [
        ({"ArnLike": {"aws:PrincipalArn": SSO_ROLES.replace("111111111111", "222222222222")}}, ALLOWLISTED),
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*"}}, WILDCARD),
        ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, WILDCARD),
        ({"StringLike": {"aws:PrincipalOrgPaths": "o-*/*"}}, WILDCARD),
        ({"StringEquals": {"kms:CallerAccount": "222222222222"}}, ALLOWLISTED),
    ],
)
def test_narrowing_to_everyone_or_to_a_stranger_fires(pack: PolicyPackAnalyzer, condition: dict, policy: str) -> None:
    assert policy in names(found(pack, bucket_policy("productionapp", read_objects(condition))))


def test_sso_roles_may_assume_a_role_through_a_principal_arn_pattern(pack: PolicyPackAnalyzer) -> None:
    policy = trust({"AWS": "arn:aws:iam::111111111111:root"}, Condition={"ArnLike": {"aws:PrincipalArn": SSO_ROLES}})
    violations = found(pack, resource("aws:iam/role:Role", "Deploy", {"assumeRolePolicy": policy}))
    assert mandatory(violations) == []


def test_aws_default_sns_topic_policy_passes(pack: PolicyPackAnalyzer) -> None:
    """The policy SNS gives every new topic: Version 2008-10-17, "*" narrowed by AWS:SourceOwner, Sids with '_'."""
    default = {
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [
            {
                "Sid": "__default_statement_ID",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": [
                    "SNS:GetTopicAttributes",
                    "SNS:SetTopicAttributes",
                    "SNS:AddPermission",
                    "SNS:RemovePermission",
                    "SNS:DeleteTopic",
                    "SNS:Subscribe",
                    "SNS:ListSubscriptionsByTopic",
                    "SNS:Publish",
                ],
                "Resource": f"arn:aws:sns:us-east-1:{PRODUCTION_ACCOUNT}:MyTopic",
                "Condition": {"StringEquals": {"AWS:SourceOwner": PRODUCTION_ACCOUNT}},
            }
        ],
    }
    topic = resource("aws:sns/topicPolicy:TopicPolicy", "MyTopic", {"arn": "arn", "policy": json.dumps(default)})
    assert found(pack, topic) == []


def test_aws_default_kms_key_policy_for_ebs_passes(pack: PolicyPackAnalyzer) -> None:
    """AWS's key policy statement letting every principal of the account use the key through EBS."""
    statement = {
        "Sid": "Allow access through EBS for all principals in the account that are authorized to use EBS",
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:CreateGrant",
            "kms:DescribeKey",
        ],
        "Resource": "*",
        "Condition": {
            "StringEquals": {"kms:CallerAccount": PRODUCTION_ACCOUNT, "kms:ViaService": "ec2.us-east-1.amazonaws.com"}
        },
    }
    key = resource("aws:kms/key:Key", "ebs", {"policy": document(statement)})
    assert found(pack, key) == []


PRIVATE_API = [
    {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*",
        "Condition": {"StringNotEquals": {"aws:sourceVpce": "vpce-1a2b3c4d"}},
    },
    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
]


def rest_api_policy(*statements: dict) -> object:
    return resource(
        "aws:apigateway/restApiPolicy:RestApiPolicy", "api", {"restApiId": "a1b2", "policy": document(*statements)}
    )


def test_aws_private_api_policy_allow_confined_by_deny_passes(pack: PolicyPackAnalyzer) -> None:
    assert found(pack, rest_api_policy(*PRIVATE_API)) == []


@pytest.mark.parametrize(
    "deny_change",
    [
        {"Resource": "execute-api:/prod/*"},  # confines only one stage
        {"Action": "execute-api:ManageConnections"},  # another action
        {"Condition": {"Bool": {"aws:SecureTransport": "false"}}},  # refuses plain HTTP, not strangers
        {"Condition": {"StringNotEquals": {"aws:sourceVpce": "vpce-*"}}},  # any endpoint of anyone
    ],
)
def test_a_deny_that_does_not_confine_the_allow_leaves_it_open(pack: PolicyPackAnalyzer, deny_change: dict) -> None:
    deny = {**PRIVATE_API[0], **deny_change}
    assert WILDCARD in names(found(pack, rest_api_policy(deny, PRIVATE_API[1])))


def test_a_confining_deny_names_the_accounts_it_lets_through(pack: PolicyPackAnalyzer) -> None:
    deny = {**PRIVATE_API[0], "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "222222222222"}}}
    (violation,) = only(found(pack, rest_api_policy(deny, PRIVATE_API[1])), ALLOWLISTED)
    assert "222222222222" in violation.detail


def test_new_actions_of_the_catalogue_are_valid(pack: PolicyPackAnalyzer) -> None:
    vectors = document({"Effect": "Allow", "Action": ["s3vectors:*", "s3vectors:QueryVectors"], "Resource": "*"})
    policy = resource("aws:iam/policy:Policy", "vectors", {"name": "vectors", "policy": vectors})
    assert found(pack, policy) == []


def test_explicit_provider_named_default_something_is_explicit(pack: PolicyPackAnalyzer) -> None:
    """Only the names the engine gives the providers it creates (default, default_7_51_1) are default ones."""
    for name in ("default-prod", "defaultProd", "default_prod"):
        pinned = provider(name, [PRODUCTION_ACCOUNT])
        bucket = resource("aws:s3/bucket:Bucket", "b", {"bucket": "b"}, on=pinned)
        assert "aws-explicit-provider-pinned" not in names(found(pack, bucket, pinned)), name
    engine_named = provider("default_7_51_1", [PRODUCTION_ACCOUNT])
    bucket = resource("aws:s3/bucket:Bucket", "b", {"bucket": "b"}, on=engine_named)
    assert "aws-explicit-provider-pinned" in names(found(pack, bucket, engine_named))
