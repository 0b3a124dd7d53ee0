"""Parse and validate the access model and a stack's settings, before any resource is registered.

Every problem is a `ConfigError` naming the key (as a path, e.g. `roles[0].maxSessionDuration`) and the
value, so a typo in a pull request reads as one clear line instead of a half-applied deployment.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from access.bounds import shown
from access.errors import ConfigError
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
from access.model_file import MAX_MODEL_BYTES, ModelLocationError, locate_model
from access.yaml_source import YamlSourceError, load_yaml_file

T = TypeVar("T")


def _pattern(expression: str) -> re.Pattern[str]:
    """Patterns are matched whole (`fullmatch`) and ASCII only: `\\d` is not an Arabic-Indic or fullwidth digit,
    and no pattern lets a trailing newline through, as `$` would."""
    return re.compile(expression, re.ASCII)


ACCOUNT_ID = _pattern(r"\d{12}")
REGION = _pattern(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d")
# IAM names: role/user 64, group/policy 128 characters of [A-Za-z0-9+=,.@_-].
IAM_NAME = _pattern(r"[\w+=,.@-]+")
IAM_PATH = _pattern(r"/([!-~]*/)?")
PARTITION = r"arn:aws(-[a-z]+)*"
NAME_IN_ARN = r"([!-~]*/)?[\w+=,.@-]{1,128}"  # an optional path, then the name
ARN_IAM_PRINCIPAL = _pattern(rf"{PARTITION}:iam::(?P<account>\d{{12}}):(root|(role|user)/{NAME_IN_ARN})")
ARN_IAM_ROLE = _pattern(rf"{PARTITION}:iam::(\d{{12}}):role/{NAME_IN_ARN}")
ARN_IAM_USER_OR_ROLE = _pattern(rf"{PARTITION}:iam::(\d{{12}}):(role|user)/{NAME_IN_ARN}")
ARN_IAM_POLICY = _pattern(rf"{PARTITION}:iam::(\d{{12}}|aws):policy/{NAME_IN_ARN}")
# Wildcards (and policy variables) in a path or an ARN: a trust or a group policy would name more than one role.
WILDCARDS = ("*", "?", "${")
BUCKET_NAME = _pattern(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
IPV4 = _pattern(r"\d+\.\d+\.\d+\.\d+")
# S3's reserved prefixes and suffixes (general purpose bucket naming rules).
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
CONFIG_KEY = _pattern(r"[A-Za-z][\w-]*")
# AWS CLI profile names as they appear in ~/.aws/config and in the sign-in outputs (and a Markdown code fence).
PROFILE = _pattern(r"[\w+=,.@-]{1,64}")
PROFILE_RULE = "is not an AWS CLI profile name (at most 64 letters, digits and +=,.@_-)"
# Tags: AWS allows letters of any script, digits, spaces and _.:/=+-@ (keys 128, values 256 characters).
TAG_KEY = re.compile(r"[\w .:/=+\-@]{1,128}")
TAG_VALUE = re.compile(r"[\w .:/=+\-@]{0,256}")
# IAM role descriptions: tab, newline, carriage return, printable ASCII and Latin-1, at most 1000 characters.
DESCRIPTION = re.compile(r"[\t\n\r\x20-\x7e\xa1-\xff]{0,1000}")

TRUST_ACTIONS = ("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity")
MIN_SESSION, MAX_SESSION = 3600, 43200
GROUP_POLICY_PREFIX = "allow-assume-"  # the longer of the two, so a suffix that fits it fits deny-assume- too
MAX_POLICY_NAME = 128
PROJECT = "cross-account-access"
MODEL_KEY = f"{PROJECT}:model"
DISABLE_DEFAULT_PROVIDERS = "pulumi:disable-default-providers"
DEFAULT_MODEL_PATH = "access-model.yaml"
LISTED = 20  # names listed in a message ("defined: ..."), so a model of a thousand roles gives a short line


def _listing(names: Iterable[str]) -> str:
    """Up to `LISTED` names, then how many there are in all."""
    names = list(names)
    shown_names = ", ".join(names[:LISTED])
    return shown_names if len(names) <= LISTED else f"{shown_names}, ... ({len(names)} in all)"


class _Node:
    """A mapping from the config with the path that led to it, so every error can name its key."""

    def __init__(self, data: object, path: str, allowed: Iterable[str], sep: str = ".") -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(path or "the model", data, "must be a mapping")
        self.data = data
        self.path = path
        self.sep = sep
        known = set(allowed)
        unknown = [key for key in data if key not in known]
        if unknown:
            # The key is the mistake, named (bounded, escaped unless it is a plain short name); its value is not
            # shown: it may be anything, a secret included.
            name = unknown[0]
            plain = isinstance(name, str) and len(name) <= 64 and name.isprintable() and name.isascii()
            raise ConfigError(self.key(name if plain else shown(name)), None,
                              f"is not a known key (known: {_listing(allowed)})", show=False)

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
            if pattern is not None and not pattern.fullmatch(value):
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
        duplicates = sorted(v for v, count in Counter(values).items() if count > 1)
        if duplicates:
            raise ConfigError(self.key(name), duplicates[0], "is listed twice")
        return tuple(values)

    def items(self, name: str) -> list[tuple[str, object]]:
        values = self.get(name, list, [])
        return [(f"{self.key(name)}[{i}]", v) for i, v in enumerate(values)]


def _matches(pattern: re.Pattern[str], rule: str) -> Callable[[str, str], None]:
    def check(key: str, value: str) -> None:
        if not pattern.fullmatch(value):
            raise ConfigError(key, value, rule)
    return check


def _exact_arn(pattern: re.Pattern[str], rule: str) -> Callable[[str, str], None]:
    """An ARN check that names wildcards on their own: IAM would read them as matching many principals."""
    def check(key: str, value: str) -> None:
        if any(w in value for w in WILDCARDS):
            raise ConfigError(key, value, "must not contain *, ? or ${: it must name exactly one principal or policy")
        _matches(pattern, rule)(key, value)
    return check


_policy_arn = _exact_arn(ARN_IAM_POLICY, "is not an IAM policy ARN")


def _unique(items: Iterable[T], key: str, field: str, scope: Callable[[T], str] = lambda _: "",
            config_key: str = "", why: str = "") -> None:
    """Refuse a second item with the same `field` (within the same `scope`, e.g. the same account)."""
    seen: set[tuple[str, Any]] = set()
    for i, item in enumerate(items):
        identity = (scope(item), getattr(item, field))
        if identity in seen:
            where = " in its account" if scope(item) else ""
            raise ConfigError(f"{key}[{i}].{config_key or field}", identity[1], f"is defined twice{where}{why}")
        seen.add(identity)


def _check_bucket_name(key: str, name: str) -> None:
    """S3's naming rules for general purpose buckets, reserved prefixes and suffixes included."""
    if (not BUCKET_NAME.fullmatch(name) or ".." in name or ".-" in name or "-." in name
            or IPV4.fullmatch(name)):
        raise ConfigError(key, name, "is not a valid S3 bucket name (3-63 lowercase letters, digits, dots and "
                                     "hyphens, starting and ending with a letter or digit)")
    reserved = [p for p in BUCKET_RESERVED_PREFIXES if name.startswith(p)]
    reserved += [s for s in BUCKET_RESERVED_SUFFIXES if name.endswith(s)]
    if reserved:
        raise ConfigError(key, name, f"uses {reserved[0]!r}, which S3 reserves (prefixes "
                                     f"{', '.join(BUCKET_RESERVED_PREFIXES)}; suffixes "
                                     f"{', '.join(BUCKET_RESERVED_SUFFIXES)})")


