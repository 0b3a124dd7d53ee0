"""Each condition operator with values that must match and values that must not, malformed ones included."""

from __future__ import annotations

import pytest

from policypack.iameval.conditions import ConditionError, ConditionTest, check_operator

KEY = "aws:SomeKey"


def holds(operator: str, policy_values: list[str], context: dict[str, tuple[str, ...]] | None,
          version: str = "2012-10-17") -> bool:
    """The condition `{operator: {KEY: policy_values}}` against a request holding `context` (lower-cased keys)."""
    keys = {k.lower(): v for k, v in (context or {}).items()}
    return ConditionTest(operator, KEY, policy_values, version)(keys.get)


def request(*values: str) -> dict[str, tuple[str, ...]]:
    return {KEY: values}


# (operator, policy values, request value, expected)
CASES = [
    ("StringEquals", ["Dev"], "Dev", True),
    ("StringEquals", ["Dev"], "dev", False),
    ("StringEquals", ["a", "b"], "b", True),  # several values: OR
    ("StringEquals", ["a*"], "abc", False),  # no wildcards in StringEquals
    ("StringNotEquals", ["Dev"], "Prod", True),
    ("StringNotEquals", ["Dev", "Prod"], "Prod", False),  # negated with several values: NOR
    ("StringEqualsIgnoreCase", ["DEV"], "dev", True),
    ("StringEqualsIgnoreCase", ["DEV"], "prod", False),
    ("StringNotEqualsIgnoreCase", ["DEV"], "dev", False),
    ("StringNotEqualsIgnoreCase", ["DEV"], "prod", True),
    ("StringLike", ["home/*"], "home/David/x", True),
    ("StringLike", ["home/?"], "home/ab", False),
    ("StringLike", ["Home/*"], "home/x", False),  # case-sensitive
    ("StringLike", ["a.c"], "abc", False),  # `.` is literal
    ("StringLike", ["a+"], "aa", False),  # `+` is literal
    ("StringLike", ["a+"], "a+", True),
    ("StringNotLike", ["home/*"], "tmp/x", True),
    ("StringNotLike", ["home/*"], "home/x", False),
    ("NumericEquals", ["10"], "10", True),
    ("NumericEquals", ["10"], "10.0", True),
    ("NumericEquals", ["10"], "11", False),
    ("NumericNotEquals", ["10"], "11", True),
    ("NumericLessThan", ["3600"], "60", True),
    ("NumericLessThan", ["3600"], "3600", False),
    ("NumericLessThanEquals", ["3600"], "3600", True),
    ("NumericGreaterThan", ["5"], "6", True),
    ("NumericGreaterThan", ["5"], "5", False),
    ("NumericGreaterThanEquals", ["5"], "5", True),
    ("NumericLessThan", ["10"], "ten", False),  # malformed request value
    ("NumericNotEquals", ["10"], "ten", False),  # malformed: no match, negated too
    ("NumericEquals", ["x"], "1", False),  # malformed policy value
    ("DateLessThan", ["2030-01-01T00:00:00Z"], "2029-12-31T23:59:59Z", True),
    ("DateLessThan", ["2030-01-01T00:00:00Z"], "2030-01-01T00:00:01Z", False),
    ("DateGreaterThan", ["2020-01-01T00:00:00Z"], "1600000000", True),  # epoch seconds: 2020-09-13
    ("DateGreaterThan", ["2021-01-01"], "1600000000", False),
    ("DateEquals", ["2020-01-01T00:00:00Z"], "2020-01-01T01:00:00+01:00", True),  # same instant
    ("DateNotEquals", ["2020-01-01T00:00:00Z"], "2020-01-02T00:00:00Z", True),
    ("DateLessThanEquals", ["2020-01-01"], "2020-01-01T00:00:00Z", True),  # no zone: UTC
    ("DateGreaterThanEquals", ["2020-01-01"], "2019-12-31", False),
    ("DateLessThan", ["2030-01-01T00:00:00Z"], "yesterday", False),  # malformed
    ("DateNotEquals", ["2030-01-01T00:00:00Z"], "2030-13-45", False),  # malformed, negated
    ("Bool", ["true"], "true", True),
    ("Bool", ["false"], "false", True),
    ("Bool", ["false"], "true", False),
    ("Bool", ["true"], "TRUE", True),
    ("Bool", ["false"], "maybe", False),  # malformed: not "anything but true"
    ("BinaryEquals", ["QmluYXJ5VmFsdWU="], "QmluYXJ5VmFsdWU=", True),
    ("BinaryEquals", ["QmluYXJ5VmFsdWU="], "T3RoZXI=", False),
    ("BinaryEquals", ["QmluYXJ5VmFsdWU="], "not base64!", False),
    ("IpAddress", ["203.0.113.0/24"], "203.0.113.7", True),
    ("IpAddress", ["203.0.113.0/24"], "198.51.100.7", False),
    ("IpAddress", ["203.0.113.7"], "203.0.113.7", True),  # a lone address is a /32
    ("IpAddress", ["2001:db8::/32"], "2001:db8::1", True),
    ("IpAddress", ["2001:db8::/32"], "203.0.113.7", False),  # other IP version
    ("IpAddress", ["203.0.113.0/24"], "203.0.113.999", False),  # malformed address
    ("IpAddress", ["not-a-network"], "203.0.113.7", False),  # malformed policy value
    ("NotIpAddress", ["203.0.113.0/24"], "198.51.100.7", True),
    ("NotIpAddress", ["203.0.113.0/24"], "203.0.113.7", False),
    ("NotIpAddress", ["203.0.113.0/24"], "garbage", False),  # malformed: no match, negated too
    ("ArnEquals", ["arn:aws:iam::111111111111:role/Dev"], "arn:aws:iam::111111111111:role/Dev", True),
    ("ArnEquals", ["arn:aws:iam::111111111111:role/Dev"], "arn:aws:iam::111111111111:role/dev", False),
    ("ArnLike", ["arn:aws:iam::*:role/Dev*"], "arn:aws:iam::222222222222:role/DevOps", True),
    ("ArnLike", ["arn:aws:iam::1?:role/x"], "arn:aws:iam::1::role/x", False),  # `?` never matches `:` there
    ("ArnNotEquals", ["arn:aws:iam::111111111111:role/Dev"], "arn:aws:iam::111111111111:role/Ops", True),
    ("ArnNotLike", ["arn:aws:iam::*:role/Dev*"], "arn:aws:iam::222222222222:role/DevOps", False),
]


