"""What each stack's program registers, shaped as `pulumi preview`'s tree (the programs run in `preview.programs`).

The tree is stack → account → component → resource, each resource with the few properties a reviewer
checks first (role name and session length, policy and group policy names with their effect, bucket,
the provider's pinned account). It is plain data, so every renderer (terminal, JSON, Markdown) shares it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from offline.mock_run import StackRun
from offline.resources import PlannedResource
from preview import deployed
from preview.values import REDACTED, shown

KEY_PROPERTIES: dict[str, tuple[str, ...]] = {
    deployed.PROVIDER: ("allowedAccountIds", "region", "profile"),
    deployed.ROLE: ("name", "path", "maxSessionDuration", "permissionsBoundary"),
    deployed.POLICY: ("name",),
    deployed.ROLE_ATTACHMENT: ("role", "policyArn"),
    deployed.GROUP_POLICY: ("group", "name"),
    deployed.GROUP_ATTACHMENT: ("group", "policyArn"),
    deployed.BUCKET_POLICY: ("bucket",),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ("bucket",),
    "aws:s3/bucket:Bucket": ("bucket",),
    "aws:iam/group:Group": ("name",),
    "aws:iam/user:User": ("name",),
    "aws:iam/userGroupMembership:UserGroupMembership": ("user", "groups"),
}


class ProgramError(Exception):
    """A stack's program failed before its plan was complete (bad config, or a bug): the preview stops here."""

    def __init__(self, stack: str, error: Exception) -> None:
        super().__init__(f"stack {stack}: {type(error).__name__}: {error}")
        self.stack = stack
        self.error = error


@dataclass
class TreeNode:
    """One line of the plan tree: what it is, its name, the properties worth showing, and what it contains."""

    kind: str
    name: str
    properties: dict[str, str] = field(default_factory=dict)
    children: list[TreeNode] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "properties": self.properties,
                "children": [c.to_dict() for c in self.children]}


def _text(value: Any) -> str:
    value = shown(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, str) and value.startswith("["):
        try:
            return _text(json.loads(value))  # structured provider inputs arrive JSON-encoded
        except json.JSONDecodeError:
            return value
    return str(value)


def _statements(policy: Any) -> list[dict[str, Any]]:
    document = json.loads(policy) if isinstance(policy, str) else policy
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return statements if isinstance(statements, list) else [statements]


def _derived(resource: PlannedResource) -> dict[str, str]:
    """What a reviewer would otherwise dig out of a JSON document: a group policy's effect, a role's trust."""
    try:
        if resource.type == deployed.GROUP_POLICY:
            return {"effect": "/".join(sorted({str(s.get("Effect")) for s in
                                               _statements(resource.inputs.get("policy"))}))}
        if resource.type == deployed.ROLE:
            if "assumeRolePolicy" in resource.secret_inputs:
                return {"trusts": REDACTED}
            principals = [s.get("Principal", {}) for s in _statements(resource.inputs.get("assumeRolePolicy"))]
            return {"trusts": _text([p.get("AWS", p) if isinstance(p, dict) else p for p in principals])}
    except (json.JSONDecodeError, AttributeError, TypeError):
        return {"document": "not a valid policy document"}
    return {}


def _node(resource: PlannedResource) -> TreeNode:
    properties = {key: REDACTED if key in resource.secret_inputs else _text(resource.inputs[key])
                  for key in KEY_PROPERTIES.get(resource.type, ()) if resource.inputs.get(key) not in (None, "")}
    return TreeNode(resource.type, resource.name, {**properties, **_derived(resource)})


def plan_tree(run: StackRun) -> TreeNode:
    """The run's resources nested by parent, with the stack's account as the level below the stack."""
    nodes = {r.urn: _node(r) for r in run.resources}
    children: dict[str | None, list[TreeNode]] = defaultdict(list)
    for resource in run.resources:
        children[resource.parent].append(nodes[resource.urn])
    for urn, node in nodes.items():
        # Registration order varies between runs (outputs resolve asynchronously): sort, so output diffs are real.
        node.children = sorted(children.get(urn, []), key=lambda n: (not n.kind.startswith("pulumi:providers:"),
                                                                     n.kind, n.name))
    account = run.outputs.get("account") or {}
    account_node = TreeNode("account", str(account.get("name", "?")),
                            {"id": str(account.get("id", "?")), "region": str(account.get("region", "?"))})
    root = next(r for r in run.resources if r.parent is None)
    account_node.children = nodes[root.urn].children
    return TreeNode("stack", run.config.stack, {"program": run.config.project}, [account_node])
