"""The documents are the tutorial's, to the statement; options add exactly the conditions AWS documents."""

from __future__ import annotations

import json
from dataclasses import replace

from access import documents
from access.model import AccessModel

ROLE_ARN = "arn:aws:iam::999999999999:role/UpdateApp"


def test_trust_policy_names_the_development_account(tutorial: AccessModel) -> None:
    assert documents.trust_policy(tutorial, tutorial.role("UpdateApp")) == {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
            "Action": "sts:AssumeRole",
        }],
    }


def test_read_write_app_bucket_is_the_tutorial_policy(tutorial: AccessModel) -> None:
    assert documents.bucket_access_policy(tutorial, tutorial.role("UpdateApp")) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
             "Resource": "arn:aws:s3:::productionapp"},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
             "Resource": "arn:aws:s3:::productionapp/*"},
        ],
    }


def test_read_only_grant_cannot_write(tutorial: AccessModel) -> None:
    role = tutorial.role("UpdateApp")
    read_only = replace(role, grants=(replace(role.grants[0], access=documents.BucketAccess.READ_ONLY),))
    statements = documents.bucket_access_policy(tutorial, read_only)["Statement"]
    assert statements[2] == {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::productionapp/*"}


def test_group_policies_allow_and_deny_the_role() -> None:
    allow = documents.group_assume_policy(ROLE_ARN, allow=True)
    deny = documents.group_assume_policy(ROLE_ARN, allow=False)
    assert allow == {"Version": "2012-10-17",
                     "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE_ARN}}
    assert deny["Statement"] == {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": ROLE_ARN}


def test_group_policy_names_are_the_tutorials(tutorial: AccessModel) -> None:
    role = tutorial.role("UpdateApp")
    assert documents.group_policy_name(role, allow=True) == "allow-assume-S3-role-in-production"
    assert documents.group_policy_name(role, allow=False) == "deny-assume-S3-role-in-production"


def test_mfa_and_external_id_become_trust_conditions(tutorial: AccessModel) -> None:
    role = replace(tutorial.role("UpdateApp"), require_mfa=True, mfa_max_age_seconds=3600,
                   trust_actions=("sts:AssumeRole", "sts:TagSession"))
    statement = documents.trust_policy(tutorial, role, external_id="Ex-42")["Statement"][0]
    assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    assert statement["Condition"] == {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
        "StringEquals": {"sts:ExternalId": "Ex-42"},
    }


def test_bucket_policy_denies_plain_http_and_grants_nothing() -> None:
    policy = documents.bucket_policy("arn:aws:s3:::productionapp")
    assert [s["Effect"] for s in policy["Statement"]] == ["Deny"]
    statement = policy["Statement"][0]
    assert statement["Resource"] == ["arn:aws:s3:::productionapp", "arn:aws:s3:::productionapp/*"]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_serialisation_is_deterministic_and_round_trips(tutorial: AccessModel) -> None:
    role = tutorial.role("UpdateApp")
    first = documents.to_json(documents.bucket_access_policy(tutorial, role))
    assert first == documents.to_json(documents.bucket_access_policy(tutorial, role))
    assert first.index('"Version"') < first.index('"Statement"')
    assert json.loads(first) == documents.bucket_access_policy(tutorial, role)
