"""The one error a config mistake raises: the key, a bounded rendering of the value, and what is wrong.

In a module of its own so the model file's reader and the config parser can both raise it.
"""

from __future__ import annotations

from access.bounds import shown

SECRET = "[secret]"  # what is shown instead of a value Pulumi holds as a secret (or one that must be)


class ConfigError(ValueError):
    """A config value that cannot be deployed; the message names the key and a bounded rendering of the value.

    `secret`: the value is a secret (or should have been one) and is shown, and kept, as `[secret]`.
    `show=False`: the value is left out (an unknown key: the key is the mistake, and its value may be anything).
    """

    def __init__(self, key: str, value: object, problem: str, *, secret: bool = False, show: bool = True) -> None:
        self.key = key
        self.value = SECRET if secret else value if show else None
        rendering = SECRET if secret else shown(value) if show else ""
        super().__init__(f"{key}: {rendering} {problem}" if rendering else f"{key} {problem}")
