"""The optional auditor role: created where a stack names `auditorPrincipalArn`, read-only, on the stack's pinned
provider; and the daily workflow's path end to end on moto: CI's identity, the config `verify.profiles` writes,
each stack's profile (or its `assumeRoleArn`) assuming its account's auditor role, then `python -m verify`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from access.documents import trust_policy, verification_read_policy
from offline.mock_run import StackRun, run_stack
from offline.stack_config import load_stack_config
from preview.pack import PackRun
from rehearsal.rehearse import shared_model
from rehearsal.verification import deploy
from tests.conftest import PROJECT_DIR
from tests.verify.support import DEVELOPMENT, PRODUCTION, REGION, project_copy
from verify.__main__ import main
from verify.profiles import aws_config

CI_ACCOUNT = "333333333333"
CI_ROLE = f"arn:aws:iam::{CI_ACCOUNT}:role/ci-verify"
KEY = "cross-account-access:auditorPrincipalArn"
AUDITOR = "cross-account-access-auditor"


def with_auditor(stack: str, principal: str = CI_ROLE) -> StackRun:
    return run_stack(stack, config=load_stack_config(PROJECT_DIR, stack).with_values(**{KEY: principal}))


def auditor_resources(run: StackRun) -> dict[str, dict]:
    return {r.type: r.inputs for r in run.resources if r.name.startswith("auditor-")}


def test_without_the_key_no_auditor_is_created(prod_run, dev_run):
    assert auditor_resources(prod_run) == auditor_resources(dev_run) == {}


@pytest.mark.parametrize(("stack", "buckets"), [("prod", ["arn:aws:s3:::productionapp"]), ("dev", [])])
def test_the_auditor_role_reads_only_and_trusts_only_the_principal_named(stack, buckets):
    run = with_auditor(stack)

    created = auditor_resources(run)
    assert set(created) == {"aws:iam/role:Role", "aws:iam/policy:Policy",
                            "aws:iam/rolePolicyAttachment:RolePolicyAttachment"}
    role = created["aws:iam/role:Role"]
    assert role["name"] == AUDITOR
    assert json.loads(role["assumeRolePolicy"]) == trust_policy([CI_ROLE])
    assert json.loads(created["aws:iam/policy:Policy"]["policy"]) == verification_read_policy(buckets)
    assert created["aws:iam/policy:Policy"]["name"] == f"{AUDITOR}-read"
    pinned = {r.urn for r in run.resources if r.type == "pulumi:providers:aws"}
    assert all(r.provider_urn in pinned for r in run.resources if r.name.startswith("auditor-") and r.custom)


def test_the_policy_pack_lets_an_auditor_in_only_for_an_allowlisted_principal():
    with PackRun() as pack:
        inside = pack.check([with_auditor(s, f"arn:aws:iam::{PRODUCTION}:role/ci-verify") for s in ("prod", "dev")])
        outside = pack.check([with_auditor(s) for s in ("prod", "dev")])

    assert [v.policy_name for v in inside if v.enforcement_level == "mandatory"] == []
    blocked = {(v.policy_name, v.resource_name) for v in outside if v.enforcement_level == "mandatory"}
    assert ("iam-trusted-accounts-allowlisted", "auditor-role") in blocked


def deployed_with_auditors(emulator, directory: Path, monkeypatch, edit: Callable[[str], str]) -> Path:
    """A project whose stacks name CI's role as auditor principal (and `edit` more), deployed in a wiped emulator;
    the environment holds CI's keys only, as `configure-aws-credentials` leaves it."""
    project = project_copy(directory, lambda text: edit(text) + f"  {KEY}: {CI_ROLE}\n")
    runs = [run_stack(stack, project_dir=project) for stack in ("prod", "dev")]
    emulator.reset()
    deploy(emulator, shared_model(runs), runs)
    ci = emulator.admin("iam", CI_ACCOUNT, REGION)
    ci.create_user(UserName="ci")
    key = ci.create_access_key(UserName="ci")["AccessKey"]
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(directory / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(directory / "none"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    return project


def read_as(project: Path, capsys) -> list[str]:
    code = main(["--project-dir", str(project), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report.get("failures") or report.get("error")
    return [a["readAs"] for a in report["accounts"]]


THROUGH_AUDITORS = [f"arn:aws:sts::{account}:assumed-role/{AUDITOR}/cross-account-access-verify"
                    for account in (PRODUCTION, DEVELOPMENT)]


def test_the_workflows_path_reads_each_account_through_its_auditor_role(emulator, tmp_path, monkeypatch, capsys):
    project = deployed_with_auditors(emulator, tmp_path, monkeypatch, lambda text: text)
    config, notes = aws_config(project)
    (tmp_path / "aws-config").write_text(config)

    assert notes == []
    assert read_as(project, capsys) == THROUGH_AUDITORS


def test_a_stacks_assume_role_arn_is_assumed_from_the_ambient_credentials(emulator, tmp_path, monkeypatch, capsys):
    def assume_auditor(text: str) -> str:
        account = PRODUCTION if "account: production" in text else DEVELOPMENT
        kept = [line for line in text.splitlines() if ":profile:" not in line]
        return "\n".join([*kept, f"  cross-account-access:assumeRoleArn: arn:aws:iam::{account}:role/{AUDITOR}"]) + "\n"

    project = deployed_with_auditors(emulator, tmp_path, monkeypatch, assume_auditor)

    assert read_as(project, capsys) == THROUGH_AUDITORS
