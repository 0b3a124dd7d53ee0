"""Every IAM and S3 policy document the program deploys, built by pure functions from flat values.

One place for all documents, so the components, the policy pack tests, the offline access matrix and the
emulated rehearsal all see the same bytes. The functions take what a document is about (principal ARNs,
actions, bucket ARNs, conditions), not the access model, so any program using the components gets the same
documents. Documents are plain dicts whose key order is fixed by construction; `to_json` serialises them the
same way every time, so a preview shows no spurious diff.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from access.model import BucketAccess

VERSION = "2012-10-17"
Document = dict[str, Any]
# IAM condition block: operator -> condition key -> value(s), e.g. {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}.
Conditions = Mapping[str, Mapping[str, str | Sequence[str]]]

# What each access level may do on the bucket itself and on its objects (the tutorial's read-write grant).
BUCKET_ACTIONS: dict[BucketAccess, tuple[str, ...]] = {
    BucketAccess.READ_ONLY: ("s3:ListBucket", "s3:GetBucketLocation"),
    BucketAccess.READ_WRITE: ("s3:ListBucket", "s3:GetBucketLocation"),
}
OBJECT_ACTIONS: dict[BucketAccess, tuple[str, ...]] = {
    BucketAccess.READ_ONLY: ("s3:GetObject",),
    BucketAccess.READ_WRITE: ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"),
}


def _one_or_list(values: Sequence[str]) -> str | list[str]:
    """IAM's own style: a single value stands alone, several form a list."""
    return values[0] if len(values) == 1 else list(values)


def account_root_arn(account_id: str) -> str:
    """The principal that delegates trust to a whole account: its administrators decide who may use it."""
    return f"arn:aws:iam::{account_id}:root"


def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def _trust_conditions(require_mfa: bool, mfa_max_age_seconds: int | None, external_id: str | None,
                      extra: Conditions) -> dict[str, dict[str, Any]]:
    """MFA and ExternalId as AWS documents them, then the caller's own conditions (organisation, session name...).

    An extra condition on a key the options already set would silently weaken or contradict them, so it is
    refused instead of merged.
    """
    condition: dict[str, dict[str, Any]] = {}
    if require_mfa:
        condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
        if mfa_max_age_seconds is not None:
            condition["NumericLessThan"] = {"aws:MultiFactorAuthAge": str(mfa_max_age_seconds)}
    elif mfa_max_age_seconds is not None:
        raise ValueError("mfa_max_age_seconds needs require_mfa: an MFA age means nothing without MFA")
    if external_id is not None:
        condition["StringEquals"] = {"sts:ExternalId": external_id}
    for operator, keys in extra.items():
        block = condition.setdefault(operator, {})
        for key, value in keys.items():
            if key in block:
                raise ValueError(f"trust condition {operator} {key} is already set by the MFA/ExternalId options")
            block[key] = value if isinstance(value, str) else _one_or_list(value)
    return condition


def trust_policy(principal_arns: Sequence[str], actions: Sequence[str] = ("sts:AssumeRole",), *,
                 require_mfa: bool = False, mfa_max_age_seconds: int | None = None,
                 external_id: str | None = None, conditions: Conditions | None = None) -> Document:
    """The role's trust policy: the principals (accounts as `:root`, or specific ARNs) may call the actions.

    `:root` delegates to the trusted account's administrators: only its principals whose own policies
    allow `sts:AssumeRole` on this role get in. MFA, ExternalId and any extra conditions (e.g.
    `aws:PrincipalOrgID`, `sts:RoleSessionName`) become conditions of the one statement.
    """
    if not principal_arns:
        raise ValueError("a trust policy needs at least one trusted account or principal ARN")
    condition = _trust_conditions(require_mfa, mfa_max_age_seconds, external_id, conditions or {})
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": _one_or_list(principal_arns)},
        "Action": _one_or_list(actions),
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": VERSION, "Statement": [statement]}


def bucket_access_policy(grants: Sequence[tuple[str, BucketAccess]]) -> Document:
    """The customer-managed policy a role gets: the tutorial's `read-write-app-bucket`, per (bucket ARN, level).

    `s3:ListAllMyBuckets` on `*` lets the console show the bucket list (the tutorial's step 3 opens the
    S3 console); everything else is scoped to the granted buckets and their objects.
    """
    statements: list[dict[str, Any]] = [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]
    for arn, access in grants:
        statements.append({"Effect": "Allow", "Action": list(BUCKET_ACTIONS[access]), "Resource": arn})
        statements.append({"Effect": "Allow", "Action": _one_or_list(OBJECT_ACTIONS[access]),
                           "Resource": f"{arn}/*"})
    return {"Version": VERSION, "Statement": statements}


def group_assume_policy(role_arn: str, allow: bool) -> Document:
    """The trusted account's half of the trust: a group may (Allow) or may never (Deny) assume the role.

    The explicit Deny matters for groups with broad access (the tutorial's PowerUser Testers): without it
    their `NotAction: iam:*` style grant would let them call `sts:AssumeRole` on the role.
    """
    return {
        "Version": VERSION,
        "Statement": {"Effect": "Allow" if allow else "Deny", "Action": "sts:AssumeRole", "Resource": role_arn},
    }


def bucket_policy(bucket_arn: str) -> Document:
    """The bucket's own policy: refuse every request that does not use TLS, and grant nothing to anyone.

    Access comes only from identity policies in the bucket's account (the role's), so nobody outside the
    account can be let in here by mistake.
    """
    return {
        "Version": VERSION,
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }],
    }


def group_policy_name(suffix: str, allow: bool) -> str:
    """The tutorial's naming: `allow-assume-S3-role-in-production` / `deny-assume-S3-role-in-production`."""
    return f"{'allow' if allow else 'deny'}-assume-{suffix}"


def verification_read_policy(bucket_arns: Sequence[str]) -> Document:
    """What `python -m verify` needs in an account, and nothing that writes or reads data.

    IAM's account snapshot and the AWS-managed policies attached in the account (read one by one) on `*`:
    `GetAccountAuthorizationDetails` takes no other resource and already discloses every customer-managed policy,
    so scoping `GetPolicy` would protect nothing. For the guarded buckets, their policy and public access block.
    """
    statements: list[dict[str, Any]] = [
        {"Sid": "ReadIam", "Effect": "Allow",
         "Action": ["iam:GetAccountAuthorizationDetails", "iam:GetPolicy", "iam:GetPolicyVersion"], "Resource": "*"},
    ]
    if bucket_arns:
        statements.append({"Sid": "ReadBucketGuards", "Effect": "Allow",
                           "Action": ["s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock"],
                           "Resource": _one_or_list(bucket_arns)})
    return {"Version": VERSION, "Statement": statements}


def to_json(document: Document) -> str:
    """Serialise a document the same way every time (key order fixed by construction, two-space indent)."""
    return json.dumps(document, indent=2)
