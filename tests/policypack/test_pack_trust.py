"""Rules on who may get in, through the analyzer protocol: what must fire, and AWS's own examples that must not."""

from __future__ import annotations

import json

import pytest
from policypack_records import (
    DEVELOPMENT_ACCOUNT,
    PRODUCTION,
    TUTORIAL_TRUST,
    bucket_policy,
    document,
    found,
    names,
    only,
    provider,
    resource,
    role,
    trust,
)

from offline.analyzer import PolicyConfig, PolicyPackAnalyzer

WILDCARD = "iam-no-wildcard-principals"
ALLOWLISTED = "iam-trusted-accounts-allowlisted"
MFA = "iam-cross-account-trust-requires-mfa-or-external-id"
ACTIONS = "iam-trust-actions-valid"
SESSION = "iam-role-max-session-duration"

ORG_CONDITION = {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}


@pytest.mark.parametrize(
    "principal",
    [
        "*",
        {"AWS": "*"},
        {"AWS": ["arn:aws:iam::111111111111:root", "*"]},
        {"AWS": "arn:aws:iam::*:root"},
        {"AWS": "arn:aws:iam::*:role/UpdateApp"},
    ],
)
def test_wildcard_principal_in_trust_fires(pack: PolicyPackAnalyzer, principal: object) -> None:
    (violation,) = only(found(pack, role("Open", trust(principal))), WILDCARD)
    assert violation.enforcement_level == "mandatory"
    assert violation.detail.startswith("Statement[0] of assumeRolePolicy allows principal")
    assert "aws:PrincipalOrgID" in violation.detail  # the fix


