"""The access model's validation: the tutorial parses, and each kind of mistake is refused by key and value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from access.bounds import shown
from access.config import ConfigError, parse_model
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
    ("typo in role key", lambda r: role(r).update(maxSesionDuration=3600), "roles[0].maxSesionDuration", None),
    ("typo in top-level key", lambda r: r.update(group=[]), "group", None),
    ("typo in group key", lambda r: group(r, 0).update(canAsume=["UpdateApp"]), "groups[0].canAsume", None),
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
    # Whole strings, ASCII only: no other script's digits, no trailing newline (which `$` would let through).
    ("Arabic-Indic digits", lambda r: r["accounts"][0].update(id="\u0669" * 12), "accounts[0].id", "\u0669" * 12),
    ("fullwidth digits", lambda r: r["accounts"][0].update(id="\uff19" * 12), "accounts[0].id", "\uff19" * 12),
    ("account id and newline", lambda r: r["accounts"][0].update(id="999999999999\n"), "accounts[0].id",
     "999999999999\n"),
    ("region and newline", lambda r: r["accounts"][0].update(region="us-east-1\n"), "accounts[0].region",
     "us-east-1\n"),
    ("account name and newline", lambda r: r["accounts"][1].update(name="dev\n"), "accounts[1].name", "dev\n"),
    ("role name and newline", lambda r: role(r).update(name="UpdateApp\n"), "roles[0].name", "UpdateApp\n"),
    ("role name in Cyrillic", lambda r: role(r).update(name="UpdateАpp"), "roles[0].name", "UpdateАpp"),
    ("path and newline", lambda r: role(r).update(path="/apps/\n"), "roles[0].path", "/apps/\n"),
    ("bucket name and newline", lambda r: r["buckets"][0].update(name="productionapp\n"), "buckets[0].name",
     "productionapp\n"),
    ("group name and newline", lambda r: group(r, 0).update(name="Developers\n"), "groups[0].name", "Developers\n"),
    ("member and newline", lambda r: group(r, 0).update(members=["David\n"]), "groups[0].members[0]", "David\n"),
    ("policy name and newline", lambda r: role(r).update(policyName="p\n"), "roles[0].policyName", "p\n"),
    # Wildcards would widen the group policies (the role's ARN) or a trust.
    ("path with *", lambda r: role(r).update(path="/*/"), "roles[0].path", "/*/"),
    ("path with ?", lambda r: role(r).update(path="/a?/"), "roles[0].path", "/a?/"),
    ("path with a policy variable", lambda r: role(r).update(path="/${aws:username}/"), "roles[0].path",
     "/${aws:username}/"),
    ("trusted role ARN with *", lambda r: role(r).update(trustedPrincipalArns=["arn:aws:iam::111111111111:role/*"]),
     "roles[0].trustedPrincipalArns[0]", "arn:aws:iam::111111111111:role/*"),
    ("trusted user ARN with ?", lambda r: role(r).update(trustedPrincipalArns=["arn:aws:iam::111111111111:user/D?"]),
     "roles[0].trustedPrincipalArns[0]", "arn:aws:iam::111111111111:user/D?"),
    ("trusted ARN, account with newline", lambda r: role(r).update(trustedAccounts=[], trustedPrincipalArns=[
        "arn:aws:iam::111111111111:root\n"]), "roles[0].trustedPrincipalArns[0]", "arn:aws:iam::111111111111:root\n"),
    ("boundary ARN with *", lambda r: role(r).update(permissionsBoundaryArn="arn:aws:iam::aws:policy/*"),
     "roles[0].permissionsBoundaryArn", "arn:aws:iam::aws:policy/*"),
    ("managed policy ARN with *", lambda r: group(r, 1).update(managedPolicyArns=["arn:aws:iam::aws:policy/Power*"]),
     "groups[1].managedPolicyArns[0]", "arn:aws:iam::aws:policy/Power*"),
    # One role name, one role: groups name roles without their account.
    ("role name in two accounts", lambda r: r["roles"].append({**role(r), "account": "development",
                                                               "trustedAccounts": ["production"], "grants": [],
                                                               "policyName": "other", "groupPolicySuffix": "x"}),
     "roles[1].name", "UpdateApp"),
    ("group policy names collide", lambda r: r["roles"].append({
        "name": "Other", "account": "production", "trustedAccounts": ["development"],
        "groupPolicySuffix": "S3-role-in-production"}), "roles[1].groupPolicySuffix", "S3-role-in-production"),
    ("explicit suffix is another role's default", lambda r: r["roles"].append({
        "name": "Other", "account": "production", "trustedAccounts": ["development"]}) or role(r).update(
        groupPolicySuffix="Other-in-production"), "roles[1].groupPolicySuffix", "Other-in-production"),
    ("default suffix too long for IAM", lambda r: (r["accounts"][0].update(name="p" * 60), r["buckets"][0].update(
        account="p" * 60), role(r).update(account="p" * 60, name="R" * 64, groupPolicySuffix=None)),
     "roles[0].groupPolicySuffix", "R" * 64 + "-in-" + "p" * 60),
    # S3's reserved names.
    *[(f"bucket {name}", lambda r, name=name: r["buckets"][0].update(name=name), "buckets[0].name", name)
      for name in ("xn--app", "sthree-app", "amzn-s3-demo-app", "app-s3alias", "app--ol-s3", "app.mrap",
                   "app--x-s3", "app--table-s3")],
    # What reaches a terminal, an output or a Markdown fence.
    ("CLI profile with an escape", lambda r: r["accounts"][1].update(cliProfile="dev\x1b[2J"),
     "accounts[1].cliProfile", "dev\x1b[2J"),
    ("CLI profile with a backtick", lambda r: r["accounts"][1].update(cliProfile="dev```"), "accounts[1].cliProfile",
     "dev```"),
    ("description with an escape", lambda r: role(r).update(description="ok\x1b[31m"), "roles[0].description",
     "ok\x1b[31m"),
    ("tag key with a newline", lambda r: role(r).update(tags={"team\n": "a"}), "roles[0].tags.'team\\n'", "a"),
    ("tag key aws:", lambda r: role(r).update(tags={"aws:owner": "a"}), "roles[0].tags.'aws:owner'", "a"),
    ("tag value with a newline", lambda r: role(r).update(tags={"team": "a\n"}), "roles[0].tags.'team'", "a\n"),
]


@pytest.mark.parametrize(("mutate", "key", "value"), [case[1:] for case in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_model_is_refused_naming_key_and_value(raw: Raw, mutate: Callable[[Raw], None], key: str,
                                                       value: object) -> None:
    mutate(raw)
    with pytest.raises(ConfigError) as caught:
        parse_model(raw)
    assert caught.value.key == key
    assert caught.value.value == value
    assert str(caught.value).startswith(f"{key} " if problem_only(caught.value) else f"{key}: {shown(value)} ")


def problem_only(error: ConfigError) -> bool:
    """An unknown key's error names the key alone: its value is not shown."""
    return "is not a known key" in str(error)


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


def test_two_roles_with_one_policy_name_in_an_account_are_refused(raw: Raw) -> None:
    raw["roles"].append({**role(raw), "name": "UpdateApp2"})
    with pytest.raises(ConfigError) as caught:
        parse_model(raw)
    assert (caught.value.key, caught.value.value) == ("roles[1].policyName", "read-write-app-bucket")


@pytest.mark.parametrize(("unknown", "named"), [
    ("x" * 1_000_000, "'xxxxxxxxxxxx"),
    ("evil\x1b[2J", r"'evil\x1b[2J'"),
    (12, "12"),
], ids=["a megabyte long", "with an escape", "not a string"])
def test_an_unknown_key_is_named_bounded_and_escaped(raw: Raw, unknown: object, named: str) -> None:
    role(raw)[unknown] = "value-not-shown"
    with pytest.raises(ConfigError) as caught:
        parse_model(raw)
    message = str(caught.value)
    assert message.startswith(f"roles[0].{named}") and len(message) < 600
    assert "value-not-shown" not in message and "\x1b" not in message
