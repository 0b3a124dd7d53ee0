"""Resource input values as the mock monitor records them: unknowns arrive as the SDK's sentinel.

Secrets arrive unwrapped, their keys listed in `PlannedResource.secret_inputs`: the access matrix evaluates
the real document, and the plan tree redacts by that list.
"""

from __future__ import annotations

from typing import Any

from pulumi.runtime import rpc

REDACTED = "[secret]"
UNKNOWN = "(known after apply)"


def shown(value: Any) -> Any:
    """The value as a preview may print it: unknowns spelled like `pulumi preview` does."""
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
