"""The plan as an `Estate`: what the previewed stacks would deploy, plus what the model says is already there.

The analysis judges what the stacks would really deploy, so roles, trust policies, their policies and bucket
policies come from the planned resources' inputs, never from the model: a component that builds the wrong
document shows up as a finding. The model adds only what the program does not create: each group's members
and the managed policies the group already holds (e.g. the tutorial's Testers' PowerUserAccess, whose text
comes from `access.aws_managed`).

Offline the estate is never complete: an account's principals are only those the model names, so the analysis
adds "any other principal" of each account.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from access.aws_managed import managed_policy
from access.model import AccessModel
from offline.mock_run import StackRun
from offline.resources import PlannedResource
from policypack.iameval import Policy, PolicyError, parse_policy
from policypack.iameval.estate import AccountEstate, BucketEstate, Estate, Principal, RoleEstate
from preview.values import is_known

PROVIDER = "pulumi:providers:aws"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
GROUP_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BLOCKS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


class UnresolvedError(ValueError):
    """A document the preview cannot know offline (an output, a policy ARN it has no text for, bad JSON)."""


def provider_account(resource: PlannedResource) -> str:
    """The single account a provider is pinned to (`allowedAccountIds`), or "" when it is not pinned to one."""
    allowed = resource.inputs.get("allowedAccountIds")
    ids = json.loads(allowed) if isinstance(allowed, str) else list(allowed or [])
    return ids[0] if len(ids) == 1 else ""


def _parsed(name: str, value: Any) -> Policy:
    if not is_known(value):
        raise UnresolvedError(f"{name} is only known after apply")
    try:
        return parse_policy(name, value)
    except PolicyError as error:
        raise UnresolvedError(str(error)) from error


def _iam_arn(account_id: str, kind: str, inputs: Mapping[str, Any], name: str) -> str:
    return f"arn:aws:iam::{account_id}:{kind}{inputs.get('path') or '/'}{inputs.get('name') or name}"


@dataclass
class _Role:
    arn: str
    name: str
    trust: Policy | None = None
    identity: list[Policy] = field(default_factory=list)
    boundary: Policy | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    """The planned documents, by account ID and name; policies parsed once and shared by all who hold them."""

    roles: dict[tuple[str, str], _Role] = field(default_factory=dict)
    customer: dict[str, Policy] = field(default_factory=dict)  # policy ARN -> policy
    group_policies: dict[tuple[str, str], list[Policy]] = field(default_factory=lambda: defaultdict(list))
    group_arns: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    buckets: dict[str, tuple[str, Policy | None, bool | None, list[str]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    _managed: dict[str, Policy] = field(default_factory=dict)

    def policy(self, arn: str) -> Policy:
        """A managed policy by ARN: one the stacks create, or an AWS-managed one whose text the preview carries."""
        if arn in self.customer:
            return self.customer[arn]
        if arn not in self._managed:
            document = managed_policy(arn)
            if document is None:
                raise UnresolvedError(f"managed policy {arn} is not known offline (add it to access/aws_managed.py)")
            self._managed[arn] = parse_policy(f"AWS-managed {arn.rsplit('/', 1)[-1]}", document)
        return self._managed[arn]

    def bucket(self, name: str, account: str) -> tuple[str, Policy | None, bool | None, list[str]]:
        return self.buckets.setdefault(name, (account, None, None, []))


def _index(run: StackRun, plan: _Plan, later: list[tuple[str, PlannedResource]]) -> None:
    accounts = {r.urn: provider_account(r) for r in run.resources if r.type == PROVIDER}
    for resource in run.resources:
        account = accounts.get(resource.provider_urn or "", "")
        inputs = resource.inputs
        kind = resource.type
        try:
            if kind == ROLE:
                role = _Role(_iam_arn(account, "role", inputs, resource.name), str(inputs.get("name") or resource.name))
                plan.roles[(account, role.name)] = role
                try:
                    role.trust = _parsed(f"trust policy of {role.name}", inputs.get("assumeRolePolicy"))
                except UnresolvedError as error:
                    role.problems.append(str(error))
                if inputs.get("permissionsBoundary"):
                    later.append((account, resource))
            elif kind == POLICY:
                name = str(inputs.get("name") or resource.name)
                plan.customer[_iam_arn(account, "policy", inputs, resource.name)] = _parsed(name, inputs.get("policy"))
            elif kind in (ROLE_ATTACHMENT, ROLE_POLICY):
                later.append((account, resource))
            elif kind == GROUP_ATTACHMENT:
                plan.group_arns[(account, str(inputs.get("group")))].append(str(inputs.get("policyArn")))
            elif kind == GROUP_POLICY:
                group = str(inputs.get("group"))
                name = f"group {group}: {inputs.get('name') or resource.name}"
                plan.group_policies[(account, group)].append(_parsed(name, inputs.get("policy")))
            elif kind == BUCKET_POLICY:
                bucket = str(inputs.get("bucket"))
                owner, _, block, problems = plan.bucket(bucket, account)
                plan.buckets[bucket] = (owner, _parsed(f"bucket policy of {bucket}", inputs.get("policy")), block,
                                        problems)
            elif kind == PUBLIC_ACCESS_BLOCK:
                bucket = str(inputs.get("bucket"))
                owner, policy, _, problems = plan.bucket(bucket, account)
                plan.buckets[bucket] = (owner, policy, all(inputs.get(k) is True for k in BLOCKS), problems)
        except UnresolvedError as error:
            if kind == BUCKET_POLICY:
                plan.bucket(str(inputs.get("bucket")), account)[3].append(str(error))
            else:
                plan.problems.append(f"{run.config.stack}: {kind} {resource.name}: {error}")


def _resolve(plan: _Plan, account: str, resource: PlannedResource) -> None:
    """Attachments, inline role policies and boundaries name their role (and policy) by name or ARN, which any
    stack may define: resolved once every stack is indexed."""
    inputs = resource.inputs
    name = str(inputs.get("name") or resource.name) if resource.type == ROLE else str(inputs.get("role"))
    role = plan.roles.get((account, name))
    if role is None:
        plan.problems.append(f"{resource.type} {resource.name} names role {name!r}, which no previewed stack creates")
        return
    try:
        if resource.type == ROLE:
            role.boundary = plan.policy(str(inputs["permissionsBoundary"]))
        elif resource.type == ROLE_POLICY:
            role.identity.append(_parsed(f"{role.name}: {inputs.get('name') or resource.name}", inputs.get("policy")))
        elif not is_known(inputs.get("policyArn")):
            raise UnresolvedError(f"{resource.name}: the attached policy ARN is only known after apply")
        else:
            role.identity.append(plan.policy(str(inputs["policyArn"])))
    except UnresolvedError as error:
        role.problems.append(str(error))


def _plan(runs: Iterable[StackRun]) -> _Plan:
    plan = _Plan()
    later: list[tuple[str, PlannedResource]] = []
    for run in runs:
        _index(run, plan, later)
    for account, resource in later:
        _resolve(plan, account, resource)
    return plan


def _users(model: AccessModel, plan: _Plan, account: str, account_id: str) -> dict[str, Principal]:
    """The model's members of the account's groups, with their groups' planned and prerequisite policies."""
    groups_of: dict[str, list[str]] = defaultdict(list)
    policies: dict[str, tuple[list[Policy], list[str]]] = {}
    for group in model.groups_in(account):
        found: list[Policy] = list(plan.group_policies.get((account_id, group.name), ()))
        problems: list[str] = []
        for arn in dict.fromkeys([*plan.group_arns.get((account_id, group.name), ()), *group.managed_policy_arns]):
            try:
                found.append(plan.policy(arn))
            except UnresolvedError as error:
                problems.append(f"group {group.name}: {error}")
        policies[group.name] = (found, problems)
        for user in group.members:
            groups_of[user].append(group.name)
    return {user: Principal(f"arn:aws:iam::{account_id}:user/{user}",
                            tuple(p for g in groups for p in policies[g][0]), groups=tuple(groups),
                            problems=tuple(p for g in groups for p in policies[g][1]))
            for user, groups in groups_of.items()}


