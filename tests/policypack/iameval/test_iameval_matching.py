"""IAM wildcards: only `*` and `?`; actions ignore case, ARNs do not and are matched segment by segment."""

from __future__ import annotations

import pytest

from policypack.iameval.matching import ACCOUNT, ACTION, ARN, DIRECT, STRING, Principals, matcher, matches


@pytest.mark.parametrize(("pattern", "action", "expected"), [
    ("s3:GetObject", "s3:getobject", True),
    ("S3:GET*", "s3:GetObjectAcl", True),
    ("s3:?etObject", "s3:GetObject", True),
    ("s3:Get*", "s3:PutObject", False),
    ("*", "iam:CreateUser", True),
    ("iam:*", "sts:AssumeRole", False),
    ("s3:Get.bject", "s3:GetObject", False),  # `.` is literal
])
def test_actions_are_case_insensitive_wildcards(pattern: str, action: str, expected: bool):
    assert matches(pattern, action, ACTION) is expected


BUCKET = "arn:aws:s3:::productionapp"


@pytest.mark.parametrize(("pattern", "arn", "expected"), [
    (f"{BUCKET}/*", f"{BUCKET}/dir/file.txt", True),
    (f"{BUCKET}/*", f"{BUCKET}/key:with:colons", True),  # the sixth part holds colons; `*` there spans them
    (f"{BUCKET}/*", "arn:aws:s3:::ProductionApp/x", False),  # case-sensitive
    (f"{BUCKET}/*", BUCKET, False),
    (BUCKET, BUCKET, True),
    ("*", "anything at all", True),
    ("arn:aws:iam::*:role/UpdateApp", "arn:aws:iam::999999999999:role/UpdateApp", True),
    ("arn:aws:iam::*:role/UpdateApp", "arn:aws:iam::999999999999:role/updateapp", False),
    ("arn:aws:iam::99999999999?:role/x", "arn:aws:iam::999999999999:role/x", True),
    # `?` and a `*` inside a segment never cross a colon ...
    ("arn:aws:iam::9?9:role/x", "arn:aws:iam::9:9:role/x", False),
    ("arn:aws:s*3:::b", "arn:aws:s:3:::b", False),
    # ... but a `*` ending a segment "can expand to match beyond the colon boundaries" (AWS, Resource element)
    ("arn:aws:*", "arn:aws:s3:::bucket/key", True),
    ("arn:aws:s3:*", "arn:aws:s3:::bucket", True),
    # Nothing is a regular expression: every other character is itself.
    ("arn:aws:iam::111111111111:role/a{2}/x", "arn:aws:iam::111111111111:role/aa/x", False),
    ("arn:aws:iam::111111111111:role/a{2}/x", "arn:aws:iam::111111111111:role/a{2}/x", True),
    ("arn:aws:iam::111111111111:role/Deploy+Ops", "arn:aws:iam::111111111111:role/Deploy+Ops", True),
    ("arn:aws:iam::111111111111:role/Deploy+Ops", "arn:aws:iam::111111111111:role/DeployyOps", False),
    ("arn:aws:s3:::a.b", "arn:aws:s3:::axb", False),
    ("arn:aws:s3:::(a|b)", "arn:aws:s3:::a", False),
    ("arn:aws:s3:::[ab]", "arn:aws:s3:::a", False),
    ("arn:aws:s3:::x$", "arn:aws:s3:::x$", True),
    ("arn:aws:s3:::x\\d", "arn:aws:s3:::x1", False),
])
def test_arns_are_case_sensitive_and_matched_per_segment(pattern: str, arn: str, expected: bool):
    assert matches(pattern, arn, ARN) is expected


def test_string_wildcards_span_anything():
    assert matches("a*z", "a:/b:z", STRING)
    assert not matches("A*", "a", STRING)


def test_matcher_combines_literals_and_wildcards():
    test = matcher(["s3:GetObject", "s3:List*"], ACTION)
    assert test("s3:getobject") and test("s3:listbucket")
    assert not test("s3:putobject")
    assert matcher(["*", "s3:x"], ARN)("whatever")
    resources = matcher([BUCKET, f"{BUCKET}/*"], ARN)
    assert resources(BUCKET) and resources(f"{BUCKET}/k")
    assert not resources("arn:aws:s3:::other")


def test_many_stars_stay_fast_and_correct():
    assert matches("a" + "*" * 200 + "b", "a" + "x" * 1000 + "b", STRING)


DAVID = "arn:aws:iam::111111111111:user/David"


def test_principal_names_the_caller_directly_or_through_its_account():
    assert Principals([("AWS", [DAVID])]).admits(DAVID, "111111111111") == DIRECT
    assert Principals([("AWS", ["arn:aws:iam::111111111111:root"])]).admits(DAVID, "111111111111") == ACCOUNT
    assert Principals([("AWS", ["111111111111"])]).admits(DAVID, "111111111111") == ACCOUNT
    assert Principals([("AWS", ["111111111111"])]).admits("arn:aws:iam::111111111111:root", "111111111111") == DIRECT
    assert Principals([("*", ["*"])]).admits(DAVID, "111111111111") == DIRECT
    assert Principals([("AWS", ["*"])]).admits("*", "") == DIRECT
    assert Principals([("AWS", ["arn:aws:iam::222222222222:root"])]).admits(DAVID, "111111111111") is None
    assert Principals([("AWS", ["arn:aws:iam::111111111111:user/david"])]).admits(DAVID, "111111111111") is None
    assert Principals([("Service", ["ec2.amazonaws.com"])]).admits("service:ec2.amazonaws.com", "") == DIRECT
    assert Principals([("Service", ["ec2.amazonaws.com"])]).admits(DAVID, "111111111111") is None
    assert Principals([("Federated", ["accounts.google.com"])]).admits("federated:accounts.google.com", "") == DIRECT


def test_not_principal_exempts_only_a_principal_named_with_its_account():
    both = Principals([("AWS", [DAVID, "arn:aws:iam::111111111111:root"])])
    assert both.excludes(DAVID, "111111111111", has_boundary=False)
    assert not both.excludes(DAVID, "111111111111", has_boundary=True)
    assert not Principals([("AWS", [DAVID])]).excludes(DAVID, "111111111111", has_boundary=False)
    assert not Principals([("AWS", ["111111111111"])]).excludes(DAVID, "111111111111", has_boundary=False)
    assert Principals([("AWS", ["111111111111"])]).excludes(
        "arn:aws:iam::111111111111:root", "111111111111", has_boundary=False)
