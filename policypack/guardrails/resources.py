"""What the pack knows about Pulumi's AWS resources: where their policy documents live and which account
their provider is pinned to, read without tripping over values that are unknown during a preview.

pulumi_policy hands properties to a rule through a proxy that raises UnknownValueError as soon as an unknown
value is read. Letting that escape would turn the whole rule into a "can't run during preview" note for the
resource; instead each property is read on its own here, and an unknown one is skipped (the rule runs again
on `pulumi up`, when the value is known) while the rest of the resource is still checked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pulumi_policy import PolicyConfigSchema, PolicyProviderResource
from pulumi_policy.proxy import UnknownValueError

from .documents import UNKNOWN_VALUES, PolicyDocument, Statement, is_unknown, parse_document

AWS_PROVIDER_TYPE = "pulumi:providers:aws"
ROLE_TYPE = "aws:iam/role:Role"
IDENTITY_POLICY_TYPES = frozenset(
    {
        "aws:iam/policy:Policy",
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/groupPolicy:GroupPolicy",
        "aws:iam/userPolicy:UserPolicy",
    }
)
BUCKET_TYPES = frozenset({"aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"})
BUCKET_POLICY_TYPE = "aws:s3/bucketPolicy:BucketPolicy"
# Resource types whose `policy` is always a resource-based policy, so a document that cannot be read is
# reported instead of being taken for some other kind of `policy` property.
RESOURCE_POLICY_TYPES = BUCKET_TYPES | {
    BUCKET_POLICY_TYPE,
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:kms/key:Key",
    "aws:ecr/repositoryPolicy:RepositoryPolicy",
}


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


class DocumentKind(Enum):
    """The three places a policy document can sit; each rule applies to some of them."""

    TRUST = "trust policy"
    IDENTITY = "identity policy"
    RESOURCE = "resource policy"


@dataclass(frozen=True)
class PolicySource:
    """One document of a resource, with the property it came from so messages can point at it."""

    kind: DocumentKind
    property: str
    document: PolicyDocument

    def where(self, statement: Statement) -> str:
        return f"{statement.label} of {self.property}"


def _source(kind: DocumentKind, prop: str, value: Any) -> PolicySource | None:
    if value is None or value is UNKNOWN or value == "":
        return None
    return PolicySource(kind, prop, parse_document(value))


def policy_sources(resource_type: str, props: Mapping[str, Any]) -> tuple[PolicySource, ...]:
    """Every policy document a resource carries, classified as trust, identity or resource policy.

    Any AWS resource's `policy`/`assumeRolePolicy` that names a principal counts as a resource policy, so
    rules also cover services this module does not list (SQS, SNS, KMS, ECR, Secrets Manager, ...).
    """
    if not resource_type.startswith("aws:"):
        return ()
    sources: list[PolicySource | None] = []
    if resource_type == ROLE_TYPE:
        sources.append(_source(DocumentKind.TRUST, "assumeRolePolicy", read(props, "assumeRolePolicy")))
        inline = read(props, "inlinePolicies")
        for index, item in enumerate(inline if isinstance(inline, list) else []):
            if isinstance(item, Mapping):
                sources.append(_source(DocumentKind.IDENTITY, f"inlinePolicies[{index}].policy", item.get("policy")))
    elif resource_type in IDENTITY_POLICY_TYPES:
        sources.append(_source(DocumentKind.IDENTITY, "policy", read(props, "policy")))
    else:
        for prop in ("policy", "assumeRolePolicy"):
            source = _source(DocumentKind.RESOURCE, prop, read(props, prop))
            if source and (resource_type in RESOURCE_POLICY_TYPES or source.document.names_principals()):
                sources.append(source)
    return tuple(source for source in sources if source is not None and not _wholly_unknown(source))


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


def urn_name(urn: str) -> str:
    """The resource name at the end of a URN (urn:pulumi:stack::project::type::name)."""
    return urn.rsplit("::", 1)[-1]


def provider_name(provider: PolicyProviderResource) -> str:
    """A provider's resource name; older engines leave `name` empty, the URN always ends with it."""
    return provider.name or urn_name(provider.urn)


def is_default_provider(provider: PolicyProviderResource) -> bool:
    """The engine names the providers it creates implicitly default, default_7_51_1, ..."""
    return provider_name(provider).startswith("default")


def additional_actions_schema(description: str) -> PolicyConfigSchema:
    """Config of the rules that check action names: further actions an organisation accepts (wildcards allowed)."""
    return PolicyConfigSchema(
        properties={"additionalActions": {"type": "array", "items": {"type": "string"}, "description": description}}
    )
