"""Policy variables: substitution, defaults, escapes, and only with Version 2012-10-17."""

from __future__ import annotations

from policypack.iameval.matching import ARN, compile_pattern
from policypack.iameval.variables import plain, template

CONTEXT = {"aws:username": ("David",), "aws:principaltag/team": ("dev",), "aws:tagkeys": ("a", "b")}


def resolve(value: str, version: str = "2012-10-17") -> tuple[tuple[str, bool], ...] | None:
    found = template(value, version)
    assert found is not None
    return found.resolve(CONTEXT.get)


def test_a_value_without_variables_has_no_template():
    assert template("arn:aws:s3:::bucket/*", "2012-10-17") is None
    assert template("${aws:username}", "2008-10-17") is None  # earlier versions: literal text


def test_variables_are_substituted_case_insensitively_and_literally():
    parts = resolve("arn:aws:s3:::bucket/home/${AWS:UserName}/*")
    assert parts == (("arn:aws:s3:::bucket/home/", False), ("David", True), ("/*", False))
    assert plain(parts) == "arn:aws:s3:::bucket/home/David/*"


def test_a_variable_without_value_resolves_to_nothing_unless_it_has_a_default():
    assert resolve("${aws:PrincipalTag/cost}") is None
    assert plain(resolve("${aws:PrincipalTag/cost, 'shared'}")) == "shared"
    assert plain(resolve("${aws:PrincipalTag/team, 'shared'}")) == "dev"
    assert resolve("${aws:TagKeys}") is None  # multi-valued keys cannot be variables
    assert resolve("${}") is None


def test_escapes_give_literal_wildcards():
    parts = resolve("a${*}b${?}c${$}d")
    assert plain(parts) == "a*b?c$d"
    pattern = compile_pattern(parts, ARN)
    assert pattern.fullmatch("a*b?c$d")
    assert not pattern.fullmatch("axxb?c$d")


def test_substituted_text_is_never_a_wildcard():
    found = template("${aws:username}", "2012-10-17")
    assert found is not None
    pattern = compile_pattern(found.resolve({"aws:username": ("Dav*",)}.get), ARN)
    assert pattern.fullmatch("Dav*") and not pattern.fullmatch("David")
