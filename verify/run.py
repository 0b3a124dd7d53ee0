"""One verification, start to end: the programs' plan, the live accounts, then drift and access.

Everything that can stop it (a program failing on its config, stacks reading different models, credentials
missing or of the wrong account, a refused read) is a `CannotVerifyError` before anything is judged. Accounts
are opened before any is read, so a wrong account is refused without reading the others.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from access.config import ConfigError, load_stack
from access.model import AccessModel, Account, StackSettings
from offline.mock_run import StackRun, run_stack
from offline.stack_config import StackConfig
from policypack.iameval.results import Analysis
from verify.access import judge_access
from verify.credentials import AccountSession, open_account
from verify.desired import Desired, desired_state
from verify.drift import Drift, find_drift
from verify.errors import CannotVerifyError
from verify.live import LiveAccount, read_account
from verify.live_estate import live_estate

# How a stack's account is opened: `open_account` (the stack's own credentials); tests pass their own.
Connect = Callable[[str, Account, StackSettings], AccountSession]


@dataclass(frozen=True)
class Verification:
    """What was read and found: the model, the live accounts (by ID), the plan's expectations, the drift, and
    the analysis of access against the intent."""

    model: AccessModel
    runs: tuple[StackRun, ...]
    live: dict[str, LiveAccount]
    desired: Desired
    drift: tuple[Drift, ...]
    analysis: Analysis


def _run(config: StackConfig, project_dir: Path) -> tuple[StackRun, AccessModel, StackSettings]:
    """The stack's program under the mock runtime, and the model and settings it read."""
    try:
        model, settings = load_stack(config.values, project_dir, config.secret_keys)
        return run_stack(config.stack, project_dir=project_dir, config=config), model, settings
    except ConfigError as error:
        raise CannotVerifyError(f"stack {config.stack}: {error}") from error
    except Exception as error:  # the program is user code: any failure means there is no plan to compare
        raise CannotVerifyError(f"stack {config.stack}: the program failed: {type(error).__name__}: {error}") from error


def verify(configs: Sequence[StackConfig], project_dir: Path, connect: Connect = open_account) -> Verification:
    """Plan every stack, open then read every stack's account, then compare with the plan and with the intent."""
    planned = [_run(config, project_dir) for config in configs]
    model = planned[0][1]
    if any(other != model for _, other, _ in planned[1:]):
        raise CannotVerifyError(f"stacks {', '.join(c.stack for c in configs)} read different access models")
    sessions = [connect(run.config.stack, model.account(settings.account), settings) for run, _, settings in planned]
    live = {}
    for session in sessions:
        buckets = [b.name for b in model.buckets_in(session.account.name)]
        live[session.account.id] = read_account(session, buckets)
    runs = tuple(run for run, _, _ in planned)
    desired = desired_state(runs)
    drift = tuple(find_drift(desired.expectations, live))
    return Verification(model, runs, live, desired, drift, judge_access(model, live, live_estate(live)))
