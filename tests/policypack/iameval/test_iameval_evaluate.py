"""The evaluation logic on the tutorial's own documents: who may assume UpdateApp and why."""

from __future__ import annotations

from policypack.iameval import Caller, Request, Target, evaluate, parse_policy

ROLE = "arn:aws:iam::999999999999:role/UpdateApp"
ASSUME = Request("sts:AssumeRole", ROLE)


def _policy(name: str, *statements: dict) -> object:
    return parse_policy(name, {"Version": "2012-10-17", "Statement": list(statements)})


ALLOW = _policy("allow-assume", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE})
DENY = _policy("deny-assume", {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": ROLE})
POWER = _policy("PowerUserAccess", {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"})
TRUST = Target(_policy("UpdateApp-trust", {"Effect": "Allow", "Action": "sts:AssumeRole",
                                           "Principal": {"AWS": "arn:aws:iam::111111111111:root"}}),
               "999999999999", requires_policy=True)


def test_david_assumes_with_his_group_allow_and_the_trust():
    decision = evaluate(Caller("arn:aws:iam::111111111111:user/David", (ALLOW,)), ASSUME, TRUST)
    assert decision.allowed
    assert [s.policy for s in decision.identity_allows] == ["allow-assume"]
    assert [s.policy for s in decision.resource_allows] == ["UpdateApp-trust"]
    assert decision.explain() == ("allowed: Allow in statement 0 of policy allow-assume and statement 0 of policy "
                                  "UpdateApp-trust admits account 111111111111")


def test_theresa_is_denied_by_the_explicit_deny_despite_power_user():
    decision = evaluate(Caller("arn:aws:iam::111111111111:user/Theresa", (DENY, POWER)), ASSUME, TRUST)
    assert not decision.allowed
    assert [s.policy for s in decision.denied_by] == ["deny-assume"]
    assert decision.explain() == "denied: explicit Deny in statement 0 of policy deny-assume"


def test_a_trusted_account_user_without_identity_allow_is_refused():
    decision = evaluate(Caller("arn:aws:iam::111111111111:user/Nobody"), ASSUME, TRUST)
    assert not decision.allowed
    assert decision.missing == ("identity policy",)


def test_another_account_is_refused_by_the_trust():
    decision = evaluate(Caller("arn:aws:iam::222222222222:user/Eve", (POWER,)), ASSUME, TRUST)
    assert not decision.allowed
    assert decision.missing == ("trust policy",)
