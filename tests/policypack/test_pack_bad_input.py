"""Bad input through the analyzer protocol: documents over AWS's size limits get one clear mandatory diagnostic,
echoed values are bounded, diagnostics per resource are capped with a count, deep or empty documents are
diagnosed instead of failing the call."""

from __future__ import annotations

import json

import pytest
from policypack_records import bucket_policy, found, managed_policy, names, only, resource, role, trust

from offline.analyzer import PolicyConfig, PolicyPackAnalyzer, Violation

VALID = "iam-policy-document-valid"
WILDCARD = "iam-no-wildcard-principals"


def sized(chars: int, **statement: object) -> str:
    """A compact valid identity document of exactly `chars` characters (a Sid pads it)."""
    body = {"Sid": "", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", **statement}
    empty = json.dumps({"Version": "2012-10-17", "Statement": [body]}, separators=(",", ":"))
    body["Sid"] = "A" * (chars - len(empty))
    text = json.dumps({"Version": "2012-10-17", "Statement": [body]}, separators=(",", ":"))
    assert len(text) == chars
    return text


def one_diagnostic(violations: list[Violation]) -> Violation:
    (violation,) = violations
    assert violation.policy_name == VALID and violation.enforcement_level == "mandatory"
    assert len(violation.detail) < 300
    return violation


def test_a_5_mb_policy_gets_one_short_diagnostic(pack: PolicyPackAnalyzer) -> None:
    violation = one_diagnostic(found(pack, managed_policy("huge", sized(5_000_000))))
    assert violation.detail == (
        "policy: the document is 5,000,000 characters (whitespace not counted); AWS accepts at most 6,144 in a "
        "managed policy."
    )


def test_a_5_mb_action_string_is_measured_not_echoed(pack: PolicyPackAnalyzer) -> None:
    action = "s3:" + "G" * 5_000_000
    text = json.dumps({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": action, "Resource": "*"}})
    one_diagnostic(found(pack, resource("aws:iam/rolePolicy:RolePolicy", "r", {"role": "R", "policy": text})))


def test_40000_identical_statements_give_one_diagnostic(pack: PolicyPackAnalyzer) -> None:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement] * 40_000})
    assert "20,480 in a bucket policy" in one_diagnostic(found(pack, bucket_policy("b", text))).detail


@pytest.mark.parametrize(
    ("type_", "limit"),
    [
        ("aws:iam/policy:Policy", 6_144),
        ("aws:iam/rolePolicy:RolePolicy", 10_240),
        ("aws:iam/groupPolicy:GroupPolicy", 5_120),
        ("aws:iam/userPolicy:UserPolicy", 2_048),
    ],
)
def test_identity_policy_limits(pack: PolicyPackAnalyzer, type_: str, limit: int) -> None:
    assert VALID not in names(found(pack, resource(type_, "p", {"policy": sized(limit)})))
    assert (
        f"at most {limit:,}"
        in one_diagnostic(
            [v for v in found(pack, resource(type_, "p", {"policy": sized(limit + 1)})) if v.policy_name == VALID]
        ).detail
    )


def test_whitespace_does_not_count_for_iam(pack: PolicyPackAnalyzer) -> None:
    padded = json.dumps(json.loads(sized(6_144)), indent=8)
    assert len(padded) > 6_144 and VALID not in names(found(pack, managed_policy("p", padded)))


def test_bucket_policies_count_bytes_up_to_20_kb(pack: PolicyPackAnalyzer) -> None:
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement] * 250}, indent=4)
    assert len(text) > 20_480
    one_diagnostic([v for v in found(pack, bucket_policy("b", text)) if v.policy_name == VALID])


def trust_of(chars: int) -> str:
    """A trust policy of `chars` characters (the padding Sid makes it an invalid-free trust of that size)."""
    text = trust({"AWS": "arn:aws:iam::111111111111:root"}, Sid="")
    compact = json.dumps(json.loads(text), separators=(",", ":"))
    return compact.replace('"Sid":""', f'"Sid":"{"A" * (chars - len(compact))}"')


def test_trust_policy_quota_is_configurable_up_to_4096(pack_process: PolicyPackAnalyzer) -> None:
    pack_process.configure({})
    assert VALID not in names(found(pack_process, role("R", trust_of(2_048))))
    (violation,) = only(found(pack_process, role("R", trust_of(2_049))), VALID)
    assert "quota is 2,048" in violation.detail
    pack_process.configure({VALID: PolicyConfig(properties={"trustPolicyMaxChars": 4_096})})
    assert VALID not in names(found(pack_process, role("R", trust_of(4_096))))
    (violation,) = only(found(pack_process, role("R", trust_of(4_097))), VALID)
    assert "AWS accepts at most 4,096" in violation.detail


def test_echoed_values_are_truncated(pack: PolicyPackAnalyzer) -> None:
    action = "s3:Get" + "x" * 300
    (violation,) = only(found(pack, managed_policy("p", sized(2_000, Action=action))), VALID)
    assert '..."' in violation.detail and action not in violation.detail and len(violation.detail) < 400


def test_diagnostics_per_resource_are_capped_with_a_count(pack: PolicyPackAnalyzer) -> None:
    statements = [
        {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": f"arn:aws:sqs:::q{index}"}
        for index in range(300)
    ]
    queue = resource(
        "aws:sqs/queuePolicy:QueuePolicy",
        "q",
        {"queueUrl": "https://q", "policy": json.dumps({"Version": "2012-10-17", "Statement": statements})},
    )
    violations = only(found(pack, queue), WILDCARD)
    assert len(violations) == 21 and violations[-1].detail == "...and 280 more like these."


@pytest.mark.parametrize(("holder", "depth"), [(managed_policy, 3_000), (bucket_policy, 10_000)])
def test_very_deep_json_is_diagnosed(pack: PolicyPackAnalyzer, holder: object, depth: int) -> None:
    deep = "[" * depth + "]" * depth
    violation = one_diagnostic(found(pack, holder("deep", deep)))  # type: ignore[operator]
    assert "nested too deeply" in violation.detail
    assert found(pack, managed_policy("after", sized(500))) == []  # the pack still answers


@pytest.mark.parametrize("empty", ["", "   "])
def test_an_empty_trust_policy_is_diagnosed(pack: PolicyPackAnalyzer, empty: str) -> None:
    (violation,) = only(found(pack, role("R", empty)), VALID)
    assert violation.enforcement_level == "mandatory"
    assert "assumeRolePolicy is empty: it must be a document saying who may assume the role" in violation.detail


def test_every_quoted_value_is_bounded(pack: PolicyPackAnalyzer) -> None:
    long = "x" * 10_000
    statement = {"Sid": long, "Effect": "Allow", "Principal": {long: "*"}, "Action": "sts:AssumeRole"}
    violations = found(pack, role("R", json.dumps({"Version": "2012-10-17", "Statement": [statement]})))
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{**statement, "Principal": "*", "Action": "s3:*"}]})
    violations += found(pack, bucket_policy(long[:19_000], policy))
    assert violations and all(len(violation.detail) < 1_000 for violation in violations)
