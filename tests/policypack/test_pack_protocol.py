"""The pack as the CLI sees it: its self-description, configuration and enforcement levels, the tutorial of both
accounts, and values unknown during a preview, all over the analyzer gRPC protocol."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from policypack_records import (
    BUCKET,
    DEVELOPMENT,
    PRODUCTION,
    READ_WRITE_APP_BUCKET,
    TUTORIAL_TRUST,
    bucket_policy,
    document,
    group_policy,
    managed_policy,
    names,
    provider,
    public_access_block,
    resource,
    role,
    trust,
    tutorial_development,
    tutorial_production,
)

from offline.analyzer import PolicyConfig, PolicyConfigError, PolicyPackAnalyzer, load_policy_config, mandatory

PACK_DIR = Path(__file__).resolve().parents[2] / "policypack"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN_NUMBER = "3eeb2bf0-c639-47a8-9e75-3b44932eb421"
UNKNOWN_ARRAY = "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2"

EXPECTED_POLICIES = {
    "iam-no-wildcard-principals": ("mandatory", "resource"),
    "iam-trusted-accounts-allowlisted": ("mandatory", "resource"),
    "iam-no-full-admin": ("mandatory", "resource"),
    "iam-no-assume-any-role": ("mandatory", "resource"),
    "iam-cross-account-trust-requires-mfa-or-external-id": ("advisory", "resource"),
    "iam-trust-actions-valid": ("mandatory", "resource"),
    "iam-role-max-session-duration": ("advisory", "resource"),
    "iam-policy-document-valid": ("mandatory", "resource"),
    "s3-bucket-tls-only": ("advisory", "resource"),
    "s3-bucket-public-access-blocked": ("mandatory", "stack"),
    "aws-explicit-provider-pinned": ("mandatory", "resource"),
    "aws-provider-allowed-account-ids": ("mandatory", "stack"),
    "iam-no-user-inline-policies": ("advisory", "resource"),
    "iam-federated-trust-scoped": ("mandatory", "resource"),
    "iam-service-principal-source-pinned": ("mandatory", "resource"),
    "iam-no-admin-managed-policy": ("mandatory", "resource"),
    "s3-public-access-block-complete": ("advisory", "resource"),
    "iam-stack-no-outsider-assumes-role": ("mandatory", "stack"),
    "iam-stack-cross-account-role-not-admin": ("mandatory", "stack"),
}


def test_analyzer_info_lists_every_policy_with_its_default_level(pack_process: PolicyPackAnalyzer) -> None:
    info = pack_process.get_analyzer_info()
    assert info.name == "cross-account-guardrails"
    assert {p.name: (p.enforcement_level, p.kind) for p in info.policies} == EXPECTED_POLICIES
    assert all(policy.description.startswith(("Checks", "Proves")) for policy in info.policies)
    assert info.policy("iam-role-max-session-duration").config_schema["properties"]["maxSeconds"]["default"] == 3600
    assert pack_process.plugin_version() == "1.21.0"


def kitchen_sink() -> list:
    """One resource or more for every policy of the pack to fire on."""
    loose = provider("loose", None)
    admin = document(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObjects", "Resource": "arn:aws:s3:::b/*"},
    )
    return [
        PRODUCTION,
        loose,
        role("Open", trust("*", action="sts:AssumeRoles"), maxSessionDuration=43200),
        role("Stranger", trust({"AWS": "222222222222"})),
        managed_policy("admin", admin),
        resource(
            "aws:iam/groupPolicy:GroupPolicy",
            "any",
            {
                "group": "g",
                "policy": json.dumps(
                    {**group_policy("Allow"), "Statement": {"Effect": "Allow", "Action": "sts:*", "Resource": "*"}}
                ),
            },
        ),
        bucket_policy(
            BUCKET,
            document(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{BUCKET}/*",
                }
            ),
        ),
        resource("aws:iam/userPolicyAttachment:UserPolicyAttachment", "bob", {"user": "bob", "policyArn": "arn"}),
        resource("aws:s3/bucket:Bucket", "unpinned", {"bucket": "unpinned"}, on=None),
        resource("aws:s3/bucket:Bucket", "loose-bucket", {"bucket": "loose-bucket"}, on=loose),
        role(
            "Deploy",
            trust(
                {"Federated": "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com"},
                action="sts:AssumeRoleWithWebIdentity",
            ),
        ),
        bucket_policy(
            "assets",
            document(
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::assets/*",
                }
            ),
        ),
        public_access_block("assets", blockPublicPolicy=False),
        role("Admin", json.dumps(TUTORIAL_TRUST), managedPolicyArns=["arn:aws:iam::aws:policy/AdministratorAccess"]),
    ]


def test_every_policy_fires_through_the_protocol(pack: PolicyPackAnalyzer) -> None:
    violations = pack.preview(kitchen_sink())
    assert names(violations) == set(EXPECTED_POLICIES)
    for violation in violations:
        assert violation.enforcement_level == EXPECTED_POLICIES[violation.policy_name][0]
        assert violation.urn and violation.resource_name and violation.message.startswith(violation.description)
        assert violation.detail.endswith(".")


def test_disabling_a_policy_silences_it(pack_process: PolicyPackAnalyzer) -> None:
    pack_process.configure({"iam-no-wildcard-principals": PolicyConfig("disabled")})
    assert "iam-no-wildcard-principals" not in names(pack_process.preview(kitchen_sink()))


def test_raising_an_advisory_policy_to_mandatory(pack_process: PolicyPackAnalyzer) -> None:
    pack_process.configure({"iam-cross-account-trust-requires-mfa-or-external-id": PolicyConfig("mandatory")})
    tutorial = tutorial_production()
    (violation,) = mandatory(pack_process.preview(tutorial))
    assert violation.policy_name == "iam-cross-account-trust-requires-mfa-or-external-id"
    assert violation.resource_name == "UpdateApp"


def test_all_key_and_properties_only_config(pack_process: PolicyPackAnalyzer) -> None:
    """Config with properties only keeps the default level (the SDK alone would read it as advisory)."""
    sent = pack_process.configure(
        {
            "iam-role-max-session-duration": PolicyConfig(properties={"maxSeconds": 7200}),
            "iam-trusted-accounts-allowlisted": PolicyConfig(properties={"allowedAccountIds": ["111111111111"]}),
        }
    )
    assert sent["iam-trusted-accounts-allowlisted"].enforcement_level == "mandatory"
    assert "mandatory" in {v.enforcement_level for v in pack_process.preview(kitchen_sink())}
    pack_process.configure({"all": PolicyConfig("advisory")})
    assert {v.enforcement_level for v in pack_process.preview(kitchen_sink())} == {"advisory"}


@pytest.mark.parametrize(
    "config",
    [
        {"iam-role-max-session-duration": PolicyConfig(properties={"maxSeconds": 100})},
        {"iam-role-max-session-duration": PolicyConfig(properties={"maxSeconds": "one hour"})},
        {"iam-trusted-accounts-allowlisted": PolicyConfig(properties={"allowedAccountIds": ["12345"]})},
    ],
)
def test_invalid_config_is_refused_like_the_cli_does(pack_process: PolicyPackAnalyzer, config: dict) -> None:
    with pytest.raises(PolicyConfigError, match="policy pack configuration is invalid"):
        pack_process.configure(config)


def test_shipped_config_example_is_valid(pack_process: PolicyPackAnalyzer) -> None:
    sent = pack_process.configure(load_policy_config(PACK_DIR / "policy-config.json"))
    assert sent["iam-trusted-accounts-allowlisted"].properties["allowedAccountIds"] == ["111111111111", "999999999999"]
    assert sent["iam-role-max-session-duration"].properties["maxSeconds"] == 3600


@pytest.mark.parametrize("stack", [tutorial_production, tutorial_development])
def test_tutorial_raises_no_mandatory_violation(pack_process: PolicyPackAnalyzer, stack: object) -> None:
    pack_process.configure(load_policy_config(PACK_DIR / "policy-config.json"))
    violations = pack_process.preview(stack())
    assert mandatory(violations) == []
    # The one honest remark: the tutorial's trust asks for neither MFA nor an external ID.
    assert {(v.policy_name, v.resource_name) for v in violations} <= {
        ("iam-cross-account-trust-requires-mfa-or-external-id", "UpdateApp")
    }


def test_both_accounts_in_one_stack(pack: PolicyPackAnalyzer) -> None:
    assert mandatory(pack.preview(tutorial_production() + tutorial_development())) == []


def unknown_stack() -> list:
    """The tutorial as a preview sees it before anything exists: names, ARNs and documents not known yet."""
    bucket = resource("aws:s3/bucket:Bucket", "app", {"bucket": UNKNOWN_STRING})
    half_known = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", UNKNOWN_STRING],
                "Resource": f"arn:aws:s3:::{UNKNOWN_STRING}/*",
            },
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
        ],
    }
    return [
        PRODUCTION,
        DEVELOPMENT,
        provider("pending", None, allowedAccountIds=UNKNOWN_ARRAY),
        bucket,
        role("UpdateApp", UNKNOWN_STRING, maxSessionDuration=UNKNOWN_NUMBER),
        role("Inline", json.dumps(TUTORIAL_TRUST), inlinePolicies=[{"name": "x", "policy": UNKNOWN_STRING}]),
        managed_policy("half-known", half_known),
        managed_policy("read-write-app-bucket", json.dumps(READ_WRITE_APP_BUCKET)),
        bucket_policy(UNKNOWN_STRING, UNKNOWN_STRING, dependencies=[bucket.urn]),
        public_access_block(UNKNOWN_STRING, dependencies=[bucket.urn], blockPublicPolicy=UNKNOWN_STRING),
        resource(
            "aws:iam/groupPolicy:GroupPolicy",
            "g",
            {
                "group": UNKNOWN_STRING,
                "policy": document({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": UNKNOWN_STRING}),
            },
            on=DEVELOPMENT,
        ),
        role("Trusting", trust({"AWS": [UNKNOWN_STRING, "*"]})),
    ]


def test_unknown_values_do_not_crash_and_known_parts_are_still_checked(pack: PolicyPackAnalyzer) -> None:
    violations = pack.preview(unknown_stack())
    assert not any("can't run policy" in violation.message for violation in violations)
    assert "Traceback" not in pack.stderr_text()
    assert {(v.policy_name, v.resource_name) for v in mandatory(violations)} == {
        ("iam-no-full-admin", "half-known"),  # the known statement of a half-known document
        ("iam-no-assume-any-role", "half-known"),
        ("iam-no-wildcard-principals", "Trusting"),
    }
    assert pack.preview(tutorial_production())  # still answering


@pytest.mark.parametrize(
    "policy",
    [
        UNKNOWN_STRING,
        {"Version": UNKNOWN_STRING, "Statement": UNKNOWN_ARRAY},
        {"Version": "2012-10-17", "Statement": [UNKNOWN_STRING]},
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": UNKNOWN_STRING,
                "Principal": UNKNOWN_STRING,
                "Action": "sts:AssumeRole",
                "Condition": UNKNOWN_STRING,
            },
        },
    ],
)
def test_unknown_parts_are_not_reported_as_malformed(pack: PolicyPackAnalyzer, policy: object) -> None:
    assert mandatory(pack.preview([PRODUCTION, role("UpdateApp", policy)])) == []
