"""The program as a whole: validation before registration, outputs ready for the tutorial's step 3, secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from access.config import ConfigError
from offline.mock_run import ProgramMocks, RecordingMonitor, StackRun, run_stack
from offline.stack_config import load_stack_config
from tests.conftest import PROJECT_DIR, run_with_model


@pytest.mark.parametrize("run_name", ["prod_run", "dev_run"])
def test_outputs_give_david_every_way_in(run_name: str, request: pytest.FixtureRequest) -> None:
    run: StackRun = request.getfixturevalue(run_name)
    update_app = run.outputs["roles"]["UpdateApp"]
    assert update_app["arn"] == "arn:aws:iam::999999999999:role/UpdateApp"
    sign_in = update_app["signIn"]["development"]
    assert sign_in["switchRoleUrl"].startswith("https://signin.aws.amazon.com/switchrole?roleName=UpdateApp&")
    assert "role_arn = arn:aws:iam::999999999999:role/UpdateApp" in sign_in["cliProfile"]
    assert sign_in["assumeRoleCommand"].startswith("aws sts assume-role --role-arn arn:aws:iam::999999999999:")
    assert run.secret_outputs == frozenset()


def test_account_output_names_the_stack_account(prod_run: StackRun, dev_run: StackRun) -> None:
    assert prod_run.outputs["account"] == {"name": "production", "id": "999999999999", "region": "us-east-1"}
    assert dev_run.outputs["account"]["id"] == "111111111111"


@pytest.mark.parametrize(("change", "key"), [
    ({"cross-account-access:account": "staging"}, "cross-account-access:account"),
    ({"cross-account-access:acount": "production"}, "cross-account-access:acount"),
    ({"pulumi:disable-default-providers": "[]"}, "pulumi:disable-default-providers"),
])
def test_bad_stack_config_registers_nothing(change: dict[str, str], key: str) -> None:
    monitor = RecordingMonitor(ProgramMocks())
    config = load_stack_config(PROJECT_DIR, "prod").with_values(**change)
    with pytest.raises(ConfigError) as caught:
        run_stack("prod", config=config, monitor=monitor)
    assert caught.value.key == key
    assert [r.type for r in monitor.planned] == ["pulumi:pulumi:Stack"]


def test_bad_model_registers_nothing(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0]["maxSessionDuration"] = 50000
    path = tmp_path / "model.yaml"
    path.write_text(yaml.safe_dump(raw))
    monitor = RecordingMonitor(ProgramMocks())
    config = load_stack_config(PROJECT_DIR, "dev").with_values(**{"cross-account-access:model": str(path)})
    with pytest.raises(ConfigError, match=r"roles\[0\]\.maxSessionDuration: 50000 must be from 3600 to 43200"):
        run_stack("dev", config=config, monitor=monitor)
    assert [r.type for r in monitor.planned] == ["pulumi:pulumi:Stack"]


def test_external_id_is_a_secret_in_trust_and_outputs(raw: dict[str, Any], tmp_path: Path) -> None:
    raw["roles"][0]["externalIdSecret"] = "updateAppExternalId"
    run = run_with_model("prod", raw, tmp_path, **{"cross-account-access:updateAppExternalId": "Ex-42"})
    role = run.named("aws:iam/role:Role", "UpdateApp-role")
    assert '"sts:ExternalId": "Ex-42"' in role.inputs["assumeRolePolicy"]
    assert role.secret_inputs == frozenset({"assumeRolePolicy"})
    assert run.secret_outputs == frozenset({"roles"})
    assert "--external-id Ex-42" in run.outputs["roles"]["UpdateApp"]["signIn"]["development"]["assumeRoleCommand"]
