"""Policy variables: `${aws:username}`, `${aws:PrincipalTag/team}`, any request context key, `${key, 'default'}`,
and the escapes `${*}`, `${?}`, `${$}` for literal characters.

AWS substitutes them only in policies whose Version is 2012-10-17 ("in earlier versions ... the variable is
treated as a literal string"), in the Resource element and in condition values. A variable whose key is absent
from the request (and has no default) makes that value match nothing. Substituted text is literal: a `*` that a
variable brings in is not a wildcard.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

VARIABLES_VERSION = "2012-10-17"

# ${...} with no closing brace inside; AWS's own grammar has no nesting.
_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"\s*([^,\s]+)\s*,\s*'([^']*)'\s*")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}

Lookup = Callable[[str], "tuple[str, ...] | None"]  # a lower-cased context key -> its values, None if absent


@dataclass(frozen=True)
class Template:
    """A value holding variables: alternating fixed text and (key, default) references, parsed once."""

    # Each part: (text, None, None) for text as written, ("", key, default) for a variable (key lower-cased,
    # default None when there is none), (char, "", None) for an escaped literal character.
    parts: tuple[tuple[str, str | None, str | None], ...]

    def resolve(self, lookup: Lookup) -> tuple[tuple[str, bool], ...] | None:
        """The value for this request as (text, literal) parts, or None when a variable has no value.

        A multi-valued key has no single value to substitute, so it counts as absent."""
        resolved: list[tuple[str, bool]] = []
        for text, key, default in self.parts:
            if key is None:
                resolved.append((text, False))
            elif key == "":
                resolved.append((text, True))
            else:
                values = lookup(key)
                if values is not None and len(values) == 1:
                    resolved.append((values[0], True))
                elif default is not None:
                    resolved.append((default, True))
                else:
                    return None
        return tuple(resolved)


def template(value: str, version: str) -> Template | None:
    """The value's variables, or None when it has none (or the policy version does not substitute them)."""
    if version != VARIABLES_VERSION or "${" not in value:
        return None
    parts: list[tuple[str, str | None, str | None]] = []
    position = 0
    for found in _VARIABLE.finditer(value):
        if found.start() > position:
            parts.append((value[position:found.start()], None, None))
        parts.append(_reference(found.group(1)))
        position = found.end()
    if not parts:
        return None
    if position < len(value):
        parts.append((value[position:], None, None))
    return Template(tuple(parts))


def _reference(inner: str) -> tuple[str, str | None, str | None]:
    if inner in _ESCAPES:
        return (_ESCAPES[inner], "", None)
    with_default = _DEFAULT.fullmatch(inner)
    if with_default:
        return ("", with_default.group(1).lower(), with_default.group(2))
    return ("", inner.strip().lower() or "\x00", None)  # `${}` names no key: never has a value


def plain(parts: tuple[tuple[str, bool], ...]) -> str:
    """Resolved parts as a plain string, for operators without wildcards (StringEquals, NumericEquals, ...)."""
    return "".join(text for text, _ in parts)
