"""The GitHub workflows cannot run here, so they are linted (actionlint) and their promises checked as data."""

from __future__ import annotations

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


def test_production_is_deployed_before_development() -> None:
    jobs = load("deploy.yml")["jobs"]
    assert jobs["prod"]["with"]["stack"] == "prod" and jobs["dev"]["with"]["stack"] == "dev"
    assert jobs["dev"]["needs"] == "prod"
    assert {job["with"]["command"] for job in jobs.values()} == {"up"}


def test_pull_requests_preview_both_stacks_with_the_policy_pack() -> None:
    preview = load("preview.yml")
    stacks = preview["jobs"]["stacks"]
    assert [entry["stack"] for entry in stacks["strategy"]["matrix"]["include"]] == ["prod", "dev"]
    assert stacks["with"]["command"] == "preview"
    offline_steps = " ".join(step.get("run", "") for step in preview["jobs"]["offline"]["steps"])
    assert "python -m preview --markdown" in offline_steps and "GITHUB_STEP_SUMMARY" in offline_steps
    pulumi_step = next(s for s in load("pulumi-stack.yml")["jobs"]["pulumi"]["steps"]
                       if s.get("uses", "").startswith("pulumi/actions@"))
    assert pulumi_step["with"]["policyPacks"] == "policypack"
    assert pulumi_step["with"]["policyPackConfigs"] == "policypack/policy-config.json"


@pytest.mark.parametrize("name", ["preview.yml", "deploy.yml"])
def test_credentials_come_from_oidc_not_stored_keys(name: str) -> None:
    text = (WORKFLOWS / name).read_text() + (WORKFLOWS / "pulumi-stack.yml").read_text()
    assert load(name)["permissions"]["id-token"] == "write"
    assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text
