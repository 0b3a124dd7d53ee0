"""The preview on the tutorial (passes) and on broken variants (each fails, for the right reason)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from offline.mock_run import StackRun
from preview.exit_codes import FAILED, OK
from preview.matrix import Cell
from preview.report import Report
from tests.conftest import run_with_model
from tests.preview.conftest import edit_document

ROLE_ARN = "arn:aws:iam::999999999999:role/UpdateApp"
BUCKET = "arn:aws:s3:::productionapp"


def cell(report: Report, principal: str, action: str, resource: str, condition: str = "") -> Cell:
    return next(c for c in report.matrix.cells if c.principal.startswith(principal) and c.action == action
                and c.resource == resource and c.condition == condition)


def wrong(report: Report) -> set[tuple[str, str, str]]:
    return {(c.principal.split(" (")[0], c.action, c.resource) for c in report.matrix.wrong}


@pytest.fixture(scope="module")
def tutorial(report_of: Callable[..., Report], prod_run: StackRun, dev_run: StackRun) -> Report:
    return report_of(prod_run, dev_run)


def test_tutorial_passes_with_every_cell_as_intended(tutorial: Report) -> None:
    assert tutorial.failures == []
    assert tutorial.exit_code == OK
    assert len(tutorial.matrix.cells) == 16
    assert all(c.ok for c in tutorial.matrix.cells)


@pytest.mark.parametrize(("principal", "action", "resource", "condition", "answer"), [
    ("David", "sts:AssumeRole", ROLE_ARN, "", True),
    ("Theresa", "sts:AssumeRole", ROLE_ARN, "", False),
    ("development user in no group", "sts:AssumeRole", ROLE_ARN, "", False),
    ("admin of third account 222222222222", "sts:AssumeRole", ROLE_ARN, "", False),
    ("UpdateApp session", "s3:PutObject", f"{BUCKET}/*", "", True),
    ("UpdateApp session", "s3:ListBucket", BUCKET, "", True),
    ("UpdateApp session", "s3:ListAllMyBuckets", "*", "", True),
    ("UpdateApp session", "s3:DeleteBucket", BUCKET, "", False),
    ("UpdateApp session", "s3:PutBucketPolicy", BUCKET, "", False),
    ("UpdateApp session", "iam:CreateUser", "arn:aws:iam::999999999999:user/probe", "", False),
    ("UpdateApp session", "s3:GetObject", "arn:aws:s3:::preview-unrelated-bucket/*", "", False),
    ("UpdateApp session", "s3:GetObject", f"{BUCKET}/*", "without TLS", False),
])
def test_tutorial_cells(tutorial: Report, principal: str, action: str, resource: str, condition: str,
                        answer: bool) -> None:
    found = cell(tutorial, principal, action, resource, condition)
    assert (found.expected, found.actual) == (answer, answer)


def test_tutorial_cells_name_the_deciding_policy(tutorial: Report) -> None:
    assert "Deny in group Testers: deny-assume-S3-role-in-production" in cell(
        tutorial, "Theresa", "sts:AssumeRole", ROLE_ARN).reason
    assert "does not admit a caller of account 222222222222" in cell(
        tutorial, "admin of third account", "sts:AssumeRole", ROLE_ARN).reason
    assert "Deny in bucket policy of productionapp" in cell(
        tutorial, "UpdateApp session", "s3:GetObject", f"{BUCKET}/*", "without TLS").reason


def test_wildcard_trust_is_a_mandatory_violation_and_lets_the_third_account_in(
        report_of: Callable[..., Report], prod_run: StackRun, dev_run: StackRun) -> None:
    def open_to_all(document: dict[str, Any]) -> None:
        document["Statement"][0]["Principal"] = {"AWS": "*"}
    report = report_of(edit_document(prod_run, "aws:iam/role:Role", "UpdateApp-role", "assumeRolePolicy", open_to_all),
                       dev_run)
    assert report.exit_code == FAILED
    assert "iam-no-wildcard-principals" in {v.policy_name for v in report.mandatory}
    assert wrong(report) == {("admin of third account 222222222222", "sts:AssumeRole", ROLE_ARN)}


def test_testers_without_their_deny_reach_the_role_through_power_user_access(
        report_of: Callable[..., Report], raw: dict[str, Any], tmp_path: Path) -> None:
    del raw["groups"][1]["denyAssume"]
    report = report_of(run_with_model("prod", raw, tmp_path), run_with_model("dev", raw, tmp_path))
    assert report.exit_code == FAILED
    assert wrong(report) == {("Theresa", "sts:AssumeRole", ROLE_ARN)}
    theresa = cell(report, "Theresa", "sts:AssumeRole", ROLE_ARN)
    assert (theresa.expected, theresa.actual) == (False, True)
    assert "AWS-managed PowerUserAccess" in theresa.reason
    assert any("Theresa" in f and "actual yes, expected no" in f for f in report.failures)


def test_a_role_granted_s3_everything_fails_the_refused_cells(
        report_of: Callable[..., Report], prod_run: StackRun, dev_run: StackRun) -> None:
    # A program bug simulated on the planned Policy resource's input: `s3:*` on `*` instead of the grant.
    def everything(document: dict[str, Any]) -> None:
        document["Statement"] = [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
    report = report_of(edit_document(prod_run, "aws:iam/policy:Policy", "UpdateApp-policy", "policy",
                                     everything), dev_run)
    assert report.exit_code == FAILED
    assert wrong(report) == {
        ("UpdateApp session", "s3:DeleteBucket", BUCKET),
        ("UpdateApp session", "s3:PutBucketPolicy", BUCKET),
        ("UpdateApp session", "s3:GetObject", "arn:aws:s3:::preview-unrelated-bucket/*"),
        ("UpdateApp session", "s3:PutObject", "arn:aws:s3:::preview-unrelated-bucket/*"),
    }
    # The bucket policy still refuses plain HTTP, whatever the identity policy allows.
    assert cell(report, "UpdateApp session", "s3:GetObject", f"{BUCKET}/*", "without TLS").ok


def test_dev_stack_pointing_at_another_role_arn_locks_david_out(
        report_of: Callable[..., Report], prod_run: StackRun, raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0]["path"] = "/apps/"  # the dev stack's model only: its group policy names role/apps/UpdateApp
    report = report_of(prod_run, run_with_model("dev", raw, tmp_path))
    assert report.exit_code == FAILED
    # Both halves miss: David's Allow and Theresa's Deny name a role that does not exist, so PowerUserAccess
    # lets Theresa in while David is locked out.
    assert wrong(report) == {("David", "sts:AssumeRole", ROLE_ARN), ("Theresa", "sts:AssumeRole", ROLE_ARN)}
    david = cell(report, "David", "sts:AssumeRole", ROLE_ARN)
    assert (david.expected, david.actual) == (True, False)
    assert "no Allow in the caller's policies" in david.reason
    assert cell(report, "Theresa", "sts:AssumeRole", ROLE_ARN).actual is True


def test_mfa_and_external_id_are_asked_both_ways(
        report_of: Callable[..., Report], raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0].update(requireMfa=True, externalIdSecret="updateAppExternalId")
    secret = {"cross-account-access:updateAppExternalId": "agreed-external-id"}
    report = report_of(run_with_model("prod", raw, tmp_path, **secret), run_with_model("dev", raw, tmp_path, **secret))
    answers = {c.condition: (c.expected, c.actual) for c in report.matrix.cells
               if c.principal.startswith("David") and c.action == "sts:AssumeRole"}
    assert answers == {
        "with MFA and with the ExternalId": (True, True),
        "without MFA": (False, False),
        "without ExternalId": (False, False),
    }
    assert report.exit_code == OK
    assert "agreed-external-id" not in str([s.to_dict() for s in report.stacks])


def test_dev_stack_with_another_external_id_locks_david_out(
        report_of: Callable[..., Report], raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0]["externalIdSecret"] = "updateAppExternalId"
    prod = run_with_model("prod", raw, tmp_path, **{"cross-account-access:updateAppExternalId": "the-right-one"})
    dev = run_with_model("dev", raw, tmp_path, **{"cross-account-access:updateAppExternalId": "a-stale-one"})
    report = report_of(prod, dev)
    assert wrong(report) == {("David", "sts:AssumeRole", ROLE_ARN)}


def test_a_managed_policy_unknown_offline_cannot_be_evaluated(
        report_of: Callable[..., Report], raw: dict[str, Any], tmp_path: Path) -> None:
    raw["groups"][0]["managedPolicyArns"] = ["arn:aws:iam::aws:policy/AWSSomethingNew"]
    report = report_of(run_with_model("prod", raw, tmp_path), run_with_model("dev", raw, tmp_path))
    david = cell(report, "David", "sts:AssumeRole", ROLE_ARN)
    assert david.actual is None and "AWSSomethingNew is not known offline" in david.reason
    assert report.exit_code == FAILED
    assert any(f.startswith("cannot evaluate: David") for f in report.failures)
