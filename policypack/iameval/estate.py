"""What the exhaustive analysis reads: accounts, and in each its users, roles and buckets with their policies.

One shape for every source, so the same analysis answers for all of them: the offline preview builds an
`Estate` from the planned resources plus the model's prerequisites (group members, the managed policies groups
already hold), live verification builds one from IAM and S3 read calls, and the policy pack from a stack's
resources. Policies arrive parsed (`parse_policy`), named for explanations; nothing here reads a document.

What an estate cannot see matters as much as what it holds: `complete` lists the accounts whose every principal
is in it (live verification lists every user and role). For any other account the analysis adds the class "any
other principal of that account whose own policies allow it", instead of pretending the known ones are all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .policy import Policy

_EMPTY: Mapping[str, object] = MappingProxyType({})


def arn_account(arn: str) -> str:
    """The account field of an ARN (`arn:aws:iam::111111111111:user/David` -> "111111111111"), "" if none."""
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 else ""


def arn_name(arn: str) -> str:
    """The last path segment of an IAM ARN: a user's or role's name without its path."""
    return arn.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Principal:
    """A user of an account, with every identity policy that applies to it (its own and its groups')."""

    arn: str
    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    groups: tuple[str, ...] = ()  # group names, for people reading the report ("David (Developers)")
    tags: tuple[tuple[str, str], ...] = ()
    problems: tuple[str, ...] = ()  # why some of its policies are unknown (then its answers are not decided)

    @property
    def name(self) -> str:
        return arn_name(self.arn)

    @property
    def account(self) -> str:
        return arn_account(self.arn)

    @property
    def label(self) -> str:
        """How reports name it: `David (Developers)`, or the bare name when it is in no group."""
        return f"{self.name} ({', '.join(self.groups)})" if self.groups else self.name


@dataclass(frozen=True)
class RoleEstate:
    """A role: who may assume it (its trust policy) and what its sessions get (identity policies, boundary).

    `trust` is None when it cannot be read (e.g. only known after apply); `problems` says why, and the
    analysis reports the role as not decided instead of guessing.
    """

    arn: str
    name: str
    trust: Policy | None
    identity: tuple[Policy, ...] = ()
    boundary: Policy | None = None
    problems: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()

    @property
    def account(self) -> str:
        return arn_account(self.arn)

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True)
class BucketEstate:
    """An S3 bucket: its account (S3 ARNs carry none), its bucket policy and whether public access is blocked.

    `public_access_block` is None when unknown (a prerequisite bucket the plan does not guard).
    """

    name: str
    account: str
    policy: Policy | None = None
    public_access_block: bool | None = None
    problems: tuple[str, ...] = ()

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"


@dataclass(frozen=True)
class AccountEstate:
    """One account's users, roles and buckets, each by name; `name` is what people call the account."""

    id: str
    name: str = ""
    users: Mapping[str, Principal] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    roles: Mapping[str, RoleEstate] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]
    buckets: Mapping[str, BucketEstate] = field(default_factory=lambda: _EMPTY)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        strays = [p.arn for p in (*self.users.values(), *self.roles.values()) if p.account != self.id]
        strays += [b.name for b in self.buckets.values() if b.account != self.id]
        if strays:
            raise ValueError(f"account {self.id} holds {strays[0][:80]!r} of another account")

    @property
    def label(self) -> str:
        """`development (111111111111)`, or the bare ID when the account has no name."""
        return f"{self.name} ({self.id})" if self.name else self.id


@dataclass(frozen=True)
class Estate:
    """Every account the analysis knows, by ID, and which of them it knows completely.

    `problems` are estate-wide gaps (a document of the plan that could not be read, a resource attached to a
    role no stack creates): the analysis repeats them, since its answers cannot account for them.
    """

    accounts: Mapping[str, AccountEstate]
    complete: frozenset[str] = frozenset()
    problems: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        wrong = [key for key, account in self.accounts.items() if key != account.id]
        if wrong:
            raise ValueError(f"estate account key {wrong[0][:80]!r} is not the ID of the account it maps to")

    def users(self) -> Iterator[Principal]:
        for account in self.accounts.values():
            yield from account.users.values()

    def roles(self) -> Iterator[RoleEstate]:
        for account in self.accounts.values():
            yield from account.roles.values()

    def buckets(self) -> Iterator[BucketEstate]:
        for account in self.accounts.values():
            yield from account.buckets.values()

    def bucket(self, name: str) -> BucketEstate | None:
        """The bucket of that name in any account (bucket names are global), or None."""
        return next((b for a in self.accounts.values() if (b := a.buckets.get(name)) is not None), None)

    def label(self, account_id: str) -> str:
        """How reports name an account: with its name when the estate has one."""
        account = self.accounts.get(account_id)
        return account.label if account is not None else account_id
