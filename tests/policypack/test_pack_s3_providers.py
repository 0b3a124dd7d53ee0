"""Rules on the bucket behind the role and on the providers that pick the account, through the analyzer protocol."""

from __future__ import annotations

import json

import pytest
from policypack_records import (
    BUCKET,
    PRODUCTION,
    TLS_ONLY,
    bucket_policy,
    document,
    found,
    names,
    only,
    provider,
    public_access_block,
    resource,
    tutorial_production,
)

from offline.analyzer import PolicyPackAnalyzer

TLS = "s3-bucket-tls-only"
BLOCKED = "s3-bucket-public-access-blocked"
PINNED = "aws-explicit-provider-pinned"
ACCOUNT_IDS = "aws-provider-allowed-account-ids"

READ_FROM_DEV = {
    "Sid": "DevRead",
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
    "Action": "s3:GetObject",
    "Resource": f"arn:aws:s3:::{BUCKET}/*",
}


def tls_deny(**changes: object) -> dict:
    return {**TLS_ONLY["Statement"][0], **changes}


def test_aws_tls_only_example_passes(pack: PolicyPackAnalyzer) -> None:
    assert TLS not in names(found(pack, bucket_policy(BUCKET, json.dumps(TLS_ONLY))))
    with_grant = document(READ_FROM_DEV, tls_deny())
    assert TLS not in names(found(pack, bucket_policy(BUCKET, with_grant)))


@pytest.mark.parametrize(
    "statements",
    [
        [READ_FROM_DEV],
        [tls_deny(Resource=f"arn:aws:s3:::{BUCKET}")],  # objects not covered
        [tls_deny(Resource=f"arn:aws:s3:::{BUCKET}/*")],  # bucket not covered
        [tls_deny(Resource=["arn:aws:s3:::otherbucket", "arn:aws:s3:::otherbucket/*"])],
        [tls_deny(Action="s3:GetObject")],  # only one action refused without TLS
        [tls_deny(Principal={"AWS": "arn:aws:iam::111111111111:root"})],  # only one account
        [tls_deny(Condition={"Bool": {"aws:SecureTransport": "true"}})],
        [tls_deny(Effect="Allow")],
    ],
)
def test_bucket_policy_without_tls_deny_fires(pack: PolicyPackAnalyzer, statements: list) -> None:
    (violation,) = only(found(pack, bucket_policy(BUCKET, document(*statements))), TLS)
    assert violation.enforcement_level == "advisory"
    assert '"aws:SecureTransport": "false"' in violation.detail and f"arn:aws:s3:::{BUCKET}/*" in violation.detail


def test_tls_deny_with_wider_patterns_passes(pack: PolicyPackAnalyzer) -> None:
    wide = document(
        tls_deny(
            Action="*",
            Principal={"AWS": "*"},
            Resource=["arn:aws:s3:::*"],
            Condition={"Bool": {"aws:SecureTransport": False}},
        )
    )
    assert TLS not in names(found(pack, bucket_policy(BUCKET, wide)))
    china = document(tls_deny(Resource=[f"arn:aws-cn:s3:::{BUCKET}", f"arn:aws-cn:s3:::{BUCKET}/*"]))
    assert TLS not in names(found(pack, bucket_policy(BUCKET, china)))


def test_inline_bucket_policy_is_checked(pack: PolicyPackAnalyzer) -> None:
    bucket = resource("aws:s3/bucket:Bucket", BUCKET, {"bucket": BUCKET, "policy": document(READ_FROM_DEV)})
    assert TLS in names(found(pack, bucket))
    assert TLS not in names(found(pack, resource("aws:s3/bucket:Bucket", BUCKET, {"bucket": BUCKET})))


def test_tutorial_bucket_is_blocked(pack: PolicyPackAnalyzer) -> None:
    assert only(pack.analyze_stack(tutorial_production()), BLOCKED) == []


def stack_without_block(*extra: object) -> list:
    return [r for r in tutorial_production() if "PublicAccessBlock" not in r.type] + list(extra)


