"""The evaluation logic on the tutorial's own documents: who may assume UpdateApp and why."""

from __future__ import annotations

import pytest

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


BUCKET = "arn:aws:s3:::productionapp"
GET = Request("s3:GetObject", f"{BUCKET}/k")


def _bucket(principal: object, account: str = "999999999999") -> Target:
    return Target(_policy("bucket", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET}/*",
                                     "Principal": principal}), account)


def test_the_engine_fills_the_callers_context_keys():
    def sees(key: str, value: str, arn: str = "arn:aws:iam::111111111111:user/path/David", **caller: object) -> bool:
        condition = _policy("c", {"Effect": "Allow", "Action": "*", "Resource": "*",
                                  "Condition": {"StringEquals": {key: value}}})
        return evaluate(Caller(arn, (condition,), **caller), GET).allowed

    assert sees("aws:username", "David")
    assert sees("aws:PrincipalArn", "arn:aws:iam::111111111111:user/path/David")
    assert sees("aws:PrincipalAccount", "111111111111")
    assert sees("aws:PrincipalType", "User")
    assert sees("aws:PrincipalType", "AssumedRole", arn=ROLE)
    assert not sees("aws:username", "UpdateApp", arn=ROLE)  # roles have no aws:username
    assert sees("aws:PrincipalTag/Team", "dev", tags=(("team", "dev"),))
    condition = _policy("c", {"Effect": "Allow", "Action": "*", "Resource": "*",
                              "Condition": {"StringLike": {"aws:userid": "AIDA*"}}})
    assert evaluate(Caller("arn:aws:iam::111111111111:user/David", (condition,)), GET).allowed
    # A value given with the request wins over the engine's.
    request = Request("s3:GetObject", f"{BUCKET}/k", {"aws:username": "Mallory"})
    mine = _policy("c", {"Effect": "Allow", "Action": "*", "Resource": "*",
                         "Condition": {"StringEquals": {"aws:username": "David"}}})
    assert not evaluate(Caller("arn:aws:iam::111111111111:user/David", (mine,)), request).allowed


def test_anonymous_and_service_callers_need_the_resource_policy():
    assert evaluate(Caller("*"), GET, _bucket("*")).allowed
    assert evaluate(Caller("*"), GET, _bucket({"AWS": "*"})).allowed
    assert not evaluate(Caller("*"), GET, _bucket({"AWS": "111111111111"})).allowed
    assert evaluate(Caller("service:cloudfront.amazonaws.com"), GET,
                    _bucket({"Service": "cloudfront.amazonaws.com"})).allowed
    decision = evaluate(Caller("service:ec2.amazonaws.com"), GET, _bucket({"Service": "cloudfront.amazonaws.com"}))
    assert not decision.allowed and decision.missing == ("resource policy",)
    assert evaluate(Caller("*"), GET, _bucket("*")).explain() == "allowed: statement 0 of policy bucket admits everyone"


def test_the_root_user_is_allowed_in_its_own_account_and_needs_the_resource_policy_elsewhere():
    root = Caller("arn:aws:iam::999999999999:root")
    assert evaluate(root, GET, _bucket({"AWS": "111111111111"})).allowed
    other = Caller("arn:aws:iam::111111111111:root")
    assert evaluate(other, GET, _bucket({"AWS": "111111111111"})).allowed
    assert not evaluate(other, GET, _bucket({"AWS": "222222222222"})).allowed
    assert evaluate(root, GET, _bucket({"AWS": "111111111111"})).explain() == (
        "allowed: no policy denies it and none needs to allow it")


def test_federated_callers_are_admitted_by_a_federated_trust():
    trust = Target(_policy("oidc", {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                                    "Principal": {"Federated": "arn:aws:iam::999999999999:oidc-provider/x"}}),
                   "999999999999", requires_policy=True)
    request = Request("sts:AssumeRoleWithWebIdentity", ROLE)
    assert evaluate(Caller("federated:arn:aws:iam::999999999999:oidc-provider/x"), request, trust).allowed
    assert not evaluate(Caller("federated:accounts.google.com"), request, trust).allowed


def test_a_resource_deny_names_its_principals():
    deny = Target(_policy("bucket", {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                                     "Principal": {"AWS": "arn:aws:iam::111111111111:user/Eve"}}), "999999999999")
    everything = (_policy("all", {"Effect": "Allow", "Action": "*", "Resource": "*"}),)
    assert evaluate(Caller("arn:aws:iam::999999999999:user/Ann", everything), GET, deny).allowed
    assert evaluate(Caller("arn:aws:iam::111111111111:user/Eve", everything), GET, deny).denied_by


def test_without_a_target_only_identity_policies_decide():
    reader = Caller("arn:aws:iam::999999999999:role/UpdateApp", (POWER,))
    assert evaluate(reader, GET).allowed
    assert not evaluate(reader, Request("iam:CreateUser", "arn:aws:iam::999999999999:user/x")).allowed


def test_the_owner_defaults_to_the_resource_arns_account_then_the_callers():
    caller = Caller("arn:aws:iam::111111111111:user/David", (POWER,))
    queue = Request("sqs:SendMessage", "arn:aws:sqs:us-east-1:999999999999:q")
    assert not evaluate(caller, queue, Target()).allowed  # another account's queue without a queue policy
    assert evaluate(caller, Request("sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:q"), Target()).allowed
    assert evaluate(caller, GET, Target()).allowed  # S3 ARNs name no account: the caller's own


def test_a_caller_the_engine_does_not_know_is_refused_with_a_short_message():
    with pytest.raises(ValueError, match="not a caller this engine knows") as raised:
        evaluate(Caller("arn:aws:s3:::bucket" + "x" * 500), GET)
    assert len(str(raised.value)) < 200


def test_decisions_are_explained_from_their_own_statements_only():
    decision = evaluate(Caller("arn:aws:iam::111111111111:user/Theresa", (DENY, POWER, ALLOW)), ASSUME, TRUST)
    assert decision.explain() == "denied: explicit Deny in statement 0 of policy deny-assume"
    assert decision.identity_allows == () and decision.resource_allows == ()
    both = evaluate(Caller("arn:aws:iam::222222222222:user/Eve"), ASSUME, TRUST)
    assert both.missing == ("identity policy", "trust policy")
    assert both.explain() == "denied: no Allow in its identity policies and the trust policy does not admit it"
