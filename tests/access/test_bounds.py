"""Values echoed in messages are bounded whatever their size, shape or type, and showing one never fails."""

from __future__ import annotations

import pytest

from access.bounds import MAX_SHOWN, shown


@pytest.mark.parametrize("value", [
    "d" * 50_000_000,
    b"\x00" * 10_000_000,
    bytearray(b"x" * 1_000_000),
    list(range(1_000_000)),
    {f"k{i}": "v" * 1000 for i in range(1000)},
    10 ** 4000,
], ids=["50 MB string", "10 MB bytes", "bytearray", "long list", "wide dict", "4000-digit int"])
def test_large_values_are_shown_short(value: object) -> None:
    assert len(shown(value)) <= MAX_SHOWN


def test_nesting_is_cut_at_a_fixed_depth() -> None:
    nested: list[object] = []
    for _ in range(1000):
        nested = [nested, nested]
    assert len(shown(nested)) <= MAX_SHOWN and "..." in shown(nested)


def test_self_reference_is_shown_without_recursing() -> None:
    loop: list[object] = []
    loop.append(loop)
    assert shown(loop) == "[[[...]]]"


def test_control_characters_are_escaped_so_they_cannot_reach_a_terminal() -> None:
    assert shown("red\x1b[31m\n") == r"'red\x1b[31m\n'"
    assert shown("\u202eevil") == r"'\u202eevil'"


def test_an_int_beyond_pythons_string_conversion_limit_is_shown_by_its_type() -> None:
    assert shown(int("9" * 4300) * 10 ** 100) == "<int>"


def test_short_values_are_shown_whole() -> None:
    assert shown("UpdateApp") == "'UpdateApp'"
    assert shown(["a", 1, None]) == "['a', 1, None]"
    assert shown("x" * 100, limit=20) == "'xxxxxxxxxxxxxxxx..."
