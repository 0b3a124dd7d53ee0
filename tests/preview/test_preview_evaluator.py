"""The evaluation engine against AWS's documented policy evaluation logic, case by case.

Sources: IAM User Guide, "Policy evaluation logic" (explicit deny wins; cross-account requests need the
identity policy of the caller's account and the resource policy of the resource's account), "How IAM roles
differ from resource-based policies" (`:root` in a trust delegates to the account's own policies), and the
condition key reference (aws:MultiFactorAuthPresent, sts:ExternalId, aws:SecureTransport).
"""

from __future__ import annotations

import collections
from typing import Any

import pytest

from preview.evaluator import Evaluator, NamedPolicy, Principal, Request, _engine, normalized

PROD, DEV, OTHER = "999999999999", "111111111111", "222222222222"
ROLE = f"arn:aws:iam::{PROD}:role/UpdateApp"
OBJECTS = "arn:aws:s3:::productionapp/*"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def policy(name: str, effect: str, action: str, resource: str, **extra: Any) -> NamedPolicy:
    return NamedPolicy(name, doc({"Effect": effect, "Action": action, "Resource": resource, **extra}))


def trust(principal: str, condition: dict[str, Any] | None = None) -> NamedPolicy:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return NamedPolicy("trust", doc(statement))


ALLOW_ASSUME = policy("allow-assume", "Allow", "sts:AssumeRole", ROLE)
ADMIN = policy("admin", "Allow", "*", "*")
ROOT_TRUST = trust(f"arn:aws:iam::{DEV}:root")


@pytest.fixture(scope="module")
def engine() -> Evaluator:
    return Evaluator()


def user(engine: Evaluator, name: str, *policies: NamedPolicy, account: str = DEV) -> Principal:
    return engine.principal(f"arn:aws:iam::{account}:user/{name}", policies)


def test_the_import_shim_leaves_collections_as_it_was(engine: Evaluator) -> None:
    assert not hasattr(collections, "Mapping")


def test_explicit_deny_wins_over_any_allow(engine: Evaluator) -> None:
    theresa = engine.principal(f"arn:aws:iam::{DEV}:user/Theresa", groups=[
        (f"arn:aws:iam::{DEV}:group/Testers", [ADMIN, policy("deny-assume", "Deny", "sts:AssumeRole", ROLE)])])
    decision = engine.may_assume(theresa, ROLE, ROOT_TRUST, {})
    assert (decision.allowed, decision.identity) == (False, False)
    assert engine.explain(theresa, Request("sts:AssumeRole", ROLE, {}, ROOT_TRUST, PROD)) == \
        "explicit Deny in deny-assume"


def test_root_trust_admits_only_principals_whose_own_policies_allow_it(engine: Evaluator) -> None:
    assert engine.may_assume(user(engine, "David", ALLOW_ASSUME), ROLE, ROOT_TRUST, {}).allowed
    nobody = engine.may_assume(user(engine, "Nobody"), ROLE, ROOT_TRUST, {})
    assert (nobody.allowed, nobody.identity) == (False, False)


def test_cross_account_needs_the_trust_even_for_an_admin(engine: Evaluator) -> None:
    outsider = user(engine, "outsider", ADMIN, account=OTHER)
    decision = engine.may_assume(outsider, ROLE, ROOT_TRUST, {})
    assert (decision.allowed, decision.identity, decision.trust) == (False, True, False)


def test_a_trust_naming_the_user_still_needs_their_identity_policy_across_accounts(engine: Evaluator) -> None:
    named = trust(f"arn:aws:iam::{DEV}:user/David")
    assert engine.may_assume(user(engine, "David", ALLOW_ASSUME), ROLE, named, {}).allowed
    assert not engine.may_assume(user(engine, "David"), ROLE, named, {}).allowed


def test_wildcard_trust_admits_any_account_whose_policies_allow_it(engine: Evaluator) -> None:
    assert engine.may_assume(user(engine, "outsider", ADMIN, account=OTHER), ROLE, trust("*"), {}).allowed


