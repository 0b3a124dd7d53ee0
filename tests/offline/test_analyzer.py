"""The analyzer client: what it sends a pack, how it reconciles config like the CLI, and that the process always ends.

A tiny "echo" pack reports back exactly what the SDK handed its policies, so the requests the client builds are
checked as the pack sees them, independently of the real pack's rules.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from offline.analyzer import (
    AnalyzerInfo,
    PolicyConfig,
    PolicyConfigError,
    PolicyInfo,
    PolicyPackAnalyzer,
    PolicyPackError,
    load_policy_config,
    parse_policy_config,
    reconcile_policy_config,
)
from offline.pack_process import PackProcess
from offline.resources import PlannedResource

ECHO_PACK = """
import json
from pulumi_policy import (EnforcementLevel, PolicyConfigSchema, PolicyPack, ResourceValidationPolicy,
                           StackValidationPolicy)

def plain(value):
    if isinstance(value, str) or not hasattr(value, "__len__"):
        return value
    if hasattr(value, "keys"):
        return {k: plain(value[k]) for k in value}
    return [plain(value[i]) for i in range(len(value))]

def echo(args, report):
    provider = args.provider and {"type": args.provider.resource_type, "name": args.provider.name,
                                  "urn": args.provider.urn, "props": plain(args.provider.props)}
    report(json.dumps({"type": args.resource_type, "name": args.name, "props": plain(args.props),
                       "parent": args.opts.parent, "provider": provider, "config": dict(args.get_config())}))

def echo_stack(args, report):
    for r in args.resources:
        report(json.dumps({"deps": [d.urn for d in r.dependencies], "parent": r.parent and r.parent.urn}), r.urn)
    report("the stack as a whole")

