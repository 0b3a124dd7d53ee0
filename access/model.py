"""Typed model of who may assume which role in which account, and what that role may reach.

Validated once by `access.config.parse_model`; everything downstream (components, the offline preview,
the rehearsal) reads these frozen objects instead of raw YAML, so an invalid model never reaches Pulumi.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class BucketAccess(StrEnum):
    """The access levels a role can be granted on a bucket (the tutorial's `read-write-app-bucket` is READ_WRITE)."""

    READ_ONLY = "read-only"
    READ_WRITE = "read-write"


@dataclass(frozen=True)
class Account:
    """An AWS account by the name the model uses for it."""

    name: str
    id: str
    region: str
    cli_profile: str | None = None

    @property
    def profile(self) -> str:
        """The AWS CLI profile its users sign in with; the account's name unless the model says otherwise."""
        return self.cli_profile or self.name


@dataclass(frozen=True)
class Bucket:
    """An S3 bucket a role may reach. The tutorial's bucket is a prerequisite: created only when `create`."""

    name: str
    account: str
    create: bool = False

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"


@dataclass(frozen=True)
class BucketGrant:
    """One bucket and the level of access a role gets on it."""

    bucket: str
    access: BucketAccess


@dataclass(frozen=True)
class Role:
    """A role in the trusting account, assumable from the trusted principals."""

    name: str
    account: str
    trusted_accounts: tuple[str, ...] = ()
    trusted_principal_arns: tuple[str, ...] = ()
    grants: tuple[BucketGrant, ...] = ()
    policy_name: str = ""
    path: str = "/"
    description: str = ""
    require_mfa: bool = False
    mfa_max_age_seconds: int | None = None
    external_id_secret: str | None = None
    max_session_duration: int = 3600
    permissions_boundary_arn: str | None = None
    trust_actions: tuple[str, ...] = ("sts:AssumeRole",)
    tags: tuple[tuple[str, str], ...] = ()
    group_policy_suffix: str = ""


@dataclass(frozen=True)
class Group:
    """A group in the trusted account and the roles its members may, or explicitly may not, assume."""

    name: str
    account: str
    can_assume: tuple[str, ...] = ()
    denied: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    managed_policy_arns: tuple[str, ...] = ()
    create: bool = False
    create_members: bool = False


@dataclass(frozen=True)
class AccessModel:
    """The whole shared model both stacks read."""

    accounts: tuple[Account, ...]
    roles: tuple[Role, ...]
    groups: tuple[Group, ...]
    buckets: tuple[Bucket, ...] = field(default_factory=tuple)

    def account(self, name: str) -> Account:
        return next(a for a in self.accounts if a.name == name)

    def role(self, name: str) -> Role:
        return next(r for r in self.roles if r.name == name)

    def bucket(self, name: str) -> Bucket:
        return next(b for b in self.buckets if b.name == name)

    def role_arn(self, role: Role) -> str:
        """The role's ARN, derived from config so the trusted side needs nothing from the trusting stack."""
        return f"arn:aws:iam::{self.account(role.account).id}:role{role.path}{role.name}"

    def trusted_principals(self, role: Role) -> tuple[str, ...]:
        """Principal ARNs of the role's trust: whole accounts as `:root`, then specific ARNs."""
        accounts = tuple(f"arn:aws:iam::{self.account(a).id}:root" for a in role.trusted_accounts)
        return accounts + role.trusted_principal_arns

    def groups_in(self, account: str) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if g.account == account)

    def roles_in(self, account: str) -> tuple[Role, ...]:
        return tuple(r for r in self.roles if r.account == account)

    def buckets_in(self, account: str) -> tuple[Bucket, ...]:
        return tuple(b for b in self.buckets if b.account == account)

    def roles_assumable_from(self, account: str) -> tuple[Role, ...]:
        """Roles that some group of `account` may assume: what that account's users need sign-in help for."""
        names = {r for g in self.groups_in(account) for r in g.can_assume}
        return tuple(r for r in self.roles if r.name in names)

    def roles_in_scope(self, account: str) -> tuple[Role, ...]:
        """Roles a stack of `account` deals with: those it deploys, and those its groups may assume."""
        assumable = {r.name for r in self.roles_assumable_from(account)}  # names: comparing roles is quadratic
        return tuple(r for r in self.roles if r.account == account or r.name in assumable)


@dataclass(frozen=True)
class StackSettings:
    """What one stack deploys and with which credentials (from `Pulumi.<stack>.yaml`)."""

    account: str
    profile: str | None = None
    assume_role_arn: str | None = None
    external_ids: tuple[tuple[str, str], ...] = ()  # (role name, ExternalId), from stack secrets
    auditor_principal_arn: str | None = None  # who live verification reads the account as (a role or user ARN)

    def external_id(self, role: str) -> str | None:
        return dict(self.external_ids).get(role)
