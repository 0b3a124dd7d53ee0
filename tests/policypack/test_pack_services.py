"""Services and grants written as fields, through the analyzer protocol: a service principal must be tied to the
resource it acts for, source conditions name allowlisted accounts, and Lambda/RAM/AMI grants are read like
any resource policy. AWS's documented policies pass."""

from __future__ import annotations

import pytest
from policypack_records import bucket_policy, document, found, names, only, resource

from offline.analyzer import PolicyPackAnalyzer

SOURCE = "iam-service-principal-source-pinned"
WILDCARD = "iam-no-wildcard-principals"
ALLOWLISTED = "iam-trusted-accounts-allowlisted"
FUNCTION = "arn:aws:lambda:us-east-1:999999999999:function:app"


def cloudfront_read(condition: dict | None = None) -> str:
    statement = {
        "Sid": "AllowCloudFrontServicePrincipalReadOnly",
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::assets/*",
    }
    return document({**statement, "Condition": condition} if condition else statement)


def test_cloudfront_without_source_arn_fires(pack: PolicyPackAnalyzer) -> None:
    (violation,) = only(found(pack, bucket_policy("assets", cloudfront_read())), SOURCE)
    assert violation.enforcement_level == "mandatory" and "confused" in violation.detail


def test_aws_origin_access_control_example_passes(pack: PolicyPackAnalyzer) -> None:
    condition = {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::999999999999:distribution/EDFDVBD6EXAMPLE"}}
    assert names(found(pack, bucket_policy("assets", cloudfront_read(condition)))) <= {"s3-bucket-tls-only"}


def test_source_naming_an_account_outside_the_allowlist_fires(pack: PolicyPackAnalyzer) -> None:
    foreign = {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::222222222222:distribution/EDFDVBD6EXAMPLE"}}
    (violation,) = only(found(pack, bucket_policy("assets", cloudfront_read(foreign))), ALLOWLISTED)
    assert "222222222222" in violation.detail
    account = {"StringEquals": {"aws:SourceAccount": "222222222222"}}
    assert ALLOWLISTED in names(found(pack, bucket_policy("assets", cloudfront_read(account))))


def test_aws_cloudtrail_bucket_policy_example_passes(pack: PolicyPackAnalyzer) -> None:
    trail = "arn:aws:cloudtrail:us-east-1:999999999999:trail/management"
    policy = document(
        {
            "Sid": "AWSCloudTrailAclCheck20150319",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": "arn:aws:s3:::trail-logs",
            "Condition": {"StringEquals": {"aws:SourceArn": trail}},
        },
        {
            "Sid": "AWSCloudTrailWrite20150319",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": "arn:aws:s3:::trail-logs/AWSLogs/999999999999/*",
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail}},
        },
    )
    assert names(found(pack, bucket_policy("trail-logs", policy))) <= {"s3-bucket-tls-only"}


def test_aws_s3_event_notification_topic_example_passes(pack: PolicyPackAnalyzer) -> None:
    policy = document(
        {
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "SNS:Publish",
            "Resource": "arn:aws:sns:us-east-1:999999999999:uploads",
            "Condition": {
                "ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads-bucket"},
                "StringEquals": {"aws:SourceAccount": "999999999999"},
            },
        }
    )
    topic = resource("aws:sns/topicPolicy:TopicPolicy", "uploads", {"arn": "arn", "policy": policy})
    assert found(pack, topic) == []


def test_service_roles_trust_their_service_without_conditions(pack: PolicyPackAnalyzer) -> None:
    """AWS's own Lambda execution role trust: the trust is not a resource policy a deputy can be tricked by."""
    lambda_trust = document(
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    assert SOURCE not in names(found(pack, resource("aws:iam/role:Role", "fn", {"assumeRolePolicy": lambda_trust})))


def permission(**inputs: str) -> object:
    return resource(
        "aws:lambda/permission:Permission",
        "invoke",
        {"action": "lambda:InvokeFunction", "function": FUNCTION, **inputs},
    )


@pytest.mark.parametrize(
    ("inputs", "policy"),
    [
        ({"principal": "*"}, WILDCARD),
        ({"principal": "222222222222"}, ALLOWLISTED),
        ({"principal": "arn:aws:iam::222222222222:role/caller"}, ALLOWLISTED),
        ({"principal": "s3.amazonaws.com"}, SOURCE),
        ({"principal": "events.amazonaws.com"}, SOURCE),
        ({"principal": "s3.amazonaws.com", "sourceAccount": "222222222222"}, ALLOWLISTED),
    ],
)
def test_lambda_permissions_fire(pack: PolicyPackAnalyzer, inputs: dict, policy: str) -> None:
    (violation,) = only(found(pack, permission(**inputs)), policy)
    assert violation.enforcement_level == "mandatory" and "Permission (principal" in violation.detail


@pytest.mark.parametrize(
    "inputs",
    [
        {"principal": "s3.amazonaws.com", "sourceArn": "arn:aws:s3:::uploads-bucket", "sourceAccount": "999999999999"},
        {"principal": "events.amazonaws.com", "sourceArn": "arn:aws:events:us-east-1:999999999999:rule/nightly"},
        {"principal": "111111111111"},
        {"principal": "*", "principalOrgId": "o-a1b2c3d4e5"},
    ],
)
def test_lambda_permissions_pass(pack: PolicyPackAnalyzer, inputs: dict) -> None:
    assert found(pack, permission(**inputs)) == []


def test_ram_association_with_a_foreign_account_fires(pack: PolicyPackAnalyzer) -> None:
    def association(principal: str) -> object:
        return resource(
            "aws:ram/principalAssociation:PrincipalAssociation",
            "share",
            {"principal": principal, "resourceShareArn": "arn:aws:ram:us-east-1:999999999999:resource-share/x"},
        )

    assert ALLOWLISTED in names(found(pack, association("222222222222")))
    assert found(pack, association("111111111111")) == []
    assert found(pack, association("arn:aws:organizations::999999999999:organization/o-a1b2c3d4e5")) == []


def test_public_ami_fires(pack: PolicyPackAnalyzer) -> None:
    public = resource("aws:ec2/amiLaunchPermission:AmiLaunchPermission", "ami", {"imageId": "ami-1", "group": "all"})
    assert WILDCARD in names(found(pack, public))
    shared = resource(
        "aws:ec2/amiLaunchPermission:AmiLaunchPermission", "ami", {"imageId": "ami-1", "accountId": "111111111111"}
    )
    assert found(pack, shared) == []
