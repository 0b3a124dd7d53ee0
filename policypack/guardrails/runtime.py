"""How the pack runs inside pulumi_policy's analyzer server: each request is read once, not once per policy.

pulumi_policy 1.21 serves Analyze by looping over the policies and, for each one, converting the request's
properties with `json_format.MessageToDict`, deserialising them, wrapping them in a fresh unknown-checking
proxy, and doing the same for the provider and the resource options: with fifteen resource policies the same
resource is converted fifteen times, which was about half of the pack's own time per call. AnalyzeStack does
it for every resource and every stack policy.

`install()` replaces the servicer's Analyze and AnalyzeStack with versions that convert once per call and
then run the SDK's own per-policy steps (its enforcement levels, report callback, configuration, argument
objects, unknown-value and not-applicable handling), so what a policy sees and what the CLI receives are the
SDK's. Remediate is left as the SDK wrote it (remediations rewrite properties one after another). Each call
also gets a scope in which rules share what they derive from a resource through `memo()`. pulumi-policy is
pinned (requirements.txt) because this leans on its servicer's private helpers; `tests/policypack` checks the
replies through the protocol.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from inspect import isawaitable
from types import MappingProxyType
from typing import Any, TypeVar

import pulumi_policy.policy as sdk
from google.protobuf import json_format
from pulumi.runtime import proto

T = TypeVar("T")

_calls = threading.local()  # the analyzer serves on a thread pool; each call has its own scope


@contextmanager
def _call_scope() -> Iterator[None]:
    outer = getattr(_calls, "cache", None)
    _calls.cache = {}
    try:
        yield
    finally:
        _calls.cache = outer


def memo(owner: object, name: str, compute: Callable[[], T]) -> T:
    """`compute()` once per call for `owner` (e.g. a resource's props); outside a call, no memoisation.

    Rules use it to share what they all derive from a resource (its documents, its principals). The owner is
    kept with the value, so its identity cannot be reused within the call.
    """
    cache = getattr(_calls, "cache", None)
    if cache is None:
        return compute()
    key = (id(owner), name)
    entry = cache.get(key)
    if entry is None or entry[0] is not owner:
        entry = cache[key] = (owner, compute())
    return entry[1]


def _props(message: Any) -> Any:
    """A request's properties as every policy reads them: deserialised, behind the unknown-checking proxy."""
    return sdk.unknown_checking_proxy(sdk.deserialize_properties(json_format.MessageToDict(message)))


def _validated(self: Any, response: Any, policy: Any, level: Any, args: Any) -> None:
    """One policy's run, as the SDK runs it: awaited when it is a coroutine, values unknown during a preview and
    not-applicable reported the SDK's way. The pack's own policies (`metadata.guarded`) are plain functions and
    are called directly."""
    report = self._create_report_violation(response, policy.name, policy.description, level, policy.severity)
    try:
        own = getattr(policy, "guardrails_validate", None)
        if own is not None:
            own(args, report)
        else:
            result = policy.validate(args, report)
            if isawaitable(result):
                loop = asyncio.new_event_loop()
                loop.run_until_complete(asyncio.ensure_future(result, loop=loop))
                loop.close()
    except sdk.UnknownValueError as error:
        name = self._PolicyAnalyzerServicer__policy_pack_name
        version = self._PolicyAnalyzerServicer__policy_pack_version
        response.diagnostics.append(proto.AnalyzeDiagnostic(
            policyName=policy.name, policyPackName=name, policyPackVersion=version,
            message=f"can't run policy '{policy.name}' from policy pack '{name}@v{version}' during preview: "
                    f"{error.message}",
            urn="", description=policy.description,
            enforcementLevel=self._map_enforcement_level(sdk.EnforcementLevel.ADVISORY),
        ))  # fmt: skip
    except sdk._NotApplicableError as error:
        response.not_applicable.append(proto.PolicyNotApplicable(policy_name=policy.name, reason=error.reason or ""))


def _levelled(self: Any, kind: type) -> list[tuple[Any, Any, Any]]:
    """The policies of `kind` that are not disabled, with the level their diagnostics carry and their config.

    Worked out again only when Configure has replaced the SDK's tables of levels and configs. Each config is
    handed out read-only instead of as the SDK's fresh copy per call: the same values, nothing can change them.
    """
    configured = self._PolicyAnalyzerServicer__policy_pack_config_enforcement_level
    cached = getattr(self, "_guardrails_levels", None)
    if cached is None or cached[0] is not configured:
        cached = self._guardrails_levels = (configured, {})
    if kind not in cached[1]:
        levelled = []
        for policy in self._PolicyAnalyzerServicer__policies:
            level = self._get_enforcement_level(policy)
            if level != sdk.EnforcementLevel.DISABLED and isinstance(policy, kind):
                if level == sdk.EnforcementLevel.REMEDIATE:
                    level = sdk.EnforcementLevel.MANDATORY  # remediated already; what is left is reported
                config = self._get_policy_config(policy.name)
                levelled.append((policy, level, None if config is None else MappingProxyType(config)))
        cached[1][kind] = levelled
    return cached[1][kind]


def analyze(self: Any, request: Any, _context: Any) -> Any:
    """Analyze: the resource, its options and provider read once, then every resource policy."""
    self._configure_runtime_settings()
    response = proto.AnalyzeResponse()
    props, opts = _props(request.properties), self._get_resource_options(request)
    provider, tags = self._get_provider_resource(request), self._PolicyAnalyzerServicer__stack_tags
    with _call_scope():
        for policy, level, config in _levelled(self, sdk.ResourceValidationPolicy):
            if not policy.has_validation():
                reason = "Policy does not implement validate"
                response.not_applicable.append(proto.PolicyNotApplicable(policy_name=policy.name, reason=reason))
                continue
            args = sdk.ResourceValidationArgs(request.type, props, request.urn, request.name, opts, provider, config,
                                              tags)
            _validated(self, response, policy, level, args)
    return response


def _stack_resources(self: Any, request: Any) -> list[Any]:
    """The stack's resources as the SDK builds them for stack policies (parents and dependencies linked)."""
    resources: dict[str, Any] = {}
    providers: dict[str, Any] = {}  # one provider serves many resources: read once per URN
    links = []
    for item in request.resources:
        urn = item.provider.urn if item.HasField("provider") else ""
        provider = providers.get(urn) or providers.setdefault(urn, self._get_provider_resource(item))
        resource = sdk.PolicyResource(item.type, _props(item.properties), item.urn, item.name,
                                      self._get_resource_options(item), provider, None, [], {})
        resources[item.urn] = resource
        links.append((resource, item))
    for resource, item in links:
        resource.parent = resources.get(item.parent) if item.parent else None
        resource.dependencies.extend(resources[urn] for urn in item.dependencies if urn in resources)
        for key, urns in item.propertyDependencies.items():
            resource.property_dependencies[key] = [resources[urn] for urn in urns.urns if urn in resources]
    return [resource for resource, _ in links]


def analyze_stack(self: Any, request: Any, _context: Any) -> Any:
    """AnalyzeStack: the stack's resources read once, then every stack policy."""
    self._configure_runtime_settings()
    response = proto.AnalyzeResponse()
    resources, tags = _stack_resources(self, request), self._PolicyAnalyzerServicer__stack_tags
    with _call_scope():
        for policy, level, config in _levelled(self, sdk.StackValidationPolicy):
            args = sdk.StackValidationArgs(resources, config, tags)
            _validated(self, response, policy, level, args)
    return response


def _scoped(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: Any, request: Any, context: Any) -> Any:
        with _call_scope():
            return method(self, request, context)

    return wrapper


def install() -> None:
    """Serve Analyze and AnalyzeStack reading each request once; give Remediate a memo scope."""
    servicer = sdk._PolicyAnalyzerServicer
    if getattr(servicer, "_guardrails_installed", False):
        return
    servicer.Analyze = analyze
    servicer.AnalyzeStack = analyze_stack
    servicer.Remediate = _scoped(servicer.Remediate)
    servicer._guardrails_installed = True
