"""The stack proof through the analyzer protocol (AnalyzeStack, engine-evaluated): no outsider assumes a role of the
stack, and no role another account may assume is admin-equivalent."""

from __future__ import annotations

import json

import pytest
from policypack_records import (
    PRODUCTION,
    TUTORIAL_TRUST,
    document,
    managed_policy,
    names,
    only,
    resource,
    role,
    trust,
    tutorial_development,
    tutorial_production,
)

from offline.analyzer import PolicyPackAnalyzer

OUTSIDER = "iam-stack-no-outsider-assumes-role"
NOT_ADMIN = "iam-stack-cross-account-role-not-admin"
ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"


def stack_verdicts(pack: PolicyPackAnalyzer, *resources: object) -> list:
    return pack.analyze_stack([PRODUCTION, *resources])


@pytest.mark.parametrize(
    "trusted",
    [
        trust({"AWS": "arn:aws:iam::222222222222:root"}),
        trust({"AWS": "arn:aws:sts::222222222222:assumed-role/Admin/me"}),
        trust({"AWS": "*"}),
        # Conditions a caller satisfies for itself do not keep a foreign account out.
        trust({"AWS": "222222222222"}, Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        trust({"AWS": "222222222222"}, Condition={"StringEquals": {"sts:ExternalId": "agreed"}}),
        trust("*", Condition={"StringEquals": {"aws:PrincipalAccount": "222222222222"}}),
    ],
)
def test_a_role_an_outsider_may_assume_is_refused(pack: PolicyPackAnalyzer, trusted: str) -> None:
    (violation,) = only(stack_verdicts(pack, role("Open", trusted)), OUTSIDER)
    assert violation.enforcement_level == "mandatory" and violation.resource_name == "Open"
    assert "allowed:" in violation.detail and "not in the allowlist" in violation.detail


@pytest.mark.parametrize(
    "trusted",
    [
        json.dumps(TUTORIAL_TRUST),
        trust("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
        trust({"AWS": "*"}, Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/deploy-*"}}),
        trust({"Service": "ec2.amazonaws.com"}),
        trust({"AWS": "222222222222"}, Effect="Deny"),
    ],
)
def test_trusts_outsiders_cannot_satisfy_pass(pack: PolicyPackAnalyzer, trusted: str) -> None:
    assert OUTSIDER not in names(stack_verdicts(pack, role("Closed", trusted)))


def test_the_tutorial_stacks_are_proven(pack: PolicyPackAnalyzer) -> None:
    for stack in (tutorial_production(), tutorial_development()):
        assert not {OUTSIDER, NOT_ADMIN} & names(pack.analyze_stack(stack))


def attachment(role_name: str, arn: str, *depends: str) -> object:
    return resource(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        f"{role_name}-attachment",
        {"role": role_name, "policyArn": arn},
        dependencies=depends,
    )


def test_a_cross_account_role_with_administrator_access_is_refused(pack: PolicyPackAnalyzer) -> None:
    update_app = role("UpdateApp", json.dumps(TUTORIAL_TRUST))
    (violation,) = only(stack_verdicts(pack, update_app, attachment("UpdateApp", ADMINISTRATOR)), NOT_ADMIN)
    assert "may be assumed from account(s) 111111111111 and is admin-equivalent" in violation.detail
    assert violation.resource_name == "UpdateApp"


@pytest.mark.parametrize(
    "statements",
    [
        [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}],
        [{"Effect": "Allow", "Action": ["iam:PassRole", "ecs:RunTask"], "Resource": "*"}],
    ],
)
def test_admin_equivalence_through_a_customer_policy_of_the_stack(pack: PolicyPackAnalyzer, statements: list) -> None:
    update_app = role("UpdateApp", json.dumps(TUTORIAL_TRUST))
    ops = managed_policy("ops", document(*statements))
    arn = "arn:aws:iam::999999999999:policy/ops"
    assert NOT_ADMIN in names(stack_verdicts(pack, update_app, ops, attachment("UpdateApp", arn)))


def test_a_boundary_of_the_stack_limits_the_role(pack: PolicyPackAnalyzer) -> None:
    boundary = managed_policy("s3-only", document({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
    update_app = role(
        "UpdateApp", json.dumps(TUTORIAL_TRUST), permissionsBoundary="arn:aws:iam::999999999999:policy/s3-only"
    )
    assert NOT_ADMIN not in names(stack_verdicts(pack, update_app, boundary, attachment("UpdateApp", ADMINISTRATOR)))


def test_an_administrator_role_of_the_account_itself_is_not_this_proofs_business(pack: PolicyPackAnalyzer) -> None:
    own = role("Admin", trust({"AWS": "arn:aws:iam::999999999999:root"}), managedPolicyArns=[ADMINISTRATOR])
    assert NOT_ADMIN not in names(stack_verdicts(pack, own))
