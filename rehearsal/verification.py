"""The rehearsal's last step: `verify` against the emulator, reading each account as a read-only auditor.

Each account gets a user holding the policy verification documents (`access.documents.verification_read_policy`)
and an access key; verification then runs with those keys, so moto routes each request to the key's account
and, with authorisation on, checks every read against that policy. One addition is moto's, not AWS's: moto
does not recognise the `?publicAccessBlock` request and authorises it as `s3:ListBucket`, where AWS requires
`s3:GetBucketPublicAccessBlock`, so the emulated auditor also holds `s3:ListBucket` on the guarded buckets (the
shipped policy holds only AWS's name). The bucket policies the rehearsal set aside are put back first (with
authorisation off for that one write), so verification judges the state the stacks deploy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import boto3

from access import documents
from access.model import AccessModel, Account, StackSettings
from offline.mock_run import PROJECT_DIR, StackRun
from offline.stack_config import StackConfig
from rehearsal import prerequisites
from rehearsal.apply import Applied, apply, plan_calls
from rehearsal.emulator import Emulator, Keys
from rehearsal.limits import restore_bucket_policies
from rehearsal.transcript import FAIL, PASS, Transcript
from verify.credentials import AccountSession, open_account
from verify.errors import CannotVerifyError
from verify.report import VerifyReport, build_report
from verify.run import verify

AUDITOR = "verify-auditor"
MOTO_PUBLIC_ACCESS_BLOCK_READ = "s3:ListBucket"  # how moto authorises GET /<bucket>?publicAccessBlock


def auditor_policy(model: AccessModel, account: Account) -> dict[str, object]:
    """The shipped read-only policy for `account`'s buckets, plus moto's own name for one of its reads."""
    buckets = [b.arn for b in model.buckets_in(account.name)]
    policy = documents.verification_read_policy(buckets)
    if not buckets:
        return policy
    emulator_only = {"Sid": "MotoAuthorisesThePublicAccessBlockReadAsListBucket", "Effect": "Allow",
                     "Action": MOTO_PUBLIC_ACCESS_BLOCK_READ, "Resource": buckets}
    return {**policy, "Statement": [*policy["Statement"], emulator_only]}


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


def deploy(emulator: Emulator, model: AccessModel, runs: Sequence[StackRun]) -> dict[str, Keys]:
    """The stacks' state in the emulator as after `pulumi up` (prerequisites, then every resource as the program
    built it), and each account's auditor keys: what tests and benchmarks verify. Authorisation stays off."""
    prerequisites.create(emulator, model)
    apply(emulator, [call for run in runs for call in plan_calls(run)])
    return create_auditors(emulator, model)


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


@dataclass(frozen=True)
class Verified:
    """What `verify` said at the end of the rehearsal: its report, or why it could not run."""

    report: VerifyReport | None
    error: str = ""

    @property
    def surprises(self) -> int:
        """Every failure verification names (it should find the stacks' state exactly as intended)."""
        return 1 if self.report is None else len(self.report.failures)


def verify_rehearsal(emulator: Emulator, configs: Sequence[StackConfig], keys: Mapping[str, Keys],
                     applied: Sequence[Applied]) -> Verified:
    """Verify the rehearsed accounts as `python -m verify` would, with authorisation on, as each auditor."""
    restore_bucket_policies(emulator, applied)
    try:
        return Verified(build_report(verify(configs, PROJECT_DIR, EmulatedCredentials(emulator.endpoint, keys))))
    except CannotVerifyError as error:
        return Verified(None, str(error))


def transcribe(verified: Verified, transcript: Transcript) -> None:
    """Each role's answer and each failure, ✓ when verification found everything as intended."""
    transcript.heading("Verification of the emulated accounts (python -m verify), authorisation on, read as each "
                       f"account's {AUDITOR} (read-only policy, plus {MOTO_PUBLIC_ACCESS_BLOCK_READ} for moto's "
                       "public access block read); the bucket policies set aside are back")
    if verified.report is None:
        transcript.line(f"{FAIL} verify could not run: {verified.error}")
        return
    for role in verified.report.analysis.roles:
        transcript.line(f"{role.name}: {role.assume_summary()}")
    for failure in verified.report.failures:
        transcript.line(f"{FAIL} {failure}")
    mark = FAIL if verified.report.failures else PASS
    transcript.line(f"{mark} {verified.report.summary()}")
