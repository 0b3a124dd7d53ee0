"""Federated trusts through the analyzer protocol: GitHub Actions, Cognito, SAML and other OIDC providers must say
which of their identities may assume the role; AWS's documented trusts pass."""

from __future__ import annotations

import pytest
from policypack_records import found, names, only, role, trust

from offline.analyzer import PolicyPackAnalyzer

FEDERATED = "iam-federated-trust-scoped"
GITHUB = {"Federated": "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com"}
AUDIENCE = {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}
COGNITO = {"Federated": "cognito-identity.amazonaws.com"}
SAML = {"Federated": "arn:aws:iam::999999999999:saml-provider/ExampleOrgSSOProvider"}
EKS = {"Federated": "arn:aws:iam::999999999999:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E"}


def web_identity(principal: dict, condition: dict | None = None) -> object:
    extra = {"Condition": condition} if condition is not None else {}
    return role("Federated", trust(principal, action="sts:AssumeRoleWithWebIdentity", **extra))


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (None, "with no condition on token.actions.githubusercontent.com:sub"),
        ({"StringEquals": AUDIENCE}, "with only an audience condition"),
        ({"StringEquals": AUDIENCE, "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}, "any owner"),
        ({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo*/app:*"}}, "any owner"),
        ({"StringLike": {"token.actions.githubusercontent.com:sub": "*"}}, "any owner"),
        # IfExists passes when the claim is missing: it fixes nothing.
        ({"StringLikeIfExists": {"token.actions.githubusercontent.com:sub": "repo:octo-org/app:*"}}, "no condition"),
    ],
)
def test_github_trust_without_a_scoped_subject_fires(
    pack: PolicyPackAnalyzer, condition: dict | None, expected: str
) -> None:
    (violation,) = only(found(pack, web_identity(GITHUB, condition)), FEDERATED)
    assert violation.enforcement_level == "mandatory" and expected in violation.detail


@pytest.mark.parametrize(
    "subject",
    [
        {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:*"}},  # AWS's example
        {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:ref:refs/heads/main"}},
        {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:octo-org/octo-repo:environment:prod"}},
        {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:octo-org/*"}},  # the owner's repositories
    ],
)
def test_github_trust_scoped_to_an_owner_passes(pack: PolicyPackAnalyzer, subject: dict) -> None:
    condition = (
        {"StringEquals": AUDIENCE, **subject}
        if "StringEquals" not in subject
        else {"StringEquals": {**AUDIENCE, **subject["StringEquals"]}}
    )
    assert FEDERATED not in names(found(pack, web_identity(GITHUB, condition)))


def test_cognito_trust_needs_the_identity_pool(pack: PolicyPackAnalyzer) -> None:
    unauthenticated = {"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "unauthenticated"}}
    (violation,) = only(found(pack, web_identity(COGNITO, unauthenticated)), FEDERATED)
    assert "identities of every identity pool" in violation.detail
    # AWS's example for an identity pool's role.
    documented = {
        "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-2:12345678-abcd-abcd-abcd-123456790ab"},
        **unauthenticated,
    }
    assert FEDERATED not in names(found(pack, web_identity(COGNITO, documented)))


def test_saml_trust_needs_the_audience(pack: PolicyPackAnalyzer) -> None:
    (violation,) = only(found(pack, role("Sso", trust(SAML, action="sts:AssumeRoleWithSAML"))), FEDERATED)
    assert "without SAML:aud" in violation.detail
    documented = trust(
        SAML,
        action=["sts:AssumeRoleWithSAML", "sts:TagSession"],
        Condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
    )
    assert FEDERATED not in names(found(pack, role("Sso", documented)))


def test_other_oidc_providers_need_one_of_their_claims(pack: PolicyPackAnalyzer) -> None:
    assert FEDERATED in names(found(pack, web_identity(EKS)))
    # AWS's example for an EKS service account (IRSA).
    issuer = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E"
    documented = {
        "StringEquals": {
            f"{issuer}:sub": "system:serviceaccount:default:my-service-account",
            f"{issuer}:aud": "sts.amazonaws.com",
        }
    }
    assert FEDERATED not in names(found(pack, web_identity(EKS, documented)))


def test_account_trusts_are_not_its_business(pack: PolicyPackAnalyzer) -> None:
    assert FEDERATED not in names(found(pack, role("UpdateApp", trust({"AWS": "arn:aws:iam::111111111111:root"}))))
