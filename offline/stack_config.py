"""A stack's config as the Pulumi CLI hands it to a Python program, read from the project's YAML files.

The CLI merges project-level config (`Pulumi.yaml`) under the stack's (`Pulumi.<stack>.yaml`), namespaces
bare keys with the project name, JSON-encodes structured values, and passes the result in `PULUMI_CONFIG`
with secret keys in `PULUMI_CONFIG_SECRET_KEYS`. Offline there is no key to decrypt `secure:` values, so
each becomes a fixed, recognisable placeholder that stays marked secret.

Both files are read strictly (`access.yaml_source`): a key given twice is refused, as the CLI refuses it,
instead of the last one silently winning; errors give a line and column, never the file's text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from access.yaml_source import YamlSourceError, load_yaml_file

SECRET_PLACEHOLDER = "offline-secret-placeholder"
MAX_PROJECT_FILE_BYTES = 256 * 1024  # a stack file holds a few keys and their encrypted secrets
STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}", re.ASCII)  # Pulumi's stack name rule; no path separators


class StackConfigError(ValueError):
    """A project or stack file that cannot be read as the CLI would read it; the message names the file."""


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

    def with_secrets(self, **secrets: str) -> StackConfig:
        """A copy with some keys set as secrets, as `pulumi config set --secret` would."""
        keys = tuple(dict.fromkeys((*self.secret_keys, *secrets)))
        return StackConfig(self.project, self.stack, {**self.values, **secrets}, keys)

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


def _read(path: Path) -> dict[str, Any]:
    """A project or stack file as a mapping (an empty file is an empty one), strictly."""
    try:
        data = load_yaml_file(path, MAX_PROJECT_FILE_BYTES)
    except YamlSourceError as error:
        raise StackConfigError(f"{path.name}: {error}") from None
    if data is None:
        return {}
    config = (data.get("config") or {}) if isinstance(data, dict) else None
    if not isinstance(config, dict) or not all(isinstance(key, str) for key in config):
        raise StackConfigError(f"{path.name}: must be a mapping, with `config` a mapping of keys to values")
    return data


def load_stack_config(project_dir: Path, stack: str) -> StackConfig:
    """Merge `Pulumi.yaml` and `Pulumi.<stack>.yaml` of `project_dir` the way the CLI does."""
    if not STACK_NAME.fullmatch(stack):
        raise StackConfigError(f"{stack[:80]!r} is not a stack name (letters, digits, _ . -)")
    project_file = _read(project_dir / "Pulumi.yaml")
    project = project_file.get("name")
    if not isinstance(project, str):
        raise StackConfigError("Pulumi.yaml: `name` must be the project's name")
    stack_path = project_dir / f"Pulumi.{stack}.yaml"
    if not stack_path.exists():
        raise FileNotFoundError(f"stack {stack!r} has no config file {stack_path.name} in {project_dir}")
    stack_file = _read(stack_path)
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
