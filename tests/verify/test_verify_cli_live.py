"""`python -m verify` in process, with credentials exactly as a stack's provider gets them: the stack's named
profile, from an AWS config file, against moto's server through the standard `AWS_ENDPOINT_URL`."""

from __future__ import annotations

import json
import os
import socket

import pytest

from rehearsal.emulator import Keys
from tests.verify.support import DEVELOPMENT, PRODUCTION, Tutorial, profiles_environment, project_copy
from verify.__main__ import main


def use_profiles(monkeypatch, tmp_path, profiles: dict[str, Keys], endpoint: str) -> None:
    """Only these profiles and this endpoint: none of the machine's own AWS settings."""
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in profiles_environment(tmp_path, profiles, endpoint).items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def admin_profiles(tutorial, monkeypatch, tmp_path) -> Tutorial:
    """The stacks' profiles (`production-admin`, `development-admin`) hold each account's auditor keys."""
    use_profiles(monkeypatch, tmp_path, {"production-admin": tutorial.keys[PRODUCTION],
                                         "development-admin": tutorial.keys[DEVELOPMENT]}, tutorial.emulator.endpoint)
    return tutorial


def test_the_tutorial_as_deployed_verifies_with_the_stacks_profiles(admin_profiles, capsys):
    code = main([])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "Verification passed" in out


def test_json_names_each_account_and_who_read_it(admin_profiles, capsys):
    assert main(["--json"]) == 0

    report = json.loads(capsys.readouterr().out)
    assert [(a["stack"], a["id"], a["readAs"]) for a in report["accounts"]] == [
        ("prod", PRODUCTION, f"arn:aws:iam::{PRODUCTION}:user/verify-auditor"),
        ("dev", DEVELOPMENT, f"arn:aws:iam::{DEVELOPMENT}:user/verify-auditor"),
    ]
    assert report["exitCode"] == 0 and report["drift"] == [] and report["failures"] == []


def test_drift_fails_with_each_document_named_in_markdown(admin_profiles, capsys):
    admin_profiles.admin("iam", DEVELOPMENT).delete_group_policy(GroupName="Testers",
                                                                 PolicyName="deny-assume-S3-role-in-production")

    code = main(["--markdown"])

    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("## Live verification\n\n:x: Verification FAILED")
    assert "group Testers" in out and "deny-assume-S3-role-in-production" in out


def test_credentials_of_the_wrong_account_are_refused_naming_both_accounts(tutorial, monkeypatch, tmp_path, capsys):
    use_profiles(monkeypatch, tmp_path, {"production-admin": tutorial.keys[DEVELOPMENT],
                                         "development-admin": tutorial.keys[DEVELOPMENT]}, tutorial.emulator.endpoint)

    code = main([])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert f"belong to account {DEVELOPMENT}, not to account production ({PRODUCTION})" in line
    assert "profile production-admin" in line


def test_a_missing_profile_is_one_line_and_exit_2(tutorial, monkeypatch, tmp_path, capsys):
    use_profiles(monkeypatch, tmp_path, {"development-admin": tutorial.keys[DEVELOPMENT]}, tutorial.emulator.endpoint)

    code = main([])

    (line,) = capsys.readouterr().err.splitlines()
    assert code == 2
    assert line.startswith("error: cannot verify: stack prod: cannot use profile production-admin")


def test_no_credentials_at_all_is_one_line_and_exit_2(tutorial, monkeypatch, tmp_path, capsys):
    """Stacks without a profile use the ambient chain; here it is empty (no keys, no config, no instance role)."""
    project = project_copy(tmp_path, lambda text: "\n".join(line for line in text.splitlines()
                                                               if ":profile:" not in line) + "\n")
    use_profiles(monkeypatch, tmp_path, {}, tutorial.emulator.endpoint)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    code = main(["--project-dir", str(project)])

    (line,) = capsys.readouterr().err.splitlines()
    assert code == 2
    assert line == ("error: cannot verify: stack prod: cannot use the ambient credentials: Unable to locate "
                    "credentials")


def test_an_unreachable_endpoint_is_one_line_and_exit_2(tutorial, monkeypatch, tmp_path, capsys):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}"
    use_profiles(monkeypatch, tmp_path, {"production-admin": tutorial.keys[PRODUCTION],
                                         "development-admin": tutorial.keys[DEVELOPMENT]}, closed)

    code = main(["--json"])

    report = json.loads(capsys.readouterr().out)
    assert code == 2 and report["exitCode"] == 2
    assert "Could not connect to the endpoint URL" in report["error"]


def test_no_secret_is_ever_printed(tutorial, monkeypatch, tmp_path, capsys):
    """Wrong account, then drift: neither output holds an access key ID or a secret key."""
    keys = tutorial.keys[DEVELOPMENT]
    use_profiles(monkeypatch, tmp_path, {"production-admin": keys, "development-admin": keys},
                 tutorial.emulator.endpoint)
    main([])
    use_profiles(monkeypatch, tmp_path, {"production-admin": tutorial.keys[PRODUCTION],
                                         "development-admin": keys}, tutorial.emulator.endpoint)
    main(["--json"])

    captured = capsys.readouterr()
    for secret in (keys.access_key_id, keys.secret_access_key, tutorial.keys[PRODUCTION].secret_access_key):
        assert secret not in captured.out + captured.err


def test_an_unexpected_failure_is_exit_2_in_one_line_never_a_finding(monkeypatch, capsys):
    def crash(*_: object) -> None:
        raise KeyError("no such thing\nsecond line")

    monkeypatch.setattr("verify.__main__.verify", crash)

    code = main([])

    (line,) = capsys.readouterr().err.splitlines()
    assert code == 2
    assert line == "error: cannot verify: verification failed unexpectedly: KeyError: 'no such thing\\nsecond line'"
