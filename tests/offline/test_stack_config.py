"""Stack config read the way the CLI merges it: project under stack, namespaced, JSON-encoded, secrets kept secret."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from offline.stack_config import SECRET_PLACEHOLDER, StackConfigError, load_stack_config


def project(tmp_path: Path, stack_yaml: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: demo\nruntime: python\nconfig:\n"
        "  pulumi:disable-default-providers:\n    value: [aws]\n"
        "  color: blue\n  size:\n    type: integer\n    default: 3\n")
    (tmp_path / "Pulumi.s.yaml").write_text(stack_yaml)
    return tmp_path


def test_stack_values_override_project_values_and_bare_keys_are_namespaced(tmp_path: Path) -> None:
    config = load_stack_config(project(tmp_path, "config:\n  demo:color: red\n  aws:region: eu-west-1\n"), "s")
    assert config.project == "demo" and config.stack == "s"
    assert config.values == {"pulumi:disable-default-providers": '["aws"]', "demo:color": "red", "demo:size": "3",
                             "aws:region": "eu-west-1"}


def test_secure_values_become_a_placeholder_still_marked_secret(tmp_path: Path) -> None:
    config = load_stack_config(project(tmp_path, "config:\n  demo:token:\n    secure: v1:abc==\n"), "s")
    assert config.values["demo:token"] == SECRET_PLACEHOLDER
    assert config.secret_keys == ("demo:token",)
    assert json.loads(config.environment()["PULUMI_CONFIG_SECRET_KEYS"]) == ["demo:token"]


def test_structured_stack_values_are_json_like_the_cli_passes_them(tmp_path: Path) -> None:
    config = load_stack_config(project(tmp_path, "config:\n  demo:tags:\n    team: a\n"), "s")
    assert json.loads(config.values["demo:tags"]) == {"team": "a"}
    assert json.loads(config.environment()["PULUMI_CONFIG"])["demo:tags"] == '{"team": "a"}'


def test_missing_stack_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"Pulumi\.nope\.yaml"):
        load_stack_config(project(tmp_path, ""), "nope")


@pytest.mark.parametrize(("file", "text", "where"), [
    ("Pulumi.s.yaml", "config:\n  demo:color: red\n  demo:color: green\n", "line 3, column 3"),
    ("Pulumi.s.yaml", "config:\n  demo:color: red\nconfig:\n  demo:size: 4\n", "line 3, column 1"),
    ("Pulumi.yaml", "name: demo\nruntime: python\nname: other\n", "line 3, column 1"),
], ids=["stack key", "stack section", "project name"])
def test_a_key_given_twice_is_refused_as_the_cli_refuses_it(tmp_path: Path, file: str, text: str,
                                                            where: str) -> None:
    project(tmp_path, "")
    (tmp_path / file).write_text(text)
    expected = rf"^{re.escape(file)}: {where}: the key .* is given twice"
    with pytest.raises(StackConfigError, match=expected):
        load_stack_config(tmp_path, "s")


def test_a_stack_file_that_is_not_config_is_refused_without_its_content(tmp_path: Path) -> None:
    project(tmp_path, "hunter2-canary\n")
    with pytest.raises(StackConfigError) as caught:
        load_stack_config(tmp_path, "s")
    assert "hunter2-canary" not in str(caught.value) and "Pulumi.s.yaml" in str(caught.value)


@pytest.mark.parametrize("stack", ["../s", "s/../../x", "", "s\n"])
def test_a_stack_name_is_not_a_path(tmp_path: Path, stack: str) -> None:
    with pytest.raises(StackConfigError, match="is not a stack name"):
        load_stack_config(project(tmp_path, ""), stack)


def test_with_secrets_sets_values_and_marks_them_secret(tmp_path: Path) -> None:
    config = load_stack_config(project(tmp_path, ""), "s").with_secrets(**{"demo:token": "t"})
    assert config.values["demo:token"] == "t" and config.secret_keys == ("demo:token",)
    assert config.with_secrets(**{"demo:token": "u"}).secret_keys == ("demo:token",)
