"""Apply a stack's resources, as the program registers them under the mock runtime, to the emulator.

One row per resource type: one boto3 call, and which program input maps to which call parameter. Every
input must have a row entry, so nothing the program sets is silently dropped; a type without a row is an
`UnsupportedResourceError` before anything is applied. Policy documents are passed on untouched and read back
from the emulator afterwards, so the rehearsal can show it evaluated the program's own bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from botocore.client import BaseClient

from offline.mock_run import StackRun
from offline.resources import PlannedResource
from rehearsal.emulator import Emulator

Inputs = Mapping[str, Any]
# A program input's boto3 parameter: a name (dotted for a nested structure), or a name and a conversion.
Param = str | tuple[str, Callable[[Any], Any]]


class UnsupportedResourceError(ValueError):
    """A resource the rehearsal cannot apply as the program built it; the message says which and why."""


def bucket_location(region: str) -> dict[str, Any]:
    """S3 wants the region named when creating a bucket anywhere but us-east-1."""
    return {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}


def _only(values: list[str]) -> str:
    if len(values) != 1:
        raise UnsupportedResourceError(f"lists {len(values)} groups; the rehearsal adds a user to one group per call")
    return values[0]


def _tags(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def _as_text(document: str) -> str:
    """IAM returns some documents URL-encoded (a JSON document itself always starts with `{`)."""
    return document if document.lstrip().startswith("{") else unquote(document)


@dataclass(frozen=True)
class Call:
    """How one resource type is applied: one boto3 operation and the parameters it takes from the inputs."""

    service: str
    operation: str
    params: Mapping[str, Param]
    document: str | None = None  # the input holding a policy document
    stored: Callable[[BaseClient, Inputs, dict[str, Any]], str] | None = None  # reads that document back
    regional: Callable[[str], dict[str, Any]] | None = None  # parameters that depend on the region


PUBLIC_ACCESS_BLOCK = {
    key: f"PublicAccessBlockConfiguration.{key[0].upper()}{key[1:]}"
    for key in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
}

CALLS: dict[str, Call] = {
    "aws:s3/bucket:Bucket": Call("s3", "create_bucket", {"bucket": "Bucket"}, regional=bucket_location),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": Call(
        "s3", "put_public_access_block", {"bucket": "Bucket", **PUBLIC_ACCESS_BLOCK}),
    "aws:s3/bucketPolicy:BucketPolicy": Call(
        "s3", "put_bucket_policy", {"bucket": "Bucket", "policy": "Policy"}, document="policy",
        stored=lambda client, inputs, _: client.get_bucket_policy(Bucket=inputs["bucket"])["Policy"]),
    "aws:iam/role:Role": Call(
        "iam", "create_role",
        {"name": "RoleName", "path": "Path", "description": "Description", "assumeRolePolicy":
         "AssumeRolePolicyDocument", "maxSessionDuration": "MaxSessionDuration",
         "permissionsBoundary": "PermissionsBoundary", "tags": ("Tags", _tags)},
        document="assumeRolePolicy",
        stored=lambda client, inputs, _: client.get_role(RoleName=inputs["name"])["Role"]["AssumeRolePolicyDocument"]),
    "aws:iam/policy:Policy": Call(
        "iam", "create_policy",
        {"name": "PolicyName", "path": "Path", "description": "Description", "policy": "PolicyDocument",
         "tags": ("Tags", _tags)},
        document="policy",
        stored=lambda client, _, created: client.get_policy_version(
            PolicyArn=created["Policy"]["Arn"], VersionId=created["Policy"]["DefaultVersionId"],
        )["PolicyVersion"]["Document"]),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": Call(
        "iam", "attach_role_policy", {"role": "RoleName", "policyArn": "PolicyArn"}),
    "aws:iam/group:Group": Call("iam", "create_group", {"name": "GroupName", "path": "Path"}),
    "aws:iam/user:User": Call("iam", "create_user", {"name": "UserName", "path": "Path", "tags": ("Tags", _tags)}),
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": Call(
        "iam", "attach_group_policy", {"group": "GroupName", "policyArn": "PolicyArn"}),
    "aws:iam/userGroupMembership:UserGroupMembership": Call(
        "iam", "add_user_to_group", {"user": "UserName", "groups": ("GroupName", _only)}),
    "aws:iam/groupPolicy:GroupPolicy": Call(
        "iam", "put_group_policy", {"group": "GroupName", "name": "PolicyName", "policy": "PolicyDocument"},
        document="policy",
        stored=lambda client, inputs, _: client.get_group_policy(
            GroupName=inputs["group"], PolicyName=inputs["name"])["PolicyDocument"]),
}


@dataclass(frozen=True)
class PlannedCall:
    """One resource and the boto3 call that applies it in its account."""

    resource: PlannedResource
    account_id: str
    region: str
    call: Call
    arguments: dict[str, Any] = field(repr=False)

    @property
    def document(self) -> str | None:
        """The policy document exactly as the program built it, if this resource carries one."""
        return self.resource.inputs[self.call.document] if self.call.document else None


@dataclass(frozen=True)
class Applied:
    """A call made, and the document the emulator holds afterwards (None for resources without one)."""

    planned: PlannedCall
    stored: str | None

    @property
    def document_intact(self) -> bool:
        return self.stored == self.planned.document


def _value(value: Any) -> Any:
    """Pulumi numbers arrive as floats; AWS wants whole numbers as integers."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _arguments(resource: PlannedResource, call: Call, region: str) -> dict[str, Any]:
    arguments: dict[str, Any] = call.regional(region) if call.regional else {}
    for key, value in resource.inputs.items():
        if key not in call.params:
            raise UnsupportedResourceError(f"{resource.type} {resource.name!r}: input {key!r} is not rehearsed "
                                      f"(rehearsed: {', '.join(call.params)})")
        param = call.params[key]
        name, convert = (param, _value) if isinstance(param, str) else param
        try:
            converted = convert(value)
        except UnsupportedResourceError as error:
            raise UnsupportedResourceError(f"{resource.type} {resource.name!r}: {key} {error}") from error
        *outer, last = name.split(".")
        target = arguments
        for part in outer:
            target = target.setdefault(part, {})
        target[last] = converted
    return arguments


