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
# reprlib slices strings before repr-ing them, but repr-s bytes whole (YAML's !!binary makes bytes): slice those too.
_REPR.repr_bytes = _REPR.repr_bytearray = _REPR.repr_str  # type: ignore[attr-defined]


def shown(value: object, limit: int = MAX_SHOWN) -> str:
    """`value` as a Python literal of at most about `limit` characters, with an ellipsis where it was cut.

    Never raises: a value whose repr fails (an int beyond Python's 4300-digit conversion limit, an object with
    a broken `__repr__`) is shown by its type alone.
    """
    try:
        text = _REPR.repr(value)
    except Exception:  # any failure of a repr must not replace the error being reported
        return f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
