"""The read-only policy verification needs (`access.documents.verification_read_policy`), judged by the IAM engine:
every call `verify` makes is allowed, nothing that writes or reads data is."""

from __future__ import annotations

import pytest

from access.documents import verification_read_policy
from policypack.iameval.evaluate import Caller, Request, evaluate
from policypack.iameval.policy import parse_policy

AUDITOR = "arn:aws:iam::999999999999:role/cross-account-access-auditor"
BUCKET = "arn:aws:s3:::productionapp"
# Each call verify makes (verify/live.py), with the IAM action AWS authorises it as.
CALLS = [
    ("iam:GetAccountAuthorizationDetails", "*"),
    ("iam:GetPolicy", "arn:aws:iam::aws:policy/PowerUserAccess"),
    ("iam:GetPolicyVersion", "arn:aws:iam::aws:policy/PowerUserAccess"),
    ("s3:GetBucketPolicy", BUCKET),
    ("s3:GetBucketPublicAccessBlock", BUCKET),
]
REFUSED = [
    ("iam:CreateUser", "arn:aws:iam::999999999999:user/x"),
    ("iam:CreatePolicyVersion", "arn:aws:iam::999999999999:policy/read-write-app-bucket"),
    ("iam:UpdateAssumeRolePolicy", "arn:aws:iam::999999999999:role/UpdateApp"),
    ("sts:AssumeRole", "arn:aws:iam::999999999999:role/UpdateApp"),
    ("s3:GetObject", f"{BUCKET}/data.csv"),
    ("s3:ListBucket", BUCKET),
    ("s3:PutBucketPolicy", BUCKET),
    ("s3:GetBucketPolicy", "arn:aws:s3:::another-bucket"),
]


def auditor(buckets: list[str]) -> Caller:
    return Caller(AUDITOR, (parse_policy("verification read", verification_read_policy(buckets)),))


@pytest.mark.parametrize(("action", "resource"), CALLS)
def test_every_call_verify_makes_is_allowed(action, resource):
    assert evaluate(auditor([BUCKET]), Request(action, resource)).allowed


@pytest.mark.parametrize(("action", "resource"), REFUSED)
def test_nothing_that_writes_reads_data_or_reaches_other_buckets_is(action, resource):
    assert not evaluate(auditor([BUCKET]), Request(action, resource)).allowed


def test_without_buckets_only_iam_is_read():
    policy = verification_read_policy([])
    assert [s["Sid"] for s in policy["Statement"]] == ["ReadIam"]
    assert not evaluate(auditor([]), Request("s3:GetBucketPolicy", BUCKET)).allowed
