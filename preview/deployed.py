"""The access-relevant documents the programs generated, indexed by who holds them.

The access matrix judges what the stacks would really deploy, so its "actual" answers come from the
planned resources' inputs (trust policies, attached and inline policies, bucket policies), never from the
model: a component that builds the wrong document shows up as a wrong cell.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from access.aws_managed import managed_policy
from offline.mock_run import StackRun
from offline.resources import PlannedResource
from preview.evaluator import Document, NamedPolicy
from preview.values import is_known

PROVIDER = "pulumi:providers:aws"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
GROUP_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"


class UnresolvedError(ValueError):
    """A document the preview cannot know offline (an output, a policy ARN it has no text for, bad JSON)."""


def _document(value: Any, what: str) -> Document:
    if not is_known(value):
        raise UnresolvedError(f"{what} is only known after apply")
    try:
        document = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError as error:
        raise UnresolvedError(f"{what} is not valid JSON ({error.msg})") from error
    if not isinstance(document, dict) or "Statement" not in document:
        raise UnresolvedError(f"{what} is not a policy document")
    return document


def provider_account(resource: PlannedResource) -> str:
    """The single account a provider is pinned to (`allowedAccountIds`), or "" when it is not pinned to one."""
    allowed = resource.inputs.get("allowedAccountIds")
    ids = json.loads(allowed) if isinstance(allowed, str) else list(allowed or [])
    return ids[0] if len(ids) == 1 else ""


@dataclass
class DeployedRole:
    """A role as planned: its ARN, trust policy and the permission policies its sessions get."""

    name: str
    arn: str
    trust: NamedPolicy | None = None
    policies: list[NamedPolicy] = field(default_factory=list)
    boundary_arn: str | None = None
    boundary: NamedPolicy | None = None
    problems: list[str] = field(default_factory=list)  # why some of it cannot be evaluated


@dataclass
class Deployed:
    """Every access document of the previewed stacks, by account ID and name."""

    roles: dict[tuple[str, str], DeployedRole] = field(default_factory=dict)
    group_policies: dict[tuple[str, str], list[NamedPolicy]] = field(default_factory=lambda: defaultdict(list))
    group_policy_arns: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    bucket_policies: dict[str, NamedPolicy] = field(default_factory=dict)
    bucket_owners: dict[str, str] = field(default_factory=dict)
    customer_policies: dict[str, NamedPolicy] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def policy(self, arn: str) -> NamedPolicy:
        """A managed policy by ARN: one the stacks create, or an AWS-managed one whose text we carry."""
        if arn in self.customer_policies:
            return self.customer_policies[arn]
        document = managed_policy(arn)
        if document is None:
            raise UnresolvedError(f"managed policy {arn} is not known offline (add it to access/aws_managed.py)")
        return NamedPolicy(f"AWS-managed {arn.rsplit('/', 1)[-1]}", document)

    def role(self, account_id: str, name: str) -> DeployedRole | None:
        return self.roles.get((account_id, name))


def _iam_arn(account_id: str, kind: str, inputs: dict[str, Any], name: str) -> str:
    return f"arn:aws:iam::{account_id}:{kind}{inputs.get('path') or '/'}{inputs.get('name') or name}"


def _add_role(deployed: Deployed, account_id: str, resource: PlannedResource) -> None:
    inputs = resource.inputs
    role = DeployedRole(str(inputs.get("name") or resource.name),
                        _iam_arn(account_id, "role", inputs, resource.name))
    role.boundary_arn = inputs.get("permissionsBoundary") or None
    deployed.roles[(account_id, role.name)] = role
    try:
        role.trust = NamedPolicy(f"trust policy of {role.name}",
                                 _document(inputs.get("assumeRolePolicy"), f"trust policy of {role.name}"))
    except UnresolvedError as error:
        role.problems.append(str(error))


def _index_run(run: StackRun, deployed: Deployed, attachments: list[tuple[str, PlannedResource]]) -> None:
    accounts = {r.urn: provider_account(r) for r in run.resources if r.type == PROVIDER}
    for resource in run.resources:
        account_id = accounts.get(resource.provider_urn or "", "")
        inputs = resource.inputs
        try:
            if resource.type == ROLE:
                _add_role(deployed, account_id, resource)
            elif resource.type == POLICY:
                arn = _iam_arn(account_id, "policy", inputs, resource.name)
                name = f"policy {inputs.get('name') or resource.name}"
                deployed.customer_policies[arn] = NamedPolicy(name, _document(inputs.get("policy"), name))
            elif resource.type == ROLE_ATTACHMENT:
                attachments.append((account_id, resource))
            elif resource.type == GROUP_ATTACHMENT:
                deployed.group_policy_arns[(account_id, str(inputs.get("group")))].append(
                    str(inputs.get("policyArn")))
            elif resource.type == GROUP_POLICY:
                group = str(inputs.get("group"))
                name = f"group {group}: {inputs.get('name') or resource.name}"
                deployed.group_policies[(account_id, group)].append(
                    NamedPolicy(name, _document(inputs.get("policy"), name)))
            elif resource.type == BUCKET_POLICY:
                bucket = str(inputs.get("bucket"))
                deployed.bucket_owners[bucket] = account_id
                deployed.bucket_policies[bucket] = NamedPolicy(
                    f"bucket policy of {bucket}", _document(inputs.get("policy"), f"bucket policy of {bucket}"))
        except UnresolvedError as error:
            deployed.problems.append(f"{run.config.stack}: {resource.type} {resource.name}: {error}")


def _attach(deployed: Deployed, account_id: str, resource: PlannedResource) -> None:
    inputs = resource.inputs
    role = deployed.role(account_id, str(inputs.get("role")))
    if role is None:
        deployed.problems.append(f"{resource.type} {resource.name} attaches to role {inputs.get('role')!r}, "
                                 "which no previewed stack creates")
        return
    arn = inputs.get("policyArn")
    try:
        if not is_known(arn):
            raise UnresolvedError(f"{resource.name}: the attached policy ARN is only known after apply")
        role.policies.append(deployed.policy(str(arn)))
    except UnresolvedError as error:
        role.problems.append(str(error))


def index(runs: Iterable[StackRun]) -> Deployed:
    """Index the documents of all `runs` (every stack of the preview, so cross-stack references resolve).

    Attachments and boundaries name policies by ARN, which any stack may define: they resolve in a second pass.
    """
    deployed = Deployed()
    attachments: list[tuple[str, PlannedResource]] = []
    for run in runs:
        _index_run(run, deployed, attachments)
    for account_id, resource in attachments:
        _attach(deployed, account_id, resource)
    for role in deployed.roles.values():
        if role.boundary_arn:
            try:
                role.boundary = deployed.policy(role.boundary_arn)
            except UnresolvedError as error:
                role.problems.append(f"permissions boundary: {error}")
    return deployed
