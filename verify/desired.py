"""What the program would deploy, as expectations about live state: one per managed document or setting.

Each stack's program runs under the mock runtime (as the preview's plan does); every resource it registers
becomes expectations, each naming where in a `LiveAccount` the same thing is read. A role or group the program
creates must hold exactly the policies it gives it (an extra policy attached to the role is drift); a
prerequisite it only adds to (the tutorial's hand-made groups) must hold at least them. A resource type with
no expectation here is named in a note rather than silently passed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from offline.mock_run import StackRun
from offline.resources import PlannedResource
from preview.deployed import (
    BLOCKS,
    BUCKET_POLICY,
    GROUP_ATTACHMENT,
    GROUP_POLICY,
    POLICY,
    PUBLIC_ACCESS_BLOCK,
    ROLE,
    ROLE_ATTACHMENT,
    ROLE_POLICY,
)
from verify.live import LiveAccount, LiveIdentity, as_document

GROUP = "aws:iam/group:Group"
USER = "aws:iam/user:User"
MEMBERSHIP = "aws:iam/userGroupMembership:UserGroupMembership"
BUCKET = "aws:s3/bucket:Bucket"
# The public access block's settings as S3 names them (the program's inputs are `BLOCKS`, camel-cased).
BLOCK_SETTINGS = tuple(key[0].upper() + key[1:] for key in BLOCKS)

# What an expectation compares: a policy document (semantically), names (a set), or a plain value.
DOCUMENT, NAMES, VALUE = "document", "names", "value"
# Where in the live account: the part of a role, group, user, managed policy or bucket.
TRUST = "trust policy"
BOUNDARY = "permissions boundary"
POLICIES = "attached and inline policies"
INLINE = "inline"
GROUPS = "group memberships"
EXISTS = "existence"
DEFAULT_VERSION = "document (default version)"
BUCKET_POLICY_PART = "bucket policy"
BLOCK = "public access block"


INLINE_PREFIX = "inline "


def inline_entry(name: str) -> str:
    """How an inline policy appears among an identity's policies (attached ones appear by ARN)."""
    return f"{INLINE_PREFIX}{name}"


class AbsentError(LookupError):
    """What the live account lacks (the resource, or the part of it), in words."""


