"""principalmapper 1.1.5 as a test-time oracle for policypack.iameval, and nowhere else (AGPL-3.0, unmaintained).

It is imported only here, with the `collections.Mapping` aliases it still needs (removed in Python 3.10) present
for the duration of the import. `oracle_allows` asks it the question `evaluate` answers, spelled its way.
"""

from __future__ import annotations

import collections
import collections.abc
import hashlib
from functools import cache
from types import SimpleNamespace
from typing import Any


@cache
def principalmapper() -> SimpleNamespace:
    missing = {"Mapping", "MutableMapping"} - set(vars(collections))
    for alias in missing:
        setattr(collections, alias, getattr(collections.abc, alias))
    try:
        from principalmapper.common import Node, Policy
        from principalmapper.querying.query_interface import local_check_authorization_full
    finally:
        for alias in missing:
            delattr(collections, alias)
    return SimpleNamespace(Node=Node, Policy=Policy, check=local_check_authorization_full)


def unique_id(arn: str) -> str:
    """What both engines are told aws:userid is (principalmapper needs one for its Node)."""
    return ("AROA" if ":role/" in arn else "AIDA") + hashlib.sha1(arn.encode()).hexdigest()[:17].upper()


def oracle_allows(caller: str, identity: list[dict[str, Any]], boundary: dict[str, Any] | None,
                  tags: dict[str, str], action: str, resource: str, context: dict[str, Any],
                  resource_policy: dict[str, Any] | None, owner: str) -> bool:
    """principalmapper's decision for a user or role `caller` holding the `identity` documents."""
    pm = principalmapper()
    node = pm.Node(caller, unique_id(caller), [pm.Policy(caller, f"p{i}", d) for i, d in enumerate(identity)], [],
                   {} if ":role/" in caller else None, None, 0, False, False,
                   pm.Policy(caller, "boundary", boundary) if boundary is not None else None, False, dict(tags))
    return bool(pm.check(node, action, resource, dict(context), resource_policy,
                         owner if resource_policy is not None else None))
