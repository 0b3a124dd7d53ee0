"""The program with its config passed only through the SDK's config store (as the Automation API's inline
programs and Pulumi's test helpers pass it), and refusing before it registers anything."""

from __future__ import annotations

import contextvars
import json
import runpy
from pathlib import Path
from typing import Any

import pulumi
import pytest
import yaml
from pulumi.runtime import stack
from pulumi.runtime.sync_await import _sync_await

from access.config import ConfigError
from offline.mock_run import ProgramMocks, RecordingMonitor
from offline.stack_config import StackConfig, load_stack_config
from tests.conftest import PROJECT_DIR

EXTERNAL_ID_KEY = "cross-account-access:updateAppExternalId"


def run_from_store(config: StackConfig, monitor: RecordingMonitor) -> None:
    """The program under the mock runtime, its config set with `set_all_config` only (no environment)."""
    def run() -> None:
        pulumi.runtime.set_mocks(monitor.mocks, project=config.project, stack=config.stack, preview=True,
                                 monitor=monitor)
        pulumi.runtime.set_all_config(config.values, list(config.secret_keys))
        _sync_await(stack.run_pulumi_func(lambda: runpy.run_path(str(PROJECT_DIR / "__main__.py"))))
    contextvars.Context().run(run)


def registered(config: StackConfig) -> list[Any]:
    monitor = RecordingMonitor(ProgramMocks())
    run_from_store(config, monitor)
    return monitor.planned


def test_config_through_the_store_alone_deploys_the_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    types = {r.type for r in registered(load_stack_config(PROJECT_DIR, "prod"))}
    assert {"aws:iam/role:Role", "aws:iam/policy:Policy"} <= types


def test_a_stale_environment_does_not_make_prod_build_devs_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(load_stack_config(PROJECT_DIR, "dev").values))
    types = {r.type for r in registered(load_stack_config(PROJECT_DIR, "prod"))}
    assert "aws:iam/role:Role" in types and "aws:iam/groupPolicy:GroupPolicy" not in types


def with_external_id(raw: dict[str, Any], directory: Path) -> StackConfig:
    raw["roles"][0]["externalIdSecret"] = "updateAppExternalId"
    (directory / "model.yaml").write_text(yaml.safe_dump(raw))
    return load_stack_config(PROJECT_DIR, "prod").with_values(**{"cross-account-access:model":
                                                                 str(directory / "model.yaml")})


def test_an_external_id_secret_in_the_store_reaches_the_trust_as_a_secret(raw: dict[str, Any],
                                                                          tmp_path: Path) -> None:
    config = with_external_id(raw, tmp_path).with_secrets(**{EXTERNAL_ID_KEY: "Ex-42"})
    (role,) = [r for r in registered(config) if r.type == "aws:iam/role:Role"]
    assert '"sts:ExternalId": "Ex-42"' in role.inputs["assumeRolePolicy"]
    assert "assumeRolePolicy" in role.secret_inputs


def test_an_external_id_in_plain_config_is_refused_and_nothing_registered(raw: dict[str, Any],
                                                                          tmp_path: Path) -> None:
    config = with_external_id(raw, tmp_path).with_values(**{EXTERNAL_ID_KEY: "plain-external-id"})
    monitor = RecordingMonitor(ProgramMocks())
    with pytest.raises(ConfigError) as caught:
        run_from_store(config, monitor)
    assert caught.value.key == EXTERNAL_ID_KEY and "plain-external-id" not in str(caught.value)
    assert [r.type for r in monitor.planned] == ["pulumi:pulumi:Stack"]


def test_a_misspelt_secret_key_is_refused_unshown_and_nothing_registered() -> None:
    config = load_stack_config(PROJECT_DIR, "prod").with_secrets(**{"cross-account-access:profil": "hunter2-canary"})
    monitor = RecordingMonitor(ProgramMocks())
    with pytest.raises(ConfigError) as caught:
        run_from_store(config, monitor)
    assert caught.value.key == "cross-account-access:profil" and "hunter2-canary" not in str(caught.value)
    assert [r.type for r in monitor.planned] == ["pulumi:pulumi:Stack"]
