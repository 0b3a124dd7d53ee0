"""As the issue's held-out check does it: the emulator seeded by plain boto3 calls (none of this project's code),
an AWS config file whose profiles `production-admin` and `development-admin` hold keys of each emulated account,
`AWS_ENDPOINT_URL`, and `python -m verify` run in the checkout as a process; only its exit code and the names it
prints are read."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import boto3
import pytest
from botocore.config import Config

from rehearsal.emulator import Emulator
from tests.conftest import PROJECT_DIR
from tests.verify.support import DEVELOPMENT, PRODUCTION, REGION, clean_environment

ROLE_ARN = f"arn:aws:iam::{PRODUCTION}:role/UpdateApp"
# The tutorial's documents as a person would write them: their own order, spacing and single values.
READ_WRITE_APP_BUCKET = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject", "s3:PutObject"],
         "Resource": "arn:aws:s3:::productionapp/*"},
        {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"},
        {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
         "Resource": "arn:aws:s3:::productionapp"},
    ],
}
TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": DEVELOPMENT}, "Action": "sts:AssumeRole"}]}
TLS_ONLY = {"Version": "2012-10-17", "Statement": [{
    "Sid": "TLSOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
    "Resource": ["arn:aws:s3:::productionapp/*", "arn:aws:s3:::productionapp"],
    "Condition": {"Bool": {"aws:SecureTransport": False}}}]}


def group_policy(effect: str) -> str:
    return json.dumps({"Version": "2012-10-17",
                       "Statement": [{"Effect": effect, "Action": "sts:AssumeRole", "Resource": ROLE_ARN}]})


def client(endpoint: str, service: str, account: str) -> Any:
    """A plain boto3 client acting in `account`, the way moto's documentation says: its account header."""
    made = boto3.client(service, region_name=REGION, endpoint_url=endpoint, aws_access_key_id="seeding",
                        aws_secret_access_key="seeding", config=Config(proxies={}))
    made.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", account))
    return made


def admin_keys(endpoint: str, account: str) -> tuple[str, str]:
    iam = client(endpoint, "iam", account)
    iam.create_user(UserName="admin")
    key = iam.create_access_key(UserName="admin")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def seed_tutorial(endpoint: str) -> dict[str, tuple[str, str]]:
    """The tutorial as both stacks deploy it, with boto3 alone; each account's admin keys by profile name."""
    s3 = client(endpoint, "s3", PRODUCTION)
    s3.create_bucket(Bucket="productionapp")
    s3.put_public_access_block(Bucket="productionapp", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_policy(Bucket="productionapp", Policy=json.dumps(TLS_ONLY))
    iam = client(endpoint, "iam", PRODUCTION)
    policy = iam.create_policy(PolicyName="read-write-app-bucket", PolicyDocument=json.dumps(READ_WRITE_APP_BUCKET))
    iam.create_role(RoleName="UpdateApp", AssumeRolePolicyDocument=json.dumps(TRUST), MaxSessionDuration=3600)
    iam.attach_role_policy(RoleName="UpdateApp", PolicyArn=policy["Policy"]["Arn"])
    iam = client(endpoint, "iam", DEVELOPMENT)
    for group, user in (("Developers", "David"), ("Testers", "Theresa")):
        iam.create_group(GroupName=group)
        iam.create_user(UserName=user)
        iam.add_user_to_group(GroupName=group, UserName=user)
    iam.attach_group_policy(GroupName="Testers", PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")
    iam.put_group_policy(GroupName="Developers", PolicyName="allow-assume-S3-role-in-production",
                         PolicyDocument=group_policy("Allow"))
    iam.put_group_policy(GroupName="Testers", PolicyName="deny-assume-S3-role-in-production",
                         PolicyDocument=group_policy("Deny"))
    return {"production-admin": admin_keys(endpoint, PRODUCTION),
            "development-admin": admin_keys(endpoint, DEVELOPMENT)}


def run_verify(tmp_path, endpoint: str, profiles: dict[str, tuple[str, str]]) -> subprocess.CompletedProcess[str]:
    """`python -m verify` in the checkout, with an AWS config file holding the profiles' keys."""
    config = tmp_path / "aws-config"
    config.write_text("".join(f"[profile {name}]\nregion = {REGION}\naws_access_key_id = {key}\n"
                              f"aws_secret_access_key = {secret}\n" for name, (key, secret) in profiles.items()))
    environment = clean_environment({"AWS_CONFIG_FILE": str(config), "AWS_ENDPOINT_URL": endpoint,
                                     "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")})
    return subprocess.run([sys.executable, "-m", "verify"], cwd=PROJECT_DIR, env=environment, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.fixture
def seeded(emulator: Emulator) -> dict[str, tuple[str, str]]:
    emulator.reset()
    return seed_tutorial(emulator.endpoint)


def test_the_tutorial_seeded_by_hand_verifies(emulator, seeded, tmp_path):
    done = run_verify(tmp_path, emulator.endpoint, seeded)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "may assume: David (Developers); nobody else" in done.stdout
    assert "Verification passed" in done.stdout


def test_out_of_band_changes_fail_with_every_name_printed(emulator, seeded, tmp_path):
    iam = client(emulator.endpoint, "iam", DEVELOPMENT)
    iam.create_user(UserName="Mallory")
    iam.add_user_to_group(GroupName="Developers", UserName="Mallory")
    iam.delete_group_policy(GroupName="Testers", PolicyName="deny-assume-S3-role-in-production")
    iam.create_role(RoleName="ci-deployer", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="ci-deployer", PolicyName="assume-anything", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))

    done = run_verify(tmp_path, emulator.endpoint, seeded)

    assert done.returncode == 1, done.stdout + done.stderr
    failures = [line for line in done.stdout.splitlines() if line.startswith(("UpdateApp: ", "drift: "))]
    assert any("Mallory (Developers) may assume it" in line for line in failures)
    assert any("Theresa (Testers) may assume it" in line for line in failures)
    assert any("role ci-deployer may assume it" in line for line in failures)
    assert any(line.startswith("drift: group Testers") and "deny-assume-S3-role-in-production" in line
               for line in failures)


def test_profiles_of_the_wrong_accounts_are_refused(emulator, seeded, tmp_path):
    swapped = {"production-admin": seeded["development-admin"], "development-admin": seeded["production-admin"]}

    done = run_verify(tmp_path, emulator.endpoint, swapped)

    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert DEVELOPMENT in line and PRODUCTION in line
    assert seeded["development-admin"][1] not in done.stderr


def test_the_administrator_verify_reads_as_is_noted_not_counted_and_any_other_is_a_finding(emulator, seeded, tmp_path):
    """The stack's administrator (the profile verify reads Development as) may assume UpdateApp through the trust's
    account principal: that is the delegation `:root` means, said once. Another administrator is still named."""
    iam = client(emulator.endpoint, "iam", DEVELOPMENT)
    iam.attach_user_policy(UserName="admin", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")

    done = run_verify(tmp_path, emulator.endpoint, seeded)

    assert done.returncode == 0, done.stdout + done.stderr
    assert any("admin" in line and "the identity this account was read as" in line
               for line in done.stdout.splitlines())

    iam.create_user(UserName="Eve")
    iam.attach_user_policy(UserName="Eve", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")

    done = run_verify(tmp_path, emulator.endpoint, seeded)

    assert done.returncode == 1, done.stdout + done.stderr
    failures = [line for line in done.stdout.splitlines() if line.startswith("UpdateApp: ")]
    assert any("Eve" in line and "may assume it" in line for line in failures)
    assert not any("user/admin" in line or line.startswith("UpdateApp: admin") for line in failures)
