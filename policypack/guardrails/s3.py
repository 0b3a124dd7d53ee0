"""The data behind the door: rules on S3 buckets that carry a policy.

The tutorial's role exists to reach the bucket productionapp. Its bucket policy refuses every request that
does not use TLS, and a public access block makes sure no later policy edit or ACL can open the bucket to
the internet, whatever the trust policy of any role says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from .documents import Statement, arn_matches, is_unknown
from .resources import (
    BUCKET_POLICY_TYPE,
    BUCKET_TYPES,
    UNKNOWN,
    DocumentKind,
    PolicySource,
    known_text,
    policy_sources,
    read,
)

BUCKET_PUBLIC_ACCESS_BLOCK_TYPE = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_PUBLIC_ACCESS_BLOCK_TYPE = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
_PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


def _bucket_policies(resource_type: str, props: Mapping[str, Any]) -> list[PolicySource]:
    """The bucket policy of a BucketPolicy, or the inline `policy` of a Bucket."""
    if resource_type != BUCKET_POLICY_TYPE and resource_type not in BUCKET_TYPES:
        return []
    return [source for source in policy_sources(resource_type, props) if source.kind is DocumentKind.RESOURCE]


def _covers_bucket_and_objects(statement: Statement, bucket: str | None) -> bool:
    """Whether the statement's resources cover the bucket ARN and every object ARN in it."""
    patterns = [resource for resource in statement.resources if not is_unknown(resource)]
    if statement.resource_element != "Resource" or len(patterns) < len(statement.resources):
        return False
    if bucket:
        candidates = [f"arn:{partition}:s3:::{bucket}" for partition in _PARTITIONS]
    else:  # name unknown during a preview: any listed bucket ARN that is covered with its objects
        candidates = [pattern for pattern in patterns if "/" not in pattern]
    return any(
        any(arn_matches(p, arn) for p in patterns) and any(arn_matches(p, f"{arn}/*") for p in patterns)
        for arn in candidates
    )


def _denies_insecure_transport(statement: Statement, bucket: str | None) -> bool:
    """AWS's TLS-only statement: Deny, everyone, every S3 action, bucket and objects, aws:SecureTransport false."""
    if not statement.denies or not statement.names_everyone() or not statement.covers_action("s3:*"):
        return False
    insecure = any(
        condition.key_lower == "aws:securetransport"
        and condition.operator_lower in ("bool", "boolifexists")
        and condition.only("false")
        for condition in statement.conditions
    )
    return insecure and _covers_bucket_and_objects(statement, bucket)


def check_tls_only(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule s3-bucket-tls-only: see the policy description."""
    bucket = known_text(args.props, "bucket")
    for source in _bucket_policies(args.resource_type, args.props):
        if not source.document.statements or any(
            _denies_insecure_transport(statement, bucket) for statement in source.document.statements
        ):
            continue
        target = bucket or "BUCKET"
        report_violation(
            f"{source.property} has no statement denying requests without TLS to the bucket and its objects. Add "
            '{"Sid": "RestrictToTLSRequestsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*", '
            f'"Resource": ["arn:aws:s3:::{target}", "arn:aws:s3:::{target}/*"], '
            '"Condition": {"Bool": {"aws:SecureTransport": "false"}}}.'
        )


def _bucket_keys(resource: PolicyResource) -> set[str]:
    """What identifies the bucket a resource is about: its name when known, and the URN of the Bucket resource.

    During a preview a new bucket's name is unknown on both the policy and the access block; they still match
    through the Bucket resource their `bucket` property depends on.
    """
    if resource.resource_type in BUCKET_TYPES:
        return {resource.urn} | _names(resource)
    keys = _names(resource)
    depends = resource.property_dependencies.get("bucket") or ([] if keys else resource.dependencies)
    for dependency in depends:
        if dependency.resource_type in BUCKET_TYPES:
            keys |= {dependency.urn} | _names(dependency)
    return keys


def _names(resource: PolicyResource) -> set[str]:
    """The bucket name in a resource's `bucket` property, when it is known."""
    name = known_text(resource.props, "bucket")
    return {name} if name else set()


def _unset_flags(block: PolicyResource) -> list[str]:
    """Settings not (yet) true; an unknown value is given the benefit of the doubt until the update."""
    return [flag for flag in PUBLIC_ACCESS_FLAGS if read(block.props, flag) not in (True, UNKNOWN)]


def _provider_urn(resource: PolicyResource) -> str | None:
    """An account-level block covers the buckets created through the same provider, i.e. in the same account."""
    return resource.provider.urn if resource.provider else None


def check_public_access_blocked(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Rule s3-bucket-public-access-blocked: see the policy description."""
    blocks = [r for r in args.resources if r.resource_type == BUCKET_PUBLIC_ACCESS_BLOCK_TYPE]
    account_blocked = {
        _provider_urn(r)
        for r in args.resources
        if r.resource_type == ACCOUNT_PUBLIC_ACCESS_BLOCK_TYPE and not _unset_flags(r)
    }
    for resource in args.resources:
        if not _bucket_policies(resource.resource_type, resource.props):
            continue
        keys = _bucket_keys(resource)
        if not keys or _provider_urn(resource) in account_blocked:
            continue  # bucket not identifiable yet, or the whole account blocks public access
        matching = [block for block in blocks if keys & _bucket_keys(block)]
        if any(not _unset_flags(block) for block in matching):
            continue
        name = next((key for key in sorted(keys) if not key.startswith("urn:")), resource.name)
        unset = sorted({flag for block in matching for flag in _unset_flags(block)})
        if matching:
            problem = f"its BucketPublicAccessBlock leaves {', '.join(unset)} off"
        else:
            problem = "no BucketPublicAccessBlock in the stack covers it"
        report_violation(
            f'bucket "{name}" has a bucket policy but {problem}. Add an aws.s3.BucketPublicAccessBlock for the '
            f"bucket with {', '.join(PUBLIC_ACCESS_FLAGS)} all true, so no policy or ACL can make it public.",
            resource.urn,
        )


POLICIES = [
    ResourceValidationPolicy(
        name="s3-bucket-tls-only",
        description=(
            "Checks that bucket policies deny every request made without TLS (a Deny on aws:SecureTransport "
            "false for everyone, every S3 action, the bucket and its objects)."
        ),
        validate=check_tls_only,
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.MEDIUM,
    ),
    StackValidationPolicy(
        name="s3-bucket-public-access-blocked",
        description=(
            "Checks that every bucket with a policy in the stack also has a BucketPublicAccessBlock with "
            "blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true."
        ),
        validate=check_public_access_blocked,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
]