@dataclass(frozen=True)
class Where:
    """A place in a live account: `part` of the `kind` named `name` (`policy` names an inline policy)."""

    kind: str  # role | group | user | policy (by ARN) | bucket
    name: str
    part: str
    policy: str = ""

    @property
    def resource(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def aspect(self) -> str:
        return f"inline policy {self.policy}" if self.part == INLINE else self.part


@dataclass(frozen=True)
class Expectation:
    """One thing a stack deploys: where it lives, what it should be, how to compare."""

    stack: str
    account_id: str
    where: Where
    compare: str  # DOCUMENT | NAMES | VALUE
    desired: Any
    exact: bool = True  # NAMES only: nothing beyond the desired names


@dataclass(frozen=True)
class Desired:
    """Every expectation of the stacks, and the resources none could be derived for."""

    expectations: tuple[Expectation, ...]
    unverified: tuple[str, ...]


def _identity(live: LiveAccount, where: Where) -> LiveIdentity:
    found = {"role": live.roles, "group": live.groups, "user": live.users}[where.kind].get(where.name)
    if found is None:
        raise AbsentError(f"{where.resource} does not exist")
    return found


def _present(value: Any, what: str) -> Any:
    if value is None:
        raise AbsentError(what)
    return value


def read(live: LiveAccount, where: Where) -> Any:
    """The live value at `where`, or `AbsentError` saying what is missing."""
    if where.kind == "policy":
        return _present(live.policies.get(where.name), f"policy {where.name} does not exist").document
    if where.kind == "bucket":
        bucket = live.buckets.get(where.name)
        if bucket is None or not bucket.exists:
            raise AbsentError(f"bucket {where.name} does not exist")
        if where.part == BUCKET_POLICY_PART:
            return _present(bucket.policy, f"bucket {where.name} has no bucket policy")
        if where.part == BLOCK:
            block = _present(bucket.public_access_block, f"bucket {where.name} has no public access block")
            return {key: bool(block.get(key)) for key in BLOCK_SETTINGS}
        return True
    identity = _identity(live, where)
    parts = {
        TRUST: lambda: _present(identity.trust, f"role {where.name} has no trust policy"),
        BOUNDARY: lambda: identity.boundary,
        POLICIES: lambda: frozenset(identity.attached) | {inline_entry(name) for name in identity.inline},
        INLINE: lambda: _present(identity.inline.get(where.policy), f"no inline policy {where.policy}"),
        GROUPS: lambda: frozenset(identity.groups),
        EXISTS: lambda: True,
    }
    return parts[where.part]()


def _iam_arn(account_id: str, kind: str, inputs: Mapping[str, Any]) -> str:
    return f"arn:aws:iam::{account_id}:{kind}{inputs.get('path') or '/'}{inputs['name']}"


class _Collector:
    """A stack's expectations, resource by resource; each role's and group's policies gathered, then expected."""

    def __init__(self, run: StackRun) -> None:
        self.stack = run.config.stack
        self.account_id = str(run.outputs["account"]["id"])
        self.expectations: list[Expectation] = []
        self.unverified: list[str] = []
        self.created: set[tuple[str, str]] = set()  # (kind, name) of roles and groups the program creates
        self.policies: dict[tuple[str, str], set[str]] = defaultdict(set)

    def expect(self, where: Where, compare: str, desired: Any, exact: bool = True) -> None:
        self.expectations.append(Expectation(self.stack, self.account_id, where, compare, desired, exact))

    def _holds(self, kind: str, name: str, policy: str) -> None:
        self.policies[(kind, name)].add(policy)

    def _creates(self, kind: str, name: str) -> None:
        """A role or group the program creates: it must hold exactly the policies the program gives it."""
        self.created.add((kind, name))
        self.policies.setdefault((kind, name), set())

    def add(self, resource: PlannedResource) -> None:
        inputs, kind = resource.inputs, resource.type
        if kind == ROLE:
            self._creates("role", inputs["name"])
            self.expect(Where("role", inputs["name"], TRUST), DOCUMENT, as_document(inputs["assumeRolePolicy"]))
            self.expect(Where("role", inputs["name"], BOUNDARY), VALUE, inputs.get("permissionsBoundary") or None)
        elif kind == POLICY:
            self.expect(Where("policy", _iam_arn(self.account_id, "policy", inputs), DEFAULT_VERSION), DOCUMENT,
                        as_document(inputs["policy"]))
        elif kind in (ROLE_ATTACHMENT, GROUP_ATTACHMENT):
            owner = "role" if kind == ROLE_ATTACHMENT else "group"
            self._holds(owner, inputs[owner], inputs["policyArn"])
        elif kind in (ROLE_POLICY, GROUP_POLICY):
            owner = "role" if kind == ROLE_POLICY else "group"
            self._holds(owner, inputs[owner], inline_entry(inputs["name"]))
            self.expect(Where(owner, inputs[owner], INLINE, inputs["name"]), DOCUMENT, as_document(inputs["policy"]))
        elif kind == GROUP:
            self._creates("group", inputs["name"])
        elif kind == USER:
            self.expect(Where("user", inputs["name"], EXISTS), VALUE, True)
        elif kind == MEMBERSHIP:
            self.expect(Where("user", inputs["user"], GROUPS), NAMES, frozenset(inputs["groups"]), exact=False)
        elif kind == BUCKET:
            self.expect(Where("bucket", inputs["bucket"], EXISTS), VALUE, True)
        elif kind == BUCKET_POLICY:
            self.expect(Where("bucket", inputs["bucket"], BUCKET_POLICY_PART), DOCUMENT, as_document(inputs["policy"]))
        elif kind == PUBLIC_ACCESS_BLOCK:
            self.expect(Where("bucket", inputs["bucket"], BLOCK), VALUE,
                        {setting: bool(inputs.get(key)) for key, setting in zip(BLOCKS, BLOCK_SETTINGS, strict=True)})
        else:
            self.unverified.append(f"{self.stack}: {kind} {resource.name} is not compared with the live account")

    def finish(self) -> None:
        for (kind, name), names in sorted(self.policies.items()):
            self.expect(Where(kind, name, POLICIES), NAMES, frozenset(names), exact=(kind, name) in self.created)


def desired_state(runs: Sequence[StackRun]) -> Desired:
    """The expectations of every stack's run, in stack order then registration order."""
    expectations: list[Expectation] = []
    unverified: list[str] = []
    for run in runs:
        collector = _Collector(run)
        for resource in run.resources:
            if resource.custom and not resource.type.startswith("pulumi:providers:"):
                collector.add(resource)
        collector.finish()
        expectations += collector.expectations
        unverified += collector.unverified
    return Desired(tuple(expectations), tuple(unverified))
