"""Stack files against the model's accounts, in temporary projects: each mismatch is named, the matrix follows
the model (accounts holding roles first), and the CLI's exit codes say which kind of problem it met."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from access import stacks
from access.model import AccessModel
from tests.conftest import PROJECT_DIR


def project(tmp_path: Path, **stack_accounts: str | None) -> Path:
    """A project with the shipped model and one stack file per keyword (None: a file naming no account)."""
    shutil.copy(PROJECT_DIR / "access-model.yaml", tmp_path / "access-model.yaml")
    for stack, account in stack_accounts.items():
        config = "" if account is None else f"  cross-account-access:account: {account}\n"
        (tmp_path / f"Pulumi.{stack}.yaml").write_text(f"config:\n{config}")
    return tmp_path


def test_matching_stacks_have_no_problem(tutorial: AccessModel, tmp_path: Path) -> None:
    assert stacks.stack_problems(tutorial, project(tmp_path, prod="production", dev="development")) == []


def test_a_stack_file_naming_no_model_account_is_named(tutorial: AccessModel, tmp_path: Path) -> None:
    directory = project(tmp_path, prod="production", dev="development", staging="staging", blank=None)
    assert stacks.stack_problems(tutorial, directory) == [
        "Pulumi.blank.yaml: cross-account-access:account (missing) is not an account of the model "
        "(production, development)",
        "Pulumi.staging.yaml: cross-account-access:account 'staging' is not an account of the model "
        "(production, development)",
    ]


def test_a_model_account_without_a_stack_is_named(tutorial: AccessModel, tmp_path: Path) -> None:
    assert stacks.stack_problems(tutorial, project(tmp_path, prod="production")) == [
        "account development of the model has no stack: add Pulumi.<stack>.yaml with "
        "cross-account-access:account: development"]


def test_two_stacks_for_one_account_are_named(tutorial: AccessModel, tmp_path: Path) -> None:
    directory = project(tmp_path, prod="production", prod2="production", dev="development")
    assert stacks.stack_problems(tutorial, directory) == [
        "Pulumi.prod2.yaml: account production is already deployed by stack prod"]


def test_an_overlong_account_value_is_shown_truncated(tutorial: AccessModel, tmp_path: Path) -> None:
    (problem,) = [p for p in stacks.stack_problems(tutorial, project(tmp_path, x="y" * 5000)) if "Pulumi.x" in p]
    assert len(problem) < 200 and "..." in problem


def test_matrix_puts_accounts_holding_roles_first(tutorial: AccessModel, tmp_path: Path) -> None:
    matrix = stacks.job_matrix(tutorial, project(tmp_path, a_dev="development", z_prod="production"))
    assert matrix == {
        "trusting": {"include": [{"stack": "z_prod", "account": "production", "account-id": "999999999999",
                                  "region": "us-east-1"}]},
        "trusted": {"include": [{"stack": "a_dev", "account": "development", "account-id": "111111111111",
                                 "region": "us-east-1"}]},
    }


def test_cli_prints_the_matrix_as_one_json_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = project(tmp_path, prod="production", dev="development")
    assert stacks.main(["--matrix", "--project-dir", str(directory)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert [e["stack"] for e in json.loads(out)["trusting"]["include"]] == ["prod"]


def test_cli_refuses_a_matrix_while_stacks_and_model_disagree(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert stacks.main(["--matrix", "--project-dir", str(project(tmp_path, prod="production"))]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "account development of the model has no stack" in captured.err


def test_cli_says_when_the_model_cannot_be_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "Pulumi.prod.yaml").write_text("config: {}\n")
    assert stacks.main(["--check", "--project-dir", str(tmp_path)]) == 2
    assert "cross-account-access:model" in capsys.readouterr().err


def test_a_stack_file_naming_its_account_twice_deploys_no_account(tmp_path):
    """Strict YAML: `account` given twice is not silently the last one; the file is named as deploying nothing."""
    path = tmp_path / "Pulumi.twice.yaml"
    path.write_text("config:\n  cross-account-access:account: production\n"
                    "  cross-account-access:account: development\n")

    assert stacks.stack_account(path) == ""
