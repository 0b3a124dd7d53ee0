"""Parse and validate the access model and a stack's settings, before any resource is registered.

Every problem is a `ConfigError` naming the key (as a path, e.g. `roles[0].maxSessionDuration`) and the
value, so a typo in a pull request reads as one clear line instead of a half-applied deployment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

from access.model import (
    AccessModel,
    Account,
    Bucket,
    BucketAccess,
    BucketGrant,
    Group,
    Role,
    StackSettings,
)

T = TypeVar("T")

ACCOUNT_ID = re.compile(r"^\d{12}$")
REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
# IAM names: role/user 64, group/policy 128 characters of [A-Za-z0-9+=,.@_-].
IAM_NAME = re.compile(r"^[\w+=,.@-]+$", re.ASCII)
IAM_PATH = re.compile(r"^/([\x21-\x7e]*/)?$")
ARN_IAM_PRINCIPAL = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}):(root|role/[\x21-\x7e]+|user/[\x21-\x7e]+)$")
ARN_IAM_POLICY = re.compile(r"^arn:aws[\w-]*:iam::(\d{12}|aws):policy/[\x21-\x7e]+$")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
IPV4 = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
CONFIG_KEY = re.compile(r"^[A-Za-z][\w-]*$")
TAG_KEY = re.compile(r"^[\w\s.:/=+\-@]{1,128}$")

TRUST_ACTIONS = ("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")
MIN_SESSION, MAX_SESSION = 3600, 43200
PROJECT = "cross-account-access"
DEFAULT_MODEL_PATH = "access-model.yaml"
# libyaml's safe loader is several times faster on large models; the pure-Python one where it is not built.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ConfigError(ValueError):
    """A config value that cannot be deployed; the message names the key and the value."""

    def __init__(self, key: str, value: object, problem: str) -> None:
        super().__init__(f"{key}: {value!r} {problem}")
        self.key = key
        self.value = value


class _Node:
    """A mapping from the config with the path that led to it, so every error can name its key."""

    def __init__(self, data: object, path: str, allowed: Iterable[str], sep: str = ".") -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(path, data, "must be a mapping")
        self.data = data
        self.path = path
        self.sep = sep
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise ConfigError(self.key(unknown[0]), data[unknown[0]],
                              f"is not a known key (known: {', '.join(sorted(allowed))})")

    def key(self, name: str) -> str:
        return f"{self.path}{self.sep}{name}" if self.path else name

    def get(self, name: str, kind: type[T], default: T | None = None, required: bool = False) -> T:
        if name not in self.data or self.data[name] is None:
            if required:
                raise ConfigError(self.key(name), None, "is required")
            return default  # type: ignore[return-value]
        value = self.data[name]
        # bool is an int in Python; a `true` where a number belongs is a mistake, not 1.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(self.key(name), value, f"must be a {kind.__name__}")
        return value

    def text(self, name: str, pattern: re.Pattern[str] | None = None, rule: str = "",
             required: bool = False, default: str | None = None, max_len: int = 0) -> str | None:
        value = self.get(name, str, default, required)
        if value is not None and value != default:
            if pattern is not None and not pattern.match(value):
                raise ConfigError(self.key(name), value, rule)
            if max_len and len(value) > max_len:
                raise ConfigError(self.key(name), value, f"is longer than {max_len} characters")
        return value

    def strings(self, name: str, check: Callable[[str, str], None] | None = None) -> tuple[str, ...]:
        values = self.get(name, list, [])
        for i, value in enumerate(values):
            key = f"{self.key(name)}[{i}]"
            if not isinstance(value, str):
                raise ConfigError(key, value, "must be a string")
            if check is not None:
                check(key, value)
        duplicates = sorted({v for v in values if values.count(v) > 1})
        if duplicates:
            raise ConfigError(self.key(name), duplicates[0], "is listed twice")
        return tuple(values)

    def items(self, name: str) -> list[tuple[str, object]]:
        values = self.get(name, list, [])
        return [(f"{self.key(name)}[{i}]", v) for i, v in enumerate(values)]


def _matches(pattern: re.Pattern[str], rule: str) -> Callable[[str, str], None]:
    def check(key: str, value: str) -> None:
        if not pattern.match(value):
            raise ConfigError(key, value, rule)
    return check


def _unique(items: Iterable[T], key: str, field: str, scope: Callable[[T], str] = lambda _: "",
            config_key: str = "") -> None:
    """Refuse a second item with the same `field` (within the same `scope`, e.g. the same account)."""
    seen: set[tuple[str, str]] = set()
    for i, item in enumerate(items):
        identity = (scope(item), getattr(item, field))
        if identity in seen:
            raise ConfigError(f"{key}[{i}].{config_key or field}", identity[1], "is defined twice in its account"
                              if scope(item) else "is defined twice")
        seen.add(identity)


def _check_bucket_name(key: str, name: str) -> None:
    """S3's naming rules for general purpose buckets."""
    if (not BUCKET_NAME.match(name) or ".." in name or ".-" in name or "-." in name or IPV4.match(name)
            or name.startswith(("xn--", "sthree-", "amzn-s3-demo-")) or name.endswith(("-s3alias", "--ol-s3"))):
        raise ConfigError(key, name, "is not a valid S3 bucket name (3-63 lowercase letters, digits, dots and "
                                     "hyphens, starting and ending with a letter or digit)")


