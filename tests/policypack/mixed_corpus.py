"""A mixed corpus of labelled resources: a realistic stack of many kinds of AWS resources with policies, each
labelled with whether the pack must block it (a mandatory violation) under the shipped config.

Used twice: `test_pack_corpus.py` checks the verdict of every resource through the protocol, and
`benchmarks/policypack_bench.py` times the pack on it (next to the tutorial) as the "mixed corpus" figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from policypack_records import (
    PRODUCTION,
    PRODUCTION_ACCOUNT,
    TLS_ONLY,
    bucket_policy,
    document,
    managed_policy,
    public_access_block,
    resource,
    role,
    trust,
)

from offline.resources import PlannedResource

DEV = "111111111111"
STRANGER = "222222222222"
GITHUB = {"Federated": f"arn:aws:iam::{PRODUCTION_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"}


@dataclass(frozen=True)
class Labelled:
    """A resource and whether the shipped pack must block it."""

    resource: PlannedResource
    blocked: bool
    why: str


def _tls(bucket: str, *statements: dict[str, Any]) -> str:
    deny = {**TLS_ONLY["Statement"][0], "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}
    return document(*statements, deny)


def _roles() -> Iterator[Labelled]:
    yield Labelled(role("UpdateApp", trust({"AWS": f"arn:aws:iam::{DEV}:root"})), False, "the tutorial")
    yield Labelled(
        role(
            "MfaOnly",
            trust({"AWS": f"arn:aws:iam::{DEV}:root"}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        ),
        False,
        "MFA trust",
    )
    yield Labelled(
        role(
            "Vendor",
            trust({"AWS": f"arn:aws:iam::{STRANGER}:root"}, Condition={"StringEquals": {"sts:ExternalId": "x"}}),
        ),
        True,
        "stranger",
    )
    yield Labelled(role("Everyone", trust({"AWS": "*"})), True, "wildcard trust")
    yield Labelled(
        role("Org", trust("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}})),
        False,
        "organisation",
    )
    yield Labelled(role("Lambda", trust({"Service": "lambda.amazonaws.com"})), False, "service role")
    yield Labelled(
        role(
            "Deploy",
            trust(
                GITHUB,
                action="sts:AssumeRoleWithWebIdentity",
                Condition={
                    "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                    "StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*"},
                },
            ),
        ),
        False,
        "GitHub OIDC scoped",
    )
    yield Labelled(
        role(
            "AnyRepo",
            trust(
                GITHUB,
                action="sts:AssumeRoleWithWebIdentity",
                Condition={"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
            ),
        ),
        True,
        "GitHub any repo",
    )
    yield Labelled(role("Typo", trust({"AWS": f"arn:aws:iam::{DEV}:root"}, action="sts:AssumeRoles")), True, "typo")
    yield Labelled(
        role(
            "AdminForDev",
            trust({"AWS": f"arn:aws:iam::{DEV}:root"}),
            managedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"],
        ),
        True,
        "admin for dev",
    )


def _identity() -> Iterator[Labelled]:
    read_write = document(
        {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::app"},
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": "arn:aws:s3:::app/*",
        },
    )
    yield Labelled(managed_policy("read-write", read_write), False, "bucket access")
    yield Labelled(managed_policy("admin", document({"Effect": "Allow", "Action": "*", "Resource": "*"})), True, "*")
    yield Labelled(
        managed_policy("iam-admin", document({"Effect": "Allow", "Action": "iam:*", "Resource": "*"})), True, "iam:*"
    )
    yield Labelled(
        managed_policy("vectors", document({"Effect": "Allow", "Action": "s3vectors:*", "Resource": "*"})),
        False,
        "new service",
    )
    yield Labelled(
        managed_policy("typo", document({"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "*"})),
        True,
        "unknown action",
    )
    assume = document(
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{PRODUCTION_ACCOUNT}:role/UpdateApp"}
    )
    yield Labelled(
        resource("aws:iam/groupPolicy:GroupPolicy", "devs", {"group": "Developers", "policy": assume}),
        False,
        "tutorial group policy",
    )
    yield Labelled(
        resource(
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "ro",
            {"role": "UpdateApp", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        ),
        False,
        "read-only",
    )


def _resource_policies() -> Iterator[Labelled]:
    yield Labelled(resource("aws:s3/bucket:Bucket", "app", {"bucket": "app"}), False, "bucket")
    yield Labelled(public_access_block("app"), False, "public access block")
    yield Labelled(bucket_policy("app", _tls("app")), False, "TLS only")
    oac = {
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::app/*",
    }
    source = {"StringEquals": {"AWS:SourceArn": f"arn:aws:cloudfront::{PRODUCTION_ACCOUNT}:distribution/E1"}}
    yield Labelled(
        bucket_policy("site", _tls("site", {**oac, "Resource": "arn:aws:s3:::site/*", "Condition": source})),
        False,
        "OAC",
    )
    yield Labelled(public_access_block("site"), False, "public access block")
    yield Labelled(bucket_policy("open", _tls("open", {**oac, "Resource": "arn:aws:s3:::open/*"})), True, "no source")
    yield Labelled(public_access_block("open"), False, "public access block")
    key = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{PRODUCTION_ACCOUNT}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    yield Labelled(resource("aws:kms/key:Key", "key", {"policy": document(key)}), False, "default key policy")
    queue = {
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": f"arn:aws:sqs:us-east-1:{PRODUCTION_ACCOUNT}:jobs",
        "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:us-east-1:{PRODUCTION_ACCOUNT}:topic"}},
    }
    yield Labelled(
        resource("aws:sqs/queuePolicy:QueuePolicy", "jobs", {"queueUrl": "q", "policy": document(queue)}),
        False,
        "SNS to SQS",
    )
    yield Labelled(
        resource(
            "aws:lambda/permission:Permission",
            "api",
            {
                "action": "lambda:InvokeFunction",
                "function": "app",
                "principal": "apigateway.amazonaws.com",
                "sourceArn": f"arn:aws:execute-api:us-east-1:{PRODUCTION_ACCOUNT}:a1b2/*",
            },
        ),
        False,
        "API Gateway invoke",
    )
    yield Labelled(
        resource(
            "aws:lambda/permission:Permission",
            "open",
            {"action": "lambda:InvokeFunction", "function": "app", "principal": "*"},
        ),
        True,
        "public function",
    )
    yield Labelled(
        resource(
            "aws:ram/principalAssociation:PrincipalAssociation",
            "share",
            {"principal": STRANGER, "resourceShareArn": "arn"},
        ),
        True,
        "RAM to a stranger",
    )
    yield Labelled(
        resource(
            "aws:glacier/vault:Vault",
            "archive",
            {
                "name": "archive",
                "accessPolicy": document(
                    {"Effect": "Allow", "Principal": "*", "Action": "glacier:InitiateJob", "Resource": "*"}
                ),
            },
        ),
        True,
        "open vault",
    )


def mixed_corpus() -> list[Labelled]:
    """One stack of the production account: roles, identity and resource policies, labelled."""
    return [Labelled(PRODUCTION, False, "provider"), *_roles(), *_identity(), *_resource_policies()]
