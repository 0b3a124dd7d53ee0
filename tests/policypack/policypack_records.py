"""Hand-built resource records for the policy pack tests: AWS's cross-account tutorial, and builders to vary it.

The records look like what the engine hands a policy pack during `pulumi preview` of the program: inputs in
camelCase, documents as JSON text, explicit providers whose list inputs pulumi-aws serialises to JSON text,
and provider references "<provider urn>::<id>".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from offline.analyzer import PolicyPackAnalyzer, Violation
from offline.resources import PlannedResource

PRODUCTION_ACCOUNT = "999999999999"
DEVELOPMENT_ACCOUNT = "111111111111"
BUCKET = "productionapp"

TUTORIAL_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{DEVELOPMENT_ACCOUNT}:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}
READ_WRITE_APP_BUCKET = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": f"arn:aws:s3:::{BUCKET}"},
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": f"arn:aws:s3:::{BUCKET}/*",
        },
    ],
}
# The example of AWS's "enforce encryption in transit" guidance for S3, as written there.
TLS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "RestrictToTLSRequestsOnly",
            "Action": "s3:*",
            "Effect": "Deny",
            "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            "Principal": "*",
        }
    ],
}
UPDATE_APP = f"arn:aws:iam::{PRODUCTION_ACCOUNT}:role/UpdateApp"


def group_policy(effect: str) -> dict[str, Any]:
    """The tutorial's inline group policies: Statement as a single object, as the tutorial writes it."""
    return {
        "Version": "2012-10-17",
        "Statement": {"Effect": effect, "Action": "sts:AssumeRole", "Resource": UPDATE_APP},
    }


def document(*statements: Mapping[str, Any]) -> str:
    """A policy document as JSON text, the way programs pass it (json.dumps / Output.json_dumps)."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(principal: Any, action: Any = "sts:AssumeRole", **extra: Any) -> str:
    """A one-statement trust policy."""
    return document({"Effect": "Allow", "Principal": principal, "Action": action, **extra})


def urn(stack: str, type_: str, name: str) -> str:
    return f"urn:pulumi:{stack}::cross-account-access::{type_}::{name}"


def provider(name: str, accounts: Iterable[str] | None, *, stack: str = "prod", **inputs: Any) -> PlannedResource:
    """An explicit aws.Provider; allowedAccountIds arrives JSON-encoded, as pulumi-aws sends it."""
    props = {"region": "us-east-1", **inputs}
    if accounts is not None:
        props["allowedAccountIds"] = json.dumps(list(accounts))
    return PlannedResource(
        urn(stack, "pulumi:providers:aws", name), "pulumi:providers:aws", name, props, True, id=f"{name}-id"
    )


PRODUCTION = provider("production", [PRODUCTION_ACCOUNT], profile="production-admin")
DEVELOPMENT = provider("development", [DEVELOPMENT_ACCOUNT], stack="dev", profile="development-admin")


def resource(
    type_: str,
    name: str,
    inputs: Mapping[str, Any],
    *,
    on: PlannedResource | None = PRODUCTION,
    dependencies: Iterable[str] = (),
) -> PlannedResource:
    """A resource registered on provider `on` (None: the engine's default provider)."""
    stack = on.urn.split("::")[0].removeprefix("urn:pulumi:") if on else "prod"
    reference = f"{on.urn}::{on.id}" if on else f"{urn(stack, 'pulumi:providers:aws', 'default_7_51_1')}::default-id"
    return PlannedResource(
        urn(stack, type_, name), type_, name, dict(inputs), True, provider=reference, dependencies=tuple(dependencies)
    )


def role(name: str, assume_role_policy: str, **inputs: Any) -> PlannedResource:
    return resource("aws:iam/role:Role", name, {"name": name, "assumeRolePolicy": assume_role_policy, **inputs})


def managed_policy(name: str, policy: Any) -> PlannedResource:
    return resource("aws:iam/policy:Policy", name, {"name": name, "policy": policy})


def bucket_policy(bucket: str, policy: Any, **extra: Any) -> PlannedResource:
    return resource("aws:s3/bucketPolicy:BucketPolicy", bucket, {"bucket": bucket, "policy": policy}, **extra)


def public_access_block(bucket: str, dependencies: Iterable[str] = (), **flags: Any) -> PlannedResource:
    settings = {
        "blockPublicAcls": True,
        "blockPublicPolicy": True,
        "ignorePublicAcls": True,
        "restrictPublicBuckets": True,
        **flags,
    }
    return resource(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        bucket,
        {"bucket": bucket, **settings},
        dependencies=dependencies,
    )


def tutorial_production() -> list[PlannedResource]:
    """Production account 999999999999: role UpdateApp, its policy, and the bucket it may use."""
    update_app = role("UpdateApp", json.dumps(TUTORIAL_TRUST), path="/", maxSessionDuration=3600)
    policy = managed_policy("read-write-app-bucket", json.dumps(READ_WRITE_APP_BUCKET))
    return [
        PRODUCTION,
        resource("aws:s3/bucket:Bucket", BUCKET, {"bucket": BUCKET}),
        public_access_block(BUCKET),
        bucket_policy(BUCKET, json.dumps(TLS_ONLY)),
        update_app,
        policy,
        resource(
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "UpdateApp-read-write-app-bucket",
            {"role": "UpdateApp", "policyArn": f"arn:aws:iam::{PRODUCTION_ACCOUNT}:policy/read-write-app-bucket"},
            dependencies=(update_app.urn, policy.urn),
        ),
    ]


def tutorial_development() -> list[PlannedResource]:
    """Development account 111111111111: Developers may assume UpdateApp, Testers are explicitly denied."""
    records = [DEVELOPMENT]
    for group, effect in (("Developers", "Allow"), ("Testers", "Deny")):
        records.append(resource("aws:iam/group:Group", group, {"name": group, "path": "/"}, on=DEVELOPMENT))
        records.append(
            resource(
                "aws:iam/groupPolicy:GroupPolicy",
                f"{group}-{effect.lower()}-assume-S3-role-in-production",
                {
                    "group": group,
                    "name": f"{effect.lower()}-assume-S3-role-in-production",
                    "policy": json.dumps(group_policy(effect)),
                },
                on=DEVELOPMENT,
            )
        )
    return records


def found(pack: PolicyPackAnalyzer, target: PlannedResource, *stack: PlannedResource) -> list[Violation]:
    """Analyze one resource; its provider comes from `stack`, or is the built-in provider it names."""
    known = stack or tuple(p for p in (PRODUCTION, DEVELOPMENT) if target.provider_urn == p.urn)
    return pack.analyze(target, known)


def names(violations: Iterable[Violation]) -> set[str]:
    return {violation.policy_name for violation in violations}


def only(violations: Iterable[Violation], policy: str) -> list[Violation]:
    return [violation for violation in violations if violation.policy_name == policy]