PolicyPack(name="echo", policies=[
    ResourceValidationPolicy(name="echo", description="Echoes", validate=echo,
                             enforcement_level=EnforcementLevel.MANDATORY,
                             config_schema=PolicyConfigSchema(properties={
                                 "limit": {"type": "integer", "minimum": 1, "default": 5}})),
    StackValidationPolicy(name="echo-stack", description="Echoes the stack", validate=echo_stack),
])
"""

STACK = "urn:pulumi:dev::proj::"
PROVIDER = PlannedResource(
    f"{STACK}pulumi:pulumi:Stack$pulumi:providers:aws::dev",
    "pulumi:providers:aws",
    "dev",
    {"allowedAccountIds": '["111111111111"]', "region": "us-east-1"},
    True,
    id="dev-id",
)
BUCKET = PlannedResource(
    f"{STACK}aws:s3/bucket:Bucket::b",
    "aws:s3/bucket:Bucket",
    "b",
    {"bucket": "b", "tags": {"team": "x"}, "rules": [1, True, None]},
    True,
    parent=f"{STACK}pulumi:pulumi:Stack::proj-dev",
    provider=f"{PROVIDER.urn}::dev-id",
)
POLICY = PlannedResource(
    f"{STACK}aws:s3/bucketPolicy:BucketPolicy::b",
    "aws:s3/bucketPolicy:BucketPolicy",
    "b",
    {"bucket": "b"},
    True,
    provider=f"{STACK}pulumi:providers:aws::default_7_51_1::x",
    dependencies=(BUCKET.urn,),
)


def write_pack(directory: Path, source: str) -> Path:
    directory.mkdir()
    (directory / "__main__.py").write_text(textwrap.dedent(source))
    return directory


@pytest.fixture(scope="module")
def echo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyPackAnalyzer]:
    with PolicyPackAnalyzer(write_pack(tmp_path_factory.mktemp("packs") / "echo", ECHO_PACK)) as pack:
        yield pack


def test_analyze_sends_properties_parent_and_provider_from_its_record(echo: PolicyPackAnalyzer) -> None:
    echo.configure()
    (violation,) = echo.analyze(BUCKET, [PROVIDER, BUCKET])
    seen = json.loads(violation.detail)
    assert seen["type"] == BUCKET.type and seen["name"] == "b" and seen["parent"] == BUCKET.parent
    assert seen["props"] == {"bucket": "b", "tags": {"team": "x"}, "rules": [1, True, None]}
    assert seen["provider"] == {
        "type": "pulumi:providers:aws",
        "name": "dev",
        "urn": PROVIDER.urn,
        "props": PROVIDER.inputs,
    }
    assert seen["config"] == {"limit": 5}  # schema default filled in, as the CLI does
    assert violation.urn == BUCKET.urn and violation.resource_name == "b" and violation.resource_type == BUCKET.type
    assert violation.enforcement_level == "mandatory" and violation.description == "Echoes"
    assert violation.message == f"Echoes\n{violation.detail}"


def test_provider_not_in_the_stack_is_described_from_its_urn(echo: PolicyPackAnalyzer) -> None:
    (violation,) = echo.analyze(POLICY)
    assert json.loads(violation.detail)["provider"] == {
        "type": "pulumi:providers:aws",
        "name": "default_7_51_1",
        "urn": f"{STACK}pulumi:providers:aws::default_7_51_1",
        "props": {},
    }


def test_analyze_stack_sends_dependencies_and_parents(echo: PolicyPackAnalyzer) -> None:
    violations = echo.analyze_stack([PROVIDER, BUCKET, POLICY])
    by_name = {(v.resource_type, v.resource_name): v for v in violations}
    assert json.loads(by_name[(POLICY.type, "b")].detail)["deps"] == [BUCKET.urn]
    assert by_name[("", "")].detail == "the stack as a whole" and by_name[("", "")].urn == ""
    assert all(v.policy_name == "echo-stack" and v.enforcement_level == "advisory" for v in violations)


def test_preview_is_analyze_for_each_then_the_stack(echo: PolicyPackAnalyzer) -> None:
    violations = echo.preview([PROVIDER, BUCKET])
    assert [v.policy_name for v in violations] == ["echo", "echo", "echo-stack", "echo-stack", "echo-stack"]


def test_configure_levels_and_properties(echo: PolicyPackAnalyzer) -> None:
    sent = echo.configure({"echo": PolicyConfig(properties={"limit": 9}), "echo-stack": PolicyConfig("disabled")})
    assert sent == {"echo": PolicyConfig("mandatory", {"limit": 9}), "echo-stack": PolicyConfig("disabled", {})}
    assert json.loads(echo.analyze(BUCKET)[0].detail)["config"] == {"limit": 9}
    assert echo.analyze_stack([BUCKET]) == []
    echo.configure({"all": PolicyConfig("advisory")})
    assert echo.analyze(BUCKET)[0].enforcement_level == "advisory"
    with pytest.raises(PolicyConfigError, match="echo: 0 is less than the minimum of 1"):
        echo.configure({"echo": PolicyConfig(properties={"limit": 0})})


def test_analyzer_info(echo: PolicyPackAnalyzer) -> None:
    info = echo.get_analyzer_info()
    assert info.name == "echo"
    assert [(p.name, p.enforcement_level, p.kind) for p in info.policies] == [
        ("echo", "mandatory", "resource"),
        ("echo-stack", "advisory", "stack"),
    ]


def test_unknown_values_reach_the_pack_as_the_engine_sends_them(echo: PolicyPackAnalyzer) -> None:
    echo.configure()
    unknown = PlannedResource(BUCKET.urn, BUCKET.type, "b", {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}, True)
    (violation,) = echo.analyze(unknown)
    assert violation.enforcement_level == "advisory"  # the SDK's own "can't run during preview" note
    assert (
        "can't run policy 'echo'" in violation.message and "bucket can't be known during preview" in violation.message
    )


def test_process_ends_with_the_block_even_on_error(tmp_path: Path) -> None:
    pack = PolicyPackAnalyzer(write_pack(tmp_path / "echo", ECHO_PACK))
    with pytest.raises(RuntimeError, match="boom"), pack:
        pid = pack.pid
        assert pid is not None and pack.get_analyzer_info().name == "echo"
        raise RuntimeError("boom")
    assert pack.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(PolicyPackError, match="not running"):
        pack.get_analyzer_info()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("import sys\nsys.exit('no pack here')", "exited with code 1: no pack here"),
        ("print('hello')\nimport time\ntime.sleep(60)", "printed b'hello\\\\n' instead of a port"),
    ],
)
def test_broken_packs_fail_to_start_and_are_stopped(tmp_path: Path, source: str, message: str) -> None:
    pack = PolicyPackAnalyzer(process=PackProcess(write_pack(tmp_path / "broken", source), startup_timeout=20))
    with pytest.raises(PolicyPackError, match=message):
        pack.start()
    assert pack.pid is None


def test_parse_policy_config_formats() -> None:
    parsed = parse_policy_config(
        {"a": "mandatory", "b": {"enforcementLevel": "disabled", "x": 1}, "c": {"y": [2]}, "d": {}}
    )
    assert parsed == {
        "a": PolicyConfig("mandatory"),
        "b": PolicyConfig("disabled", {"x": 1}),
        "c": PolicyConfig(None, {"y": [2]}),
    }
    with pytest.raises(PolicyConfigError, match="not a valid enforcement level"):
        parse_policy_config({"a": "strict"})
    with pytest.raises(PolicyConfigError, match="must be a string or object"):
        parse_policy_config({"a": 3})


def test_load_policy_config(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("  \n")
    assert load_policy_config(empty) == {}
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"echo": {"enforcementLevel": "advisory", "limit": 2}}))
    assert load_policy_config(path) == {"echo": PolicyConfig("advisory", {"limit": 2})}


def test_reconcile_order_defaults_initial_then_given() -> None:
    schema = {
        "properties": {"limit": {"type": "integer", "default": 5}, "name": {"type": "string"}},
        "required": ["name"],
    }
    info = AnalyzerInfo(
        "p",
        "1",
        "",
        (PolicyInfo("a", "", "mandatory", "resource", schema), PolicyInfo("b", "", "advisory", "stack", {})),
        {"a": PolicyConfig(None, {"name": "initial"})},
    )
    assert reconcile_policy_config(info, None)["a"] == PolicyConfig("mandatory", {"limit": 5, "name": "initial"})
    given = reconcile_policy_config(info, {"all": PolicyConfig("disabled"), "b": PolicyConfig("advisory")})
    assert given == {"a": PolicyConfig("disabled", {"limit": 5, "name": "initial"}), "b": PolicyConfig("advisory", {})}
    bare = AnalyzerInfo("p", "1", "", info.policies, {})
    with pytest.raises(PolicyConfigError, match="a: 'name' is a required property"):
        reconcile_policy_config(bare, None)
