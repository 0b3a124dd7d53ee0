"""`python -m preview` as CI runs it: scope, output formats and exit codes (0 as intended, 1 named findings or a
partial proof, 2 cannot run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import preview.proof
from preview.__main__ import main
from tests.conftest import PROJECT_DIR
from tests.preview.conftest import project_copy

POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_json_report_of_the_tutorial(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json")
    report = json.loads(out)
    assert (code, report["exitCode"], report["failures"], report["verdict"]) == (0, 0, [], "passed")
    assert [s["name"] for s in report["stacks"]] == ["prod", "dev"]
    account = report["stacks"][0]["children"][0]
    assert (account["kind"], account["properties"]["id"]) == ("account", "999999999999")
    (role,) = report["access"]["roles"]
    assert [a["principal"] for a in role["mayAssume"]] == [
        "David (Developers)", "any other principal of development (111111111111) whose own policies allow it"]
    assert {a["resource"]: a["actions"] for a in role["session"]} == {
        "arn:aws:s3:::productionapp": ["s3:GetBucketLocation", "s3:ListBucket"],
        "arn:aws:s3:::productionapp/*": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
        "*": ["s3:ListAllMyBuckets"]}
    assert report["access"]["catalogue"]["actions"] > 15000 and report["access"]["outsider"] == "222222222222"
    assert len(out) < 60_000  # compact: counts and findings, not every question asked


def test_terminal_and_markdown_say_the_same_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    code, terminal, _ = run(capsys)
    assert code == 0 and "Preview passed" in terminal
    assert "may assume: David (Developers); any other principal of development (111111111111) whose own " \
           "policies allow it; nobody else" in terminal
    assert "s3:ListAllMyBuckets on *; nothing else of" in terminal
    assert "refused although their policies reach it: Theresa (Testers): denied: explicit Deny" in terminal
    code, markdown, _ = run(capsys, "--markdown")
    assert code == 0 and markdown.startswith("## Offline preview\n\n:white_check_mark: Preview passed")
    assert "#### UpdateApp (arn:aws:iam::999999999999:role/UpdateApp)" in markdown


def staging_model(raw: dict[str, Any]) -> dict[str, Any]:
    """A third account, trusted by UpdateApp, whose group holds PowerUserAccess and no deny."""
    raw["accounts"].append({"name": "staging", "id": "333333333333", "region": "us-east-1"})
    raw["roles"][0]["trustedAccounts"].append("staging")
    raw["groups"].append({"name": "QA", "account": "staging", "members": ["Sam"], "managedPolicyArns": [POWER_USER]})
    return raw


def test_a_third_accounts_stack_is_previewed_by_default(raw: dict[str, Any], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    project = project_copy(tmp_path, staging_model(raw), {"staging": {"account": "staging"}})
    code, out, _ = run(capsys, "--project-dir", str(project))
    assert code == 1
    assert "Sam (QA) may assume it" in out and "AWS-managed PowerUserAccess" in out


def test_a_stack_left_out_makes_the_proof_partial(raw: dict[str, Any], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    project = project_copy(tmp_path, staging_model(raw), {"staging": {"account": "staging"}})
    code, out, _ = run(capsys, "--project-dir", str(project), "--stacks", "prod", "dev", "--json")
    report = json.loads(out)
    assert code == 1 and report["scope"]["partial"]
    assert report["scope"]["notPreviewed"] == [{"account": "staging", "id": "333333333333",
                                                "reason": "was left out by --stacks", "partial": True}]
    assert any("staging (333333333333) was left out by --stacks" in f for f in report["failures"])


def test_a_model_account_without_a_stack_file_is_named(raw: dict[str, Any], tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    project = project_copy(tmp_path, staging_model(raw))
    code, out, _ = run(capsys, "--project-dir", str(project))
    assert code == 1 and "account staging (333333333333) has no stack file" in out


def test_the_development_stack_alone_is_a_partial_proof(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--stacks", "dev")
    assert code == 1
    assert "account production (999999999999) was left out by --stacks" in out and "partial" in out


def test_a_stack_file_of_an_account_the_model_lacks_is_named(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    project = project_copy(tmp_path, stacks={"old": {"account": "legacy"}})
    code, out, _ = run(capsys, "--project-dir", str(project))
    assert code == 1 and "stack old deploys account legacy, which the model does not define" in out


def test_accounts_that_deploy_nothing_are_named_not_failed(raw: dict[str, Any], tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    # The old matrix picked 222222222222 as its outsider and crashed (StopIteration) when all three were taken.
    raw["accounts"] += [{"name": f"partner-{d}", "id": d * 12, "region": "us-east-1"} for d in "234"]
    code, out, err = run(capsys, "--project-dir", str(project_copy(tmp_path, raw)), "--json")
    report = json.loads(out)
    assert (code, err) == (0, "")
    assert report["access"]["outsider"] == "555555555555"
    assert {a["account"] for a in report["scope"]["notPreviewed"]} == {"partner-2", "partner-3", "partner-4"}


def test_trusting_222222222222_on_purpose_passes(raw: dict[str, Any], tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    raw["accounts"].append({"name": "partner", "id": "222222222222", "region": "us-east-1"})
    raw["roles"][0]["trustedAccounts"].append("partner")
    policy = json.loads((PROJECT_DIR / "policypack" / "policy-config.json").read_text())
    for rule in policy.values():  # every allowlist of the pack's rules
        if isinstance(rule, dict) and "allowedAccountIds" in rule:
            rule["allowedAccountIds"].append("222222222222")
    (tmp_path / "policy-config.json").write_text(json.dumps(policy))
    project = project_copy(tmp_path, raw)
    code, out, _ = run(capsys, "--project-dir", str(project), "--policy-config", str(tmp_path / "policy-config.json"))
    assert code == 0, out
    assert "any other principal of partner (222222222222) whose own policies allow it" in out
    assert "an administrator of 333333333333" not in out  # refused, as intended: not listed among who may


def test_config_error_exits_2_naming_the_key(raw: dict[str, Any], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    raw["roles"][0]["maxSessionDuration"] = 60
    project = project_copy(tmp_path, raw)
    code, out, _ = run(capsys, "--project-dir", str(project), "--json")
    error = json.loads(out)["error"]
    assert code == 2 and (error["type"], error["key"]) == ("ConfigError", "roles[0].maxSessionDuration")
    code, out, _ = run(capsys, "--project-dir", str(project), "--markdown")
    assert code == 2 and "roles[0].maxSessionDuration: 60 must be from 3600 to 43200 seconds" in out


def test_any_program_failure_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = project_copy(tmp_path)
    (project / "__main__.py").write_text("raise RuntimeError('the program is broken')\n")
    code, _, err = run(capsys, "--project-dir", str(project))
    assert code == 2 and "RuntimeError: the program is broken" in err


def test_an_unexpected_error_exits_2_in_one_line(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object) -> None:
        raise KeyError("something nobody expected")
    monkeypatch.setattr(preview.proof, "build_estate", broken)
    code, out, err = run(capsys)
    assert code == 2 and out == ""
    assert err == "error: the preview could not run: KeyError: 'something nobody expected'\n"


def test_a_stack_without_config_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--stacks", "staging", "--json")
    assert code == 2 and json.loads(out)["error"]["type"] == "FileNotFoundError"


@pytest.mark.parametrize(("option", "value"), [("--policy-config", "/nonexistent/policy-config.json"),
                                               ("--project-dir", "/nonexistent/project")])
def test_a_missing_path_is_refused_naming_option_and_value(option: str, value: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([option, value])
    assert exited.value.code == 2
    assert f"argument {option}: '{value}'" in capsys.readouterr().err


def test_external_ids_offline_are_placeholders_and_the_report_says_so(raw: dict[str, Any], tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    raw["roles"][0]["externalIdSecret"] = "updateAppExternalId"
    secret = {"updateAppExternalId": {"secure": "v1:AAAAencrypted"}}
    project = project_copy(tmp_path, raw, {"prod": {"account": "production", **secret},
                                           "dev": {"account": "development", **secret}})
    code, out, _ = run(capsys, "--project-dir", str(project))
    assert code == 0, out
    assert "ExternalIds are stack secrets the preview cannot decrypt: it compared placeholders" in out
    assert "David (Developers) [with the trust's ExternalId]" in out
