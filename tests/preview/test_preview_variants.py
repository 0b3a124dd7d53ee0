"""The preview on the tutorial (passes) and on broken variants (each fails, naming who, what and why)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from offline.mock_run import StackRun
from policypack.iameval.results import RoleAnalysis
from preview.exit_codes import FAILED, OK
from preview.report import Report
from tests.conftest import run_with_model
from tests.preview.conftest import edit_document

ROLE_ARN = "arn:aws:iam::999999999999:role/UpdateApp"
BUCKET = "arn:aws:s3:::productionapp"
EXTERNAL_ID = "cross-account-access:updateAppExternalId"


def role_of(report: Report) -> RoleAnalysis:
    (role,) = report.proof.analysis.roles
    return role


def wrong(report: Report) -> set[tuple[str, str, bool]]:
    """(principal without its groups, condition, granted) of every finding."""
    return {(f.principal.split(" (")[0], f.condition, f.granted) for f in report.findings}


def both(raw: dict[str, Any], tmp_path: Path, **secrets: str) -> tuple[StackRun, StackRun]:
    return run_with_model("prod", raw, tmp_path, **secrets), run_with_model("dev", raw, tmp_path, **secrets)


@pytest.fixture(scope="module")
def tutorial(report_of: Callable[..., Report], prod_run: StackRun, dev_run: StackRun) -> Report:
    return report_of(prod_run, dev_run)


def test_tutorial_passes_exactly_as_intended(tutorial: Report) -> None:
    assert (tutorial.failures, tutorial.exit_code) == ([], OK)
    role = role_of(tutorial)
    assert [a.label for a in role.assumers] == [
        "David (Developers)", "any other principal of development (111111111111) whose own policies allow it"]
    assert [(a.resource, a.actions, a.conditions) for a in role.session] == [
        (BUCKET, ("s3:GetBucketLocation", "s3:ListBucket"), ("over TLS",)),
        (f"{BUCKET}/*", ("s3:DeleteObject", "s3:GetObject", "s3:PutObject"), ("over TLS",)),
        ("*", ("s3:ListAllMyBuckets",), ())]
    assert role.wildcards == []


def test_wildcard_trust_is_a_mandatory_violation_and_lets_the_outsider_in(
        report_of: Callable[..., Report], prod_run: StackRun, dev_run: StackRun) -> None:
    def open_to_all(document: dict[str, Any]) -> None:
        document["Statement"][0]["Principal"] = {"AWS": "*"}
    report = report_of(edit_document(prod_run, "aws:iam/role:Role", "UpdateApp-role", "assumeRolePolicy", open_to_all),
                       dev_run)
    assert report.exit_code == FAILED
    assert "iam-no-wildcard-principals" in {v.policy_name for v in report.mandatory}
    assert ("an administrator of 222222222222, an account nothing names", "", True) in wrong(report)


def test_testers_without_their_deny_reach_the_role_through_power_user_access(
        report_of: Callable[..., Report], raw: dict[str, Any], tmp_path: Path) -> None:
    del raw["groups"][1]["denyAssume"]
    report = report_of(*both(raw, tmp_path))
    assert report.exit_code == FAILED
    assert wrong(report) == {("Theresa", "", True)}
    (finding,) = report.findings
    assert "AWS-managed PowerUserAccess" in finding.why
    assert finding.intent == "nothing in the intent lets it assume UpdateApp"
    assert any(f.startswith("UpdateApp: Theresa (Testers) may assume it: granted, not intended")
               for f in report.failures)


def test_a_testers_deny_naming_the_role_in_another_case_does_not_block_theresa(
        report_of: Callable[..., Report], prod_run: StackRun, dev_run: StackRun) -> None:
    # ARNs are case-sensitive: principalmapper reported Theresa blocked, AWS lets her in through PowerUserAccess.
    def lower(document: dict[str, Any]) -> None:
        document["Statement"]["Resource"] = ROLE_ARN.replace("UpdateApp", "updateapp")
    dev = edit_document(dev_run, "aws:iam/groupPolicy:GroupPolicy", "Testers-deny-assume-S3-role-in-production",
                        "policy", lower)
    report = report_of(prod_run, dev)
    assert wrong(report) == {("Theresa", "", True)}


def test_a_role_path_with_braces_keeps_david_in_and_theresa_out(
        report_of: Callable[..., Report], raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0]["path"] = "/a{2}/"
    report = report_of(*both(raw, tmp_path))
    assert report.failures == []
    assert role_of(report).assumers[0].label == "David (Developers)"


def test_a_role_granted_s3_everything_is_named_with_its_statement(
        report_of: Callable[..., Report], prod_run: StackRun, dev_run: StackRun) -> None:
    def everything(document: dict[str, Any]) -> None:
        document["Statement"] = [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
    report = report_of(edit_document(prod_run, "aws:iam/policy:Policy", "UpdateApp-policy", "policy", everything),
                       dev_run)
    assert report.exit_code == FAILED
    granted = [f for f in report.findings if f.granted]
    assert {"s3:DeleteBucket", "s3:PutBucketPolicy"} <= {a for f in granted for a in f.actions}
    assert all("statement 0 of policy read-write-app-bucket" in f.why for f in granted)
    assert role_of(report).wildcards == ["statement 0 of policy read-write-app-bucket allows s3:*"]
    # The bucket policy still refuses plain HTTP on the bucket, whatever the identity policy allows.
    assert not any(f.condition == "without TLS" and BUCKET in f.resources for f in granted)


def test_dev_stack_pointing_at_another_role_arn_locks_david_out_and_lets_theresa_in(
        report_of: Callable[..., Report], prod_run: StackRun, raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0]["path"] = "/apps/"  # the dev stack's model only: its group policies name role/apps/UpdateApp
    report = report_of(prod_run, run_with_model("dev", raw, tmp_path))
    assert wrong(report) == {("David", "", False), ("Theresa", "", True)}
    david = next(f for f in report.findings if f.principal.startswith("David"))
    assert david.why.endswith("admits account 111111111111, but no Allow in its identity policies")


def test_mfa_younger_than_its_limit_gets_in(report_of: Callable[..., Report], raw: dict[str, Any],
                                           tmp_path: Path) -> None:
    raw["roles"][0].update(requireMfa=True, mfaMaxAgeSeconds=30)
    report = report_of(*both(raw, tmp_path))
    assert report.failures == []
    david = role_of(report).assumers[0]
    assert (david.label, david.conditions) == ("David (Developers)", ("with MFA 0 s old", "with MFA 29 s old"))


def test_external_id_cases_and_the_secret_stays_secret(report_of: Callable[..., Report], raw: dict[str, Any],
                                                      tmp_path: Path) -> None:
    raw["roles"][0].update(requireMfa=True, externalIdSecret="updateAppExternalId")
    report = report_of(*both(raw, tmp_path, **{EXTERNAL_ID: "agreed-external-id"}))
    assert report.exit_code == OK
    david = role_of(report).assumers[0]
    assert set(david.conditions) == {"with MFA 0 s old, with the trust's ExternalId"}
    assert "agreed-external-id" not in str(report.to_dict())


def test_a_stale_external_id_on_the_development_side_locks_david_out(
        report_of: Callable[..., Report], raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0]["externalIdSecret"] = "updateAppExternalId"
    prod = run_with_model("prod", raw, tmp_path, **{EXTERNAL_ID: "the-right-one"})
    dev = run_with_model("dev", raw, tmp_path, **{EXTERNAL_ID: "a-stale-one"})
    report = report_of(prod, dev)
    assert ("David", "with the ExternalId development (111111111111) holds", False) in wrong(report)
    assert "a-stale-one" not in str(report.to_dict()) and "the-right-one" not in str(report.to_dict())


def test_principals_the_trust_names_are_asked_about(report_of: Callable[..., Report], raw: dict[str, Any],
                                                   tmp_path: Path) -> None:
    raw["roles"][0]["trustedPrincipalArns"] = ["arn:aws:iam::444455556666:role/Deployer"]
    report = report_of(*both(raw, tmp_path))
    labels = [a.label for a in role_of(report).assumers]
    assert "arn:aws:iam::444455556666:role/Deployer (if its own policies allow it)" in labels
    assert not any("any other principal of 444455556666" in label for label in labels)


def test_a_managed_policy_unknown_offline_leaves_its_members_undecided(
        report_of: Callable[..., Report], raw: dict[str, Any], tmp_path: Path) -> None:
    raw["groups"][0]["managedPolicyArns"] = ["arn:aws:iam::aws:policy/AWSSomethingNew"]
    report = report_of(*both(raw, tmp_path))
    assert report.exit_code == FAILED
    assert any(f.startswith("UpdateApp: cannot decide for David (Developers)") and "AWSSomethingNew is not known "
               "offline" in f for f in report.failures)
