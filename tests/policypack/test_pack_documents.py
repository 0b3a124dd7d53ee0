"""The pure helpers: every shape AWS accepts reads the same, and parliament only reports what will not work."""

from __future__ import annotations

import json

import parliament
import pytest
from guardrails.documents import (
    UNKNOWN_VALUES,
    action_matches,
    arn_matches,
    is_unknown,
    parse_document,
    principal_account,
)
from guardrails.iam_lint import _indexed_privilege_info, lint
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
        {"Version": "2008-10-17", "Statement": [{"Effect": "allow", "Actions": "s3:GetObject", "Resource": "*"}]}
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


def _lint(*statements: dict) -> list[str]:
    document = parse_document({"Version": "2012-10-17", "Statement": list(statements)})
    return [finding.message for finding in lint(document.parliament_text())]


def test_tutorial_documents_lint_clean() -> None:
    assert _lint(*READ_WRITE_APP_BUCKET["Statement"]) == []
    assert _lint(group_policy("Allow")["Statement"]) == []
    assert _lint(*TLS_ONLY["Statement"]) == []


def test_lint_keeps_what_will_not_work() -> None:
    (unknown_action,) = _lint({"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "arn:aws:s3:::b/*"})
    assert "Unknown action s3:GetObjects" in unknown_action
    (unknown_prefix,) = _lint({"Effect": "Allow", "Action": "s4:GetObject", "Resource": "*"})
    assert "Unknown prefix s4" in unknown_prefix
    (bad_arn,) = _lint({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3::b/*"})
    assert 'resource "arn:aws:s3::b/*" is not a valid ARN' in bad_arn
    (mismatch,) = _lint({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b"})
    assert "s3:GetObject (needs a resource like arn:*:s3:::*/*)" in mismatch


def test_lint_drops_what_is_only_style() -> None:
    # parliament flags these (RESOURCE_MISMATCH for s3:*, RESOURCE_STAR, MISMATCHED_TYPE_BUT_USABLE), AWS accepts them.
    assert _lint({"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}) == []
    assert _lint({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}) == []
    assert (
        _lint(
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:111111111111:t"}},
            }
        )
        == []
    )


def test_lint_accepts_configured_extra_actions() -> None:
    text = parse_document(
        {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "newsvc:DoThing", "Resource": "*"}}
    ).parliament_text()
    assert lint(text) and lint(text, ("newsvc:*",)) == ()


def test_privilege_index_answers_like_parliament() -> None:
    """The dictionary replacing parliament's linear scan returns what the scan returns: the first service's entry."""
    for service in parliament.iam_definition[::20]:
        for privilege in service["privileges"][:3]:
            scanned = next(
                p
                for s in parliament.iam_definition
                if s["prefix"] == service["prefix"]
                for p in s["privileges"]
                if p["privilege"] == privilege["privilege"]
            )
            assert _indexed_privilege_info(service["prefix"], privilege["privilege"]) is scanned
    with pytest.raises(parliament.UnknownActionException):
        _indexed_privilege_info("s3", "GetObjects")
