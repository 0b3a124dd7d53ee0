"""Credentials per account exactly as the stack's provider gets them, and proof they belong to that account.

The provider (`components/providers.py`) uses the stack's `profile` and/or `assumeRoleArn`, else the ambient
chain (environment, SSO, OIDC in CI), and `allowedAccountIds` refuses any other account. Verification does the
same: it builds one boto3 session per stack, then asks `sts:GetCallerIdentity` before reading anything, so
credentials of the wrong account are refused naming both accounts instead of reporting another account's state.
boto3 resolves endpoints itself, so the standard `AWS_ENDPOINT_URL` (and `AWS_ENDPOINT_URL_<SERVICE>`) point
verification at an emulator; an explicit `endpoint_url` is only for callers in the same process (tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import boto3
from botocore.client import BaseClient
from botocore.config import Config

from access.model import Account, StackSettings
from verify.errors import CannotVerifyError, refusing

# Seen in CloudTrail next to the deployments' `pulumi-cross-account-access`: reads by verification, not by a deploy.
SESSION_NAME = "cross-account-access-verify"
# Throttling on a large account is retried; a dead endpoint is reported within seconds, not minutes.
CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=5, read_timeout=60)


@dataclass(frozen=True)
class AccountSession:
    """Read access to one account: the stack it belongs to, its credentials, and who they turned out to be."""

    stack: str
    account: Account
    session: boto3.Session = field(repr=False)
    caller_arn: str
    endpoint_url: str | None = None

    def client(self, service: str) -> BaseClient:
        return self.session.client(service, region_name=self.account.region, endpoint_url=self.endpoint_url,
                                   config=CLIENT_CONFIG)


def _source(settings: StackSettings) -> str:
    """Where the credentials come from, for messages (names only, never a key)."""
    parts = [f"profile {settings.profile}" if settings.profile else "the ambient credentials"]
    if settings.assume_role_arn:
        parts.append(f"assuming {settings.assume_role_arn}")
    return ", ".join(parts)


def _base_session(settings: StackSettings, region: str, base: boto3.Session | None) -> boto3.Session:
    if base is not None:
        return base
    return boto3.Session(profile_name=settings.profile, region_name=region)


def open_account(stack: str, account: Account, settings: StackSettings, endpoint_url: str | None = None,
                 base: boto3.Session | None = None) -> AccountSession:
    """A session for `stack`'s account from its settings (or `base`), refused unless it is that account.

    Raises `CannotVerifyError` for missing credentials, an unknown profile, an unreachable endpoint, a refused
    `AssumeRole`, or credentials of another account (naming both accounts).
    """
    def sts(session: boto3.Session) -> BaseClient:
        return session.client("sts", region_name=account.region, endpoint_url=endpoint_url, config=CLIENT_CONFIG)

    source = _source(settings)
    with refusing(f"stack {stack}: cannot use {source}"):
        session = _base_session(settings, account.region, base)
        if settings.assume_role_arn:
            credentials = sts(session).assume_role(RoleArn=settings.assume_role_arn,
                                                   RoleSessionName=SESSION_NAME)["Credentials"]
            session = boto3.Session(aws_access_key_id=credentials["AccessKeyId"],
                                    aws_secret_access_key=credentials["SecretAccessKey"],
                                    aws_session_token=credentials["SessionToken"], region_name=account.region)
        identity = sts(session).get_caller_identity()
    if identity["Account"] != account.id:
        raise CannotVerifyError(
            f"stack {stack}: {source} belong to account {identity['Account']}, not to account {account.name} "
            f"({account.id}) that the stack deploys; nothing was read")
    return AccountSession(stack, account, session, identity["Arn"], endpoint_url)
