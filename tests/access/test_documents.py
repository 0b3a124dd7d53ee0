"""The documents are the tutorial's, to the statement; options add exactly the conditions AWS documents.

The functions take flat values (principal ARNs, actions, bucket ARNs), so these tests need no model.
"""

from __future__ import annotations

import json

import pytest

from access import documents
from access.documents import BucketAccess

ROLE_ARN = "arn:aws:iam::999999999999:role/UpdateApp"
DEVELOPMENT = documents.account_root_arn("111111111111")
PRODUCTIONAPP = documents.bucket_arn("productionapp")


def test_trust_policy_names_the_development_account() -> None:
    assert documents.trust_policy([DEVELOPMENT]) == {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
            "Action": "sts:AssumeRole",
        }],
    }


def test_read_write_app_bucket_is_the_tutorial_policy() -> None:
    assert documents.bucket_access_policy([(PRODUCTIONAPP, BucketAccess.READ_WRITE)]) == {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
            {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
             "Resource": "arn:aws:s3:::productionapp"},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
             "Resource": "arn:aws:s3:::productionapp/*"},
        ],
    }


def test_read_only_grant_cannot_write() -> None:
    statements = documents.bucket_access_policy([(PRODUCTIONAPP, BucketAccess.READ_ONLY)])["Statement"]
    assert statements[2] == {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::productionapp/*"}


def test_access_levels_map_to_actions_for_the_intent() -> None:
    """`access.intent` reads what each level may do from here: one mapping, both levels, objects and bucket."""
    assert set(documents.BUCKET_ACTIONS) == set(documents.OBJECT_ACTIONS) == set(BucketAccess)
    assert "s3:PutObject" not in documents.OBJECT_ACTIONS[BucketAccess.READ_ONLY]


def test_group_policies_allow_and_deny_the_role() -> None:
    allow = documents.group_assume_policy(ROLE_ARN, allow=True)
    deny = documents.group_assume_policy(ROLE_ARN, allow=False)
    assert allow == {"Version": "2012-10-17",
                     "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE_ARN}}
    assert deny["Statement"] == {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": ROLE_ARN}


def test_group_policy_names_are_the_tutorials() -> None:
    assert documents.group_policy_name("S3-role-in-production", allow=True) == "allow-assume-S3-role-in-production"
    assert documents.group_policy_name("S3-role-in-production", allow=False) == "deny-assume-S3-role-in-production"


def test_mfa_and_external_id_become_trust_conditions() -> None:
    statement = documents.trust_policy([DEVELOPMENT], ["sts:AssumeRole", "sts:TagSession"], require_mfa=True,
                                       mfa_max_age_seconds=3600, external_id="Ex-42")["Statement"][0]
    assert statement["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    assert statement["Condition"] == {
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
        "StringEquals": {"sts:ExternalId": "Ex-42"},
    }


def test_extra_trust_conditions_join_the_statement() -> None:
    statement = documents.trust_policy(
        [DEVELOPMENT, "arn:aws:iam::222222222222:role/Ci"], external_id="Ex-42",
        conditions={"StringEquals": {"aws:PrincipalOrgID": "o-abc123"},
                    "StringLike": {"sts:RoleSessionName": ["${aws:username}", "ci-*"]},
                    "Null": {"sts:SourceIdentity": "false"}})["Statement"][0]
    assert statement["Principal"] == {"AWS": [DEVELOPMENT, "arn:aws:iam::222222222222:role/Ci"]}
    assert statement["Condition"] == {
        "StringEquals": {"sts:ExternalId": "Ex-42", "aws:PrincipalOrgID": "o-abc123"},
        "StringLike": {"sts:RoleSessionName": ["${aws:username}", "ci-*"]},
        "Null": {"sts:SourceIdentity": "false"},
    }


@pytest.mark.parametrize(("arguments", "message"), [
    ({"principal_arns": []}, "at least one trusted account or principal ARN"),
    ({"principal_arns": [DEVELOPMENT], "mfa_max_age_seconds": 900}, "needs require_mfa"),
    ({"principal_arns": [DEVELOPMENT], "external_id": "Ex-42",
      "conditions": {"StringEquals": {"sts:ExternalId": "other"}}}, "StringEquals sts:ExternalId is already set"),
])
def test_trust_policies_that_would_mislead_are_refused(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        documents.trust_policy(**arguments)


def test_bucket_policy_denies_plain_http_and_grants_nothing() -> None:
    policy = documents.bucket_policy(PRODUCTIONAPP)
    assert [s["Effect"] for s in policy["Statement"]] == ["Deny"]
    statement = policy["Statement"][0]
    assert statement["Resource"] == ["arn:aws:s3:::productionapp", "arn:aws:s3:::productionapp/*"]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_serialisation_is_deterministic_and_round_trips() -> None:
    grants = [(PRODUCTIONAPP, BucketAccess.READ_WRITE)]
    first = documents.to_json(documents.bucket_access_policy(grants))
    assert first == documents.to_json(documents.bucket_access_policy(grants))
    assert first.index('"Version"') < first.index('"Statement"')
    assert json.loads(first) == documents.bucket_access_policy(grants)