def _account(key: str, raw: object) -> Account:
    node = _Node(raw, key, ("name", "id", "region", "cliProfile"))
    account_id = node.get("id", str, required=True)
    if not ACCOUNT_ID.match(account_id):
        raise ConfigError(node.key("id"), account_id, "must be a 12-digit AWS account ID (quoted, as a string)")
    return Account(
        name=node.text("name", IAM_NAME, "must be a name of letters, digits and +=,.@_-", required=True),
        id=account_id,
        region=node.text("region", REGION, "is not an AWS region name like us-east-1", required=True),
        cli_profile=node.text("cliProfile", IAM_NAME, "is not an AWS CLI profile name"),
    )


def _bucket(key: str, raw: object, accounts: Mapping[str, Account]) -> Bucket:
    node = _Node(raw, key, ("name", "account", "create"))
    name = node.get("name", str, required=True)
    _check_bucket_name(node.key("name"), name)
    return Bucket(name=name, account=_account_ref(node, "account", accounts), create=node.get("create", bool, False))


def _account_ref(node: _Node, name: str, accounts: Mapping[str, Account]) -> str:
    value = node.get(name, str, required=True)
    if value not in accounts:
        raise ConfigError(node.key(name), value, f"is not a defined account (defined: {', '.join(accounts)})")
    return value


def _grant(key: str, raw: object, role_account: str, buckets: Mapping[str, Bucket]) -> BucketGrant:
    node = _Node(raw, key, ("bucket", "access"))
    bucket = node.get("bucket", str, required=True)
    if bucket not in buckets:
        raise ConfigError(node.key("bucket"), bucket, f"is not a defined bucket (defined: {', '.join(buckets)})")
    if buckets[bucket].account != role_account:
        raise ConfigError(node.key("bucket"), bucket,
                          f"is in account {buckets[bucket].account!r}, not the role's account {role_account!r}")
    access = node.get("access", str, BucketAccess.READ_WRITE.value)
    levels = [a.value for a in BucketAccess]
    if access not in levels:
        raise ConfigError(node.key("access"), access, f"must be one of {', '.join(levels)}")
    return BucketGrant(bucket=bucket, access=BucketAccess(access))


ROLE_KEYS = ("name", "account", "trustedAccounts", "trustedPrincipalArns", "grants", "policyName", "path",
             "description", "requireMfa", "mfaMaxAgeSeconds", "externalIdSecret", "maxSessionDuration",
             "permissionsBoundaryArn", "trustActions", "tags", "groupPolicySuffix")


