"""Bounded display of values in messages: an error names the key and a short, safe rendering of the value.

Config comes from pull requests and files anyone may edit; echoing it whole turns a typo into a 50 MB message
and a YAML alias bomb into gigabytes of repr. `reprlib` stops at fixed depth and width, so the cost of showing
a value does not depend on its size.
"""

from __future__ import annotations

import reprlib

MAX_SHOWN = 80

_REPR = reprlib.Repr()  # Python 3.11's Repr takes no keyword arguments
_REPR.maxlevel = 2
_REPR.maxtuple = _REPR.maxlist = _REPR.maxdict = _REPR.maxset = _REPR.maxfrozenset = _REPR.maxdeque = 4
_REPR.maxlong = 40
_REPR.maxstring = _REPR.maxother = MAX_SHOWN


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """`value` as a Python literal of at most about `limit` characters, with an ellipsis where it was cut."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
