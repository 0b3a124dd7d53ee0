"""Run the Pulumi program of one stack under the SDK's mock runtime and record what it registers.

This is the offline stand-in for the engine's side of `pulumi preview`: the program runs unchanged
(`__main__.py` with the stack's real config in `PULUMI_CONFIG`), and a recording `MockMonitor` keeps every
registration with its inputs, parent, provider and dependencies. Each run gets a fresh `contextvars`
context, because the SDK keeps its root stack and settings in context variables: two stacks, one process.
"""

from __future__ import annotations

import contextvars
import json
import os
import runpy
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks, rpc, stack
from pulumi.runtime.sync_await import _sync_await

from offline.resources import PlannedResource
from offline.stack_config import StackConfig, load_stack_config

PROJECT_DIR = Path(__file__).resolve().parent.parent
_ENVIRONMENT_LOCK = threading.Lock()


def _reference_name(reference: str) -> str:
    """The logical name in a provider reference `urn:pulumi:<stack>::<project>::<type>::<name>::<id>`."""
    return reference.rsplit("::", 1)[0].rsplit("::", 1)[1]


def _as_list(value: Any) -> list[Any]:
    """Provider inputs of structured type arrive JSON-encoded, like the engine sends provider config."""
    return list(json.loads(value)) if isinstance(value, str) else list(value or [])


ARN_FORMATS = {
    "aws:iam/role:Role": "arn:aws:iam::{account}:role{path}{name}",
    "aws:iam/policy:Policy": "arn:aws:iam::{account}:policy{path}{name}",
    "aws:iam/group:Group": "arn:aws:iam::{account}:group{path}{name}",
    "aws:iam/user:User": "arn:aws:iam::{account}:user{path}{name}",
}


def _unwrap_secrets(value: Any) -> tuple[Any, bool]:
    """The value with secrets unwrapped at every depth, and whether it held one (so readers see plain data)."""
    if rpc.is_rpc_secret(value):
        return _unwrap_secrets(rpc.unwrap_rpc_secret(value))[0], True
    if isinstance(value, dict):
        items = {key: _unwrap_secrets(item) for key, item in value.items()}
        return {key: item for key, (item, _) in items.items()}, any(secret for _, secret in items.values())
    if isinstance(value, list):
        items = [_unwrap_secrets(item) for item in value]
        return [item for item, _ in items], any(secret for _, secret in items)
    return value, False


class ProgramMocks(pulumi.runtime.Mocks):
    """Answers registrations the way AWS would name things, so ARNs in outputs look like real ones."""

    def __init__(self) -> None:
        self.account_of_provider: dict[str, str] = {}

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        state = dict(args.inputs)
        if args.typ.startswith("pulumi:providers:"):
            allowed = _as_list(args.inputs.get("allowedAccountIds"))
            self.account_of_provider[args.name] = allowed[0] if len(allowed) == 1 else ""
            return f"{args.name}-id", state
        account = self.account_of_provider.get(_reference_name(args.provider), "") if args.provider else ""
        if args.typ in ARN_FORMATS:
            state["arn"] = ARN_FORMATS[args.typ].format(account=account, path=state.get("path") or "/",
                                                             name=state.get("name", args.name))
        if args.typ == "aws:s3/bucket:Bucket":
            state["arn"] = f"arn:aws:s3:::{state.get('bucket', args.name)}"
        return str(state.get("name") or state.get("bucket") or f"{args.name}-id"), state

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


class RecordingMonitor(mocks.MockMonitor):
    """The SDK's mock monitor, keeping each registration as the engine would see it."""

    def __init__(self, program_mocks: ProgramMocks) -> None:
        super().__init__(program_mocks)
        self.planned: list[PlannedResource] = []
        self._lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        response = super().RegisterResource(request)
        wrapped = rpc.deserialize_properties(request.object, keep_unknowns=True)
        unwrapped = {key: _unwrap_secrets(value) for key, value in wrapped.items()}
        record = PlannedResource(
            urn=response.urn,
            type=request.type,
            name=request.name,
            inputs={key: value for key, (value, _) in unwrapped.items()},
            secret_inputs=frozenset(key for key, (_, secret) in unwrapped.items() if secret),
            custom=request.custom,
            parent=request.parent or None,
            provider=request.provider or None,
            dependencies=tuple(request.dependencies),
            id=response.id,
        )
        with self._lock:
            self.planned.append(record)
        return response


@dataclass(frozen=True)
class StackRun:
    """What one stack's program registered and exported."""

    config: StackConfig
    resources: tuple[PlannedResource, ...]
    outputs: dict[str, Any]
    secret_outputs: frozenset[str]

    def of_type(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, type_: str, name: str) -> PlannedResource:
        return next(r for r in self.resources if r.type == type_ and r.name == name)


@contextmanager
def _program_environment(config: StackConfig, project_dir: Path) -> Iterator[None]:
    """Config in the environment and the project on `sys.path`, as the language host sets them; restored after."""
    with _ENVIRONMENT_LOCK:
        saved = {k: os.environ.get(k) for k in config.environment()}
        os.environ.update(config.environment())
        sys.path.insert(0, str(project_dir))
        try:
            yield
        finally:
            sys.path.remove(str(project_dir))
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _run(config: StackConfig, project_dir: Path, monitor: RecordingMonitor) -> StackRun:
    pulumi.runtime.set_mocks(monitor.mocks, project=config.project, stack=config.stack, preview=True,
                             monitor=monitor)
    with _program_environment(config, project_dir):
        _sync_await(stack.run_pulumi_func(lambda: runpy.run_path(str(project_dir / "__main__.py"))))
    exported = pulumi.runtime.get_root_resource().outputs  # type: ignore[union-attr]
    outputs, secrets = {}, set()
    for key, value in exported.items():
        output = pulumi.Output.from_input(value)
        outputs[key] = _sync_await(output.future(with_unknowns=True))
        if _sync_await(output.is_secret()):
            secrets.add(key)
    return StackRun(config, tuple(monitor.planned), outputs, frozenset(secrets))


def run_stack(stack_name: str, project_dir: Path = PROJECT_DIR, config: StackConfig | None = None,
              monitor: RecordingMonitor | None = None) -> StackRun:
    """Run the program for `stack_name` (its `Pulumi.<stack>.yaml`, or `config` if given) under mocks.

    Exceptions from the program (e.g. `access.config.ConfigError`) propagate unchanged; pass a `monitor` to
    see what was registered before one was raised.
    """
    stack_config = config or load_stack_config(project_dir, stack_name)
    return contextvars.Context().run(_run, stack_config, project_dir, monitor or RecordingMonitor(ProgramMocks()))
