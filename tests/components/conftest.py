"""Running components (or the real program) under the SDK's mock runtime, keeping each registration's aliases."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime import stack
from pulumi.runtime.sync_await import _sync_await

from offline.mock_run import ProgramMocks, RecordingMonitor
from offline.resources import PlannedResource

# (former name, former parent URN; "" = the resource's current parent), as the SDK sends an alias spec.
AliasSpec = tuple[str, str]


class AliasRecordingMonitor(RecordingMonitor):
    """The project's recording monitor, also keeping the aliases each registration asks the engine to honour."""

    def __init__(self) -> None:
        super().__init__(ProgramMocks())
        self.aliases: dict[str, list[AliasSpec]] = {}

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        self.aliases[response.urn] = [(a.spec.name, a.spec.parentUrn) for a in request.aliases]
        return response


@dataclass(frozen=True)
class ProgramRun:
    """What an inline program registered, and its children's aliases by URN."""

    resources: tuple[PlannedResource, ...]
    aliases: dict[str, list[AliasSpec]]

    def of_type(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, type_: str, name: str) -> PlannedResource:
        (found,) = [r for r in self.resources if r.type == type_ and r.name == name]
        return found


def run_program(program: Callable[[], None]) -> ProgramRun:
    """Run `program` as a stack of its own (fresh context, so runs do not leak into each other)."""
    monitor = AliasRecordingMonitor()

    def run() -> None:
        pulumi.runtime.set_mocks(monitor.mocks, project="components", stack="test", preview=True, monitor=monitor)
        _sync_await(stack.run_pulumi_func(program))

    contextvars.Context().run(run)
    return ProgramRun(tuple(monitor.planned), monitor.aliases)
