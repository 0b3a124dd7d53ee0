"""Policy documents in one canonical form, so two documents that mean the same compare equal.

IAM and S3 keep documents as written (or reformatted: URL-encoded, an account ID turned into its `:root` ARN),
and the program writes them its own way. What does not change the meaning is normalised away: whitespace and
key order (by comparing parsed JSON), a single value vs a one-element list, the order of values in a list, of
statements in a policy, action names' case, condition keys' case, JSON booleans and numbers vs strings, and
`Sid` (a label). What does change it (`Version`, effects, every value) is kept. ExternalIds are secret and the
program's is not known offline, so on request they are masked on both sides before comparing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from verify.live import Document

ACCOUNT_ID = re.compile(r"^\d{12}$")
DEFAULT_VERSION = "2008-10-17"  # what IAM assumes when a document states no Version
LISTS = ("Action", "NotAction", "Resource", "NotResource")
EXTERNAL_ID = "sts:externalid"
MASKED = "[secret]"


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return sorted({_scalar(v) for v in values})


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _principal(value: Any) -> Any:
    """`"*"` stays as written; a mapping's values become sorted lists, a bare account ID its `:root` ARN."""
    if not isinstance(value, Mapping):
        return _scalar(value)
    return {kind: sorted({f"arn:aws:iam::{v}:root" if kind == "AWS" and ACCOUNT_ID.match(v) else v
                          for v in _strings(values)}) for kind, values in value.items()}


def _condition(value: Any, mask_external_id: bool) -> Any:
    if not isinstance(value, Mapping):
        return value
    return {operator: {key.lower(): [MASKED] if mask_external_id and key.lower() == EXTERNAL_ID else _strings(v)
                       for key, v in (keys.items() if isinstance(keys, Mapping) else [])}
            for operator, keys in value.items()}


def _statement(statement: Any, mask_external_id: bool, fold_case: bool) -> Any:
    if not isinstance(statement, Mapping):
        return statement
    normal: dict[str, Any] = {}
    for key, value in statement.items():
        if key == "Sid":
            continue
        if key in LISTS:
            value = _strings(value)
            if key in ("Action", "NotAction") and fold_case:
                value = sorted({v.lower() for v in value})
        elif key in ("Principal", "NotPrincipal"):
            value = _principal(value)
        elif key == "Condition":
            value = _condition(value, mask_external_id)
        normal[key] = value
    return normal


def normalise(document: Document, mask_external_id: bool = False, fold_case: bool = True) -> Document:
    """The canonical form of a policy document (see the module's docstring for what is normalised away).

    `fold_case=False` keeps actions as written, to show a difference in the document's own words.
    """
    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    canonical = [_statement(s, mask_external_id, fold_case) for s in statements]
    other = {k: v for k, v in document.items() if k not in ("Statement", "Id", "Version")}
    return {**other, "Version": document.get("Version", DEFAULT_VERSION),
            "Statement": sorted(canonical, key=lambda s: json.dumps(s, sort_keys=True))}

