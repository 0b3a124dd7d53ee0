"""The record of one resource the program registered, as the engine would hand it to a policy pack."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PlannedResource:
    """One resource registration seen by the mock monitor.

    Kept close to what the engine knows at preview time (URN, type, inputs, parent, provider reference,
    dependencies), because the same record feeds the policy pack (`Analyze`/`AnalyzeStack` requests),
    the plan tree and the rehearsal's boto3 calls.
    """

    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    custom: bool
    parent: str | None = None
    provider: str | None = None  # provider reference "<provider urn>::<provider id>", as the engine passes it
    dependencies: tuple[str, ...] = field(default_factory=tuple)
    id: str = ""
    secret_inputs: frozenset[str] = frozenset()  # input keys holding a secret at any depth (values unwrapped)

    @property
    def provider_urn(self) -> str | None:
        """The URN part of the provider reference (the reference is "<urn>::<id>")."""
        if not self.provider:
            return None
        return self.provider.rsplit("::", 1)[0]
