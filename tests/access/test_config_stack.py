"""A stack's own config: account and credentials validated, secrets required where they belong, refused
elsewhere, and never shown; `pulumi:disable-default-providers` read as the engine reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from access.config import ConfigError, load_stack, parse_model, parse_stack_settings
from access.errors import SECRET
from access.model import AccessModel, Account

PROJECT_DIR = Path(__file__).resolve().parents[2]
NS = "cross-account-access"
STACK = {f"{NS}:account": "production", f"{NS}:profile": "production-admin"}
PROVIDERS = {"pulumi:disable-default-providers": '["aws"]'}
SECRET_VALUE = "s3cr3t-value-never-shown"


def refused(config: dict[str, Any], model: AccessModel, secret_keys: tuple[str, ...] = ()) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_stack_settings(config, model, secret_keys)
    return caught.value


def test_stack_settings_read_account_and_credentials(tutorial: AccessModel) -> None:
    settings = parse_stack_settings(STACK, tutorial)
    assert (settings.account, settings.profile, settings.assume_role_arn) == ("production", "production-admin", None)
    assert settings.auditor_principal_arn is None


def test_role_arns_to_assume_and_audit_with_are_read(tutorial: AccessModel) -> None:
    settings = parse_stack_settings({**STACK, f"{NS}:assumeRoleArn": "arn:aws:iam::999999999999:role/ci/Deploy",
                                     f"{NS}:auditorPrincipalArn": "arn:aws:iam::999999999999:user/Auditor"}, tutorial)
    assert settings.assume_role_arn == "arn:aws:iam::999999999999:role/ci/Deploy"
    assert settings.auditor_principal_arn == "arn:aws:iam::999999999999:user/Auditor"


@pytest.mark.parametrize(("config", "key", "value"), [
    ({**STACK, f"{NS}:account": "prod"}, f"{NS}:account", "prod"),
    ({**STACK, f"{NS}:account": "production\n"}, f"{NS}:account", "production\n"),
    ({**STACK, f"{NS}:profil": "x"}, f"{NS}:profil", None),
    ({**STACK, "aws:accessKey": "AKIA..."}, "aws:accessKey", SECRET),
    ({**STACK, f"{NS}:assumeRoleArn": "admin"}, f"{NS}:assumeRoleArn", "admin"),
    ({**STACK, f"{NS}:assumeRoleArn": "arn:aws:iam::999999999999:user/admin"}, f"{NS}:assumeRoleArn",
     "arn:aws:iam::999999999999:user/admin"),
    ({**STACK, f"{NS}:assumeRoleArn": "arn:aws:iam::999999999999:role/*"}, f"{NS}:assumeRoleArn",
     "arn:aws:iam::999999999999:role/*"),
    ({**STACK, f"{NS}:assumeRoleArn": "arn:aws:iam::999999999999:role/Deploy\n"}, f"{NS}:assumeRoleArn",
     "arn:aws:iam::999999999999:role/Deploy\n"),
    ({**STACK, f"{NS}:auditorPrincipalArn": "arn:aws:iam::999999999999:role/Audit?"}, f"{NS}:auditorPrincipalArn",
     "arn:aws:iam::999999999999:role/Audit?"),
    ({**STACK, f"{NS}:auditorPrincipalArn": "arn:aws:iam::999999999999:root"}, f"{NS}:auditorPrincipalArn",
     "arn:aws:iam::999999999999:root"),
    ({**STACK, f"{NS}:profile": "admin\x1b[2J"}, f"{NS}:profile", "admin\x1b[2J"),
    ({**STACK, f"{NS}:profile": "admin\n```"}, f"{NS}:profile", "admin\n```"),
    ({**STACK, f"{NS}:profile": "p" * 65}, f"{NS}:profile", "p" * 65),
    ({f"{NS}:profile": "p"}, f"{NS}:account", None),
], ids=["undefined account", "account and newline", "typo", "access key in config", "bad role ARN",
        "user ARN to assume", "wildcard role ARN", "role ARN and newline", "wildcard auditor", "root auditor",
        "profile with an escape", "profile breaking a fence", "profile too long", "no account"])
def test_invalid_stack_settings_are_refused(tutorial: AccessModel, config: dict[str, str], key: str,
                                            value: object) -> None:
    error = refused(config, tutorial)
    assert (error.key, error.value) == (key, value)
    assert "\n" not in str(error) and "\x1b" not in str(error)


@pytest.fixture
def with_external_id(raw: dict[str, Any]) -> AccessModel:
    raw["roles"][0]["externalIdSecret"] = "updateAppExternalId"
    return parse_model(raw)


EXTERNAL_ID_KEY = f"{NS}:updateAppExternalId"


def test_external_id_is_required_in_each_stack_of_the_role(with_external_id: AccessModel) -> None:
    assert refused(STACK, with_external_id).key == EXTERNAL_ID_KEY
    dev = {f"{NS}:account": "development", EXTERNAL_ID_KEY: "Ex-42"}
    assert parse_stack_settings(dev, with_external_id, (EXTERNAL_ID_KEY,)).external_id("UpdateApp") == "Ex-42"


def test_external_id_given_as_plain_config_is_refused_unshown(with_external_id: AccessModel) -> None:
    error = refused({**STACK, EXTERNAL_ID_KEY: SECRET_VALUE}, with_external_id)
    assert error.key == EXTERNAL_ID_KEY and error.value == SECRET
    assert "pulumi config set --secret" in str(error) and SECRET_VALUE not in str(error)


def test_malformed_external_id_is_refused_unshown(with_external_id: AccessModel) -> None:
    error = refused({**STACK, EXTERNAL_ID_KEY: "bad id!"}, with_external_id, (EXTERNAL_ID_KEY,))
    assert error.value == SECRET and "bad id!" not in str(error)


@pytest.mark.parametrize("key", ["account", "profile", "assumeRoleArn", "auditorPrincipalArn", "acount", "profil"])
def test_a_secret_is_never_shown_where_a_name_belongs_or_under_an_unknown_key(tutorial: AccessModel,
                                                                             key: str) -> None:
    error = refused({**STACK, f"{NS}:{key}": SECRET_VALUE}, tutorial, (f"{NS}:{key}",))
    assert error.key == f"{NS}:{key}"
    assert SECRET_VALUE not in str(error) and SECRET_VALUE not in repr(error.value)


def test_a_valid_secret_where_a_name_belongs_is_refused_not_declassified(tutorial: AccessModel) -> None:
    error = refused(STACK, tutorial, (f"{NS}:profile",))
    assert "must not be a secret" in str(error) and "production-admin" not in str(error)


def test_values_in_messages_are_bounded(tutorial: AccessModel) -> None:
    error = refused({**STACK, f"{NS}:assumeRoleArn": "a" * 50_000_000}, tutorial)
    assert len(str(error)) < 300


def test_a_long_list_of_defined_names_is_cut() -> None:
    many = AccessModel(accounts=tuple(Account(f"a{i}", f"{i:012d}", "us-east-1") for i in range(1000)), roles=(),
                       groups=())
    error = refused({f"{NS}:account": "nope"}, many)
    assert "(1000 in all)" in str(error) and len(str(error)) < 400


def copy_model(directory: Path) -> Path:
    (directory / "access-model.yaml").write_text((PROJECT_DIR / "access-model.yaml").read_text())
    return directory


@pytest.mark.parametrize("value", ['["aws"]', '["*"]', '["kubernetes", "aws"]', ["aws"]])
def test_default_providers_disabled_as_a_list_naming_aws(tmp_path: Path, value: object) -> None:
    model, settings = load_stack({**STACK, "pulumi:disable-default-providers": value}, copy_model(tmp_path))
    assert settings.account == "production" and model.role("UpdateApp")


@pytest.mark.parametrize("value", [None, "[]", '["kubernetes"]', json.dumps({"aws": True}), "aws", "[aws",
                                   '[["aws"]]', {"aws": True}])
def test_default_providers_not_disabled_as_the_engine_reads_it_is_refused(tmp_path: Path, value: object) -> None:
    config = {**STACK} if value is None else {**STACK, "pulumi:disable-default-providers": value}
    with pytest.raises(ConfigError) as caught:
        load_stack(config, copy_model(tmp_path))
    assert caught.value.key == "pulumi:disable-default-providers"


def test_load_stack_passes_secret_keys_on(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["roles"][0]["externalIdSecret"] = "updateAppExternalId"
    (tmp_path / "access-model.yaml").write_text(json.dumps(raw))
    config = {**STACK, **PROVIDERS, EXTERNAL_ID_KEY: "Ex-42"}
    with pytest.raises(ConfigError, match="--secret"):
        load_stack(config, tmp_path)
    assert load_stack(config, tmp_path, {EXTERNAL_ID_KEY})[1].external_id("UpdateApp") == "Ex-42"


def test_a_secret_model_path_is_refused_unshown(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_stack({**STACK, **PROVIDERS, f"{NS}:model": SECRET_VALUE}, copy_model(tmp_path), {f"{NS}:model"})
    assert caught.value.key == f"{NS}:model" and SECRET_VALUE not in str(caught.value)
