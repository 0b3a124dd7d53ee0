"""The data behind the door: rules on S3 buckets that carry a policy or an ACL.

The tutorial's role exists to reach the bucket productionapp. Its bucket policy refuses every request that
does not use TLS, and a public access block makes sure no later policy edit or ACL can open the bucket to
the internet, whatever the trust policy of any role says. A public-read ACL is the older way to open a bucket
and needs the same block.

Two fixes are mechanical, so the pack can make them (pulumi-policy's `remediate`), but only where the
organisation asks for it: a policy's remediation runs when its configured enforcement level is `remediate`,
which no policy has by default. `s3-bucket-tls-only` then appends AWS's TLS-only statement to the bucket
policy, and `s3-public-access-block-complete` turns the four settings of a public access block on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    Severity,
    StackValidationArgs,
)

from .documents import Statement, arn_matches, is_unknown
from .metadata import S3_GUIDE, guarded
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
from .text import shown

BUCKET_PUBLIC_ACCESS_BLOCK_TYPE = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_PUBLIC_ACCESS_BLOCK_TYPE = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
BLOCK_TYPES = frozenset({BUCKET_PUBLIC_ACCESS_BLOCK_TYPE, ACCOUNT_PUBLIC_ACCESS_BLOCK_TYPE})
BUCKET_ACL_TYPE = "aws:s3/bucketAclV2:BucketAclV2"
PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PUBLIC_CANNED_ACLS = frozenset({"public-read", "public-read-write", "authenticated-read"})
_PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers",
                  "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
_PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
_MAX_BUCKET_NAME = 63  # S3's limit: a longer name is quoted as BUCKET in the fix, not echoed


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


def tls_statement(bucket: str) -> dict[str, Any]:
    """AWS's statement refusing every request to the bucket and its objects that does not use TLS."""
    return {
        "Sid": "RestrictToTLSRequestsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _without_tls(args: ResourceValidationArgs) -> list[PolicySource]:
    """The bucket policies of the resource that lack the TLS-only statement."""
    bucket = known_text(args.props, "bucket")
    return [
        source
        for source in _bucket_policies(args.resource_type, args.props)
        if source.document.statements
        and not any(_denies_insecure_transport(statement, bucket) for statement in source.document.statements)
    ]


def check_tls_only(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule s3-bucket-tls-only: see the policy description."""
    bucket = known_text(args.props, "bucket")
    target = bucket if bucket and len(bucket) <= _MAX_BUCKET_NAME else "BUCKET"
    for source in _without_tls(args):
        report_violation(
            f"{source.property} has no statement denying requests without TLS to the bucket and its objects. Add "
            f"{json.dumps(tls_statement(target))}."
        )


def add_tls_statement(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
    """Remediation of s3-bucket-tls-only: append the TLS-only statement to a known policy of a known bucket."""
    bucket = known_text(args.props, "bucket")
    policy = read(args.props, "policy")
    if not bucket or not _without_tls(args) or not isinstance(policy, str | Mapping) or is_unknown(json.dumps(policy)):
        return None
    document = json.loads(policy) if isinstance(policy, str) else dict(policy)
    statements = document.get("Statement")
    document["Statement"] = [*(statements if isinstance(statements, list) else [statements]), tls_statement(bucket)]
    props = args.props
    props["policy"] = json.dumps(document) if isinstance(policy, str) else document  # type: ignore[index]
    return props


def _unset_flags(block: PolicyResource | ResourceValidationArgs) -> list[str]:
    """Settings not (yet) true; an unknown value is given the benefit of the doubt until the update."""
    return [flag for flag in PUBLIC_ACCESS_FLAGS if read(block.props, flag) not in (True, UNKNOWN)]


def check_block_complete(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    """Rule s3-public-access-block-complete: see the policy description."""
    unset = _unset_flags(args) if args.resource_type in BLOCK_TYPES else []
    if unset:
        report_violation(
            f"the public access block leaves {', '.join(unset)} off, so a policy or ACL can still "
            "make the bucket public. Set all four settings to true."
        )


def turn_block_on(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
    """Remediation of s3-public-access-block-complete: the four settings true."""
    if args.resource_type not in BLOCK_TYPES or not _unset_flags(args):
        return None
    props = args.props
    for flag in PUBLIC_ACCESS_FLAGS:
        props[flag] = True  # type: ignore[index]
    return props


def _public_acl(resource: PolicyResource) -> str | None:
    """The public canned ACL or grantee of a bucket or bucket ACL resource, or None."""
    if resource.resource_type not in BUCKET_TYPES and resource.resource_type != BUCKET_ACL_TYPE:
        return None
    acl = known_text(resource.props, "acl")
    if acl in PUBLIC_CANNED_ACLS:
        return f'ACL "{acl}"'
    grants = json.dumps([read(resource.props, "grants"), read(resource.props, "accessControlPolicy")], default=str)
    return next((f"a grant to {group.rsplit('/', 1)[-1]}" for group in _PUBLIC_GROUPS if group in grants), None)


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


def _provider_urn(resource: PolicyResource) -> str | None:
    """An account-level block covers the buckets created through the same provider, i.e. in the same account."""
    return resource.provider.urn if resource.provider else None


def _opening(resource: PolicyResource) -> str | None:
    """What could make the resource's bucket public: its bucket policy or a public ACL."""
    if _bucket_policies(resource.resource_type, resource.props):
        return "a bucket policy"
    return _public_acl(resource)


def check_public_access_blocked(args: StackValidationArgs, report_violation: ReportViolation) -> None:
    """Rule s3-bucket-public-access-blocked: see the policy description."""
    blocks = [  # each block's bucket keys and unset flags, read once for every bucket it is compared with
        (_bucket_keys(r), _unset_flags(r)) for r in args.resources if r.resource_type == BUCKET_PUBLIC_ACCESS_BLOCK_TYPE
    ]
    account_blocked = {
        _provider_urn(r)
        for r in args.resources
        if r.resource_type == ACCOUNT_PUBLIC_ACCESS_BLOCK_TYPE and not _unset_flags(r)
    }
    for resource in args.resources:
        opening = _opening(resource)
        if not opening:
            continue
        keys = _bucket_keys(resource)
        if not keys or _provider_urn(resource) in account_blocked:
            continue  # bucket not identifiable yet, or the whole account blocks public access
        matching = [flags for block_keys, flags in blocks if keys & block_keys]
        if any(not flags for flags in matching):
            continue
        name = next((key for key in sorted(keys) if not key.startswith("urn:")), resource.name)
        unset = sorted({flag for flags in matching for flag in flags})
        if matching:
            problem = f"its BucketPublicAccessBlock leaves {', '.join(unset)} off"
        else:
            problem = "no BucketPublicAccessBlock in the stack covers it"
        report_violation(
            f"bucket {shown(name)} has {opening} but {problem}. Add an aws.s3.BucketPublicAccessBlock for the "
            f"bucket with {', '.join(PUBLIC_ACCESS_FLAGS)} all true, so no policy or ACL can make it public.",
            resource.urn,
        )


POLICIES = [
    guarded(
        name="s3-bucket-tls-only",
        description=(
            "Checks that bucket policies deny every request made without TLS (a Deny on aws:SecureTransport "
            "false for everyone, every S3 action, the bucket and its objects)."
        ),
        validate=check_tls_only,
        remediate=add_tls_statement,
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.MEDIUM,
        remediation_steps=(
            "Append AWS's RestrictToTLSRequestsOnly statement to the bucket policy (set this policy's "
            'enforcementLevel to "remediate" to let the pack do it).'
        ),
        url=f"{S3_GUIDE}/security-best-practices.html",
    ),
    guarded(
        name="s3-public-access-block-complete",
        description=(
            "Checks that every BucketPublicAccessBlock and AccountPublicAccessBlock sets blockPublicAcls, "
            "blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true."
        ),
        validate=check_block_complete,
        remediate=turn_block_on,
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.MEDIUM,
        remediation_steps=(
            'Set the four settings to true (set this policy\'s enforcementLevel to "remediate" to let the pack '
            "do it)."
        ),
        url=f"{S3_GUIDE}/access-control-block-public-access.html",
    ),
    guarded(
        stack=True,
        name="s3-bucket-public-access-blocked",
        description=(
            "Checks that every bucket with a policy or a public ACL in the stack also has a "
            "BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and "
            "restrictPublicBuckets all true (or the account has an AccountPublicAccessBlock)."
        ),
        validate=check_public_access_blocked,
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        remediation_steps=(
            "Add an aws.s3.BucketPublicAccessBlock for the bucket with the four settings true, or an "
            "aws.s3.AccountPublicAccessBlock for the account."
        ),
        url=f"{S3_GUIDE}/access-control-block-public-access.html",
    ),
]
