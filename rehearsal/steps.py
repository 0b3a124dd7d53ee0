"""The tutorial's step 3 as data: who does what, and whether AWS should let them; and the runner.

The plan comes from the model's intent (`access.intent`, the same the preview proves), not from its mechanisms:
users whose groups may assume a role (and none is denied it) get in and can do exactly what the role is
promised, and every other user of a trusted account is refused, whether or not their group carries the
explicit Deny. That is the point of the tutorial's
`deny-assume-S3-role-in-production`: without it, the PowerUser Testers get in, and the rehearsal says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from access.intent import may_assume, members, promised_session
from access.model import AccessModel, Account, Role
from rehearsal.emulator import Emulator, Keys
from rehearsal.prerequisites import UserKey, other_bucket

SESSION_NAME = "{user}-ProdUpdate"  # the tutorial's role session name for David
OBJECT_KEY = "rehearsal.txt"
REFUSALS = frozenset({"AccessDenied", "AccessDeniedException"})


class Expect(StrEnum):
    ALLOWED = "allowed"
    REFUSED = "refused"


class StepFailedError(Exception):
    """A step whose outcome is neither a clean success nor a refusal (wrong content, no session to act in)."""


@dataclass
class Context:
    """What steps act with: the emulator, each user's own keys, and the role sessions obtained so far."""

    emulator: Emulator
    users: dict[UserKey, Keys]
    sessions: dict[str, Keys] = field(default_factory=dict)

    def session(self, name: str) -> Keys:
        if name not in self.sessions:
            raise StepFailedError(f"not run: no role session {name} (its AssumeRole did not succeed)")
        return self.sessions[name]


@dataclass(frozen=True)
class Step:
    """One thing a tutorial user does, and what AWS should answer."""

    actor: str
    action: str
    expect: Expect
    run: Callable[[Context], None] = field(repr=False)


@dataclass(frozen=True)
class Result:
    """What the emulator answered to a step, in words, and whether that is what the step expected."""

    step: Step
    got: str
    as_expected: bool


def _assume(model: AccessModel, role: Role, source: Account, user: str, expect: Expect) -> Step:
    role_arn, session = model.role_arn(role), SESSION_NAME.format(user=user)

    def run(context: Context) -> None:
        sts = context.emulator.principal("sts", context.users[(source.name, user)], source.region)
        credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=session)["Credentials"]
        context.sessions[session] = Keys(credentials["AccessKeyId"], credentials["SecretAccessKey"],
                                         credentials["SessionToken"])

    return Step(user, f"sts:AssumeRole {role_arn} (session {session})", expect, run)


@dataclass(frozen=True)
class _Session:
    """Steps taken with a role session's credentials, in the role's account."""

    session: str
    actor: str
    region: str

    def step(self, action: str, expect: Expect, service: str, act: Callable[[BaseClient], object]) -> Step:
        def run(context: Context) -> None:
            act(context.emulator.principal(service, context.session(self.session), self.region))

        return Step(self.actor, action, expect, run)


def _check_listed(s3: BaseClient, buckets: list[str]) -> None:
    listed = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    if not set(buckets) <= listed:
        raise StepFailedError(f"allowed, but the list lacks {sorted(set(buckets) - listed)}")


def _check_read(s3: BaseClient, bucket: str, body: bytes) -> None:
    got = s3.get_object(Bucket=bucket, Key=OBJECT_KEY)["Body"].read()
    if got != body:
        raise StepFailedError(f"allowed, but read back {got!r} instead of {body!r}")


def _role_session_steps(model: AccessModel, role: Role, user: str) -> list[Step]:
    """As the tutorial's David once he has switched: his bucket's contents, and what the role must not do."""
    account = model.account(role.account)
    on = _Session(SESSION_NAME.format(user=user), f"{user} as {role.name}", account.region)
    granted = [model.bucket(g.bucket).name for g in role.grants]
    promised = {g.resource: g.actions for g in promised_session(model, role)}
    steps = [on.step("s3:ListAllMyBuckets", Expect.ALLOWED, "s3", lambda s3: _check_listed(s3, granted))]
    body = f"written by {user} as {role.name}".encode()
    for grant in role.grants:
        bucket = grant.bucket
        arn, key_arn = model.bucket(bucket).arn, f"{model.bucket(bucket).arn}/{OBJECT_KEY}"
        writes = Expect.ALLOWED if "s3:PutObject" in promised.get(f"{arn}/*", ()) else Expect.REFUSED
        steps += [
            on.step(f"s3:ListBucket {arn}", Expect.ALLOWED, "s3", lambda s3, b=bucket: s3.list_objects_v2(Bucket=b)),
            on.step(f"s3:PutObject {key_arn}", writes, "s3",
                    lambda s3, b=bucket: s3.put_object(Bucket=b, Key=OBJECT_KEY, Body=body)),
        ]
        if writes is Expect.ALLOWED:
            steps += [
                on.step(f"s3:GetObject {key_arn}", Expect.ALLOWED, "s3", lambda s3, b=bucket: _check_read(s3, b, body)),
                on.step(f"s3:DeleteObject {key_arn}", Expect.ALLOWED, "s3",
                        lambda s3, b=bucket: s3.delete_object(Bucket=b, Key=OBJECT_KEY)),
            ]
        steps.append(on.step(f"s3:DeleteBucket {arn}", Expect.REFUSED, "s3",
                             lambda s3, b=bucket: s3.delete_bucket(Bucket=b)))
    other = other_bucket(account)
    steps += [
        on.step(f"s3:PutObject arn:aws:s3:::{other}/{OBJECT_KEY}", Expect.REFUSED, "s3",
                lambda s3: s3.put_object(Bucket=other, Key=OBJECT_KEY, Body=body)),
        on.step("iam:CreateUser", Expect.REFUSED, "iam", lambda iam: iam.create_user(UserName=f"{user}-was-here")),
    ]
    return steps


def plan(model: AccessModel) -> list[Step]:
    """For every role, every user of its trusted accounts' groups once, in the model's order, expected to get in
    exactly when the model's intent (`access.intent`, shared with the preview) says so."""
    steps = []
    for role in model.roles:
        for account_name in role.trusted_accounts:
            source = model.account(account_name)
            for user in members(model, account_name):
                allowed, _ = may_assume(model, role, account_name, user)
                steps.append(_assume(model, role, source, user, Expect.ALLOWED if allowed else Expect.REFUSED))
                if allowed:
                    steps += _role_session_steps(model, role, user)
    return steps


def run_step(step: Step, context: Context) -> Result:
    """Do the step and put the answer in words; only an AccessDenied counts as a refusal."""
    try:
        step.run(context)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "?")
        if code in REFUSALS:
            return Result(step, f"refused ({code})", step.expect is Expect.REFUSED)
        return Result(step, f"error {code}: {error.response.get('Error', {}).get('Message', '')}", False)
    except StepFailedError as failure:
        return Result(step, str(failure), False)
    return Result(step, "allowed", step.expect is Expect.ALLOWED)
