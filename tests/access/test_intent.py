"""The model's intent, written once: who may assume which role, under which conditions, with which session."""

from __future__ import annotations

from typing import Any

from access.config import parse_model
from access.intent import intent_of, may_assume, members
from policypack.iameval.role_intent import Grant

DEV, PROD = "111111111111", "999999999999"
ROLE = f"arn:aws:iam::{PROD}:role/UpdateApp"


def test_the_tutorials_intent(tutorial) -> None:
    intent = intent_of(tutorial)[ROLE]
    assert intent.may == {f"{DEV}:user/David": "Developers may assume UpdateApp"}
    assert intent.may_not == {f"{DEV}:user/Theresa": "Testers is denied UpdateApp"}
    assert intent.delegated == frozenset({DEV}) and intent.if_allowed == frozenset()
    assert not (intent.require_mfa or intent.require_external_id)
    assert intent.session == (
        Grant(("s3:ListAllMyBuckets",), "*", False, "every role may list the buckets (the console needs it)"),
        Grant(("s3:ListBucket", "s3:GetBucketLocation"), "arn:aws:s3:::productionapp", True,
              "read-write on productionapp"),
        Grant(("s3:GetObject", "s3:PutObject", "s3:DeleteObject"), "arn:aws:s3:::productionapp/*", True,
              "read-write on productionapp"))


def test_a_user_in_an_allowed_and_a_denied_group_may_not(raw: dict[str, Any]) -> None:
    raw["groups"][1]["members"].append("David")  # David is in Developers and Testers: the explicit deny wins
    model = parse_model(raw)
    role = model.roles[0]
    assert may_assume(model, role, "development", "David") == (False, "Testers is denied UpdateApp")
    intent = intent_of(model)[ROLE]
    assert f"{DEV}:user/David" not in intent.may
    assert intent.principal(f"arn:aws:iam::{DEV}:user/David") == (False, "Testers is denied UpdateApp")
    assert members(model, "development") == ("David", "Theresa")


def test_conditions_and_named_principals(raw: dict[str, Any]) -> None:
    raw["roles"][0].update(requireMfa=True, mfaMaxAgeSeconds=30, externalIdSecret="updateAppExternalId",
                           trustedPrincipalArns=["arn:aws:iam::444455556666:role/Deployer"])
    model = parse_model(raw)
    held = {("development", "UpdateApp"): "dev-side", ("production", "UpdateApp"): "prod-side"}
    intent = intent_of(model, held)[ROLE]
    assert (intent.require_mfa, intent.mfa_max_age, intent.require_external_id) == (True, 30, True)
    assert (intent.external_id, dict(intent.external_ids)) == ("prod-side", {DEV: "dev-side"})
    assert intent.principal("arn:aws:iam::444455556666:role/Deployer")[0] is None  # if its own policies allow it
    mfa = {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "29", "sts:ExternalId": "dev-side"}
    assert intent.conditions_met(mfa, DEV) == (True, "")
    assert intent.conditions_met({**mfa, "aws:MultiFactorAuthAge": "30"}, DEV)[0] is False
    assert intent.conditions_met({**mfa, "sts:ExternalId": "prod-side"}, DEV)[0] is False
    assert intent.conditions_met({k: v for k, v in mfa.items() if k != "sts:ExternalId"}, DEV)[0] is False


def test_a_read_only_grant_promises_reading_only(raw: dict[str, Any]) -> None:
    raw["roles"][0]["grants"][0]["access"] = "read-only"
    intent = intent_of(parse_model(raw))[ROLE]
    objects, _ = intent.promised("arn:aws:s3:::productionapp/report.csv", {"aws:SecureTransport": "true"})
    assert objects == {"s3:getobject", "s3:listallmybuckets"}
    plain, why = intent.promised("arn:aws:s3:::productionapp/report.csv", {"aws:SecureTransport": "false"})
    assert plain == {"s3:listallmybuckets"} and "only over TLS" in why
