"""Variants of the model: what the emulator shows when the tutorial's Deny is missing, and resources the
program creates only on request (groups, users, memberships)."""

from __future__ import annotations

from rehearsal.__main__ import main
from tests.rehearsal.support import rehearse_model, write_model


def test_without_the_testers_deny_theresa_gets_in_and_the_rehearsal_and_verification_fail(raw, tmp_path, capsys):
    testers = next(g for g in raw["groups"] if g["name"] == "Testers")
    del testers["denyAssume"]

    code = main(["--model", str(write_model(raw, tmp_path))])

    text = capsys.readouterr().out
    failed = [line.strip() for line in text.splitlines() if "✗" in line]
    assert code == 1
    step, finding, verdict = failed
    assert step == ("✗ Theresa: sts:AssumeRole arn:aws:iam::999999999999:role/UpdateApp "
                    "(session Theresa-ProdUpdate) — expected refused, got allowed")
    assert finding.startswith("✗ UpdateApp: Theresa (Testers) may assume it: granted, not intended")
    assert verdict.startswith("✗ Verification FAILED")
    assert text.rstrip().endswith("2 surprises.")


def test_groups_users_and_memberships_the_program_creates_are_applied(raw, tmp_path):
    for group in raw["groups"]:
        group.update(create=True, createMembers=True)

    rehearsal, text = rehearse_model(raw, tmp_path)

    applied = {(a.planned.resource.type, a.planned.resource.name) for a in rehearsal.applied}
    assert {
        ("aws:iam/group:Group", "Testers-group"),
        ("aws:iam/user:User", "development-Theresa"),
        ("aws:iam/userGroupMembership:UserGroupMembership", "development-Theresa-groups"),
        ("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "Testers-PowerUserAccess"),
    } <= applied
    assert "group Testers" not in text.split("Stacks prod, dev")[0]  # not a prerequisite any more
    assert rehearsal.surprises == 0
    assert all(r.as_expected for r in rehearsal.results) and len(rehearsal.results) == 10


def test_a_model_the_program_refuses_is_not_rehearsed(raw, tmp_path, capsys):
    raw["roles"][0]["maxSessionDuration"] = 60

    code = main(["--model", str(write_model(raw, tmp_path))])

    assert code == 2
    assert "rehearsal not run: roles[0].maxSessionDuration: 60 must be from 3600" in capsys.readouterr().err
