"""What the pack knows about Pulumi's AWS resources: where their policy documents live and which account
their provider is pinned to, read without tripping over values that are unknown during a preview.

pulumi_policy hands properties to a rule through a proxy that raises UnknownValueError as soon as an unknown
value is read. Letting that escape would turn the whole rule into a "can't run during preview" note for the
resource; instead each property is read on its own here, and an unknown one is skipped (the rule runs again
on `pulumi up`, when the value is known) while the rest of the resource is still checked.

Documents live in more places than `policy`: a Glacier vault's `accessPolicy`, an OpenSearch domain's
`accessPolicies`, CodeArtifact's `policyDocument`; and some resources grant access through plain fields (a
Lambda permission's `principal`, a RAM principal association). Those fields are turned into the one statement
AWS itself stores for them, so every rule on principals reads them like any other resource policy.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pulumi_policy import PolicyConfigSchema, PolicyProviderResource
from pulumi_policy.proxy import UnknownValueError

from .documents import (
    UNKNOWN_VALUES,
    PolicyDocument,
    SizeLimit,
    Statement,
    is_service,
    is_unknown,
    parse_document,
)
from .runtime import memo
from .text import shown

AWS_PROVIDER_TYPE = "pulumi:providers:aws"
ROLE_TYPE = "aws:iam/role:Role"
MANAGED_POLICY_TYPE = "aws:iam/policy:Policy"
IDENTITY_LIMITS = {
    MANAGED_POLICY_TYPE: SizeLimit(6_144, "a managed policy"),
    "aws:iam/rolePolicy:RolePolicy": SizeLimit(10_240, "a role's inline policies"),
    "aws:iam/groupPolicy:GroupPolicy": SizeLimit(5_120, "a group's inline policies"),
    "aws:iam/userPolicy:UserPolicy": SizeLimit(2_048, "a user's inline policies"),
}
ROLE_INLINE_LIMIT = IDENTITY_LIMITS["aws:iam/rolePolicy:RolePolicy"]
# A trust policy may hold 2,048 characters by default and 4,096 with a quota increase: documents are parsed up to
# the hard maximum, and the validity rule compares them with the organisation's configured quota.
TRUST_LIMIT = SizeLimit(4_096, "a role trust policy (2,048 by default, 4,096 with a quota increase)")
BUCKET_TYPES = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
BUCKET_POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy"
_BUCKET_LIMIT = SizeLimit(20_480, "a bucket policy", counts_whitespace=True)
# The largest resource policy any service accepts (KMS key policies, 32 KB) is well under this: a bigger
# document is refused without being parsed, whatever resource holds it.
_ANY_RESOURCE_LIMIT = SizeLimit(65_536, "any resource policy (the largest, KMS key policies, take 32 KB)",
                                counts_whitespace=True)
# Resource types whose documents are always resource-based policies, so a document that cannot be read is
# reported instead of being taken for some other kind of property; with their limits.
RESOURCE_POLICY_LIMITS = {
    **dict.fromkeys(BUCKET_TYPES | {BUCKET_POLICY_TYPE}, _BUCKET_LIMIT),
    "aws:kms/key:Key": SizeLimit(32_768, "a KMS key policy", counts_whitespace=True),
    "aws:kms/replicaKey:ReplicaKey": SizeLimit(32_768, "a KMS key policy", counts_whitespace=True),
    "aws:sns/topicPolicy:TopicPolicy": SizeLimit(30_720, "an SNS topic policy", counts_whitespace=True),
    "aws:sqs/queuePolicy:QueuePolicy": _ANY_RESOURCE_LIMIT,
    "aws:ecr/repositoryPolicy:RepositoryPolicy": _ANY_RESOURCE_LIMIT,
    "aws:secretsmanager/secretPolicy:SecretPolicy": SizeLimit(20_480, "a secret's policy", counts_whitespace=True),
    "aws:glacier/vault:Vault": SizeLimit(20_480, "a Glacier vault access policy", counts_whitespace=True),
    "aws:glacier/vaultLock:VaultLock": SizeLimit(20_480, "a Glacier vault lock policy", counts_whitespace=True),
    "aws:opensearch/domain:Domain": _ANY_RESOURCE_LIMIT,
    "aws:opensearch/domainPolicy:DomainPolicy": _ANY_RESOURCE_LIMIT,
    "aws:elasticsearch/domain:Domain": _ANY_RESOURCE_LIMIT,
    "aws:elasticsearch/domainPolicy:DomainPolicy": _ANY_RESOURCE_LIMIT,
}
_DOCUMENT_PROPERTIES = ("policy", "assumeRolePolicy", "accessPolicy", "accessPolicies", "policyDocument")


class _Unknown:
    """Marker for a property whose value is only known after the update."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def plain(value: Any) -> Any:
    """A proxied value as plain dicts and lists, with unknown members replaced by their placeholder string.

    The placeholder strings are what documents.is_unknown recognises, so a partly unknown document is still
    checked on its known parts.
    """
    if isinstance(value, str) or not isinstance(value, Mapping | Sequence):
        return value
    if isinstance(value, Mapping):
        return {key: _member(value, key) for key in value}
    return [_member(value, index) for index in range(len(value))]