def _pinned_account(run: StackRun, resource: PlannedResource) -> tuple[str, str]:
    """The account and region of the resource's provider: the program pins each provider to one account."""
    provider = next((r for r in run.resources if r.urn == resource.provider_urn), None)
    if provider is None or not provider.type.startswith("pulumi:providers:aws"):
        raise UnsupportedResourceError(f"{resource.type} {resource.name!r}: no explicit aws provider names its account")
    accounts = json.loads(provider.inputs.get("allowedAccountIds") or "[]")
    if len(accounts) != 1:
        raise UnsupportedResourceError(f"provider {provider.name!r} is pinned to {accounts}, not to one account")
    return accounts[0], provider.inputs["region"]


def plan_calls(run: StackRun) -> list[PlannedCall]:
    """The calls that apply `run`'s resources, in registration order (the SDK registers a resource only once
    its inputs, hence its dependencies, are resolved). Components and providers have nothing to apply."""
    planned = []
    for resource in run.resources:
        if not resource.custom or resource.type.startswith("pulumi:providers:"):
            continue
        if resource.type not in CALLS:
            raise UnsupportedResourceError(f"{resource.type} {resource.name!r}: no boto3 call for this type "
                                      f"(supported: {', '.join(sorted(CALLS))})")
        account_id, region = _pinned_account(run, resource)
        call = CALLS[resource.type]
        planned.append(PlannedCall(resource, account_id, region, call, _arguments(resource, call, region)))
    return planned


def apply(emulator: Emulator, planned: list[PlannedCall]) -> list[Applied]:
    """Make each call in its account, and read back every policy document the emulator then holds."""
    applied = []
    for item in planned:
        client = emulator.admin(item.call.service, item.account_id, item.region)
        created = getattr(client, item.call.operation)(**item.arguments)
        stored = _as_text(item.call.stored(client, item.resource.inputs, created)) if item.call.stored else None
        applied.append(Applied(item, stored))
    return applied
