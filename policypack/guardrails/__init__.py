"""The pack's rules, one module per family; imported as `guardrails` inside the pack process.

Modules import each other relatively, so the package reads the same whether the pack runs it (`guardrails`, with
the pack folder as `sys.path[0]`) or a test imports it from the repository.

Importing the package first defers `pulumi.automation`: the Pulumi SDK imports it at the end of `pulumi/__init__`
(about 25 ms of the pack's start), pulumi_policy never uses it, and a lazy module runs only if something does.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

_DEFERRED = frozenset({"pulumi.automation"})


class _Deferred(importlib.abc.MetaPathFinder):
    """Finds the deferred modules as usual, with a loader that runs them on first attribute access."""

    def find_spec(self, name: str, path: Sequence[str] | None, target: ModuleType | None = None) -> ModuleSpec | None:
        if name not in _DEFERRED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = importlib.util.LazyLoader(spec.loader)
        return spec


if "pulumi" not in sys.modules:
    sys.meta_path.insert(0, _Deferred())
