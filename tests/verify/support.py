"""The tutorial's state in moto's server, and the ways a test reaches it: in process, or as `python -m verify`.

One server per test module (starting one takes about a second); `seed` wipes it (moto's reset API) and
applies the tutorial again, exactly as the rehearsal does (prerequisites, then both stacks' resources as the
program built them), plus a read-only auditor with an access key in each account.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from botocore.client import BaseClient

from access.model import AccessModel
from offline.mock_run import PROJECT_DIR, StackRun, run_stack
from rehearsal.emulator import Emulator, Keys
from rehearsal.rehearse import shared_model
from rehearsal.verification import EmulatedCredentials, aws_profiles, deploy
from verify.run import Verification, verify
from verify.stacks import paired_stacks

PRODUCTION, DEVELOPMENT = "999999999999", "111111111111"
REGION = "us-east-1"


@dataclass(frozen=True)
class Tutorial:
    """The emulator holding the tutorial as deployed, and each account's auditor keys (by account ID)."""

    emulator: Emulator
    model: AccessModel
    keys: Mapping[str, Keys]

    def admin(self, service: str, account_id: str) -> BaseClient:
        return self.emulator.admin(service, account_id, REGION)

    def verify(self) -> Verification:
        """`verify` in process, reading each account with its auditor's keys."""
        return verify(paired_stacks(PROJECT_DIR).configs, PROJECT_DIR,
                      EmulatedCredentials(self.emulator.endpoint, self.keys))


@cache
def tutorial_runs() -> tuple[StackRun, ...]:
    """Both stacks' programs, run once for all the tests that deploy them."""
    return tuple(run_stack(stack) for stack in ("prod", "dev"))


def seed(emulator: Emulator) -> Tutorial:
    """A wiped emulator with the tutorial deployed in it (authorisation stays off)."""
    emulator.reset()
    model = shared_model(tutorial_runs())
    keys = deploy(emulator, model, tutorial_runs())
    return Tutorial(emulator, model, keys)


def project_copy(directory: Path, edit_stack_file: Callable[[str], str]) -> Path:
    """A copy of the project's program, model and stack files in `directory`, each stack file edited."""
    for name in ("Pulumi.yaml", "__main__.py", "access-model.yaml"):
        shutil.copy(PROJECT_DIR / name, directory / name)
    for path in PROJECT_DIR.glob("Pulumi.*.yaml"):
        (directory / path.name).write_text(edit_stack_file(path.read_text()))
    return directory


def profiles_environment(directory: Path, profiles: Mapping[str, Keys], endpoint: str) -> dict[str, str]:
    return aws_profiles(directory, profiles, endpoint, REGION)


def clean_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without any AWS credentials or profile of the machine, plus `extra`."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return {**kept, **extra}
