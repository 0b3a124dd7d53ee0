"""The pure helpers: every shape AWS accepts reads the same; sizes, depths and principals AWS refuses are noted."""

from __future__ import annotations

import json

import pytest
from guardrails.documents import (
    UNKNOWN_VALUES,
    SizeLimit,
    action_matches,
    arn_matches,
    is_unknown,
    measure,
    parse_document,
    principal_account,
)
from policypack_records import READ_WRITE_APP_BUCKET, TLS_ONLY, TUTORIAL_TRUST, group_policy

UNKNOWN = next(iter(UNKNOWN_VALUES))


def test_text_and_object_documents_read_the_same() -> None:
    assert parse_document(json.dumps(READ_WRITE_APP_BUCKET)) == parse_document(READ_WRITE_APP_BUCKET)


def test_single_statement_object_and_string_elements_are_lists() -> None:
    (statement,) = parse_document(group_policy("Allow")).statements
    assert statement.actions == ("sts:AssumeRole",)
    assert statement.resources == ("arn:aws:iam::999999999999:role/UpdateApp",)
    assert statement.label == "Statement[0]"


def test_principal_forms() -> None:
    everyone = parse_document(TLS_ONLY).statements[0]
    assert everyone.principals == (("*", "*"),) and everyone.names_everyone()
    listed = parse_document(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Principal": {"AWS": ["111111111111", "*"], "Service": "x.amazonaws.com"},
            },
        }
    ).statements[0]
    assert listed.aws_principals() == ("111111111111", "*") and listed.names_everyone()
    assert parse_document(TUTORIAL_TRUST).statements[0].names_everyone() is False


def test_sid_names_the_statement() -> None:
    assert parse_document(TLS_ONLY).statements[0].label == 'statement "RestrictToTLSRequestsOnly"'


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("sts:AssumeRole", "STS:assumerole", True),
        ("sts:*", "sts:AssumeRole", True),
        ("sts:Assume*", "sts:AssumeRole", True),
        ("*", "sts:AssumeRole", True),
        ("sts:Assume?ole", "sts:AssumeRole", True),
        ("sts:AssumeRoleWith*", "sts:AssumeRole", False),
        ("s3:*", "sts:AssumeRole", False),
        ("s3:[Gg]et*", "s3:GetObject", False),  # brackets are literal in IAM, unlike fnmatch
    ],
)
def test_action_matching_is_case_insensitive_glob(pattern: str, action: str, expected: bool) -> None:
    assert action_matches(pattern, action) is expected


def test_arn_matching_is_case_sensitive() -> None:
    assert arn_matches("arn:aws:s3:::productionapp/*", "arn:aws:s3:::productionapp/*")
    assert not arn_matches("arn:aws:s3:::ProductionApp/*", "arn:aws:s3:::productionapp/x")


@pytest.mark.parametrize(
    ("principal", "account"),
    [
        ("111111111111", "111111111111"),
        ("arn:aws:iam::111111111111:root", "111111111111"),
        ("arn:aws:iam::111111111111:role/path/Name", "111111111111"),
        ("arn:aws:sts::111111111111:assumed-role/Name/session", "111111111111"),
        ("arn:aws:iam::*:root", "*"),
        ("ec2.amazonaws.com", None),
    ],
)
def test_principal_account(principal: str, account: str | None) -> None:
    assert principal_account(principal) == account


def test_problems_aws_would_reject() -> None:
    document = parse_document(
        {"Version": "2012-10-18", "Statement": [{"Effect": "allow", "Actions": "s3:GetObject", "Resource": "*"}]}
    )
    assert any("2012-10-17" in problem for problem in document.problems)
    (statement,) = document.statements
    assert any("Effect" in problem for problem in statement.problems)
    assert any("Actions" in problem for problem in statement.problems)
    assert any("Action or NotAction" in problem for problem in statement.problems)
    assert parse_document("{not json").problems[0].startswith("the document is not valid JSON")


def test_unknowns_are_recognised_inside_strings() -> None:
    assert is_unknown(UNKNOWN) and is_unknown(f"arn:aws:s3:::{UNKNOWN}/*") and not is_unknown("arn:aws:s3:::b")
    document = parse_document(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{UNKNOWN}/*"},
        }
    )
    assert document.has_unknowns and not document.problems


def test_a_document_over_its_limit_is_measured_not_parsed() -> None:
    limit = SizeLimit(6_144, "a managed policy")
    huge = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:" + "x" * 5_000_000}]})
    document = parse_document(huge, limit)
    assert document.oversized and document.statements == ()
    (problem,) = document.problems
    assert problem == (
        "the document is 5,000,072 characters (whitespace not counted); AWS accepts at most 6,144 in a managed policy"
    )


def test_iam_does_not_count_whitespace_but_s3_counts_bytes() -> None:
    padded = json.dumps(READ_WRITE_APP_BUCKET, indent=40)
    compact_size = len(json.dumps(READ_WRITE_APP_BUCKET, separators=(",", ":")))
    assert measure(padded, SizeLimit(6_144, "x")) == compact_size
    assert measure(padded, SizeLimit(20_480, "x", counts_whitespace=True)) == len(padded.encode())


def test_deep_json_is_a_problem_not_a_crash() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    assert "nested too deeply" in parse_document(deep).problems[0]


@pytest.mark.parametrize(
    ("principal", "problem"),
    [
        ("arn:aws:iam::111111111111:role/*", "holds a wildcard"),
        ("arn:aws:iam::11111111111:root", "account IDs have exactly 12 digits"),
        ("11111111111", "account IDs have exactly 12 digits"),
        ("developers", "neither an account ID nor an IAM ARN"),
    ],
)
def test_principals_iam_refuses(principal: str, problem: str) -> None:
    (statement,) = parse_document(
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "s3:*"}}
    ).statements
    assert any(problem in found for found in statement.problems), statement.problems


@pytest.mark.parametrize(
    "principal",
    [
        "*",
        "111111111111",
        "arn:aws:iam::111111111111:root",
        "arn:aws:sts::111111111111:assumed-role/Admin/me",
        "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity EH1HDMB1FH2TC",
        "AROAEXAMPLEID1234567",
    ],
)
def test_principals_iam_accepts(principal: str) -> None:
    (statement,) = parse_document(
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "s3:*"}}
    ).statements
    assert statement.problems == ()


@pytest.mark.parametrize(
    ("operator", "known"),
    [("StringEquals", True), ("ForAnyValue:StringLikeIfExists", True), ("Null", True), ("StringEqualz", False),
     ("NullIfExists", False)],
)
def test_condition_operators(operator: str, known: bool) -> None:
    statement = {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {operator: {"aws:x": "y"}}}
    (parsed,) = parse_document({"Version": "2012-10-17", "Statement": statement}).statements
    assert (parsed.problems == ()) is known


def test_old_version_is_only_a_problem_with_policy_variables() -> None:
    plain_old = {"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}
    assert parse_document(plain_old).problems == ()
    with_variable = {**plain_old, "Statement": {**plain_old["Statement"], "Resource": "arn:aws:s3:::b/${aws:username}"}}
    assert "read literally" in parse_document(with_variable).problems[0]
    assert "AWS only knows" in parse_document({**plain_old, "Version": "2020-01-01"}).problems[0]
