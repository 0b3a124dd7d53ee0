"""Which stack deploys which account of the model: each `Pulumi.<stack>.yaml` names its `account`.

An organisation's model lists many accounts; every account gets a stack, and a stack file must deploy an
account of the model. The preview, live verification, the workflows' job matrix and the check in `make test`
all read the pairing from here, so they cannot disagree on what "every account" means.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from access.model import AccessModel

PROJECT = "cross-account-access"
ACCOUNT_KEY = f"{PROJECT}:account"
MAX_STACK_FILE_BYTES = 64 * 1024


@dataclass(frozen=True)
class StackPairing:
    """Stacks by the account they deploy, in deployment order (accounts holding roles first, then the rest)."""

    stacks: dict[str, str]  # account name -> stack name
    strangers: dict[str, str]  # stack name -> account it names that the model does not define ("" if none)
    uncovered: tuple[str, ...]  # model accounts no stack file deploys

    @property
    def ordered(self) -> list[str]:
        """The stack names, trusting accounts (those holding roles) before the others."""
        return list(self.stacks.values())


def stack_files(project_dir: Path) -> dict[str, Path]:
    """Every `Pulumi.<stack>.yaml` of the project, by stack name, sorted."""
    return {path.name[len("Pulumi."):-len(".yaml")]: path
            for path in sorted(project_dir.glob("Pulumi.*.yaml")) if path.is_file()}


def stack_account(path: Path) -> str:
    """The account a stack file deploys ("" when the file is too large, unreadable or names none)."""
    if path.stat().st_size > MAX_STACK_FILE_BYTES:
        return ""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    config = data.get("config") if isinstance(data, dict) else None
    account = config.get(ACCOUNT_KEY) if isinstance(config, dict) else None
    return account if isinstance(account, str) else ""


def pair_stacks(model: AccessModel, project_dir: Path) -> StackPairing:
    """Pair the model's accounts with the project's stack files (the first stack, by name, of each account)."""
    by_account: dict[str, str] = {}
    strangers: dict[str, str] = {}
    known = {a.name for a in model.accounts}
    for stack, path in stack_files(project_dir).items():
        account = stack_account(path)
        if account not in known:
            strangers[stack] = account
        else:
            by_account.setdefault(account, stack)
    holding_roles = {r.account for r in model.roles}
    order = sorted(model.accounts, key=lambda a: a.name not in holding_roles)  # stable: model order within each
    stacks = {a.name: by_account[a.name] for a in order if a.name in by_account}
    uncovered = tuple(a.name for a in order if a.name not in by_account)
    return StackPairing(stacks, strangers, uncovered)
