"""Drift against moto's server: the tutorial as deployed has none; each out-of-band change is caught and named."""

from __future__ import annotations

import json

from tests.verify.support import DEVELOPMENT, PRODUCTION, Tutorial

ROLE_POLICY = f"arn:aws:iam::{PRODUCTION}:policy/read-write-app-bucket"


def drift_lines(tutorial: Tutorial) -> list[str]:
    return [d.line for d in tutorial.verify().drift]


def test_the_tutorial_as_deployed_has_no_drift(tutorial):
    verification = tutorial.verify()

    assert verification.drift == ()
    assert verification.desired.unverified == ()
    assert set(verification.live) == {PRODUCTION, DEVELOPMENT}
    assert verification.live[PRODUCTION].caller_arn == f"arn:aws:iam::{PRODUCTION}:user/verify-auditor"
    assert set(verification.live[DEVELOPMENT].users) >= {"David", "Theresa"}


def test_the_testers_deny_removed_is_drift_naming_the_group_and_the_policy(tutorial):
    tutorial.admin("iam", DEVELOPMENT).delete_group_policy(GroupName="Testers",
                                                           PolicyName="deny-assume-S3-role-in-production")

    (line,) = drift_lines(tutorial)  # once: the group's list of policies does not repeat it

    assert line == ("drift: group Testers (111111111111, stack dev): inline policy deny-assume-S3-role-in-production "
                    "missing: no inline policy deny-assume-S3-role-in-production")


def test_a_trust_opened_to_everyone_is_drift_quoting_the_new_principal(tutorial):
    opened = {"Version": "2012-10-17",
              "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
    tutorial.admin("iam", PRODUCTION).update_assume_role_policy(RoleName="UpdateApp", PolicyDocument=json.dumps(opened))

    (line,) = drift_lines(tutorial)

    assert line.startswith(f"drift: role UpdateApp ({PRODUCTION}, stack prod): trust policy differs")
    assert 'live only: {"Action":["sts:AssumeRole"],"Effect":"Allow","Principal":{"AWS":["*"]}}' in line
    assert "the program's, not live: " in line and f"arn:aws:iam::{DEVELOPMENT}:root" in line


def test_the_role_policy_widened_is_drift_of_its_default_version(tutorial):
    iam = tutorial.admin("iam", PRODUCTION)
    wide = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.create_policy_version(PolicyArn=ROLE_POLICY, PolicyDocument=json.dumps(wide), SetAsDefault=True)

    (line,) = drift_lines(tutorial)

    assert "policy arn:aws:iam::999999999999:policy/read-write-app-bucket" in line
    assert "document (default version) differs" in line and '"Action":["s3:*"]' in line


def test_a_policy_attached_to_the_role_out_of_band_is_drift(tutorial):
    tutorial.admin("iam", PRODUCTION).attach_role_policy(RoleName="UpdateApp",
                                                         PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")

    (line,) = drift_lines(tutorial)

    assert "role UpdateApp" in line and "attached and inline policies differs" in line
    assert "also has arn:aws:iam::aws:policy/AdministratorAccess" in line


def test_missing_bucket_guards_are_drift(tutorial):
    s3 = tutorial.admin("s3", PRODUCTION)
    s3.delete_bucket_policy(Bucket="productionapp")
    s3.delete_public_access_block(Bucket="productionapp")

    lines = drift_lines(tutorial)

    assert [line.split(": ", 2)[2] for line in lines] == [
        "public access block missing: bucket productionapp has no public access block",
        "bucket policy missing: bucket productionapp has no bucket policy",
    ]


def test_a_documents_formatting_is_not_drift(tutorial):
    """IAM may hand a document back reformatted: reordered, single values listed, account IDs for `:root`."""
    same = {"Statement": [{"Action": ["sts:AssumeRole"], "Principal": {"AWS": [DEVELOPMENT]}, "Effect": "Allow"}],
            "Version": "2012-10-17"}
    tutorial.admin("iam", PRODUCTION).update_assume_role_policy(RoleName="UpdateApp", PolicyDocument=json.dumps(same))

    assert drift_lines(tutorial) == []