def _member(container: Any, key: Any) -> Any:
    try:
        return plain(container[key])
    except UnknownValueError as error:
        return error.unknown_type_sentinel


def read(props: Mapping[str, Any], key: str) -> Any:
    """props[key] as a plain value: None when absent, UNKNOWN when it cannot be known during this preview."""
    try:
        value = props.get(key)
    except UnknownValueError:
        return UNKNOWN
    if isinstance(value, str) and value in UNKNOWN_VALUES:
        return UNKNOWN
    return plain(value)


def known_text(props: Mapping[str, Any], key: str) -> str | None:
    """A string property when it is set and fully known (e.g. a bucket name), else None."""
    value = read(props, key)
    return value if isinstance(value, str) and value and not is_unknown(value) else None


def known_texts(props: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """A list-of-strings property's known members (a string holding a JSON list is read as that list)."""
    value = read(props, key)
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.startswith("[") else [value]
        except ValueError:
            value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str) and item and not is_unknown(item))


class DocumentKind(Enum):
    """The three places a policy document can sit; each rule applies to some of them."""

    TRUST = "trust policy"
    IDENTITY = "identity policy"
    RESOURCE = "resource policy"


@dataclass(frozen=True)
class PolicySource:
    """One document of a resource, with the property it came from so messages can point at it.

    `label` names a statement built from plain fields (a Lambda permission), which has no position to quote.
    """

    kind: DocumentKind
    property: str
    document: PolicyDocument
    label: str | None = None

    def where(self, statement: Statement) -> str:
        return self.label or f"{statement.label} of {self.property}"


def _source(kind: DocumentKind, prop: str, value: Any, limit: SizeLimit | None) -> PolicySource | None:
    if value is None or value is UNKNOWN:
        return None
    if isinstance(value, str) and not value.strip():
        what = "who may assume the role" if kind is DocumentKind.TRUST else "what it allows or denies"
        problem = f"{prop} is empty: it must be a document saying {what}"
        return PolicySource(kind, prop, PolicyDocument(None, (), (problem,), False))
    return PolicySource(kind, prop, parse_document(value, limit))


def _role_sources(props: Mapping[str, Any]) -> list[PolicySource | None]:
    trust = read(props, "assumeRolePolicy")
    sources = [
        _source(DocumentKind.TRUST, "assumeRolePolicy", "" if trust is None else trust, TRUST_LIMIT),
    ]
    inline = read(props, "inlinePolicies")
    for index, item in enumerate(inline if isinstance(inline, list) else []):
        if isinstance(item, Mapping):
            prop = f"inlinePolicies[{index}].policy"
            sources.append(_source(DocumentKind.IDENTITY, prop, item.get("policy"), ROLE_INLINE_LIMIT))
    return sources