def _account(key: str, raw: object) -> Account:
    node = _Node(raw, key, ("name", "id", "region", "cliProfile"))
    account_id = node.get("id", str, required=True)
    if not ACCOUNT_ID.fullmatch(account_id):
        raise ConfigError(node.key("id"), account_id, "must be a 12-digit AWS account ID (quoted, as a string)")
    return Account(
        name=node.text("name", IAM_NAME, "must be a name of letters, digits and +=,.@_-", required=True),
        id=account_id,
        region=node.text("region", REGION, "is not an AWS region name like us-east-1", required=True),
        cli_profile=node.text("cliProfile", PROFILE, PROFILE_RULE),
    )


def _bucket(key: str, raw: object, accounts: Mapping[str, Account]) -> Bucket:
    node = _Node(raw, key, ("name", "account", "create"))
    name = node.get("name", str, required=True)
    _check_bucket_name(node.key("name"), name)
    return Bucket(name=name, account=_account_ref(node, "account", accounts), create=node.get("create", bool, False))


def _account_ref(node: _Node, name: str, accounts: Mapping[str, Account]) -> str:
    value = node.get(name, str, required=True)
    if value not in accounts:
        raise ConfigError(node.key(name), value, f"is not a defined account (defined: {_listing(accounts)})")
    return value