def _role(key: str, raw: object, accounts: Mapping[str, Account], buckets: Mapping[str, Bucket]) -> Role:
    node = _Node(raw, key, ROLE_KEYS)
    name = node.text("name", IAM_NAME, "is not a valid IAM role name (letters, digits and +=,.@_-)",
                     required=True, max_len=64)
    account = _account_ref(node, "account", accounts)
    own_id = accounts[account].id

    def not_own_account(k: str, value: str) -> None:
        if value == account:
            raise ConfigError(k, value, "is the role's own account: a cross-account trust names another account")
        if value not in accounts:
            raise ConfigError(k, value, f"is not a defined account (defined: {', '.join(accounts)})")

    def principal_arn(k: str, value: str) -> None:
        match = ARN_IAM_PRINCIPAL.match(value)
        if not match:
            raise ConfigError(k, value, "is not an IAM principal ARN (arn:aws:iam::<12 digits>:root|role/..|user/..)")
        if match.group(1) == own_id:
            raise ConfigError(k, value, "is in the role's own account: a cross-account trust names another account")

    trusted_accounts = node.strings("trustedAccounts", not_own_account)
    trusted_arns = node.strings("trustedPrincipalArns", principal_arn)
    if not trusted_accounts and not trusted_arns:
        raise ConfigError(node.key("trustedAccounts"), None, "is empty: name at least one trusted account or ARN")

    require_mfa = node.get("requireMfa", bool, False)
    mfa_age = node.get("mfaMaxAgeSeconds", int)
    if mfa_age is not None and (not require_mfa or not 0 < mfa_age <= 129600):
        raise ConfigError(node.key("mfaMaxAgeSeconds"), mfa_age,
                          "needs requireMfa: true and a value from 1 to 129600 seconds")
    duration = node.get("maxSessionDuration", int, MIN_SESSION)
    if not MIN_SESSION <= duration <= MAX_SESSION:
        raise ConfigError(node.key("maxSessionDuration"), duration,
                          f"must be from {MIN_SESSION} to {MAX_SESSION} seconds")
    trust_actions = node.strings("trustActions", _matches(re.compile("^(" + "|".join(TRUST_ACTIONS) + ")$"),
                                                           f"is not one of {', '.join(TRUST_ACTIONS)}"))
    if trust_actions and "sts:AssumeRole" not in trust_actions:
        raise ConfigError(node.key("trustActions"), list(trust_actions), "must include sts:AssumeRole")
    tags = node.get("tags", dict, {})
    for tag, value in tags.items():
        if not isinstance(tag, str) or not TAG_KEY.match(tag) or not isinstance(value, str):
            raise ConfigError(f"{node.key('tags')}.{tag}", value, "must be a string tag key with a string value")
    grants = tuple(_grant(k, g, account, buckets) for k, g in node.items("grants"))
    if len({g.bucket for g in grants}) != len(grants):
        raise ConfigError(node.key("grants"), [g.bucket for g in grants], "grants a bucket twice")
    return Role(
        name=name,
        account=account,
        trusted_accounts=trusted_accounts,
        trusted_principal_arns=trusted_arns,
        grants=grants,
        policy_name=node.text("policyName", IAM_NAME, "is not a valid IAM policy name", max_len=128,
                              default=f"{name}-bucket-access"),
        path=node.text("path", IAM_PATH, "is not an IAM path (starts and ends with /)", default="/", max_len=512),
        description=node.text("description", default="", max_len=1000),
        require_mfa=require_mfa,
        mfa_max_age_seconds=mfa_age,
        external_id_secret=node.text("externalIdSecret", CONFIG_KEY,
                                     "is not a config key name (the stack secret holding the ExternalId)"),
        max_session_duration=duration,
        permissions_boundary_arn=node.text("permissionsBoundaryArn", ARN_IAM_POLICY, "is not an IAM policy ARN"),
        trust_actions=trust_actions or ("sts:AssumeRole",),
        tags=tuple(sorted(tags.items())),
        group_policy_suffix=node.text("groupPolicySuffix", IAM_NAME, "is not valid in an IAM policy name",
                                      default=f"{name}-in-{account}", max_len=100),
    )


GROUP_KEYS = ("name", "account", "canAssume", "denyAssume", "members", "managedPolicyArns", "create",
              "createMembers")


def _group(key: str, raw: object, accounts: Mapping[str, Account], roles: Mapping[str, Role]) -> Group:
    node = _Node(raw, key, GROUP_KEYS)
    name = node.text("name", IAM_NAME, "is not a valid IAM group name", required=True, max_len=128)
    account = _account_ref(node, "account", accounts)

    def defined_role(k: str, value: str) -> None:
        if value not in roles:
            raise ConfigError(k, value, f"is not a defined role (defined: {', '.join(roles)})")

    can_assume = node.strings("canAssume", defined_role)
    denied = node.strings("denyAssume", defined_role)
    both = sorted(set(can_assume) & set(denied))
    if both:
        raise ConfigError(node.key("denyAssume"), both[0], "is both granted (canAssume) and denied to this group")
    for i, role_name in enumerate(can_assume):
        role = roles[role_name]
        if account not in role.trusted_accounts:
            raise ConfigError(f"{node.key('canAssume')}[{i}]", role_name,
                              f"does not trust account {account!r} (trustedAccounts: {list(role.trusted_accounts)})")
    return Group(
        name=name,
        account=account,
        can_assume=can_assume,
        denied=denied,
        members=node.strings("members", _matches(IAM_NAME, "is not a valid IAM user name")),
        managed_policy_arns=node.strings("managedPolicyArns", _matches(ARN_IAM_POLICY, "is not an IAM policy ARN")),
        create=node.get("create", bool, False),
        create_members=node.get("createMembers", bool, False),
    )


