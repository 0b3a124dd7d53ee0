"""The rehearsal's last step: `verify` against the emulator, reading each account as a read-only auditor.

Each account gets a user holding the policy verification documents (`access.documents.verification_read_policy`)
and an access key; verification then runs with those keys, so moto routes each request to the key's account
and, once authorisation is on, checks every read against that policy. One addition is moto's, not AWS's: moto
authorises `GetPublicAccessBlock` as `s3:GetPublicAccessBlock`, where AWS requires
`s3:GetBucketPublicAccessBlock`, so the emulated auditor holds both names (the shipped policy only AWS's).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import boto3

from access import documents
from access.model import AccessModel, Account, StackSettings
from rehearsal.emulator import Emulator, Keys
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
