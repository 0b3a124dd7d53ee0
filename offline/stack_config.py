"""A stack's config as the Pulumi CLI hands it to a Python program, read from the project's YAML files.

The CLI merges project-level config (`Pulumi.yaml`) under the stack's (`Pulumi.<stack>.yaml`), namespaces
bare keys with the project name, JSON-encodes structured values, and passes the result in `PULUMI_CONFIG`
with secret keys in `PULUMI_CONFIG_SECRET_KEYS`. Offline there is no key to decrypt `secure:` values, so
each becomes a fixed, recognisable placeholder that stays marked secret.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SECRET_PLACEHOLDER = "offline-secret-placeholder"


@dataclass(frozen=True)
class StackConfig:
    """The project and stack names and the flat config map, as the language host would pass them."""

    project: str
    stack: str
    values: dict[str, str]
    secret_keys: tuple[str, ...]

    def with_values(self, **overrides: str) -> StackConfig:
        """A copy with some keys replaced (variants for tests and what-if previews)."""
        return StackConfig(self.project, self.stack, {**self.values, **overrides}, self.secret_keys)

    def environment(self) -> dict[str, str]:
        """The environment variables the Python language host sets for the program."""
        return {
            "PULUMI_CONFIG": json.dumps(self.values),
            "PULUMI_CONFIG_SECRET_KEYS": json.dumps(list(self.secret_keys)),
        }


def _namespaced(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _encode(value: Any) -> str:
    """Config values reach the program as strings; structured ones as JSON, like the CLI does."""
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _project_value(entry: Any) -> Any:
    """A `Pulumi.yaml` config entry is a bare value or a declaration with `value` (or `default`)."""
    if isinstance(entry, dict) and ({"value", "default"} & set(entry)):
        return entry.get("value", entry.get("default"))
    return entry


def load_stack_config(project_dir: Path, stack: str) -> StackConfig:
    """Merge `Pulumi.yaml` and `Pulumi.<stack>.yaml` of `project_dir` the way the CLI does."""
    project_file = yaml.safe_load((project_dir / "Pulumi.yaml").read_text())
    project = project_file["name"]
    stack_path = project_dir / f"Pulumi.{stack}.yaml"
    if not stack_path.exists():
        raise FileNotFoundError(f"stack {stack!r} has no config file {stack_path.name} in {project_dir}")
    stack_file = yaml.safe_load(stack_path.read_text()) or {}
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, entry in (project_file.get("config") or {}).items():
        values[_namespaced(project, key)] = _encode(_project_value(entry))
    for key, value in (stack_file.get("config") or {}).items():
        full_key = _namespaced(project, key)
        if isinstance(value, dict) and set(value) == {"secure"}:
            values[full_key] = SECRET_PLACEHOLDER
            secret_keys.append(full_key)
        else:
            values[full_key] = _encode(value)
    return StackConfig(project, stack, values, tuple(secret_keys))