@pytest.mark.parametrize(("context", "allowed"), [
    ({"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "60"}, True),
    ({}, False),  # long-term credentials: the key is absent, so a Bool "true" condition does not match
    ({"aws:MultiFactorAuthPresent": "false"}, False),
])
def test_mfa_condition_of_the_trust(engine: Evaluator, context: dict[str, str], allowed: bool) -> None:
    mfa_trust = trust(f"arn:aws:iam::{DEV}:root", {"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    assert engine.may_assume(user(engine, "David", ALLOW_ASSUME), ROLE, mfa_trust, context).allowed is allowed


@pytest.mark.parametrize(("context", "allowed"), [
    ({"sts:ExternalId": "agreed"}, True),
    ({}, False),
    ({"sts:ExternalId": "guessed"}, False),
])
def test_external_id_condition_of_the_trust(engine: Evaluator, context: dict[str, str], allowed: bool) -> None:
    external_trust = trust(f"arn:aws:iam::{DEV}:root", {"StringEquals": {"sts:ExternalId": "agreed"}})
    assert engine.may_assume(user(engine, "David", ALLOW_ASSUME), ROLE, external_trust, context).allowed is allowed


TLS_ONLY = NamedPolicy("bucket policy", doc({
    "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::productionapp", OBJECTS],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))


@pytest.mark.parametrize(("secure", "allowed"), [("true", True), ("false", False)])
def test_bucket_policy_deny_wins_over_the_roles_allow(engine: Evaluator, secure: str, allowed: bool) -> None:
    session = engine.principal(ROLE, [policy("rw", "Allow", "s3:GetObject", OBJECTS)], trust=ROOT_TRUST.document)
    request = Request("s3:GetObject", OBJECTS, {"aws:SecureTransport": secure}, TLS_ONLY, PROD)
    assert engine.allowed(session, request) is allowed


def test_actions_match_case_insensitively(engine: Evaluator) -> None:
    session = engine.principal(ROLE, [policy("rw", "Allow", "s3:getobject", OBJECTS)], trust={})
    assert engine.allowed(session, Request("s3:GetObject", OBJECTS, {}))


def test_permissions_boundary_caps_what_the_policies_allow(engine: Evaluator) -> None:
    boundary = policy("boundary", "Allow", "s3:GetObject", "*")
    session = engine.principal(ROLE, [ADMIN], boundary=boundary, trust={})
    assert engine.allowed(session, Request("s3:GetObject", OBJECTS, {}))
    assert not engine.allowed(session, Request("s3:PutObject", OBJECTS, {}))
    assert engine.explain(session, Request("s3:PutObject", OBJECTS, {})) == "outside the permissions boundary boundary"


BOOL_TLS_ONLY = NamedPolicy("bucket policy", doc({
    "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": OBJECTS,
    "Condition": {"Bool": {"aws:SecureTransport": False}}}))  # a JSON boolean: valid IAM, common in bucket policies


def library_allows(identity: NamedPolicy, resource: str, context: dict[str, str],
                   resource_policy: NamedPolicy | None = None) -> bool:
    """principalmapper itself, given our documents untouched: a role with one identity policy."""
    pm = _engine()
    node = pm.Node(ROLE, "AROAEXAMPLE", [pm.Policy(ROLE, identity.name, identity.document)], [], {}, None, 0, False,
                   False, None, False, None)
    return bool(pm.query.local_check_authorization_full(
        node, "s3:GetObject", resource, context, resource_policy.document if resource_policy else None,
        PROD if resource_policy else None))


def test_principalmapper_alone_drops_a_deny_whose_condition_is_a_json_boolean() -> None:
    # Wrong: AWS refuses this plain-HTTP request.
    assert library_allows(policy("rw", "Allow", "s3:GetObject", OBJECTS), OBJECTS, {"aws:SecureTransport": "false"},
                          BOOL_TLS_ONLY)


def test_json_booleans_in_conditions_count_as_iam_reads_them(engine: Evaluator) -> None:
    assert normalized(BOOL_TLS_ONLY.document)["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    session = engine.principal(ROLE, [policy("rw", "Allow", "s3:GetObject", OBJECTS)], trust={})
    insecure = Request("s3:GetObject", OBJECTS, {"aws:SecureTransport": "false"}, BOOL_TLS_ONLY, PROD)
    assert not engine.allowed(session, insecure)
    assert engine.allowed(session, Request("s3:GetObject", OBJECTS, {"aws:SecureTransport": "true"}, BOOL_TLS_ONLY,
                                           PROD))


PLUS = "arn:aws:s3:::productionapp/a+b.txt"  # `+` is valid in IAM names and S3 keys


def test_principalmapper_alone_reads_a_plus_in_a_resource_as_a_regex() -> None:
    allow_plus = policy("plus", "Allow", "s3:GetObject", PLUS)
    assert not library_allows(allow_plus, PLUS, {})  # wrong: the ARN does not match itself
    assert library_allows(allow_plus, "arn:aws:s3:::productionapp/aab.txt", {})  # wrong: matches another key


def test_resources_match_literally_through_the_evaluator(engine: Evaluator) -> None:
    session = engine.principal(ROLE, [policy("plus", "Allow", "s3:GetObject", PLUS)], trust={})
    assert engine.allowed(session, Request("s3:GetObject", PLUS, {}))
    assert not engine.allowed(session, Request("s3:GetObject", "arn:aws:s3:::productionapp/aab.txt", {}))


def test_requests_see_only_but_all_the_policies_that_may_match(engine: Evaluator) -> None:
    # One policy per role, as a group allowed many roles holds: each request must still see the wildcard Deny.
    policies = [policy(f"allow-{i}", "Allow", "sts:AssumeRole", f"arn:aws:iam::{PROD}:role/Role{i}") for i in range(50)]
    deny_all = policy("deny-all", "Deny", "sts:AssumeRole", f"arn:aws:iam::{PROD}:role/*")
    david = user(engine, "David", *policies, deny_all)
    request = Request("sts:AssumeRole", f"arn:aws:iam::{PROD}:role/Role7", {})
    assert [p.name for _, p in david.relevant(request.resource)] == ["allow-7", "deny-all"]
    assert engine.explain(david, request) == "explicit Deny in deny-all"


@pytest.mark.xfail(strict=True, reason="principalmapper 1.1.5 matches Resource ARNs case-insensitively; S3 object "
                                       "keys (and so object ARNs) are case-sensitive in AWS")
def test_resource_arns_match_case_sensitively(engine: Evaluator) -> None:
    reports = policy("reports", "Allow", "s3:GetObject", "arn:aws:s3:::productionapp/Reports/*")
    session = engine.principal(ROLE, [reports], trust={})
    assert not engine.allowed(session, Request("s3:GetObject", "arn:aws:s3:::productionapp/reports/q1.csv", {}))
