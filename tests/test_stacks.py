"""Every account of the model has a stack, and every stack file deploys an account of the model (`make test`)."""

from __future__ import annotations

from access.model import AccessModel
from access.stacks import job_matrix, stack_problems
from tests.conftest import PROJECT_DIR


def test_the_projects_stack_files_and_model_accounts_pair_up(tutorial: AccessModel) -> None:
    assert stack_problems(tutorial, PROJECT_DIR) == []


def test_the_workflows_matrix_covers_every_account_trusting_first(tutorial: AccessModel) -> None:
    matrix = job_matrix(tutorial, PROJECT_DIR)
    jobs = matrix["trusting"]["include"] + matrix["trusted"]["include"]
    assert [job["stack"] for job in jobs] == ["prod", "dev"]
    assert sorted(job["account"] for job in jobs) == sorted(a.name for a in tutorial.accounts)
