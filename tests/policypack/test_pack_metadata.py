"""pulumi-policy 1.21 metadata and remediations, through the analyzer protocol (GetAnalyzerInfo, Remediate)."""

from __future__ import annotations

import json

from policypack_records import BUCKET, PRODUCTION, bucket_policy, document, public_access_block

from offline.analyzer import PolicyConfig, PolicyPackAnalyzer

TLS = "s3-bucket-tls-only"
BLOCK = "s3-public-access-block-complete"
READ_FROM_DEV = {
    "Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
    "Action": "s3:GetObject",
    "Resource": f"arn:aws:s3:::{BUCKET}/*",
}


def test_every_policy_has_severity_remediation_steps_and_a_documentation_url(pack_process: PolicyPackAnalyzer) -> None:
    for policy in pack_process.get_analyzer_info().policies:
        assert policy.severity in ("low", "medium", "high", "critical"), policy.name
        assert policy.remediation_steps.endswith("."), policy.name
        assert policy.url.startswith(("https://docs.aws.amazon.com/", "https://www.pulumi.com/")), policy.name


def test_remediations_are_off_unless_configured(pack_process: PolicyPackAnalyzer) -> None:
    pack_process.configure({})
    assert pack_process.remediate(bucket_policy(BUCKET, document(READ_FROM_DEV)), [PRODUCTION]) == []
    assert pack_process.remediate(public_access_block(BUCKET, blockPublicPolicy=False), [PRODUCTION]) == []


def test_tls_remediation_appends_aws_statement(pack_process: PolicyPackAnalyzer) -> None:
    pack_process.configure({TLS: PolicyConfig("remediate")})
    (remediation,) = pack_process.remediate(bucket_policy(BUCKET, document(READ_FROM_DEV)), [PRODUCTION])
    assert remediation.policy_name == TLS
    statements = json.loads(remediation.properties["policy"])["Statement"]
    assert statements[0] == READ_FROM_DEV
    assert statements[1]["Sid"] == "RestrictToTLSRequestsOnly"
    assert statements[1]["Resource"] == [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"]
    fixed = bucket_policy(BUCKET, remediation.properties["policy"])
    assert TLS not in {v.policy_name for v in pack_process.analyze(fixed, [PRODUCTION])}
    assert pack_process.remediate(fixed, [PRODUCTION]) == []  # nothing left to do


def test_public_access_block_remediation_turns_every_setting_on(pack_process: PolicyPackAnalyzer) -> None:
    pack_process.configure({BLOCK: PolicyConfig("remediate")})
    (remediation,) = pack_process.remediate(public_access_block(BUCKET, blockPublicPolicy=False), [PRODUCTION])
    assert remediation.properties == {
        "bucket": BUCKET,
        "blockPublicAcls": True,
        "blockPublicPolicy": True,
        "ignorePublicAcls": True,
        "restrictPublicBuckets": True,
    }
    assert pack_process.remediate(public_access_block(BUCKET), [PRODUCTION]) == []
