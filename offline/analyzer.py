"""Drive a Python policy pack over the analyzer gRPC protocol, the way the Pulumi CLI does.

There is no Pulumi CLI here, and a policy pack is only worth what it does behind that protocol: the SDK
deserialises the properties, hides unknown values behind a proxy, applies the configured enforcement levels
and formats the diagnostics. So the tests, the offline preview and the benchmark all go through this client
instead of calling validation functions: it starts the pack the way the CLI's Python language host does
(`python <pack folder>`, which runs its __main__.py), reads the port the pack prints, and speaks
GetAnalyzerInfo, Configure, ConfigureStack, Analyze and AnalyzeStack to it.

Configuration follows the CLI too (pulumi/pkg/resource/analyzer/config.go): every policy starts from its
default enforcement level and schema defaults, the pack's initial config and then the user's config
(`--policy-pack-config` file format, including the "all" key) are applied, the result is validated against
each policy's JSON schema, and *every* policy is sent a complete entry. That last point matters: the Python
SDK reads a missing enforcementLevel as 0, which is "advisory", so a partial Configure would silently
downgrade mandatory policies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, plugin_pb2

from offline.pack_process import DEFAULT_PACK_DIR, PackProcess, PolicyPackError
from offline.resources import PlannedResource

ENFORCEMENT_LEVELS = ("advisory", "mandatory", "remediate", "disabled")
_LEVEL_TO_PROTO = {level: analyzer_pb2.EnforcementLevel.Value(level.upper()) for level in ENFORCEMENT_LEVELS}
_PROTO_TO_LEVEL = {value: level for level, value in _LEVEL_TO_PROTO.items()}
_POLICY_TYPES = {analyzer_pb2.POLICY_TYPE_RESOURCE: "resource", analyzer_pb2.POLICY_TYPE_STACK: "stack"}
_SEVERITIES = {
    value: name.removeprefix("POLICY_SEVERITY_").lower() for name, value in analyzer_pb2.PolicySeverity.items()
}


class PolicyConfigError(ValueError):
    """The policy pack configuration is malformed or does not match a policy's schema (the CLI refuses it too)."""


@dataclass(frozen=True)
class PolicyConfig:
    """One policy's configuration: an enforcement level (None: keep the current one) and properties."""

    enforcement_level: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyInfo:
    """A policy as the pack describes it in GetAnalyzerInfo."""

    name: str
    description: str
    enforcement_level: str
    kind: str  # "resource" or "stack"
    config_schema: Mapping[str, Any]
    severity: str = "unspecified"  # "low" ... "critical", as pulumi-policy 1.21 declares it
    remediation_steps: str = ""
    url: str = ""


@dataclass(frozen=True)
class AnalyzerInfo:
    """The pack's self-description (GetAnalyzerInfo)."""

    name: str
    version: str
    description: str
    policies: tuple[PolicyInfo, ...]
    initial_config: Mapping[str, PolicyConfig]

    def policy(self, name: str) -> PolicyInfo:
        return next(policy for policy in self.policies if policy.name == name)


@dataclass(frozen=True)
class Violation:
    """A diagnostic of the pack, with the resource it is about (empty name/type: the stack as a whole)."""

    policy_name: str
    enforcement_level: str
    message: str
    urn: str
    resource_name: str
    resource_type: str
    description: str = ""

    @property
    def detail(self) -> str:
        """The message without the policy description the SDK puts in front of it."""
        return self.message.removeprefix(self.description).lstrip("\n")


@dataclass(frozen=True)
class Remediation:
    """A policy's rewrite of a resource's inputs (or why it could not run)."""

    policy_name: str
    properties: Mapping[str, Any]
    diagnostic: str = ""


