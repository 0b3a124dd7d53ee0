"""The program's config as Pulumi hands it over: through the SDK's config store, with the keys that are secrets.

The language host, the Automation API's inline programs and Pulumi's test helpers all fill the store
(`pulumi.runtime.set_all_config(config, secret_keys)`); only the store knows every key (which unknown-key
detection needs) and which are secrets. The `PULUMI_CONFIG` environment variable is read only when the store
is empty, as the SDK's own `get_config` falls back to it: a stale variable never overrides the store.
"""

from __future__ import annotations

from pathlib import Path

import pulumi
from pulumi.runtime import config as sdk_config

from access.config import load_stack
from access.model import AccessModel, StackSettings


def _value(key: str) -> str | None:
    """A key's value through `pulumi.Config` of its namespace (`cross-account-access`, `pulumi`, `aws`, ...)."""
    namespace, _, name = key.partition(":")
    return pulumi.Config(namespace).get(name) if namespace and name else sdk_config.get_config(key)


def program_config() -> tuple[dict[str, str | None], frozenset[str]]:
    """Every config key the program was given, with its value, and the keys Pulumi holds as secrets."""
    store = sdk_config.CONFIG.get()
    if store:
        keys = list(store)
        secret_keys = frozenset(key for key in keys if sdk_config.is_config_secret(key))
    else:
        keys = list(sdk_config.get_config_env())
        secret_keys = frozenset(sdk_config.get_config_secret_keys_env())
    return {key: _value(key) for key in keys}, secret_keys


def load_stack_from_sdk(project_dir: Path) -> tuple[AccessModel, StackSettings]:
    """`access.config.load_stack` on the config Pulumi gave this program."""
    values, secret_keys = program_config()
    return load_stack(values, project_dir, secret_keys)
