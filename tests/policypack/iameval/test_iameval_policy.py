"""parse_policy: the shapes AWS accepts, refusals that name the policy and never echo a whole value."""

from __future__ import annotations

import json

import pytest

from policypack.iameval import MAX_DEPTH, MAX_DOCUMENT_CHARS, Condition, PolicyError, parse_policy

ALLOW = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}


def doc(*statements: object, **top: object) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements), **top}


def test_a_policy_reads_from_text_or_mapping_into_hashable_statements():
    from_text = parse_policy("p", json.dumps(doc(ALLOW)))
    from_mapping = parse_policy("p", doc(ALLOW))
    assert from_text == from_mapping
    assert hash(from_text) == hash(from_mapping)
    (statement,) = from_text.statements
    assert (statement.policy, statement.index, statement.effect) == ("p", 0, "Allow")
    assert statement.actions == ("s3:GetObject",) and statement.not_actions is None
    assert statement.resources == ("arn:aws:s3:::b/*",) and statement.principals is None
    assert statement.label() == "statement 0 of policy p"


def test_a_single_statement_object_and_sid():
    policy = parse_policy("p", {"Version": "2012-10-17", "Statement": {**ALLOW, "Sid": "Read"}})
    assert policy.statements[0].label() == 'statement 0 "Read" of policy p'


def test_version_defaults_to_2008():
    assert parse_policy("p", {"Statement": [ALLOW]}).version == "2008-10-17"


def test_principals_are_normalised():
    star = parse_policy("p", doc({**ALLOW, "Principal": "*"})).statements[0]
    assert star.principals == (("*", ("*",)),)
    aws = parse_policy("p", doc({**ALLOW, "Principal": {"AWS": "111111111111", "Service": ["a", "b"]}}))
    assert aws.statements[0].principals == (("AWS", ("111111111111",)), ("Service", ("a", "b")))
    not_principal = parse_policy("p", doc({**ALLOW, "Effect": "Deny", "NotPrincipal": {"AWS": "x"}}))
    assert not_principal.statements[0].not_principals == (("AWS", ("x",)),)


def test_condition_values_are_normalised_to_strings():
    policy = parse_policy("p", doc({**ALLOW, "Condition": {
        "Bool": {"aws:SecureTransport": False}, "NumericLessThan": {"aws:MultiFactorAuthAge": [3600, 1.5]}}}))
    assert policy.statements[0].conditions == (
        Condition("Bool", "aws:SecureTransport", ("false",)),
        Condition("NumericLessThan", "aws:MultiFactorAuthAge", ("3600", "1.5")))


@pytest.mark.parametrize(("document", "message"), [
    ([ALLOW], "the document must be a JSON object"),
    ({"Version": "2012-10-17"}, "has no Statement"),
    (doc(ALLOW, Extra=1), "has an element AWS does not define: 'Extra'"),
    ({"Version": "2013-01-01", "Statement": [ALLOW]}, "Version must be one of"),
    (doc("x"), "Statement[0] must be an object"),
    (doc({**ALLOW, "Effect": "allow"}), "Statement[0].Effect must be Allow or Deny: 'allow'"),
    (doc({"Effect": "Allow", "Resource": "*"}), "has neither Action nor NotAction"),
    (doc({**ALLOW, "NotAction": "s3:*"}), "has both Action and NotAction"),
    (doc({**ALLOW, "NotResource": "*"}), "has both Resource and NotResource"),
    (doc({**ALLOW, "Action": []}), "Statement[0].Action must be a non-empty string or list of them"),
    (doc({**ALLOW, "Action": "s3"}), "Statement[0].Action must be `*` or service:action: 's3'"),
    (doc({**ALLOW, "Resource": [1]}), "Statement[0].Resource must be a non-empty string"),
    (doc({**ALLOW, "Principal": "arn:aws:iam::1:root"}), 'Principal must be "*" or an object'),
    (doc({**ALLOW, "Principal": {"Aws": "*"}}), "type must be one of AWS, Service"),
    (doc({**ALLOW, "Principal": "*", "NotPrincipal": "*"}), "has both Principal and NotPrincipal"),
    (doc({**ALLOW, "Condition": {"StringEqual": {"k": "v"}}}), "has an operator AWS does not define: 'StringEqual'"),
    (doc({**ALLOW, "Condition": {"Bool": {"k": None}}}), "must be a string, number or boolean: None"),
    (doc({**ALLOW, "Condition": {"Bool": "x"}}), "must be an object of condition keys"),
    (doc({**ALLOW, "Sid": 3}), "Sid must be a string"),
    ("{not json", "not valid JSON (line 1, column 2)"),
])
def test_refusals_name_the_policy_and_the_element(document: object, message: str):
    with pytest.raises(PolicyError) as raised:
        parse_policy("my-policy", document)  # type: ignore[arg-type]
    assert str(raised.value).startswith("policy 'my-policy': ")
    assert message in str(raised.value)


def test_refusals_show_at_most_80_characters_of_a_value():
    secret = "s3cr3t" * 10_000
    with pytest.raises(PolicyError) as raised:
        parse_policy("p", doc({**ALLOW, "Effect": secret}))
    shown = str(raised.value).split(": ", 2)[-1]
    assert len(shown) <= 80 and "..." in shown
    with pytest.raises(PolicyError) as raised:
        parse_policy("x" * 500, doc({**ALLOW, "Effect": "no"}))
    assert len(str(raised.value)) < 250


def test_an_oversized_document_is_refused_before_it_is_parsed():
    text = json.dumps(doc(*[ALLOW] * 20_000))
    assert len(text) > MAX_DOCUMENT_CHARS
    with pytest.raises(PolicyError, match="more than 1048576") as raised:
        parse_policy("big", text)
    assert "s3:GetObject" not in str(raised.value)
    with pytest.raises(PolicyError, match="larger than 1048576"):
        parse_policy("big", json.loads(text))


def test_deep_or_cyclic_documents_are_refused():
    deep: dict = {}
    node = deep
    for _ in range(MAX_DEPTH + 5):
        node["x"] = {}
        node = node["x"]
    with pytest.raises(PolicyError, match="nested more than"):
        parse_policy("deep", deep)
    with pytest.raises(PolicyError, match="nested more than"):
        parse_policy("deep", "[" * 100_000 + "]" * 100_000)
    cyclic: dict = {"Statement": []}
    cyclic["Statement"].append(cyclic)
    with pytest.raises(PolicyError, match="nested more than"):
        parse_policy("cyclic", cyclic)