def parse_policy_config(raw: Mapping[str, Any]) -> dict[str, PolicyConfig]:
    """The CLI's --policy-pack-config format: {"name": "mandatory"} or {"name": {"enforcementLevel": ..., ...}}."""
    result: dict[str, PolicyConfig] = {}
    for name, value in raw.items():
        if isinstance(value, str):
            level, properties = value, {}
        elif isinstance(value, Mapping):
            properties = dict(value)
            level = properties.pop("enforcementLevel", None)
        else:
            raise PolicyConfigError(f"parsing {name!r}: {value!r} is not a valid value; must be a string or object")
        if level is not None and level not in ENFORCEMENT_LEVELS:
            raise PolicyConfigError(
                f"parsing enforcement level for {name!r}: {level!r} is not a valid enforcement level"
            )
        if level is not None or properties:
            result[name] = PolicyConfig(level, properties)
    return result


def load_policy_config(path: str | Path) -> dict[str, PolicyConfig]:
    """Read a --policy-pack-config JSON file; an empty file means no configuration, as for the CLI."""
    text = Path(path).read_text()
    return parse_policy_config(json.loads(text)) if text.strip() else {}


def _apply(result: dict[str, PolicyConfig], config: Mapping[str, PolicyConfig]) -> None:
    everything = config.get("all")
    if everything is not None and everything.enforcement_level:
        for name, current in result.items():
            result[name] = PolicyConfig(everything.enforcement_level, current.properties)
    for name, given in config.items():
        if name == "all":
            continue  # the CLI also records "all" as if it were a policy; no pack has one, so it is not sent
        current = result.get(name, PolicyConfig())
        result[name] = PolicyConfig(
            given.enforcement_level or current.enforcement_level, {**current.properties, **given.properties}
        )


def reconcile_policy_config(info: AnalyzerInfo, config: Mapping[str, PolicyConfig] | None) -> dict[str, PolicyConfig]:
    """Defaults, then the pack's initial config, then the given config, validated: what the CLI sends to Configure."""
    result = {
        policy.name: PolicyConfig(
            policy.enforcement_level,
            {
                key: spec["default"]
                for key, spec in policy.config_schema.get("properties", {}).items()
                if "default" in spec
            },
        )
        for policy in info.policies
    }
    _apply(result, info.initial_config)
    _apply(result, config or {})
    import jsonschema  # here, not at the top: slow to import, and the preview wants the pack started first

    errors = []
    for policy in info.policies:
        if not policy.config_schema:
            continue
        schema = {"type": "object", **policy.config_schema}
        for error in jsonschema.Draft7Validator(schema).iter_errors(dict(result[policy.name].properties)):
            errors.append(f"{policy.name}: {error.message}")
    if errors:
        raise PolicyConfigError("policy pack configuration is invalid: " + "; ".join(errors))
    return result


def _struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(values))
    return struct


def _urn_parts(urn: str) -> tuple[str, str]:
    """(type, name) from urn:pulumi:STACK::PROJECT::[PARENT-TYPE$]TYPE::NAME."""
    _, _, qualified_type, name = urn.split("::", 3)
    return qualified_type.rsplit("$", 1)[-1], name