def test_bucket_policy_without_block_fires(pack: PolicyPackAnalyzer) -> None:
    (violation,) = only(pack.analyze_stack(stack_without_block()), BLOCKED)
    assert violation.enforcement_level == "mandatory"
    assert violation.resource_type == "aws:s3/bucketPolicy:BucketPolicy" and violation.resource_name == BUCKET
    assert f'bucket "{BUCKET}" has a bucket policy but no BucketPublicAccessBlock' in violation.detail


def test_block_with_a_setting_off_fires(pack: PolicyPackAnalyzer) -> None:
    (violation,) = only(
        pack.analyze_stack(stack_without_block(public_access_block(BUCKET, blockPublicPolicy=False))), BLOCKED
    )
    assert "leaves blockPublicPolicy off" in violation.detail


def test_block_of_another_bucket_does_not_count(pack: PolicyPackAnalyzer) -> None:
    assert BLOCKED in names(pack.analyze_stack(stack_without_block(public_access_block("otherbucket"))))


def test_account_level_block_counts(pack: PolicyPackAnalyzer) -> None:
    settings = {
        flag: True for flag in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    }
    account = resource("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account", settings)
    assert BLOCKED not in names(pack.analyze_stack(stack_without_block(account)))


def test_unknown_bucket_names_match_through_the_bucket_resource(pack: PolicyPackAnalyzer) -> None:
    """During a preview a new bucket's name is unknown on both sides; both depend on the Bucket resource."""
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
    bucket = resource("aws:s3/bucket:Bucket", "app", {})
    policy = bucket_policy(unknown, json.dumps(TLS_ONLY), dependencies=[bucket.urn])
    block = public_access_block(unknown, dependencies=[bucket.urn])
    assert only(pack.analyze_stack([PRODUCTION, bucket, policy, block]), BLOCKED) == []
    assert BLOCKED in names(pack.analyze_stack([PRODUCTION, bucket, policy]))


def test_explicit_pinned_providers_pass(pack: PolicyPackAnalyzer) -> None:
    violations = pack.preview(tutorial_production())
    assert PINNED not in names(violations) and ACCOUNT_IDS not in names(violations)


def test_default_provider_fires(pack: PolicyPackAnalyzer) -> None:
    bucket = resource("aws:s3/bucket:Bucket", BUCKET, {"bucket": BUCKET}, on=None)
    (violation,) = only(found(pack, bucket), PINNED)
    assert violation.enforcement_level == "mandatory" and 'default AWS provider "default_7_51_1"' in violation.detail
    assert "allowed_account_ids" in violation.detail


def test_provider_without_allowed_accounts_fires(pack: PolicyPackAnalyzer) -> None:
    loose = provider("loose", None)
    empty = provider("empty", [])
    bucket = resource("aws:s3/bucket:Bucket", BUCKET, {"bucket": BUCKET}, on=loose)
    violations = only(pack.analyze_stack([PRODUCTION, loose, empty, bucket]), ACCOUNT_IDS)
    assert {violation.resource_name for violation in violations} == {"loose", "empty"}
    assert all(violation.enforcement_level == "mandatory" for violation in violations)


def test_default_provider_outside_the_request_is_still_checked(pack: PolicyPackAnalyzer) -> None:
    """A stack may reference the implicit default provider without listing it: the reference is checked."""
    bucket = resource("aws:s3/bucket:Bucket", BUCKET, {"bucket": BUCKET}, on=None)
    (violation,) = only(pack.analyze_stack([bucket]), ACCOUNT_IDS)
    assert violation.resource_name == "default_7_51_1" and violation.resource_type == "pulumi:providers:aws"


def test_allowed_accounts_as_a_list_are_read_too(pack: PolicyPackAnalyzer) -> None:
    listed = provider("listed", None, allowedAccountIds=["999999999999"])
    assert ACCOUNT_IDS not in names(pack.analyze_stack([listed]))