def _grant(key: str, raw: object, role_account: str, buckets: Mapping[str, Bucket]) -> BucketGrant:
    node = _Node(raw, key, ("bucket", "access"))
    bucket = node.get("bucket", str, required=True)
    if bucket not in buckets:
        raise ConfigError(node.key("bucket"), bucket, f"is not a defined bucket (defined: {_listing(buckets)})")
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
            raise ConfigError(k, value, f"is not a defined account (defined: {_listing(accounts)})")

    def principal_arn(k: str, value: str) -> None:
        _exact_arn(ARN_IAM_PRINCIPAL, "is not an IAM principal ARN (arn:aws:iam::<12 digits>:root|role/..|user/..)")(
            k, value)
        if ARN_IAM_PRINCIPAL.fullmatch(value).group("account") == own_id:  # type: ignore[union-attr]
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
    trust_actions = node.strings("trustActions", _matches(_pattern("|".join(map(re.escape, TRUST_ACTIONS))),
                                                           f"is not one of {', '.join(TRUST_ACTIONS)}"))
    if trust_actions and "sts:AssumeRole" not in trust_actions:
        raise ConfigError(node.key("trustActions"), list(trust_actions), "must include sts:AssumeRole")
    tags = node.get("tags", dict, {})
    for tag, value in tags.items():
        if (not isinstance(tag, str) or not TAG_KEY.fullmatch(tag) or tag.lower().startswith("aws:")
                or not isinstance(value, str) or not TAG_VALUE.fullmatch(value)):
            raise ConfigError(f"{node.key('tags')}.{shown(tag)}", value,
                              "must be a tag key (1-128 letters, digits, spaces and _.:/=+-@, not aws:...) with a "
                              "string value (at most 256 of the same characters)")
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
        path=_role_path(node),
        description=node.text("description", DESCRIPTION, "must be at most 1000 characters of printable ASCII, "
                              "Latin-1, tabs and newlines (IAM's rule)", default=""),
        require_mfa=require_mfa,
        mfa_max_age_seconds=mfa_age,
        external_id_secret=node.text("externalIdSecret", CONFIG_KEY,
                                     "is not a config key name (the stack secret holding the ExternalId)"),
        max_session_duration=duration,
        permissions_boundary_arn=_optional(node, "permissionsBoundaryArn", _policy_arn),
        trust_actions=trust_actions or ("sts:AssumeRole",),
        tags=tuple(sorted(tags.items())),
        group_policy_suffix=_group_policy_suffix(node, name, account),
    )


def _optional(node: _Node, name: str, check: Callable[[str, str], None]) -> str | None:
    """An optional string, checked by `check` when present."""
    value = node.get(name, str)
    if value is not None:
        check(node.key(name), value)
    return value


def _role_path(node: _Node) -> str:
    """IAM's path rule, minus the characters that would make the role's ARN in the group policies match more
    than this role: `*` and `?` are wildcards in a policy's Resource, `${...}` a policy variable."""
    path = node.text("path", IAM_PATH, "is not an IAM path (printable ASCII, starting and ending with /)",
                     default="/", max_len=512)
    if any(w in path for w in WILDCARDS):  # type: ignore[operator]
        raise ConfigError(node.key("path"), path, "must not contain *, ? or ${: the group policies name the role by "
                                                  "its ARN, where they would match other roles too")
    return path  # type: ignore[return-value]


