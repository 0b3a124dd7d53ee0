"""`python -m preview` as CI runs it: output formats and exit codes (0 pass, 1 fail, 2 the program failed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from preview.__main__ import main
from tests.conftest import PROJECT_DIR


def project_copy(directory: Path, model: str | None = None) -> Path:
    """The project's files in `directory` (the program still imports access/components from the repository)."""
    for name in ("Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dev.yaml", "__main__.py", "access-model.yaml"):
        shutil.copy(PROJECT_DIR / name, directory / name)
    if model is not None:
        (directory / "access-model.yaml").write_text(model)
    return directory


def test_json_report_of_the_tutorial(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["exitCode"] == 0 and report["failures"] == []
    assert [s["name"] for s in report["stacks"]] == ["prod", "dev"]
    account = report["stacks"][0]["children"][0]
    assert (account["kind"], account["properties"]["id"]) == ("account", "999999999999")
    assert {(c["principal"].split(" ")[0], c["actual"]) for c in report["access"] if c["kind"] == "assume"} >= {
        ("David", True), ("Theresa", False)}


def test_terminal_and_markdown_say_the_same_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    terminal = capsys.readouterr().out
    assert "Preview passed" in terminal and "Who may assume which role" in terminal
    assert main(["--markdown"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("## Offline preview\n\n:white_check_mark: Preview passed")
    assert "| David (development: Developers) | UpdateApp | - | yes | yes | ok |" in markdown


def test_one_stack_alone_asks_only_what_it_can_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--stacks", "prod", "--json"]) == 0
    principals = {c["principal"] for c in json.loads(capsys.readouterr().out)["access"]}
    assert principals == {"development user in no group", "admin of third account 222222222222", "UpdateApp session"}


def test_config_error_exits_2_naming_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = yaml.safe_load((PROJECT_DIR / "access-model.yaml").read_text())
    model["roles"][0]["maxSessionDuration"] = 60
    project = project_copy(tmp_path, yaml.safe_dump(model))
    assert main(["--project-dir", str(project), "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert (error["stack"], error["type"], error["key"]) == ("prod", "ConfigError", "roles[0].maxSessionDuration")
    assert main(["--project-dir", str(project), "--markdown"]) == 2
    assert "roles[0].maxSessionDuration: 60 must be from 3600 to 43200 seconds" in capsys.readouterr().out


def test_any_program_failure_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = project_copy(tmp_path)
    (project / "__main__.py").write_text("raise RuntimeError('the program is broken')\n")
    assert main(["--project-dir", str(project)]) == 2
    assert "stack prod: RuntimeError: the program is broken" in capsys.readouterr().err


def test_a_stack_without_config_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--stacks", "staging", "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["type"] == "FileNotFoundError"


@pytest.mark.parametrize(("option", "value"), [("--policy-config", "/nonexistent/policy-config.json"),
                                               ("--project-dir", "/nonexistent/project")])
def test_a_missing_path_is_refused_naming_option_and_value(option: str, value: str,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([option, value])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert f"argument {option}: '{value}'" in error
