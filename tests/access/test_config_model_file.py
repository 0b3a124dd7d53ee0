"""`cross-account-access:model` reads only a regular file inside the project (or the operator's directory),
and no error ever shows a file's content."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from access.config import ConfigError, load_stack
from access.model_file import MAX_MODEL_BYTES, MODEL_DIR_ENV
from tests.access.test_yaml_source import billion_laughs

PROJECT_DIR = Path(__file__).resolve().parents[2]
MODEL_KEY = "cross-account-access:model"
STACK = {"cross-account-access:account": "production", "pulumi:disable-default-providers": '["aws"]'}
CANARY = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI-canary"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory with the tutorial's model, and no other directory allowed."""
    monkeypatch.delenv(MODEL_DIR_ENV, raising=False)
    directory = tmp_path / "project"
    directory.mkdir()
    (directory / "access-model.yaml").write_text((PROJECT_DIR / "access-model.yaml").read_text())
    return directory


def refused(project: Path, path: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_stack({**STACK, MODEL_KEY: path}, project)
    assert caught.value.key == MODEL_KEY
    assert "\n" not in str(caught.value)
    return caught.value


def test_the_model_inside_the_project_is_read(project: Path) -> None:
    (project / "models").mkdir()
    (project / "models" / "org.yaml").write_text((project / "access-model.yaml").read_text())
    model, _ = load_stack({**STACK, MODEL_KEY: "models/org.yaml"}, project)
    assert model.role("UpdateApp")


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.yaml", "/dev/zero", "/dev/stdin", "/proc/self/environ"])
def test_paths_outside_the_project_are_refused_saying_how_to_allow_one(project: Path, path: str) -> None:
    (project.parent / "outside.yaml").write_text(CANARY)
    error = refused(project, path)
    assert "outside the project directory" in str(error) and MODEL_DIR_ENV in str(error)
    assert "root:" not in str(error) and CANARY not in str(error)


def test_a_symlink_out_of_the_project_is_followed_before_the_check(project: Path) -> None:
    (project.parent / "outside.yaml").write_text(CANARY)
    (project / "link.yaml").symlink_to(project.parent / "outside.yaml")
    assert "outside the project directory" in str(refused(project, "link.yaml"))


def test_the_operators_directory_is_allowed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = project.parent / "shared"
    shared.mkdir()
    (shared / "org.yaml").write_text((project / "access-model.yaml").read_text())
    monkeypatch.setenv(MODEL_DIR_ENV, str(shared))
    assert load_stack({**STACK, MODEL_KEY: str(shared / "org.yaml")}, project)[0].role("UpdateApp")


def test_a_fifo_in_the_project_is_refused_without_waiting_for_a_writer(project: Path) -> None:
    os.mkfifo(project / "pipe.yaml")
    assert "is a FIFO, not a regular file" in str(refused(project, "pipe.yaml"))


def test_a_directory_is_refused(project: Path) -> None:
    (project / "models").mkdir()
    assert "is a directory" in str(refused(project, "models"))


def test_a_model_over_the_size_cap_is_refused(project: Path) -> None:
    (project / "big.yaml").write_text("# " + "x" * MAX_MODEL_BYTES)
    assert f"larger than {MAX_MODEL_BYTES} bytes" in str(refused(project, "big.yaml"))


@pytest.mark.parametrize("content", [
    f"{CANARY}\nAWS_ACCESS_KEY_ID=AKIACANARY\n",  # a .env: one plain scalar
    f"accounts: [\n  {CANARY}: [\n",  # broken YAML quoting nothing of the line
    f"accounts:\n  - name: x\n    {CANARY}: 1\n  - {{ bad",
    "root:x:0:0:root:/root:/bin/bash\n",
], ids=[".env", "broken YAML", "broken further down", "passwd-like"])
def test_no_error_shows_the_files_content(project: Path, content: str) -> None:
    (project / ".env").write_text(content)
    error = refused(project, ".env")
    assert CANARY not in str(error) and "AKIA" not in str(error) and "/bin/bash" not in str(error)


def test_a_yaml_error_gives_line_and_column(project: Path) -> None:
    (project / "broken.yaml").write_text("accounts:\n  - name: production\n    id: [\n")
    assert "is not a usable model file: line 4, column 1:" in str(refused(project, "broken.yaml"))


def test_a_missing_model_is_named(project: Path) -> None:
    error = refused(project, "missing.yaml")
    assert error.value == "missing.yaml" and "No such file or directory" in str(error)


def test_duplicate_keys_in_the_model_are_refused_with_both_lines(project: Path) -> None:
    text = (project / "access-model.yaml").read_text()
    (project / "twice.yaml").write_text(text + "groups:\n  - name: Developers\n    account: development\n")
    first = text.splitlines().index("groups:") + 1
    second = len(text.splitlines()) + 1
    message = str(refused(project, "twice.yaml"))
    assert f"line {second}, column 1: the key 'groups' is given twice (first at line {first})" in message


def test_an_alias_bomb_is_refused(project: Path) -> None:
    (project / "bomb.yaml").write_text(billion_laughs())
    assert "nodes once aliases are expanded" in str(refused(project, "bomb.yaml"))