def _group_policy_suffix(node: _Node, name: str, account: str) -> str:
    """The suffix of the group policy names, which must fit IAM's 128-character policy names."""
    suffix = node.text("groupPolicySuffix", IAM_NAME, "is not valid in an IAM policy name",
                       default=f"{name}-in-{account}")
    limit = MAX_POLICY_NAME - len(GROUP_POLICY_PREFIX)
    if len(suffix) > limit:  # type: ignore[arg-type]
        raise ConfigError(node.key("groupPolicySuffix"), suffix, f"is longer than {limit} characters, so "
                          f"{GROUP_POLICY_PREFIX}<suffix> would not fit IAM's {MAX_POLICY_NAME} (the default is "
                          "<role>-in-<account>: set a shorter groupPolicySuffix)")
    return suffix  # type: ignore[return-value]


GROUP_KEYS = ("name", "account", "canAssume", "denyAssume", "members", "managedPolicyArns", "create",
              "createMembers")


def _group(key: str, raw: object, accounts: Mapping[str, Account], roles: Mapping[str, Role]) -> Group:
    node = _Node(raw, key, GROUP_KEYS)
    name = node.text("name", IAM_NAME, "is not a valid IAM group name", required=True, max_len=128)
    account = _account_ref(node, "account", accounts)

    def defined_role(k: str, value: str) -> None:
        if value not in roles:
            raise ConfigError(k, value, f"is not a defined role (defined: {_listing(roles)})")

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
        managed_policy_arns=node.strings("managedPolicyArns", _policy_arn),
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
    # Groups name roles without their account (canAssume: [UpdateApp]), and the trusted side derives each
    # role's ARN from its name: a name in two accounts would be one role here and the other there.
    _unique(roles, "roles", "name", why=" (role names are unique across the model: groups name roles without "
                                        "their account)")
    _unique(roles, "roles", "policy_name", lambda r: r.account, "policyName")
    # A group holding two roles with one suffix would get two policies of one name: the second replaces the first.
    _unique(roles, "roles", "group_policy_suffix", config_key="groupPolicySuffix",
            why=" (a group's allow-assume-/deny-assume-<suffix> policies would collide)")
    by_role = {r.name: r for r in roles}
    groups = [_group(k, g, by_account, by_role) for k, g in top.items("groups")]
    _unique(groups, "groups", "name", lambda g: g.account)
    return AccessModel(accounts=tuple(accounts), roles=tuple(roles), groups=tuple(groups), buckets=tuple(buckets))


STACK_KEYS = ("account", "model", "profile", "assumeRoleArn", "auditorPrincipalArn")
FORBIDDEN_KEYS = ("aws:accessKey", "aws:secretKey", "aws:token")
EXTERNAL_ID = _pattern(r"[\w+=,.@:/-]{2,1224}")


def _refuse_secrets(config: Mapping[str, Any], keys: Iterable[str], secret_keys: Collection[str]) -> None:
    """A secret where a name, a path or an ARN belongs is refused rather than used: its value would end up in
    plain text (outputs, resource names, the provider's inputs, the preview), which a secret must never do."""
    for key in keys:
        if key in config and key in secret_keys:
            raise ConfigError(key, None, "must not be a secret: it is shown in outputs, resource names and the "
                                         "preview; set it with `pulumi config set` (without --secret)", secret=True)