def _principal_statement(principal: str, action: Any, conditions: Mapping[str, Mapping[str, Any]]) -> str:
    """The statement AWS stores for a grant written as fields (as `GetPolicy` shows a Lambda permission)."""
    kind = "Service" if is_service(principal) else "AWS"
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {kind: principal}, "Action": action or "*"}
    if conditions:
        statement["Condition"] = conditions
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _field_condition(props: Mapping[str, Any], fields: Mapping[str, tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """Condition block for the narrowing fields that are set (operator and key as AWS writes them)."""
    block: dict[str, dict[str, Any]] = {}
    for field, (operator, key) in fields.items():
        value = read(props, field)
        if value is UNKNOWN:
            value = next(iter(UNKNOWN_VALUES))
        if isinstance(value, str) and value:
            block.setdefault(operator, {})[key] = value
    return block


# Resources that grant access through fields: the principal field, the action (or the field holding it), and
# the fields that narrow the grant, as the condition AWS adds for each.
_SOURCE_ARN = ("ArnLike", "AWS:SourceArn")
_SOURCE_ACCOUNT = ("StringEquals", "AWS:SourceAccount")
_ORG_ID = ("StringEquals", "aws:PrincipalOrgID")
_PRINCIPAL_FIELDS: dict[str, tuple[str, str, dict[str, tuple[str, str]]]] = {
    "aws:lambda/permission:Permission": (
        "principal", "@action", {"sourceArn": _SOURCE_ARN, "sourceAccount": _SOURCE_ACCOUNT, "principalOrgId": _ORG_ID}
    ),
    "aws:lambda/layerVersionPermission:LayerVersionPermission": (
        "principal", "@action", {"organizationId": _ORG_ID}
    ),
    "aws:ram/principalAssociation:PrincipalAssociation": ("principal", "ram:*", {}),
    "aws:ec2/amiLaunchPermission:AmiLaunchPermission": ("accountId", "ec2:RunInstances", {}),
    "aws:ebs/snapshotCreateVolumePermission:SnapshotCreateVolumePermission": ("accountId", "ec2:CreateVolume", {}),
}  # fmt: skip


def _field_sources(resource_type: str, props: Mapping[str, Any]) -> list[PolicySource | None]:
    principal_field, action, narrowing = _PRINCIPAL_FIELDS[resource_type]
    principal = known_text(props, principal_field)
    if resource_type == "aws:ec2/amiLaunchPermission:AmiLaunchPermission" and known_text(props, "group") == "all":
        principal, principal_field = "*", "group"  # launch permission for everyone: a public AMI
    if principal is None or principal.startswith("arn:aws:organizations:"):
        return []  # unknown yet, or an organisation / organisational unit, which is what sharing should name
    if action.startswith("@"):
        action = known_text(props, action[1:])
    text = _principal_statement(principal, action, _field_condition(props, narrowing))
    label = f"the {resource_type.rsplit(':', 1)[-1]} ({principal_field} {shown(principal)})"
    return [PolicySource(DocumentKind.RESOURCE, principal_field, parse_document(text), label)]


def _other_sources(resource_type: str, props: Mapping[str, Any]) -> list[PolicySource | None]:
    """Documents of any other AWS resource: resource policies when the type holds one or they name principals."""
    limit = RESOURCE_POLICY_LIMITS.get(resource_type)
    sources: list[PolicySource | None] = []
    for prop in _DOCUMENT_PROPERTIES:
        source = _source(DocumentKind.RESOURCE, prop, read(props, prop), limit or _ANY_RESOURCE_LIMIT)
        if source and (limit or source.document.names_principals() or source.document.oversized):
            sources.append(source)
    return sources


def _policy_sources(resource_type: str, props: Mapping[str, Any]) -> tuple[PolicySource, ...]:
    if not resource_type.startswith("aws:"):
        return ()
    if resource_type == ROLE_TYPE:
        sources = _role_sources(props)
    elif resource_type in IDENTITY_LIMITS:
        sources = [_source(DocumentKind.IDENTITY, "policy", read(props, "policy"), IDENTITY_LIMITS[resource_type])]
    elif resource_type in _PRINCIPAL_FIELDS:
        sources = _field_sources(resource_type, props)
    else:
        sources = _other_sources(resource_type, props)
    return tuple(source for source in sources if source is not None and not _wholly_unknown(source))


def policy_sources(resource_type: str, props: Mapping[str, Any]) -> tuple[PolicySource, ...]:
    """Every policy document a resource carries, classified as trust, identity or resource policy.

    Any AWS resource's document that names a principal counts as a resource policy, so rules also cover
    services this module does not list (SQS, SNS, ECR, Secrets Manager, ...). Computed once per call.
    """
    return memo(props, "policy_sources", lambda: _policy_sources(resource_type, props))


def _wholly_unknown(source: PolicySource) -> bool:
    """A document that is itself a placeholder string has nothing to check until it is known."""
    return not source.document.statements and source.document.has_unknowns


def documents_of(
    resource_type: str, props: Mapping[str, Any], kinds: Iterable[DocumentKind]
) -> Iterable[tuple[PolicySource, Statement]]:
    """Each statement of the resource's documents of the given kinds, with its source."""
    wanted = frozenset(kinds)
    for source in policy_sources(resource_type, props):
        if source.kind in wanted:
            for statement in source.document.statements:
                yield source, statement


def allowed_account_ids(props: Mapping[str, Any]) -> tuple[str, ...] | Any:
    """A provider's allowedAccountIds; UNKNOWN when not known yet.

    pulumi-aws serialises list-valued provider inputs as JSON text (allowedAccountIds arrives as
    '["111111111111"]'), while hand-written or older inputs may hold the list itself; both are accepted.
    """
    value = read(props, "allowedAccountIds")
    if value is UNKNOWN or is_unknown(value):
        return UNKNOWN
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(str(item) for item in value if item not in ("", None))


def stack_account(provider: PolicyProviderResource | None) -> str | None:
    """The account a resource is deployed to: its provider's allowedAccountIds when that has exactly one entry."""
    if provider is None:
        return None
    accounts = allowed_account_ids(provider.props)
    return accounts[0] if accounts is not UNKNOWN and len(accounts) == 1 else None


def allowlist(config: Mapping[str, Any]) -> frozenset[str]:
    """The organisation's allowlisted accounts from a policy's config (empty: not configured)."""
    return frozenset(str(account) for account in config.get("allowedAccountIds") or ())


def urn_name(urn: str) -> str:
    """The resource name at the end of a URN (urn:pulumi:stack::project::type::name)."""
    return urn.rsplit("::", 1)[-1]


def provider_name(provider: PolicyProviderResource) -> str:
    """A provider's resource name; older engines leave `name` empty, the URN always ends with it."""
    return provider.name or urn_name(provider.urn)


def additional_actions_schema(description: str) -> PolicyConfigSchema:
    """Config of the rules that check action names: further actions an organisation accepts (wildcards allowed)."""
    return PolicyConfigSchema(
        properties={"additionalActions": {"type": "array", "items": {"type": "string"}, "description": description}}
    )