@pytest.mark.parametrize(("operator", "values", "value", "expected"), CASES)
def test_operator_on_a_present_key(operator: str, values: list[str], value: str, expected: bool):
    assert holds(operator, values, request(value)) is expected


# AWS: "If the key that you specify in a policy condition is not present in the request context, the values do not
# match and the condition is false. If the policy condition requires that the key is not matched, such as
# StringNotLike or ArnNotLike, and the right key is not present, the condition is true. This logic applies to all
# condition operators except ...IfExists and Null check."
@pytest.mark.parametrize(("operator", "expected"), [
    ("StringEquals", False), ("StringNotEquals", True), ("StringLike", False), ("StringNotLike", True),
    ("NumericLessThan", False), ("NumericNotEquals", True), ("DateGreaterThan", False), ("DateNotEquals", True),
    ("Bool", False), ("BinaryEquals", False), ("IpAddress", False), ("NotIpAddress", True),
    ("ArnLike", False), ("ArnNotLike", True), ("ArnNotEquals", True),
    ("StringEqualsIfExists", True), ("NumericLessThanIfExists", True), ("BoolIfExists", True),
    ("ForAllValues:StringEquals", True), ("ForAnyValue:StringEquals", False),
    ("ForAnyValue:StringNotEquals", False),
])
def test_operator_on_a_missing_key(operator: str, expected: bool):
    assert holds(operator, ["1"], None) is expected
    assert holds(operator, ["1"], request()) is expected  # an empty set of values is as missing


def test_if_exists_still_tests_a_present_key():
    assert holds("StringEqualsIfExists", ["a"], request("a"))
    assert not holds("StringEqualsIfExists", ["a"], request("b"))


def test_null_tests_presence_only():
    assert holds("Null", ["true"], None)
    assert not holds("Null", ["true"], request("x"))
    assert holds("Null", ["false"], request("x"))
    assert not holds("Null", ["false"], None)
    assert holds("Null", ["TRUE"], None)


def test_set_operators_over_a_multivalued_key():
    tags = request("team", "project")
    assert holds("ForAllValues:StringEquals", ["team", "project", "cost"], tags)
    assert not holds("ForAllValues:StringEquals", ["team"], tags)
    assert holds("ForAnyValue:StringEquals", ["team"], tags)
    assert not holds("ForAnyValue:StringEquals", ["cost"], tags)
    # ForAnyValue with a negated operator: one request value outside the policy's values is enough.
    assert holds("ForAnyValue:StringNotEquals", ["team"], tags)
    assert not holds("ForAllValues:StringNotEquals", ["team"], tags)
    assert holds("ForAllValues:StringLike", ["t*", "p*"], tags)


def test_without_a_set_operator_a_multivalued_key_matches_when_one_value_does_and_negation_is_nor():
    tags = request("team", "project")
    assert holds("StringEquals", ["team"], tags)
    assert not holds("StringNotEquals", ["team"], tags)
    assert holds("StringNotEquals", ["cost"], tags)


def test_keys_compare_case_insensitively():
    test = ConditionTest("StringEquals", "AWS:PrincipalTag/Team", ["x"], "2012-10-17")
    assert test({"aws:principaltag/team": ("x",)}.get)


def test_values_with_variables_are_resolved_per_request():
    test = ConditionTest("StringLike", "s3:prefix", ["home/${aws:username}/*"], "2012-10-17")
    assert test({"s3:prefix": ("home/David/x",), "aws:username": ("David",)}.get)
    assert not test({"s3:prefix": ("home/David/x",), "aws:username": ("Theresa",)}.get)
    assert not test({"s3:prefix": ("home/David/x",)}.get)  # no aws:username: the value matches nothing


def test_values_with_variables_are_literal_before_version_2012():
    test = ConditionTest("StringEquals", "s3:prefix", ["${aws:username}"], "2008-10-17")
    assert test({"s3:prefix": ("${aws:username}",), "aws:username": ("David",)}.get)
    assert not test({"s3:prefix": ("David",), "aws:username": ("David",)}.get)


@pytest.mark.parametrize("operator", ["StringEquals", "stringequals", "ForAnyValue:StringLikeIfExists",
                                      "forallvalues:numericlessthan", "NotIpAddressIfExists", "Null"])
def test_known_operators(operator: str):
    check_operator(operator)


@pytest.mark.parametrize("operator", ["StringEqual", "NullIfExists", "ForSomeValues:StringEquals", "IfExists",
                                      "ForAnyValue:Null", "StringMatches", "Regex"])
def test_unknown_operators_are_refused(operator: str):
    with pytest.raises(ConditionError):
        check_operator(operator)