def build_estate(runs: Iterable[StackRun], model: AccessModel, previewed: Iterable[str]) -> Estate:
    """The estate of the previewed accounts (model names) as `runs` would deploy them; every other account of
    `model` is in it empty, so reports can name it."""
    plan = _plan(runs)
    previewed = set(previewed)
    accounts: dict[str, AccountEstate] = {}
    for account in model.accounts:
        shown = account.name in previewed
        roles = {name: RoleEstate(r.arn, name, r.trust, tuple(r.identity), r.boundary, tuple(r.problems))
                 for (owner, name), r in plan.roles.items() if owner == account.id} if shown else {}
        buckets = {}
        for name, (owner, policy, block, problems) in plan.buckets.items():
            if owner == account.id:
                buckets[name] = BucketEstate(name, owner, policy, block, tuple(problems))
        for bucket in model.buckets_in(account.name) if shown else ():
            buckets.setdefault(bucket.name, BucketEstate(bucket.name, account.id))
        users = _users(model, plan, account.name, account.id) if shown else {}
        accounts[account.id] = AccountEstate(account.id, account.name, users, roles, buckets)
    strays = [f"role {name} is planned in account {owner or '(no pinned account)'}, which the model does not define: "
              "not analysed" for owner, name in plan.roles if owner not in accounts]
    return Estate(accounts, frozenset(), tuple(plan.problems + strays))
