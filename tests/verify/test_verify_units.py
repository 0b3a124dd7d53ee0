"""The pure parts of verification: semantic comparison of documents, pagination of IAM's snapshot, absent
bucket guards as states, and messages that never carry an access key."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from access.model import Account
from verify.credentials import AccountSession
from verify.drift import document_difference
from verify.errors import CannotVerifyError, redact, refusing
from verify.live import read_account
from verify.normalise import normalise
from verify.report import reads_as

TRUST = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Dev", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
     "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}


@pytest.mark.parametrize("same", [
    {"Statement": {"Effect": "Allow", "Principal": {"AWS": ["111111111111"]}, "Action": ["STS:assumerole"],
                   "Condition": {"Bool": {"aws:multifactorauthpresent": True}}}, "Version": "2012-10-17"},
    {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole",
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}}}]},
], ids=["reshaped", "without-sid"])
def test_what_does_not_change_the_meaning_compares_equal(same):
    assert normalise(same) == normalise(TRUST)


@pytest.mark.parametrize("change", [
    lambda d: d.update(Version="2008-10-17"),
    lambda d: d["Statement"][0].update(Effect="Deny"),
    lambda d: d["Statement"][0].update(Principal={"AWS": "*"}),
    lambda d: d["Statement"][0].update(Principal={"AWS": "arn:aws:iam::111111111111:role/Root"}),
    lambda d: d["Statement"][0]["Condition"]["Bool"].update({"aws:MultiFactorAuthPresent": "false"}),
    lambda d: d["Statement"][0].pop("Condition"),
    lambda d: d.pop("Version"),  # IAM reads a document without Version as 2008-10-17
], ids=["version", "effect", "principal", "principal-a-role-not-the-account", "condition-value", "no-condition",
        "no-version"])
def test_what_changes_the_meaning_does_not(change):
    changed = {"Version": TRUST["Version"], "Statement": [dict(TRUST["Statement"][0], Condition={
        "Bool": dict(TRUST["Statement"][0]["Condition"]["Bool"])})]}
    change(changed)
    assert normalise(changed) != normalise(TRUST)


def test_external_ids_are_masked_only_when_asked():
    with_id = {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                              "Condition": {"StringEquals": {"sts:ExternalId": "secret-1"}}}]}
    other = {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"sts:externalid": "secret-2"}}}]}
    assert normalise(with_id) != normalise(other)
    assert normalise(with_id, mask_external_id=True) == normalise(other, mask_external_id=True)
    assert "secret" not in document_difference(with_id, {**other, "Version": "2012-10-17"})


def test_a_difference_names_the_statements_in_their_own_words():
    wide = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    narrow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    assert document_difference(narrow, wide) == (
        'live only: {"Action":["s3:*"],"Effect":"Allow","Resource":["*"]}; the program\'s, not live: '
        '{"Action":["s3:GetObject"],"Effect":"Allow","Resource":["*"]}')


def session(iam: object, s3: object) -> AccountSession:
    """An account session whose clients are the stubbed ones."""
    clients = {"iam": iam, "s3": s3}

    class Stubbed(AccountSession):
        def client(self, service: str) -> object:  # type: ignore[override]
            return clients[service]

    return Stubbed("prod", Account("production", "999999999999", "us-east-1"), boto3.Session(),
                   "arn:aws:iam::999999999999:user/auditor")


def client(service: str) -> object:
    return boto3.Session(aws_access_key_id="a", aws_secret_access_key="b", region_name="us-east-1").client(service)


def user(name: str, groups: list[str], attached: list[str] = ()) -> dict:
    return {"UserName": name, "Arn": f"arn:aws:iam::999999999999:user/{name}", "GroupList": groups,
            "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[1], "PolicyArn": a} for a in attached],
            "Path": "/", "UserId": "AIDA" + name.upper().ljust(17, "X"), "CreateDate": "2026-01-01T00:00:00Z"}


def test_every_page_of_the_snapshot_is_read_and_only_attached_aws_managed_policies_are_fetched():
    iam, s3 = client("iam"), client("s3")
    filters = {"Filter": ["User", "Group", "Role", "LocalManagedPolicy"]}
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
    with Stubber(iam) as iam_stub, Stubber(s3) as s3_stub:
        iam_stub.add_response("get_account_authorization_details", {
            "UserDetailList": [user("David", ["Developers"])], "IsTruncated": True, "Marker": "page-2"}, filters)
        iam_stub.add_response("get_account_authorization_details", {
            "UserDetailList": [user("Admin", [], [admin])], "IsTruncated": False}, {**filters, "Marker": "page-2"})
        iam_stub.add_response("get_policy", {"Policy": {"PolicyName": "AdministratorAccess", "Arn": admin,
                                                        "DefaultVersionId": "v3"}}, {"PolicyArn": admin})
        iam_stub.add_response("get_policy_version", {"PolicyVersion": {"Document": document, "VersionId": "v3",
                                                                       "IsDefaultVersion": True}},
                              {"PolicyArn": admin, "VersionId": "v3"})
        for operation, code in (("get_bucket_policy", "NoSuchBucketPolicy"),
                                ("get_public_access_block", "NoSuchPublicAccessBlockConfiguration")):
            s3_stub.add_client_error(operation, code, expected_params={"Bucket": "productionapp"})
        s3_stub.add_client_error("get_bucket_policy", "NoSuchBucket", expected_params={"Bucket": "gone"})

        live = read_account(session(iam, s3), ["productionapp", "gone"])

        iam_stub.assert_no_pending_responses()
    assert sorted(live.users) == ["Admin", "David"]
    assert live.policies[admin].document["Statement"][0]["Action"] == "*"
    assert live.buckets["productionapp"].exists and live.buckets["productionapp"].policy is None
    assert live.buckets["productionapp"].public_access_block is None
    assert not live.buckets["gone"].exists


def test_a_refused_read_is_one_line_naming_the_call():
    iam, s3 = client("iam"), client("s3")
    with Stubber(iam) as stub, pytest.raises(CannotVerifyError) as refused:
        stub.add_client_error("get_account_authorization_details", "AccessDenied", "not authorized")
        read_account(session(iam, s3), [])
    assert str(refused.value) == ("stack prod: reading account production (999999999999) as "
                                  "arn:aws:iam::999999999999:user/auditor: iam:GetAccountAuthorizationDetails: "
                                  "AccessDenied: not authorized")


def test_access_key_ids_never_reach_a_message():
    with pytest.raises(CannotVerifyError) as refused, refusing("stack prod"):
        raise ValueError("The access key AKIAIOSFODNN7EXAMPLE is\nnot valid")
    assert str(refused.value) == "stack prod: The access key [access key] is not valid"
    assert redact("x" * 500).endswith("...") and len(redact("x" * 500)) == 300


@pytest.mark.parametrize(("caller", "principal", "expected"), [
    ("arn:aws:iam::111111111111:user/admin", "arn:aws:iam::111111111111:user/admin", True),
    ("arn:aws:iam::111111111111:user/admin", "arn:aws:iam::111111111111:user/administrator", False),
    ("arn:aws:sts::111111111111:assumed-role/auditor/ci", "arn:aws:iam::111111111111:role/ops/auditor", True),
    ("arn:aws:sts::111111111111:assumed-role/auditor/ci", "arn:aws:iam::222222222222:role/auditor", False),
    ("arn:aws:sts::111111111111:assumed-role/auditor/ci", "arn:aws:iam::111111111111:role/not-auditor", False),
    ("arn:aws:sts::111111111111:assumed-role/auditor/ci", "arn:aws:iam::111111111111:user/auditor", False),
])
def test_the_reading_identity_is_recognised_as_its_user_or_role(caller, principal, expected):
    assert reads_as(caller, principal) is expected
