"""The tutorial's step 3, ready to paste: console link, CLI profile, assume-role call."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from access import instructions
from access.model import AccessModel
from tests.conftest import run_with_model


def test_switch_role_link_prefills_role_and_account(tutorial: AccessModel) -> None:
    url = instructions.switch_role_url(tutorial, tutorial.role("UpdateApp"))
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://signin.aws.amazon.com/switchrole"
    assert parse_qs(parts.query) == {"roleName": ["UpdateApp"], "account": ["999999999999"],
                                     "displayName": ["UpdateApp@production"]}


def test_switch_role_link_carries_the_role_path(tutorial: AccessModel) -> None:
    role = replace(tutorial.role("UpdateApp"), path="/apps/")
    assert parse_qs(urlsplit(instructions.switch_role_url(tutorial, role)).query)["roleName"] == ["apps/UpdateApp"]


def test_cli_profile_without_and_with_mfa_and_external_id(tutorial: AccessModel) -> None:
    role = tutorial.role("UpdateApp")
    dev = tutorial.account("development")
    plain = instructions.cli_profile(tutorial, role, dev)
    assert "role_arn = arn:aws:iam::999999999999:role/UpdateApp\n" in plain
    assert "source_profile = development\n" in plain
    assert "mfa_serial" not in plain and "external_id" not in plain
    strict = instructions.cli_profile(tutorial, replace(role, require_mfa=True), dev, external_id="Ex-42")
    assert "mfa_serial = arn:aws:iam::111111111111:mfa/${USER}\n" in strict
    assert "external_id = Ex-42\n" in strict


def test_assume_role_command_is_the_tutorials_call(tutorial: AccessModel) -> None:
    role = tutorial.role("UpdateApp")
    command = instructions.assume_role_command(tutorial, role, tutorial.account("development"))
    assert command == ('aws sts assume-role --role-arn arn:aws:iam::999999999999:role/UpdateApp '
                       '--role-session-name "${USER}-UpdateApp" --profile development')
    strict = instructions.assume_role_command(tutorial, replace(role, require_mfa=True),
                                              tutorial.account("development"), "Ex-42")
    assert "--serial-number" in strict and "--token-code" in strict and strict.endswith("--external-id Ex-42")


def test_sign_in_sources_depend_on_the_stack_side(tutorial: AccessModel) -> None:
    role = tutorial.role("UpdateApp")
    assert [a.name for a in instructions.source_accounts(tutorial, role, "production")] == ["development"]
    assert [a.name for a in instructions.source_accounts(tutorial, role, "development")] == ["development"]


def test_a_role_requiring_an_external_id_gets_no_console_link_and_says_why(tutorial: AccessModel) -> None:
    role = replace(tutorial.role("UpdateApp"), external_id_secret="updateAppExternalId")
    details = instructions.sign_in(tutorial, role, tutorial.account("development"), "Ex-42")
    assert "switchRoleUrl" not in details
    assert "ExternalId" in details["switchRoleUrlOmitted"] and "console" in details["switchRoleUrlOmitted"]
    assert details["assumeRoleCommand"].endswith("--external-id Ex-42")
    plain = instructions.sign_in(tutorial, tutorial.role("UpdateApp"), tutorial.account("development"))
    assert set(plain) == {"switchRoleUrl", "cliProfile", "assumeRoleCommand"}


@pytest.mark.parametrize("stack", ["prod", "dev"])
def test_stack_outputs_omit_the_console_link_for_an_external_id_role(raw: dict[str, Any], tmp_path: Path,
                                                                     stack: str) -> None:
    raw["roles"][0]["externalIdSecret"] = "updateAppExternalId"
    run = run_with_model(stack, raw, tmp_path, **{"cross-account-access:updateAppExternalId": "Ex-42"})
    details = run.outputs["roles"]["UpdateApp"]["signIn"]["development"]
    assert "switchRoleUrl" not in details and details["switchRoleUrlOmitted"].startswith("no console link")
    assert run.secret_outputs == frozenset({"roles"})
