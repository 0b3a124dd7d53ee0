"""The GitHub workflows cannot run here, so they are linted (actionlint) and their promises checked as data."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import PROJECT_DIR

WORKFLOWS = PROJECT_DIR / ".github" / "workflows"
ACTIONLINT = shutil.which("actionlint", path=str(Path(sys.executable).parent))
# The workflows that preview and deploy the stacks.
DEPLOYING = ("preview.yml", "deploy.yml", "pulumi-stack.yml", "stack-matrix.yml")


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    assert ACTIONLINT, "actionlint is installed into the venv by requirements-dev.txt"
    return subprocess.run([ACTIONLINT, "-no-color", *map(str, files)], capture_output=True, text=True, check=False)


def test_workflows_pass_actionlint() -> None:
    result = actionlint(*sorted(WORKFLOWS.glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ matrix.nope }}\n")
    result = actionlint(broken)
    assert result.returncode != 0 and "matrix" in result.stdout


def pulumi_steps() -> list[dict[str, Any]]:
    return load("pulumi-stack.yml")["jobs"]["pulumi"]["steps"]


def run_text(*names: str) -> str:
    """Every `run:` script of the named workflows."""
    return "\n".join(step.get("run", "") for name in names for job in load(name)["jobs"].values()
                     for step in job.get("steps", []))


def test_the_matrix_comes_from_the_model_through_access_stacks() -> None:
    script = run_text("stack-matrix.yml")
    assert 'matrix="$(venv/bin/python -m access.stacks --matrix)"' in script, "an assignment fails the step"
    computed = json.loads(subprocess.run([sys.executable, "-m", "access.stacks", "--matrix"], cwd=PROJECT_DIR,
                                         capture_output=True, text=True, check=True).stdout)
    for name in ("preview.yml", "deploy.yml"):
        jobs = load(name)["jobs"]
        assert jobs["plan"]["uses"] == "./.github/workflows/stack-matrix.yml"
        for phase in ("trusting", "trusted"):
            assert phase in computed
            assert jobs[phase]["strategy"]["matrix"] == f"${{{{ fromJSON(needs.plan.outputs.matrix).{phase} }}}}"
            assert jobs[phase]["with"]["stack"] == "${{ matrix.stack }}"
            assert jobs[phase]["with"]["region"] == "${{ matrix.region }}"


def test_no_stack_or_account_is_hard_coded() -> None:
    text = "".join((WORKFLOWS / name).read_text() for name in DEPLOYING)
    for literal in ("stack: prod", "stack: dev", "PROD_DEPLOY_ROLE_ARN", "DEV_DEPLOY_ROLE_ARN", "999999999999",
                    "111111111111", "us-east-1"):
        assert literal not in text


def test_trusting_accounts_are_deployed_before_trusted_ones() -> None:
    jobs = load("deploy.yml")["jobs"]
    assert jobs["trusting"]["needs"] == "plan" and jobs["trusted"]["needs"] == ["plan", "trusting"]
    assert "!failure()" in jobs["trusted"]["if"], "a failed trusting stack stops the trusted ones"
    assert {jobs[phase]["with"]["command"] for phase in ("trusting", "trusted")} == {"up"}
    assert not any(jobs[phase]["strategy"]["fail-fast"] for phase in ("trusting", "trusted"))


def test_pull_requests_preview_every_stack_with_the_policy_pack() -> None:
    preview = load("preview.yml")
    assert {preview["jobs"][phase]["with"]["command"] for phase in ("trusting", "trusted")} == {"preview"}
    assert "python -m preview --markdown" in run_text("preview.yml") and "GITHUB_STEP_SUMMARY" in run_text(
        "preview.yml")
    (pulumi_step,) = [s for s in pulumi_steps() if s.get("uses", "").startswith("pulumi/actions@") and "with" in s]
    assert pulumi_step["with"]["policyPacks"] == "policypack"
    assert pulumi_step["with"]["policyPackConfigs"] == "policypack/policy-config.json"


def test_pulumi_actions_v7_and_the_profile_dropped_with_pulumi_config_rm() -> None:
    uses = [s["uses"] for s in pulumi_steps() if s.get("uses", "").startswith("pulumi/actions@")]
    assert uses and set(uses) == {"pulumi/actions@v7"}
    names = [s.get("uses", s.get("run", "")) for s in pulumi_steps()]
    drop = 'pulumi config rm cross-account-access:profile --stack "$STACK"'
    assert names.index(drop) < len(names) - 1 and names.index("pulumi/actions@v7") < names.index(drop)
    assert "sed " not in run_text(*DEPLOYING)


def test_each_stack_assumes_its_environments_deploy_role_in_its_region() -> None:
    job = load("pulumi-stack.yml")["jobs"]["pulumi"]
    assert job["environment"] == "${{ inputs.stack }}"
    (credentials,) = [s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure-aws-credentials")]
    assert credentials["with"] == {"role-to-assume": "${{ vars.DEPLOY_ROLE_ARN }}",
                                   "aws-region": "${{ inputs.region }}"}


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_credentials_come_from_oidc_not_stored_keys(name: str) -> None:
    text = (WORKFLOWS / name).read_text() + (WORKFLOWS / "pulumi-stack.yml").read_text()
    assert load(name)["permissions"]["id-token"] == "write"
    assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text
