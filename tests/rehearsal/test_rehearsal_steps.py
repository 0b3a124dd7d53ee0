"""The step plan follows the model's intent, and only an AccessDenied counts as a refusal."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from access.config import parse_model
from rehearsal.steps import Context, Expect, Step, StepFailedError, plan, run_step

ASSUME = "sts:AssumeRole arn:aws:iam::999999999999:role/UpdateApp (session {user}-ProdUpdate)"


def expected(raw, user):
    """What the plan expects of `user`'s AssumeRole."""
    return next(s.expect for s in plan(parse_model(raw)) if s.action == ASSUME.format(user=user))


def test_a_group_without_can_assume_is_expected_refused_with_or_without_its_deny(raw):
    assert expected(raw, "David") is Expect.ALLOWED
    assert expected(raw, "Theresa") is Expect.REFUSED
    del raw["groups"][1]["denyAssume"]
    assert expected(raw, "Theresa") is Expect.REFUSED


def test_a_user_in_an_allowed_and_a_denied_group_is_asked_once_and_expected_refused(raw):
    raw["groups"][1]["members"].append("David")  # Developers and Testers: the explicit deny wins, as in AWS
    steps = [s for s in plan(parse_model(raw)) if s.action == ASSUME.format(user="David")]
    assert [s.expect for s in steps] == [Expect.REFUSED]


def test_a_read_only_grant_expects_writes_refused_and_reads_nothing_written(raw):
    raw["roles"][0]["grants"][0]["access"] = "read-only"
    actions = [(s.action, s.expect) for s in plan(parse_model(raw)) if s.actor == "David as UpdateApp"]
    assert ("s3:PutObject arn:aws:s3:::productionapp/rehearsal.txt", Expect.REFUSED) in actions
    assert not any(a.startswith(("s3:GetObject", "s3:DeleteObject")) for a, _ in actions)


def raising(error):
    def run(context):
        raise error
    return run


def client_error(code):
    return ClientError({"Error": {"Code": code, "Message": f"{code} happened"}}, "Operation")


@pytest.mark.parametrize(("error", "expect", "got", "as_expected"), [
    (client_error("AccessDenied"), Expect.REFUSED, "refused (AccessDenied)", True),
    (client_error("AccessDenied"), Expect.ALLOWED, "refused (AccessDenied)", False),
    (client_error("NoSuchBucket"), Expect.REFUSED, "error NoSuchBucket: NoSuchBucket happened", False),
    (StepFailedError("not run: no role session"), Expect.ALLOWED, "not run: no role session", False),
])
def test_only_access_denied_is_a_refusal(error, expect, got, as_expected):
    result = run_step(Step("David", "s3:Anything", expect, raising(error)), Context(emulator=None, users={}))
    assert (result.got, result.as_expected) == (got, as_expected)
