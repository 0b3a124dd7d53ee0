"""Every IAM and S3 policy document the program deploys, built by pure functions from the model.

One place for all documents, so the program, the policy pack tests, the offline access matrix and the
emulated rehearsal all see the same bytes. Documents are plain dicts whose key order is fixed by
construction; `to_json` serialises them the same way every time, so a preview shows no spurious diff.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from access.model import AccessModel, BucketAccess, Role

VERSION = "2012-10-17"
Document = dict[str, Any]

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


def trust_policy(model: AccessModel, role: Role, external_id: str | None = None) -> Document:
    """The role's trust policy: the trusted accounts (as `:root`) and ARNs may call the trust actions.

    `:root` delegates to the trusted account's administrators: only its principals whose own policies
    allow `sts:AssumeRole` on this role get in. MFA and ExternalId become conditions of the one statement.
    """
    condition: dict[str, dict[str, str]] = {}
    if role.require_mfa:
        condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
        if role.mfa_max_age_seconds is not None:
            condition["NumericLessThan"] = {"aws:MultiFactorAuthAge": str(role.mfa_max_age_seconds)}
    if external_id is not None:
        condition["StringEquals"] = {"sts:ExternalId": external_id}
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": _one_or_list(model.trusted_principals(role))},
        "Action": _one_or_list(role.trust_actions),
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": VERSION, "Statement": [statement]}


def bucket_access_policy(model: AccessModel, role: Role) -> Document:
    """The customer-managed policy the role gets: the tutorial's `read-write-app-bucket`, per granted bucket.

    `s3:ListAllMyBuckets` on `*` lets the console show the bucket list (the tutorial's step 3 opens the
    S3 console); everything else is scoped to the granted buckets and their objects.
    """
    statements: list[dict[str, Any]] = [{"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]
    for grant in role.grants:
        arn = model.bucket(grant.bucket).arn
        statements.append({"Effect": "Allow", "Action": list(BUCKET_ACTIONS[grant.access]), "Resource": arn})
        statements.append({"Effect": "Allow", "Action": _one_or_list(OBJECT_ACTIONS[grant.access]),
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


def group_policy_name(role: Role, allow: bool) -> str:
    """The tutorial's naming: `allow-assume-S3-role-in-production` / `deny-assume-S3-role-in-production`."""
    return f"{'allow' if allow else 'deny'}-assume-{role.group_policy_suffix}"


def verification_read_policy(bucket_arns: Sequence[str]) -> Document:
    """What `python -m verify` needs in an account, and nothing that writes or reads data.

    IAM's account snapshot (`GetAccountAuthorizationDetails` needs `*`), the AWS-managed policies attached in
    the account (read one by one), and for the guarded buckets their policy and public access block.
    """
    statements: list[dict[str, Any]] = [
        {"Sid": "ReadIam", "Effect": "Allow", "Action": "iam:GetAccountAuthorizationDetails", "Resource": "*"},
        {"Sid": "ReadAwsManagedPolicies", "Effect": "Allow", "Action": ["iam:GetPolicy", "iam:GetPolicyVersion"],
         "Resource": "arn:aws:iam::aws:policy/*"},
    ]
    if bucket_arns:
        statements.append({"Sid": "ReadBucketGuards", "Effect": "Allow",
                           "Action": ["s3:GetBucketPolicy", "s3:GetBucketPublicAccessBlock"],
                           "Resource": _one_or_list(bucket_arns)})
    return {"Version": VERSION, "Statement": statements}


def to_json(document: Document) -> str:
    """Serialise a document the same way every time (key order fixed by construction, two-space indent)."""
    return json.dumps(document, indent=2)
