"""The program reads its config the way Pulumi hands it over: from the SDK's config store, with its secret
keys; the `PULUMI_CONFIG` environment variable only when the store is empty."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Callable
from typing import TypeVar

import pulumi
import pytest

from access.pulumi_config import program_config

T = TypeVar("T")
PROD = {"cross-account-access:account": "production", "pulumi:disable-default-providers": '["aws"]',
        "cross-account-access:updateAppExternalId": "Ex-42"}
STALE_DEV = {"cross-account-access:account": "development", "cross-account-access:stale": "x"}


def isolated(function: Callable[[], T]) -> T:
    """Run in a fresh context: the SDK keeps its config store in context variables."""
    return contextvars.Context().run(function)


def from_store(config: dict[str, str], secret_keys: list[str]) -> tuple[dict[str, str | None], frozenset[str]]:
    def read() -> tuple[dict[str, str | None], frozenset[str]]:
        pulumi.runtime.set_all_config(config, secret_keys)
        return program_config()
    return isolated(read)


def stale_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(STALE_DEV))
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", json.dumps(["cross-account-access:stale"]))


def test_the_store_gives_every_key_and_which_are_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    values, secret_keys = from_store(PROD, ["cross-account-access:updateAppExternalId"])
    assert values == PROD
    assert secret_keys == {"cross-account-access:updateAppExternalId"}


def test_a_stale_environment_is_not_read_when_the_store_has_config(monkeypatch: pytest.MonkeyPatch) -> None:
    stale_environment(monkeypatch)
    values, secret_keys = from_store(PROD, [])
    assert values["cross-account-access:account"] == "production"
    assert "cross-account-access:stale" not in values and not secret_keys


def test_the_environment_is_read_when_the_store_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    stale_environment(monkeypatch)
    values, secret_keys = isolated(program_config)
    assert values == STALE_DEV and secret_keys == {"cross-account-access:stale"}