def test_not_principal_allow_fires(pack: PolicyPackAnalyzer) -> None:
    policy = document(
        {
            "Sid": "AllButMe",
            "Effect": "Allow",
            "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:root"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::productionapp/*",
        }
    )
    (violation,) = only(found(pack, bucket_policy("productionapp", policy)), WILDCARD)
    assert 'statement "AllButMe" of policy allows NotPrincipal' in violation.detail


def test_wildcard_in_any_resource_policy_fires(pack: PolicyPackAnalyzer) -> None:
    queue_policy = document(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sqs:SendMessage",
            "Resource": "arn:aws:sqs:us-east-1:999999999999:jobs",
        }
    )
    queue = resource(
        "aws:sqs/queuePolicy:QueuePolicy", "jobs", {"queueUrl": "https://sqs/jobs", "policy": queue_policy}
    )
    assert WILDCARD in names(found(pack, queue))
    # A type the pack does not list: its `policy` names a principal, so it is a resource policy all the same.
    secret = resource("aws:secretsmanager/secretPolicy:SecretPolicy", "s", {"secretArn": "arn", "policy": queue_policy})
    assert WILDCARD in names(found(pack, secret))


def test_aws_tls_only_deny_with_star_is_fine(pack: PolicyPackAnalyzer) -> None:
    deny = document(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::productionapp", "arn:aws:s3:::productionapp/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    )
    assert WILDCARD not in names(found(pack, bucket_policy("productionapp", deny)))


NARROWING = [
    ORG_CONDITION,  # AWS's example for sharing with an organisation
    {"StringEquals": {"aws:PrincipalAccount": ["111111111111", "999999999999"]}},
    {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/Deployer"}},
    {"StringEquals": {"aws:SourceAccount": "999999999999"}},
]
NOT_NARROWING = [
    {"StringLike": {"aws:PrincipalOrgID": "o-*"}},  # a wildcard value narrows nothing
    {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},  # absent key passes
    {"ForAllValues:StringEquals": {"aws:PrincipalAccount": "111111111111"}},  # absent key passes
    {"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
    {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Deployer"}},
    {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},  # not about who the caller is
]


@pytest.mark.parametrize(
    ("condition", "fires"), [(c, False) for c in NARROWING] + [(c, True) for c in NOT_NARROWING]
)
def test_wildcard_fires_unless_narrowed_to_fixed_values(pack: PolicyPackAnalyzer, condition: dict,
                                                        fires: bool) -> None:
    policy = document(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::productionapp/*",
            "Condition": condition,
        }
    )
    assert (WILDCARD in names(found(pack, bucket_policy("productionapp", policy)))) is fires


def test_tutorial_trust_is_not_a_wildcard_nor_a_stranger(pack: PolicyPackAnalyzer) -> None:
    found_names = names(found(pack, role("UpdateApp", json.dumps(TUTORIAL_TRUST))))
    assert WILDCARD not in found_names and ALLOWLISTED not in found_names and ACTIONS not in found_names


@pytest.mark.parametrize(
    "principal",
    [
        "222222222222",
        "arn:aws:iam::222222222222:root",
        "arn:aws:iam::222222222222:role/Admin",
        ["arn:aws:iam::111111111111:root", "arn:aws:sts::222222222222:assumed-role/Admin/me"],
    ],
)
def test_account_outside_allowlist_fires(pack: PolicyPackAnalyzer, principal: object) -> None:
    (violation,) = only(found(pack, role("UpdateApp", trust({"AWS": principal}))), ALLOWLISTED)
    assert violation.enforcement_level == "mandatory"
    assert "account(s) 222222222222" in violation.detail and "allowedAccountIds" in violation.detail


def test_account_pinned_by_condition_is_checked_against_allowlist(pack: PolicyPackAnalyzer) -> None:
    policy = trust("*", Condition={"StringEquals": {"aws:PrincipalAccount": "222222222222"}})
    assert ALLOWLISTED in names(found(pack, role("UpdateApp", policy)))


def test_stack_account_is_always_allowed(pack: PolicyPackAnalyzer) -> None:
    """A KMS key policy trusting its own account (AWS's default key policy) needs no allowlist entry."""
    own = provider("sandbox", ["333333333333"])
    key_policy = document(
        {
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::333333333333:root"},
            "Action": "kms:*",
            "Resource": "*",
        }
    )
    key = resource("aws:kms/key:Key", "key", {"policy": key_policy}, on=own)
    assert ALLOWLISTED not in names(found(pack, key, own))
    # The same key on a provider allowed two accounts has no single "own" account: the principal is a stranger.
    shared = provider("shared", ["333333333333", "444444444444"])
    assert ALLOWLISTED in names(
        found(pack, resource("aws:kms/key:Key", "key", {"policy": key_policy}, on=shared), shared)
    )


def test_allowlist_without_config_does_not_apply(pack_process: PolicyPackAnalyzer) -> None:
    pack_process.configure({})
    assert ALLOWLISTED not in names(found(pack_process, role("UpdateApp", trust({"AWS": "222222222222"}))))


def test_cross_account_trust_without_mfa_is_advisory(pack: PolicyPackAnalyzer) -> None:
    (violation,) = only(found(pack, role("UpdateApp", json.dumps(TUTORIAL_TRUST))), MFA)
    assert violation.enforcement_level == "advisory"
    assert f"account(s) {DEVELOPMENT_ACCOUNT}" in violation.detail and "aws:MultiFactorAuthPresent" in violation.detail


@pytest.mark.parametrize(
    "condition",
    [
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},  # AWS's MFA-protected role example
        {"Bool": {"aws:MultiFactorAuthPresent": True}},
        {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        {"StringEquals": {"sts:ExternalId": "Unique ID Assigned by Example Corp"}},  # AWS's third-party example
    ],
)
def test_mfa_or_external_id_satisfies(pack: PolicyPackAnalyzer, condition: dict) -> None:
    policy = trust({"AWS": f"arn:aws:iam::{DEVELOPMENT_ACCOUNT}:root"}, Condition=condition)
    assert MFA not in names(found(pack, role("UpdateApp", policy)))


def test_same_account_trust_needs_no_mfa(pack: PolicyPackAnalyzer) -> None:
    policy = trust({"AWS": "arn:aws:iam::999999999999:role/Deployer"})
    assert MFA not in names(found(pack, role("UpdateApp", policy)))


@pytest.mark.parametrize(
    "condition",
    [
        {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
        {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        {"Null": {"aws:MultiFactorAuthPresent": "false"}},
    ],
)
def test_broken_mfa_patterns_fire(pack: PolicyPackAnalyzer, condition: dict) -> None:
    policy = trust({"AWS": "arn:aws:iam::999999999999:role/Deployer"}, Condition=condition)
    violations = only(found(pack, role("UpdateApp", policy)), MFA)
    assert len(violations) == 1 and '{"Bool": {"aws:MultiFactorAuthPresent": "true"}}' in violations[0].detail


def test_deny_without_mfa_is_aws_pattern_and_fine(pack: PolicyPackAnalyzer) -> None:
    policy = document(
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        }
    )
    manage = resource("aws:iam/policy:Policy", "force-mfa", {"policy": policy})
    assert MFA not in names(found(pack, manage))


@pytest.mark.parametrize(
    ("action", "hint"),
    [
        ("sts:AssumeRoles", "sts:AssumeRole"),
        ("sts:AssumeRoleWithSaml2", "sts:AssumeRoleWithSAML"),
        ("sts:*", None),
        ("iam:PassRole", None),
    ],
)
def test_invalid_trust_action_fires(pack: PolicyPackAnalyzer, action: str, hint: str | None) -> None:
    policy = trust({"AWS": "arn:aws:iam::111111111111:root"}, action=["sts:TagSession", action])
    (violation,) = only(found(pack, role("UpdateApp", policy)), ACTIONS)
    assert f'action "{action}"' in violation.detail and violation.enforcement_level == "mandatory"
    if hint:
        assert f'did you mean "{hint}"' in violation.detail


def test_valid_trust_actions_in_any_case(pack: PolicyPackAnalyzer) -> None:
    policy = trust(
        {"Federated": "arn:aws:iam::999999999999:saml-provider/corp"},
        action=["STS:assumerolewithsaml", "sts:TagSession", "sts:SetSourceIdentity"],
    )
    assert ACTIONS not in names(found(pack, role("UpdateApp", policy)))


def test_not_action_in_trust_fires(pack: PolicyPackAnalyzer) -> None:
    policy = document({"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "NotAction": "sts:TagSession"})
    assert ACTIONS in names(found(pack, role("UpdateApp", policy)))


def test_additional_trust_actions_can_be_configured(pack_process: PolicyPackAnalyzer) -> None:
    policy = trust({"AWS": "arn:aws:iam::111111111111:root"}, action=["sts:AssumeRole", "sts:SetContext"])
    pack_process.configure({})
    assert ACTIONS in names(found(pack_process, role("UpdateApp", policy)))
    pack_process.configure({ACTIONS: PolicyConfig(properties={"additionalActions": ["sts:SetContext"]})})
    assert ACTIONS not in names(found(pack_process, role("UpdateApp", policy)))


def test_long_sessions_are_advisory_and_configurable(pack_process: PolicyPackAnalyzer) -> None:
    long_role = role("UpdateApp", json.dumps(TUTORIAL_TRUST), maxSessionDuration=43200)
    pack_process.configure({})
    (violation,) = only(found(pack_process, long_role), SESSION)
    assert violation.enforcement_level == "advisory" and "43200 seconds, above the allowed 3600" in violation.detail
    pack_process.configure({SESSION: PolicyConfig(properties={"maxSeconds": 43200})})
    assert SESSION not in names(found(pack_process, long_role))
    assert SESSION not in names(found(pack_process, role("UpdateApp", json.dumps(TUTORIAL_TRUST))))  # AWS's default


def test_rules_ignore_other_providers(pack: PolicyPackAnalyzer) -> None:
    assert found(pack, PRODUCTION) == []


def test_cloudfront_access_examples_are_fine(pack: PolicyPackAnalyzer) -> None:
    """AWS's CloudFront examples: an origin access identity (pseudo-account "cloudfront") and access control."""
    oai = document(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::productionapp/*",
            "Principal": {"AWS": "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity EH1HDMB1FH2TC"},
        }
    )
    oac = document(
        {
            "Sid": "AllowCloudFrontServicePrincipalReadOnly",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::productionapp/*",
            "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::999999999999:distribution/E1"}},
        }
    )
    for policy in (oai, oac):
        assert names(found(pack, bucket_policy("productionapp", policy))) <= {"s3-bucket-tls-only"}
