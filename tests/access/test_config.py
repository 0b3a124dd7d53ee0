"""The access model's validation: the tutorial parses, and each kind of mistake is refused by key and value."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from access.config import ConfigError, load_stack, parse_model, parse_stack_settings
from access.model import AccessModel, BucketAccess

Raw = dict[str, Any]


def test_tutorial_model_reads_as_the_tutorial(tutorial: AccessModel) -> None:
    role = tutorial.role("UpdateApp")
    assert tutorial.account(role.account).id == "999999999999"
    assert tutorial.trusted_principals(role) == ("arn:aws:iam::111111111111:root",)
    assert tutorial.role_arn(role) == "arn:aws:iam::999999999999:role/UpdateApp"
    assert role.policy_name == "read-write-app-bucket"
    assert [(g.bucket, g.access) for g in role.grants] == [("productionapp", BucketAccess.READ_WRITE)]
    groups = {g.name: g for g in tutorial.groups}
    assert groups["Developers"].can_assume == ("UpdateApp",) and groups["Developers"].members == ("David",)
    assert groups["Testers"].denied == ("UpdateApp",) and groups["Testers"].members == ("Theresa",)
    assert role.max_session_duration == 3600 and not role.require_mfa and role.external_id_secret is None


def role(raw: Raw) -> Raw:
    return raw["roles"][0]


def group(raw: Raw, index: int) -> Raw:
    return raw["groups"][index]


# (mutation, key the error must name, value it must show)
INVALID: list[tuple[str, Callable[[Raw], None], str, object]] = [
    ("account id of 11 digits", lambda r: r["accounts"][0].update(id="99999999999"), "accounts[0].id", "99999999999"),
    ("account id as a number", lambda r: r["accounts"][1].update(id=111111111111), "accounts[1].id", 111111111111),
    ("unknown region", lambda r: r["accounts"][0].update(region="moon-1"), "accounts[0].region", "moon-1"),
    ("duplicate account id", lambda r: r["accounts"][1].update(id="999999999999"), "accounts[1].id",
     "999999999999"),
    ("role name with a space", lambda r: role(r).update(name="Update App"), "roles[0].name", "Update App"),
    ("role name too long", lambda r: role(r).update(name="R" * 65), "roles[0].name", "R" * 65),
    ("role path without trailing slash", lambda r: role(r).update(path="/apps"), "roles[0].path", "/apps"),
    ("bucket name with capitals", lambda r: r["buckets"][0].update(name="ProductionApp"), "buckets[0].name",
     "ProductionApp"),
    ("bucket name like an IP", lambda r: r["buckets"][0].update(name="192.168.5.4"), "buckets[0].name",
     "192.168.5.4"),
    ("session too short", lambda r: role(r).update(maxSessionDuration=900), "roles[0].maxSessionDuration", 900),
    ("session too long", lambda r: role(r).update(maxSessionDuration=43201), "roles[0].maxSessionDuration", 43201),
    ("session as boolean", lambda r: role(r).update(maxSessionDuration=True), "roles[0].maxSessionDuration", True),
    ("granted and denied", lambda r: group(r, 0).update(denyAssume=["UpdateApp"]), "groups[0].denyAssume",
     "UpdateApp"),
    ("group names undefined role", lambda r: group(r, 0).update(canAssume=["UpdateAp"]), "groups[0].canAssume[0]",
     "UpdateAp"),
    ("deny names undefined role", lambda r: group(r, 1).update(denyAssume=["Nope"]), "groups[1].denyAssume[0]",
     "Nope"),
    ("trust to own account", lambda r: role(r).update(trustedAccounts=["production"]), "roles[0].trustedAccounts[0]",
     "production"),
    ("trust ARN in own account", lambda r: role(r).update(trustedAccounts=[], trustedPrincipalArns=[
        "arn:aws:iam::999999999999:role/Admin"]), "roles[0].trustedPrincipalArns[0]",
     "arn:aws:iam::999999999999:role/Admin"),
    ("trust to nobody", lambda r: role(r).update(trustedAccounts=[]), "roles[0].trustedAccounts", None),
    ("typo in role key", lambda r: role(r).update(maxSesionDuration=3600), "roles[0].maxSesionDuration", 3600),
    ("typo in top-level key", lambda r: r.update(group=[]), "group", []),
    ("typo in group key", lambda r: group(r, 0).update(canAsume=["UpdateApp"]), "groups[0].canAsume",
     ["UpdateApp"]),
    ("grant of undefined bucket", lambda r: role(r)["grants"][0].update(bucket="nobucket"),
     "roles[0].grants[0].bucket", "nobucket"),
    ("unknown access level", lambda r: role(r)["grants"][0].update(access="admin"), "roles[0].grants[0].access",
     "admin"),
    ("MFA age without MFA", lambda r: role(r).update(mfaMaxAgeSeconds=3600), "roles[0].mfaMaxAgeSeconds", 3600),
    ("trust action typo", lambda r: role(r).update(trustActions=["sts:AssumeRoles"]), "roles[0].trustActions[0]",
     "sts:AssumeRoles"),
    ("boundary not a policy ARN", lambda r: role(r).update(permissionsBoundaryArn="arn:aws:iam::1:policy/x"),
     "roles[0].permissionsBoundaryArn", "arn:aws:iam::1:policy/x"),
    ("group in undefined account", lambda r: group(r, 0).update(account="staging"), "groups[0].account", "staging"),
    ("group of an untrusted account", lambda r: group(r, 0).update(account="production"), "groups[0].canAssume[0]",
     "UpdateApp"),
    ("member name with a slash", lambda r: group(r, 0).update(members=["Da/vid"]), "groups[0].members[0]", "Da/vid"),
    ("role defined twice", lambda r: r["roles"].append(dict(role(r))), "roles[1].name", "UpdateApp"),
]


@pytest.mark.parametrize(("mutate", "key", "value"), [case[1:] for case in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_model_is_refused_naming_key_and_value(raw: Raw, mutate: Callable[[Raw], None], key: str,
                                                       value: object) -> None:
    mutate(raw)
    with pytest.raises(ConfigError) as caught:
        parse_model(raw)
    assert caught.value.key == key
    assert caught.value.value == value
    assert str(caught.value).startswith(f"{key}: {value!r} ")


def test_many_accounts_roles_and_groups_are_a_list_not_two_accounts(raw: Raw) -> None:
    raw["accounts"].append({"name": "staging", "id": "222222222222", "region": "eu-west-1"})
    raw["buckets"].append({"name": "stagingapp", "account": "staging"})
    raw["roles"].append({"name": "ReadStaging", "account": "staging", "trustedAccounts": ["development", "production"],
                         "grants": [{"bucket": "stagingapp", "access": "read-only"}]})
    raw["groups"].append({"name": "Auditors", "account": "production", "canAssume": ["ReadStaging"]})
    model = parse_model(raw)
    read_staging = model.role("ReadStaging")
    assert model.trusted_principals(read_staging) == ("arn:aws:iam::111111111111:root",
                                                      "arn:aws:iam::999999999999:root")
    assert [r.name for r in model.roles_assumable_from("production")] == ["ReadStaging"]
    assert read_staging.policy_name == "ReadStaging-bucket-access"


STACK = {"cross-account-access:account": "production", "cross-account-access:profile": "production-admin"}


def test_stack_settings_read_account_and_credentials(tutorial: AccessModel) -> None:
    settings = parse_stack_settings(STACK, tutorial)
    assert (settings.account, settings.profile, settings.assume_role_arn) == ("production", "production-admin", None)


@pytest.mark.parametrize(("config", "key", "value"), [
    ({**STACK, "cross-account-access:account": "prod"}, "cross-account-access:account", "prod"),
    ({**STACK, "cross-account-access:profil": "x"}, "cross-account-access:profil", "x"),
    ({**STACK, "aws:accessKey": "AKIA..."}, "aws:accessKey", "[redacted]"),
    ({**STACK, "cross-account-access:assumeRoleArn": "admin"}, "cross-account-access:assumeRoleArn", "admin"),
    ({"cross-account-access:profile": "p"}, "cross-account-access:account", None),
], ids=["undefined account", "typo", "access key in config", "bad role ARN", "no account"])
def test_invalid_stack_settings_are_refused(tutorial: AccessModel, config: dict[str, str], key: str,
                                            value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_stack_settings(config, tutorial)
    assert (caught.value.key, caught.value.value) == (key, value)


def test_external_id_is_a_required_stack_secret_never_echoed(raw: Raw) -> None:
    role(raw)["externalIdSecret"] = "updateAppExternalId"
    model = parse_model(raw)
    with pytest.raises(ConfigError) as missing:
        parse_stack_settings(STACK, model)
    assert missing.value.key == "cross-account-access:updateAppExternalId"
    with pytest.raises(ConfigError) as malformed:
        parse_stack_settings({**STACK, "cross-account-access:updateAppExternalId": "bad id!"}, model)
    assert "bad id!" not in str(malformed.value)
    dev = {"cross-account-access:account": "development", "cross-account-access:updateAppExternalId": "Ex-42"}
    assert parse_stack_settings(dev, model).external_id("UpdateApp") == "Ex-42"


def test_load_stack_requires_default_providers_disabled(tmp_path: Path) -> None:
    (tmp_path / "access-model.yaml").write_text((Path(__file__).parents[2] / "access-model.yaml").read_text())
    with pytest.raises(ConfigError) as caught:
        load_stack(STACK, tmp_path)
    assert caught.value.key == "pulumi:disable-default-providers"
    model, settings = load_stack({**STACK, "pulumi:disable-default-providers": '["aws"]'}, tmp_path)
    assert settings.account == "production" and model.role("UpdateApp")


def test_load_stack_names_a_missing_or_broken_model_file(tmp_path: Path) -> None:
    config = {**STACK, "pulumi:disable-default-providers": '["*"]'}
    with pytest.raises(ConfigError) as missing:
        load_stack(config, tmp_path)
    assert (missing.value.key, missing.value.value) == ("cross-account-access:model", "access-model.yaml")
    (tmp_path / "access-model.yaml").write_text("accounts: [\n")
    with pytest.raises(ConfigError, match="is not valid YAML"):
        load_stack(config, tmp_path)


def test_two_roles_with_one_policy_name_in_an_account_are_refused(raw: Raw) -> None:
    raw["roles"].append({**role(raw), "name": "UpdateApp2"})
    with pytest.raises(ConfigError) as caught:
        parse_model(raw)
    assert (caught.value.key, caught.value.value) == ("roles[1].policyName", "read-write-app-bucket")
