"""A trust with an ExternalId: the value is a stack secret verification never decrypts (its stack files give a
placeholder), so it is masked in the drift comparison and taken from the live trust for the analysis; it is never
printed. A trust that lost its ExternalId condition is drift and lets callers in without one."""

from __future__ import annotations

import io
import json
from urllib.parse import unquote

import pytest
import yaml

from offline.mock_run import PROJECT_DIR, run_stack
from offline.stack_config import SECRET_PLACEHOLDER, StackConfig, load_stack_config
from rehearsal.rehearse import shared_model
from rehearsal.verification import EmulatedCredentials, deploy
from tests.verify.support import PRODUCTION
from verify import render
from verify.report import VerifyReport, build_report
from verify.run import verify

SECRET_KEY = "updateAppExternalId"
LIVE_VALUE = "the-real-external-id-7f3a9c"


def configs(raw: dict, directory, external_id: str) -> list[StackConfig]:
    path = directory / "model.yaml"
    path.write_text(yaml.safe_dump(raw))
    return [load_stack_config(PROJECT_DIR, stack).with_values(**{"cross-account-access:model": str(path)})
            .with_secrets(**{f"cross-account-access:{SECRET_KEY}": external_id}) for stack in ("prod", "dev")]


@pytest.fixture
def deployed(emulator, raw, tmp_path) -> tuple[list[StackConfig], EmulatedCredentials]:
    """Deployed with the real ExternalId; verified from config that holds only the offline placeholder."""
    raw["roles"][0]["externalIdSecret"] = SECRET_KEY
    emulator.reset()
    runs = [run_stack(c.stack, config=c) for c in configs(raw, tmp_path, LIVE_VALUE)]
    keys = deploy(emulator, shared_model(runs), runs)
    return configs(raw, tmp_path, SECRET_PLACEHOLDER), EmulatedCredentials(emulator.endpoint, keys)


def outputs(report: VerifyReport) -> str:
    terminal = io.StringIO()
    render.print_terminal(report, terminal)
    return render.to_json(report) + render.to_markdown(report) + terminal.getvalue()


def test_the_secret_is_neither_drift_nor_a_finding_nor_printed(deployed):
    stacks, credentials = deployed

    report = build_report(verify(stacks, PROJECT_DIR, credentials))

    assert report.failures == []
    assert LIVE_VALUE not in outputs(report)


def test_a_trust_that_lost_its_external_id_is_drift_and_lets_david_in_without_one(deployed, emulator):
    stacks, credentials = deployed
    iam = emulator.admin("iam", PRODUCTION, "us-east-1")
    trust = json.loads(unquote(iam.get_role(RoleName="UpdateApp")["Role"]["AssumeRolePolicyDocument"]))
    del trust["Statement"][0]["Condition"]
    iam.update_assume_role_policy(RoleName="UpdateApp", PolicyDocument=json.dumps(trust))

    report = build_report(verify(stacks, PROJECT_DIR, credentials))

    assert [d.aspect for d in report.drift] == ["trust policy"]
    assert any(f.kind == "assume" and f.granted and f.principal == "David (Developers)"
               and "without ExternalId" in f.condition for f in report.findings)
    assert LIVE_VALUE not in outputs(report)
