"""The tutorial's step 3, end to end against moto, as `python -m rehearsal` runs it."""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest

import rehearsal.__main__ as cli
from rehearsal.rehearse import Rehearsal

ROLE = "arn:aws:iam::999999999999:role/UpdateApp"
DOCUMENT_INPUTS = {
    "aws:iam/role:Role": "assumeRolePolicy",
    "aws:iam/policy:Policy": "policy",
    "aws:s3/bucketPolicy:BucketPolicy": "policy",
    "aws:iam/groupPolicy:GroupPolicy": "policy",
}


@pytest.fixture(scope="module")
def tutorial() -> tuple[int, Rehearsal, str]:
    """`python -m rehearsal` once: its exit code, the rehearsal it ran, and what it printed."""
    ran: list[Rehearsal] = []
    real = cli.rehearse
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli, "rehearse", lambda configs, transcript: ran.append(real(configs, transcript)) or ran[-1])
        out = io.StringIO()
        with redirect_stdout(out):
            code = cli.main([])
    return code, ran[0], out.getvalue()


def test_every_step_goes_as_the_tutorial_says(tutorial):
    code, rehearsal, text = tutorial
    assert code == 0
    assert rehearsal.surprises == 0
    got = {(r.step.actor, r.step.action): r.got for r in rehearsal.results}
    assert got == {
        ("David", f"sts:AssumeRole {ROLE} (session David-ProdUpdate)"): "allowed",
        ("David as UpdateApp", "s3:ListAllMyBuckets"): "allowed",
        ("David as UpdateApp", "s3:ListBucket arn:aws:s3:::productionapp"): "allowed",
        ("David as UpdateApp", "s3:PutObject arn:aws:s3:::productionapp/rehearsal.txt"): "allowed",
        ("David as UpdateApp", "s3:GetObject arn:aws:s3:::productionapp/rehearsal.txt"): "allowed",
        ("David as UpdateApp", "s3:DeleteObject arn:aws:s3:::productionapp/rehearsal.txt"): "allowed",
        ("David as UpdateApp", "s3:DeleteBucket arn:aws:s3:::productionapp"): "refused (AccessDenied)",
        ("David as UpdateApp", "s3:PutObject arn:aws:s3:::otherbucket-999999999999/rehearsal.txt"):
            "refused (AccessDenied)",
        ("David as UpdateApp", "iam:CreateUser"): "refused (AccessDenied)",
        ("Theresa", f"sts:AssumeRole {ROLE} (session Theresa-ProdUpdate)"): "refused (AccessDenied)",
    }
    assert "✗" not in text
    assert text.count("✓") == len(rehearsal.applied) + len(rehearsal.results) + 1  # and verification's verdict


def test_the_documents_applied_are_the_programs_byte_for_byte(tutorial, prod_run, dev_run):
    _, rehearsal, _ = tutorial
    program = {(r.type, r.name): r.inputs[DOCUMENT_INPUTS[r.type]]
               for run in (prod_run, dev_run) for r in run.resources if r.type in DOCUMENT_INPUTS}
    held = {(a.planned.resource.type, a.planned.resource.name): a.stored
            for a in rehearsal.applied if a.stored is not None}
    assert len(program) == 5
    assert held == program


def test_the_transcript_says_what_the_emulator_cannot_check(tutorial):
    _, _, text = tutorial
    assert ("trust policy of UpdateApp (who may assume it, with its conditions): not checked by the emulator"
            in text)
    assert "bucket policy of productionapp" in text
    assert text.count("see the preview's access matrix (python -m preview)") == 2


def test_the_rehearsal_ends_by_verifying_the_accounts_with_authorisation_on(tutorial):
    _, rehearsal, text = tutorial
    report = rehearsal.verified.report
    assert report is not None and report.failures == []
    assert [a.caller_arn for a in report.accounts] == [f"arn:aws:iam::{a}:user/verify-auditor"
                                                        for a in ("999999999999", "111111111111")]
    verification = text.split("Verification of the emulated accounts (python -m verify)", 1)[1]
    assert "UpdateApp: may assume: David (Developers); nobody else" in verification
    assert "✓ Verification passed" in verification
