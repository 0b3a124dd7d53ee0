"""Resource input values as the mock monitor records them: secrets arrive wrapped, unknowns as a sentinel.

The plan tree must never print a secret (an ExternalId lives in a trust policy), while the access matrix
needs the real document to evaluate it: both read inputs through these two functions.
"""

from __future__ import annotations

from typing import Any

from pulumi.runtime import rpc

REDACTED = "[secret]"
UNKNOWN = "(known after apply)"


def _is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig


def reveal(value: Any) -> Any:
    """The value with every secret unwrapped; unknowns stay the SDK's sentinel (callers treat them as unknown)."""
    if _is_secret(value):
        return reveal(value.get("value"))
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    return value


def shown(value: Any) -> Any:
    """The value as a preview may print it: secrets redacted, unknowns spelled like `pulumi preview` does."""
    if _is_secret(value):
        return REDACTED
    if value == rpc.UNKNOWN:
        return UNKNOWN
    if isinstance(value, dict):
        return {k: shown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shown(v) for v in value]
    return value


def is_known(value: Any) -> bool:
    """False for a value only the cloud can tell (an output at preview time) or none at all."""
    return value is not None and value != rpc.UNKNOWN