def parse_model(raw: object) -> AccessModel:
    """Validate the raw access model (as loaded from YAML) into an `AccessModel`, or raise `ConfigError`."""
    top = _Node(raw, "", ("accounts", "buckets", "roles", "groups"))
    accounts = [_account(k, a) for k, a in top.items("accounts")]
    if not accounts:
        raise ConfigError("accounts", None, "is empty: define at least the trusting and the trusted account")
    _unique(accounts, "accounts", "name")
    _unique(accounts, "accounts", "id")
    by_account = {a.name: a for a in accounts}
    buckets = [_bucket(k, b, by_account) for k, b in top.items("buckets")]
    _unique(buckets, "buckets", "name")
    by_bucket = {b.name: b for b in buckets}
    roles = [_role(k, r, by_account, by_bucket) for k, r in top.items("roles")]
    _unique(roles, "roles", "name", lambda r: r.account)
    _unique(roles, "roles", "policy_name", lambda r: r.account, "policyName")
    by_role = {r.name: r for r in roles}
    groups = [_group(k, g, by_account, by_role) for k, g in top.items("groups")]
    _unique(groups, "groups", "name", lambda g: g.account)
    return AccessModel(accounts=tuple(accounts), roles=tuple(roles), groups=tuple(groups), buckets=tuple(buckets))


STACK_KEYS = ("account", "model", "profile", "assumeRoleArn")
FORBIDDEN_KEYS = ("aws:accessKey", "aws:secretKey", "aws:token")
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")


def parse_stack_settings(config: Mapping[str, Any], model: AccessModel) -> StackSettings:
    """Validate a stack's own config (`cross-account-access:*` keys, as the CLI hands them to the program).

    ExternalIds are stack secrets named by the roles' `externalIdSecret`; they are required in every stack
    that deploys the role or signs in to it, and never echoed in an error.
    """
    for forbidden in FORBIDDEN_KEYS:
        if forbidden in config:
            raise ConfigError(forbidden, "[redacted]", "must not be in config: use a named profile or a role to assume")
    prefix = f"{PROJECT}:"
    own = {k[len(prefix):]: v for k, v in config.items() if k.startswith(prefix)}
    secret_keys = {r.external_id_secret for r in model.roles if r.external_id_secret}
    node = _Node(own, PROJECT, STACK_KEYS + tuple(sorted(secret_keys)), sep=":")
    account = _account_ref(node, "account", {a.name: a for a in model.accounts})
    external_ids: dict[str, str] = {}
    for role in model.roles_in_scope(account):
        if role.external_id_secret:
            value = node.get(role.external_id_secret, str, required=True)
            if not EXTERNAL_ID.match(value):
                raise ConfigError(node.key(role.external_id_secret), "[secret]",
                                  "must be 2-1224 characters of letters, digits and +=,.@:/_-")
            external_ids[role.name] = value
    return StackSettings(
        account=account,
        profile=node.get("profile", str),
        assume_role_arn=node.text("assumeRoleArn", ARN_IAM_PRINCIPAL, "is not an IAM role ARN"),
        external_ids=tuple(sorted(external_ids.items())),
    )


def load_stack(config: Mapping[str, Any], project_dir: Path) -> tuple[AccessModel, StackSettings]:
    """Read and validate everything a stack needs, from its config (as the CLI passes it) and the model file.

    The model file is shared by every stack; the stack config only says which account it deploys, with
    which credentials, and holds the stacks' secrets.
    """
    disabled = config.get("pulumi:disable-default-providers", "[]")
    disabled_list = json.loads(disabled) if isinstance(disabled, str) else disabled
    if not {"aws", "*"} & set(disabled_list or []):
        raise ConfigError("pulumi:disable-default-providers", disabled,
                          "must list aws, so no resource can use the shell's ambient AWS account")
    relative = config.get(f"{PROJECT}:model", DEFAULT_MODEL_PATH)
    path = project_dir / str(relative)
    try:
        raw = yaml.load(path.read_text(), Loader=SAFE_LOADER)
    except OSError as error:
        raise ConfigError(f"{PROJECT}:model", relative, f"cannot be read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{PROJECT}:model", relative, f"is not valid YAML: {error}") from error
    model = parse_model(raw)
    return model, parse_stack_settings(config, model)
