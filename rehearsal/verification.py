"""The rehearsal's last step: `verify` against the emulator, reading each account as a read-only auditor.

Each account gets a user holding the policy verification documents (`access.documents.verification_read_policy`)
and an access key; verification then runs with those keys, so moto routes each request to the key's account
and, once authorisation is on, checks every read against that policy. One addition is moto's, not AWS's: moto
authorises `GetPublicAccessBlock` as `s3:GetPublicAccessBlock`, where AWS requires
`s3:GetBucketPublicAccessBlock`, so the emulated auditor holds both names (the shipped policy only AWS's).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import boto3

from access import documents
from access.model import AccessModel, Account, StackSettings
from offline.mock_run import StackRun
from rehearsal import prerequisites
from rehearsal.apply import apply, plan_calls
from rehearsal.emulator import Emulator, Keys
from rehearsal.rehearse import shared_model
from verify.credentials import AccountSession, open_account

AUDITOR = "verify-auditor"
EMULATOR_ONLY = {"Sid": "MotoNamesThePublicAccessBlockReadDifferently", "Effect": "Allow",
                 "Action": "s3:GetPublicAccessBlock", "Resource": "*"}


def auditor_policy(model: AccessModel, account: Account) -> dict[str, object]:
    """The shipped read-only policy for `account`'s buckets, plus moto's own name for one of its reads."""
    policy = documents.verification_read_policy([b.arn for b in model.buckets_in(account.name)])
    return {**policy, "Statement": [*policy["Statement"], EMULATOR_ONLY]}


def create_auditors(emulator: Emulator, model: AccessModel) -> dict[str, Keys]:
    """An auditor user with its access key in every account of the model, by account ID (authorisation off)."""
    keys = {}
    for account in model.accounts:
        iam = emulator.admin("iam", account.id, account.region)
        iam.create_user(UserName=AUDITOR)
        iam.put_user_policy(UserName=AUDITOR, PolicyName="verify-read",
                            PolicyDocument=json.dumps(auditor_policy(model, account)))
        key = iam.create_access_key(UserName=AUDITOR)["AccessKey"]
        keys[account.id] = Keys(key["AccessKeyId"], key["SecretAccessKey"])
    return keys


@dataclass(frozen=True)
class EmulatedCredentials:
    """Verification's `connect` for the emulator: each account's auditor keys instead of the stack's profile."""

    endpoint: str
    keys: Mapping[str, Keys]

    def __call__(self, stack: str, account: Account, settings: StackSettings) -> AccountSession:
        keys = self.keys[account.id]
        base = boto3.Session(aws_access_key_id=keys.access_key_id, aws_secret_access_key=keys.secret_access_key,
                             region_name=account.region)
        return open_account(stack, account, settings, self.endpoint, base)


def deploy(emulator: Emulator, runs: Sequence[StackRun]) -> tuple[AccessModel, dict[str, Keys]]:
    """The stacks' state in the emulator as after `pulumi up` (prerequisites, then every resource as the program
    built it), and each account's auditor keys: what tests and benchmarks verify. Authorisation stays off."""
    model = shared_model(runs)
    prerequisites.create(emulator, model)
    apply(emulator, [call for run in runs for call in plan_calls(run)])
    return model, create_auditors(emulator, model)


def aws_profiles(directory: Path, profiles: Mapping[str, Keys], endpoint: str, region: str) -> dict[str, str]:
    """An AWS config and credentials file holding `profiles` (name -> keys) in `directory`, and the environment
    that points boto3 at them and at the emulator: how an operator would run `python -m verify` against it."""
    config, credentials = directory / "config", directory / "credentials"
    config.write_text("".join(f"[profile {name}]\nregion = {region}\n" for name in profiles))
    credentials.write_text("".join(f"[{name}]\naws_access_key_id = {keys.access_key_id}\n"
                                   f"aws_secret_access_key = {keys.secret_access_key}\n"
                                   for name, keys in profiles.items()))
    return {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
            "AWS_ENDPOINT_URL": endpoint}
