"""How messages quote what a document says: bounded, whatever the document holds.

A diagnostic echoes the offending value (an action, a principal, a Sid) so the author finds it, but documents
come from programs anyone may edit: a 5 MB action string must not become a 5 MB message. The pack ships alone
(`pulumi policy publish`), so it cannot use the repository's `access.bounds`; this is the pack's own, smaller
equivalent for the strings its messages quote.
"""

from __future__ import annotations

import json

MAX_SHOWN = 80


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """`value` in JSON notation, at most `limit` characters, with an ellipsis where a string was cut.

    Strings are cut before they are encoded and containers are named, not printed, so the cost does not
    depend on the value's size.
    """
    if isinstance(value, str):
        text = json.dumps(value[:limit])
        return text if len(value) <= limit and len(text) <= limit else text[: limit - 4] + '..."'
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)[:limit]
    return "an object" if isinstance(value, dict) else "a list" if isinstance(value, list) else type(value).__name__


def count(number: int, noun: str) -> str:
    """'1 statement', '40,000 statements'."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def clipped(text: str, limit: int = 400) -> str:
    """A sentence built from several quoted values (an engine explanation), cut at `limit` characters."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
