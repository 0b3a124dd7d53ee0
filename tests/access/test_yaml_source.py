"""Strict YAML: what PyYAML merges, expands or crashes on is refused at a line and column, and no error
quotes the document."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
import yaml

from access.yaml_source import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_NODES,
    YamlSourceError,
    load_yaml,
    load_yaml_file,
    read_regular_file,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]


def refusal(text: str) -> str:
    with pytest.raises(YamlSourceError) as caught:
        load_yaml(text)
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_a_model_reads_as_pyyaml_reads_it() -> None:
    text = (PROJECT_DIR / "access-model.yaml").read_text()
    assert load_yaml(text) == yaml.safe_load(text)


def test_anchors_aliases_and_merge_keys_still_work() -> None:
    text = "tags: &tags {team: a, env: b}\nrole:\n  <<: *tags\n  env: c\nagain: *tags\n"
    assert load_yaml(text) == {"tags": {"team": "a", "env": "b"}, "role": {"team": "a", "env": "c"},
                               "again": {"team": "a", "env": "b"}}


@pytest.mark.parametrize(("text", "key", "first", "second"), [
    ("groups: []\nroles: []\ngroups: [x]\n", "'groups'", 1, 3),
    ("accounts:\n  - name: p\n    id: '1'\n    id: '2'\n", "'id'", 3, 4),
    ("a: {access: read-only, access: read-write}\n", "'access'", 1, 1),
    ("'id': 1\nid: 2\n", "'id'", 1, 2),  # quoting does not make another key
    ("1: a\n0x1: b\n", "1", 1, 2),  # nor does another spelling of the same int
], ids=["top level", "nested", "flow", "quoted", "int"])
def test_a_key_given_twice_is_refused_naming_it_and_both_lines(text: str, key: str, first: int,
                                                               second: int) -> None:
    message = refusal(text)
    assert message.startswith(f"line {second}, ")
    assert f"the key {key} is given twice (first at line {first})" in message


def billion_laughs(levels: int = 9) -> str:
    """The classic: 9 strings, each level a list of 9 aliases to the one before (9 ** 10 strings, 558 bytes)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_with_little_memory() -> None:
    text = billion_laughs()
    assert len(text) < 1700
    tracemalloc.start()
    try:
        message = refusal(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"more than {MAX_NODES} nodes once aliases are expanded" in message
    assert peak < 5_000_000


def test_too_many_aliases_are_refused() -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    assert f"more than {MAX_ALIASES} aliases" in refusal(text)


def test_a_recursive_alias_is_refused() -> None:
    assert "recursive" in refusal("a: &a [1, *a]\n")


def test_nesting_deep_enough_to_crash_libyaml_is_refused_in_a_child_process() -> None:
    """libyaml's composer recurses in C: past some ten thousand levels the process dies of a segfault.
    Checked in a child process, so a regression fails this test instead of killing the test run."""
    code = ("from access.yaml_source import load_yaml, YamlSourceError\n"
            "try:\n    load_yaml('[' * 200000)\nexcept YamlSourceError as error:\n    print(error)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0
    assert f"nested more than {MAX_DEPTH} levels deep" in result.stdout


def test_compact_block_nesting_is_bounded_too() -> None:
    assert "levels deep" in refusal("- " * (MAX_DEPTH + 1) + "x\n")


@pytest.mark.parametrize(("text", "hidden"), [
    ("password: hunter2-canary\n  bad: [\n", "hunter2-canary"),
    ("a: !!python/object/apply:os.system ['echo canary']\n", "echo canary"),
    ("ok: 1\nsecret: \"unterminated-canary\n", "unterminated-canary"),
    ("a: b\n\x00canary\n", "canary"),
], ids=["indentation", "unsafe tag", "unterminated string", "control character"])
def test_errors_give_a_position_and_never_the_line(text: str, hidden: str) -> None:
    message = refusal(text)
    assert message.startswith("line ") and hidden not in message


@pytest.mark.parametrize(("text", "problem"), [
    ("n: 2024-13-45\n", "month must be in 1..12"),
    ("n: " + "1" * 5000 + "\n", "Exceeds the limit"),
], ids=["impossible date", "int past Python's digit limit"])
def test_a_scalar_that_cannot_become_a_value_is_an_error_not_a_traceback(text: str, problem: str) -> None:
    message = refusal(text)
    assert message.startswith("line 1, column 4: not a valid value") and problem in message


def test_a_second_document_is_refused() -> None:
    assert "a second document" in refusal("a: 1\n---\nb: 2\n")


def test_an_empty_document_is_none() -> None:
    assert load_yaml("") is None and load_yaml("# only a comment\n") is None


def test_only_a_regular_file_is_read(tmp_path: Path) -> None:
    with pytest.raises(YamlSourceError, match="is a character device, not a regular file"):
        read_regular_file(Path("/dev/zero"), 1024)
    with pytest.raises(YamlSourceError, match="is a directory"):
        read_regular_file(tmp_path, 1024)
    with pytest.raises(YamlSourceError, match=r"cannot be read \(No such file or directory\)"):
        read_regular_file(tmp_path / "missing.yaml", 1024)


def test_size_and_encoding_are_checked(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text("a: " + "x" * 100)
    with pytest.raises(YamlSourceError, match="is larger than 50 bytes"):
        read_regular_file(tmp_path / "big.yaml", 50)
    (tmp_path / "latin1.yaml").write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(YamlSourceError, match=r"^line 2: is not UTF-8 text$"):
        load_yaml_file(tmp_path / "latin1.yaml", 1024)