class PolicyPackAnalyzer:
    """A running policy pack and a gRPC client for it; use as a context manager so the process always ends.

    >>> with PolicyPackAnalyzer() as pack:
    ...     pack.configure(load_policy_config("policypack/policy-config.json"))
    ...     violations = pack.preview(resources)

    Pass a `process` to choose the interpreter, environment or start-up timeout, or one already started to
    connect to a pack that booted while the caller was busy.
    """

    def __init__(self, pack_dir: str | Path = DEFAULT_PACK_DIR, *, rpc_timeout: float = 60.0,
                 process: PackProcess | None = None) -> None:
        self.process = process or PackProcess(pack_dir)
        self.pack_dir = self.process.pack_dir
        self.rpc_timeout = rpc_timeout
        self._channel: grpc.Channel | None = None
        self._stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self._info: AnalyzerInfo | None = None

    def __enter__(self) -> PolicyPackAnalyzer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the pack as the CLI does (unless started already) and connect to the port it prints.

        The process is stopped on failure.
        """
        if self._stub is not None:
            return
        self.process.start()
        try:
            port = self.process.wait_for_port()
            self._channel = grpc.insecure_channel(f"127.0.0.1:{port}")
            grpc.channel_ready_future(self._channel).result(timeout=self.process.startup_timeout)
            self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        except BaseException:
            self.close()
            raise

    def stderr_text(self) -> str:
        """What the pack wrote to stderr so far (tracebacks of failing policies end up here)."""
        return self.process.stderr_text()

    def close(self) -> None:
        """Stop the process, then close the channel; safe to call more than once.

        In this order because closing a channel to a live server waits for its streams (about 0.2 s).
        """
        self.process.stop()
        if self._channel is not None:
            self._channel.close()
        self._channel = self._stub = None

    @property
    def pid(self) -> int | None:
        """The pack's process ID while it runs."""
        return self.process.pid

    @property
    def stub(self) -> analyzer_pb2_grpc.AnalyzerStub:
        if self._stub is None:
            raise PolicyPackError("the pack is not running; use PolicyPackAnalyzer as a context manager")
        return self._stub

    def get_analyzer_info(self) -> AnalyzerInfo:
        """GetAnalyzerInfo: the pack's name, version and policies with their default levels and schemas."""
        reply = self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=self.rpc_timeout)
        policies = tuple(
            PolicyInfo(
                name=policy.name,
                description=policy.description,
                enforcement_level=_PROTO_TO_LEVEL[policy.enforcementLevel],
                kind=_POLICY_TYPES.get(policy.policy_type, "unknown"),
                config_schema=json_format.MessageToDict(policy.configSchema) if policy.HasField("configSchema") else {},
                severity=_SEVERITIES.get(policy.severity, "unspecified"),
                remediation_steps=policy.remediation_steps,
                url=policy.url,
            )
            for policy in reply.policies
        )
        initial = {
            name: PolicyConfig(
                _PROTO_TO_LEVEL[config.enforcementLevel] if config.enforcementLevel else None,
                json_format.MessageToDict(config.properties),
            )
            for name, config in reply.initialConfig.items()
        }
        self._info = AnalyzerInfo(reply.name, reply.version, reply.description, policies, initial)
        return self._info

    def plugin_version(self) -> str:
        """GetPluginInfo: the version of the pulumi-policy SDK serving the pack."""
        reply: plugin_pb2.PluginInfo = self.stub.GetPluginInfo(empty_pb2.Empty(), timeout=self.rpc_timeout)
        return reply.version

    def configure(self, config: Mapping[str, PolicyConfig] | None = None) -> dict[str, PolicyConfig]:
        """Configure, as the CLI does it: reconcile with the defaults, validate, send every policy's entry.

        Returns the configuration that was sent. Calling it again replaces the previous configuration.
        """
        info = self._info or self.get_analyzer_info()
        reconciled = reconcile_policy_config(info, config)
        request = analyzer_pb2.ConfigureAnalyzerRequest(
            policyConfig={
                name: analyzer_pb2.PolicyConfig(
                    enforcementLevel=_LEVEL_TO_PROTO[entry.enforcement_level or "advisory"],
                    properties=_struct(entry.properties),
                )
                for name, entry in reconciled.items()
            }
        )
        self.stub.Configure(request, timeout=self.rpc_timeout)
        return reconciled

    def configure_stack(
        self,
        stack: str,
        project: str,
        *,
        organization: str = "organization",
        dry_run: bool = True,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """ConfigureStack: the stack the next analyses are about (the SDK exposes its tags to policies)."""
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack, project=project, organization=organization, dry_run=dry_run, tags=dict(tags or {})
        )
        self.stub.ConfigureStack(request, timeout=self.rpc_timeout)

    def _request(self, resource: PlannedResource, stack: Sequence[PlannedResource]) -> Any:
        """The AnalyzeRequest for one resource (Analyze and Remediate take the same), providers looked up in `stack`."""
        providers = {candidate.urn: candidate for candidate in stack}
        return analyzer_pb2.AnalyzeRequest(**self._described(resource, providers))

    def analyze(self, resource: PlannedResource, stack: Sequence[PlannedResource] = ()) -> list[Violation]:
        """Analyze one resource; its provider's type/name/URN/properties come from `stack` when it is there."""
        reply = self.stub.Analyze(self._request(resource, stack), timeout=self.rpc_timeout)
        return self._violations(reply, {resource.urn: resource}, default=resource)

    def analyze_stack(self, resources: Sequence[PlannedResource]) -> list[Violation]:
        """AnalyzeStack over all resources (stack policies such as the public access block check)."""
        by_urn = {resource.urn: resource for resource in resources}
        request = analyzer_pb2.AnalyzeStackRequest(
            resources=[
                analyzer_pb2.AnalyzerResource(
                    **self._described(resource, by_urn),
                    parent=resource.parent or "",
                    dependencies=list(resource.dependencies),
                )
                for resource in resources
            ]
        )
        reply = self.stub.AnalyzeStack(request, timeout=self.rpc_timeout)
        return self._violations(reply, by_urn, default=None)

    def remediate(self, resource: PlannedResource, stack: Sequence[PlannedResource] = ()) -> list[Remediation]:
        """Remediate one resource, as the CLI does before Analyze for policies configured as "remediate"."""
        reply = self.stub.Remediate(self._request(resource, stack), timeout=self.rpc_timeout)
        return [
            Remediation(item.policyName, json_format.MessageToDict(item.properties), item.diagnostic)
            for item in reply.remediations
        ]

    def preview(self, resources: Sequence[PlannedResource]) -> list[Violation]:
        """What `pulumi preview --policy-pack` reports: Analyze for every resource, then AnalyzeStack."""
        providers = providers_of(resources)
        violations = [violation for resource in resources for violation in self.analyze(resource, providers)]
        return violations + self.analyze_stack(resources)

    def _described(self, resource: PlannedResource, providers: Mapping[str, PlannedResource]) -> dict[str, Any]:
        """What an Analyze request and an AnalyzeStack entry both say of a resource."""
        return {
            "type": resource.type,
            "properties": _struct(resource.inputs),
            "urn": resource.urn,
            "name": resource.name,
            "options": analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent or ""),
            "provider": self._provider(resource, providers),
        }

    @staticmethod
    def _provider(
        resource: PlannedResource, known: Mapping[str, PlannedResource]
    ) -> analyzer_pb2.AnalyzerProviderResource | None:
        """The provider the engine would attach: from its record when present, else what its URN tells."""
        urn = resource.provider_urn
        if not urn:
            return None
        record = known.get(urn)
        if record is not None:
            return analyzer_pb2.AnalyzerProviderResource(
                type=record.type, name=record.name, urn=urn, properties=_struct(record.inputs)
            )
        provider_type, name = _urn_parts(urn)
        return analyzer_pb2.AnalyzerProviderResource(type=provider_type, name=name, urn=urn)

    @staticmethod
    def _violations(
        reply: analyzer_pb2.AnalyzeResponse, by_urn: Mapping[str, PlannedResource], default: PlannedResource | None
    ) -> list[Violation]:
        violations = []
        for diagnostic in reply.diagnostics:
            resource = by_urn.get(diagnostic.urn, default)
            urn = diagnostic.urn or (resource.urn if resource else "")
            # A stack policy may name a resource that is not in the request (an implicit default provider).
            resource_type, name = (resource.type, resource.name) if resource else _urn_parts(urn) if urn else ("", "")
            violations.append(
                Violation(
                    policy_name=diagnostic.policyName,
                    enforcement_level=_PROTO_TO_LEVEL[diagnostic.enforcementLevel],
                    message=diagnostic.message,
                    urn=urn,
                    resource_name=name,
                    resource_type=resource_type,
                    description=diagnostic.description,
                )
            )
        return violations


def providers_of(resources: Iterable[PlannedResource]) -> list[PlannedResource]:
    """The provider resources among `resources`: all `analyze` needs of a stack, which keeps a preview linear."""
    return [r for r in resources if r.type.startswith("pulumi:providers:")]


def mandatory(violations: Iterable[Violation]) -> list[Violation]:
    """The violations that would stop `pulumi up`."""
    return [violation for violation in violations if violation.enforcement_level == "mandatory"]