def parse_stack_settings(config: Mapping[str, Any], model: AccessModel,
                         secret_keys: Collection[str] = ()) -> StackSettings:
    """Validate a stack's own config (`cross-account-access:*` keys, as the CLI hands them to the program).

    `secret_keys` are the config keys Pulumi holds as secrets. ExternalIds are stack secrets named by the roles'
    `externalIdSecret`: required in every stack that deploys the role or signs in to it, refused unless secret,
    and never echoed; no other key may be a secret. An unknown key is named without its value.
    """
    for forbidden in FORBIDDEN_KEYS:
        if forbidden in config:
            raise ConfigError(forbidden, None, "must not be in config: use a named profile or a role to assume",
                              secret=True)
    prefix = f"{PROJECT}:"
    own = {k[len(prefix):]: v for k, v in config.items() if k.startswith(prefix)}
    external_id_keys = sorted({r.external_id_secret for r in model.roles if r.external_id_secret})
    node = _Node(own, PROJECT, STACK_KEYS + tuple(external_id_keys), sep=":")
    _refuse_secrets(config, (node.key(k) for k in STACK_KEYS), secret_keys)
    account = _account_ref(node, "account", {a.name: a for a in model.accounts})
    external_ids: dict[str, str] = {}
    for role in model.roles_in_scope(account):
        if role.external_id_secret:
            key = node.key(role.external_id_secret)
            value = node.get(role.external_id_secret, str, required=True)
            if key not in secret_keys:
                raise ConfigError(key, None, "must be set with `pulumi config set --secret`: an ExternalId is a "
                                             "secret", secret=True)
            if not EXTERNAL_ID.fullmatch(value):
                raise ConfigError(key, None, "must be 2-1224 characters of letters, digits and +=,.@:/_-",
                                  secret=True)
            external_ids[role.name] = value
    return StackSettings(
        account=account,
        profile=node.text("profile", PROFILE, PROFILE_RULE),
        assume_role_arn=_optional(node, "assumeRoleArn", _exact_arn(
            ARN_IAM_ROLE, "is not an IAM role ARN (arn:aws:iam::<12 digits>:role/<name>)")),
        auditor_principal_arn=_optional(node, "auditorPrincipalArn", _exact_arn(
            ARN_IAM_USER_OR_ROLE, "is not an IAM role or user ARN (arn:aws:iam::<12 digits>:role/<name>)")),
        external_ids=tuple(sorted(external_ids.items())),
    )


def _check_default_providers(config: Mapping[str, Any], secret_keys: Collection[str]) -> None:
    """`pulumi:disable-default-providers` as the engine reads it: a list (the CLI passes it JSON-encoded)
    naming aws or *; anything else (a map such as {aws: true}, a bare string) would not disable the provider."""
    _refuse_secrets(config, (DISABLE_DEFAULT_PROVIDERS,), secret_keys)
    value = config.get(DISABLE_DEFAULT_PROVIDERS)
    rule = "must be a list naming aws (or *), e.g. `pulumi:disable-default-providers: [aws]` in Pulumi.yaml, " \
           "so no resource can use the shell's ambient AWS account"
    try:
        providers = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError:
        raise ConfigError(DISABLE_DEFAULT_PROVIDERS, value, rule) from None
    if (not isinstance(providers, list) or not all(isinstance(p, str) for p in providers)
            or not {"aws", "*"} & set(providers)):
        raise ConfigError(DISABLE_DEFAULT_PROVIDERS, value, rule)


def read_model_file(config: Mapping[str, Any], project_dir: Path, secret_keys: Collection[str] = ()) -> object:
    """The raw model from the file `cross-account-access:model` names (see `access.model_file` for where it
    may be); its content is never part of an error, which gives a line and column instead."""
    _refuse_secrets(config, (MODEL_KEY,), secret_keys)
    value = config.get(MODEL_KEY, DEFAULT_MODEL_PATH)
    if not isinstance(value, str):
        raise ConfigError(MODEL_KEY, value, "must be a path (a string)")
    try:
        raw = load_yaml_file(locate_model(value, project_dir), MAX_MODEL_BYTES)
    except ModelLocationError as error:
        raise ConfigError(MODEL_KEY, value, str(error)) from None
    except YamlSourceError as error:
        raise ConfigError(MODEL_KEY, value, f"is not a usable model file: {error}") from None
    if not isinstance(raw, Mapping):
        raise ConfigError(MODEL_KEY, value, f"holds a {type(raw).__name__}, not the model's mapping of accounts, "
                                            "buckets, roles and groups")
    return raw


def load_stack(config: Mapping[str, Any], project_dir: Path,
               secret_keys: Collection[str] = ()) -> tuple[AccessModel, StackSettings]:
    """Read and validate everything a stack needs, from its config (as the CLI passes it: a flat map of
    namespaced keys to strings, and the keys that are secrets) and the model file.

    The model file is shared by every stack; the stack config only says which account it deploys, with
    which credentials, and holds the stacks' secrets.
    """
    _check_default_providers(config, secret_keys)
    model = parse_model(read_model_file(config, project_dir, secret_keys))
    return model, parse_stack_settings(config, model, secret_keys)
