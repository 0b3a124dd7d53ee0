"""Documents of the AWS-managed policies the model may name in `managedPolicyArns`, for offline evaluation.

A group's managed policies are prerequisites the program does not create, yet they decide what its members
can do (the tutorial's Testers hold PowerUserAccess, which allows `sts:AssumeRole` on anything). The offline
access matrix needs their text without calling AWS, so the few that matter are copied here from AWS's
published versions (as in moto 5.2.5's snapshot; a test compares them). An ARN not listed here is unknown:
the preview says so instead of guessing.
"""

from __future__ import annotations

from typing import Any

VERSION = "2012-10-17"

MANAGED_POLICIES: dict[str, dict[str, Any]] = {
    # v12: everything except IAM, Organizations and Account management, plus a few read-only calls of those.
    "PowerUserAccess": {
        "Version": VERSION,
        "Statement": [
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": [
                    "account:GetAccountInformation",
                    "account:GetGovCloudAccountInformation",
                    "account:GetPrimaryEmail",
                    "account:ListRegions",
                    "iam:CreateServiceLinkedRole",
                    "iam:DeleteServiceLinkedRole",
                    "iam:ListRoles",
                    "organizations:DescribeEffectivePolicy",
                    "organizations:DescribeOrganization",
                ],
                "Resource": "*",
            },
        ],
    },
    "AdministratorAccess": {
        "Version": VERSION,
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    },
    "AmazonS3FullAccess": {
        "Version": VERSION,
        "Statement": [{"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}],
    },
    "AmazonS3ReadOnlyAccess": {
        "Version": VERSION,
        "Statement": [{
            "Effect": "Allow",
            "Action": ["s3:Get*", "s3:List*", "s3:Describe*", "s3-object-lambda:Get*", "s3-object-lambda:List*"],
            "Resource": "*",
        }],
    },
    "IAMReadOnlyAccess": {
        "Version": VERSION,
        "Statement": [{
            "Effect": "Allow",
            "Action": ["iam:GenerateCredentialReport", "iam:GenerateServiceLastAccessedDetails", "iam:Get*",
                       "iam:List*", "iam:SimulateCustomPolicy", "iam:SimulatePrincipalPolicy"],
            "Resource": "*",
        }],
    },
}


def managed_policy(arn: str) -> dict[str, Any] | None:
    """The document of an AWS-managed policy by ARN (any partition), or None when it is not known here."""
    _, _, rest = arn.partition(":iam::aws:policy/")
    return MANAGED_POLICIES.get(rest) if rest and arn.startswith("arn:aws") else None
