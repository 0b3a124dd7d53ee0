"""Which stack deploys which account of the model: each `Pulumi.<stack>.yaml` names its `account`.

An organisation's model lists many accounts; every account gets a stack, and a stack file must deploy an
account of the model. The preview, live verification, the workflows' job matrix and the check in `make test`
all read the pairing from here, so they cannot disagree on what "every account" means.

`python -m access.stacks --matrix` prints the workflows' job matrices (trusting accounts, then trusted ones);
`--check` names every stack file and account that do not pair up. Both exit 1 on such a problem, 2 when the
model cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from access.bounds import shown
from access.config import PROJECT, ConfigError, parse_model, read_model_file
from access.model import AccessModel
from access.yaml_source import YamlSourceError, load_yaml_file

ACCOUNT_KEY = f"{PROJECT}:account"
MAX_STACK_FILE_BYTES = 64 * 1024
PROJECT_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class StackPairing:
    """Stacks by the account they deploy, in deployment order (accounts holding roles first, then the rest)."""

    stacks: dict[str, str]  # account name -> stack name
    strangers: dict[str, str]  # stack name -> account it names that the model does not define ("" if none)
    uncovered: tuple[str, ...]  # model accounts no stack file deploys
    repeated: dict[str, str] = field(default_factory=dict)  # stack name -> account an earlier stack deploys

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
    try:
        data = load_yaml_file(path, MAX_STACK_FILE_BYTES)  # strict: a key given twice is not silently merged
    except YamlSourceError:
        return ""
    config = data.get("config") if isinstance(data, dict) else None
    account = config.get(ACCOUNT_KEY) if isinstance(config, dict) else None
    return account if isinstance(account, str) else ""


def pair_stacks(model: AccessModel, project_dir: Path) -> StackPairing:
    """Pair the model's accounts with the project's stack files (the first stack, by name, of each account)."""
    by_account: dict[str, str] = {}
    strangers: dict[str, str] = {}
    repeated: dict[str, str] = {}
    known = {a.name for a in model.accounts}
    for stack, path in stack_files(project_dir).items():
        account = stack_account(path)
        if account not in known:
            strangers[stack] = account
        elif account in by_account:
            repeated[stack] = account
        else:
            by_account[account] = stack
    holding_roles = {r.account for r in model.roles}
    order = sorted(model.accounts, key=lambda a: a.name not in holding_roles)  # stable: model order within each
    stacks = {a.name: by_account[a.name] for a in order if a.name in by_account}
    uncovered = tuple(a.name for a in order if a.name not in by_account)
    return StackPairing(stacks, strangers, uncovered, repeated)


def stack_problems(model: AccessModel, project_dir: Path) -> list[str]:
    """Every stack file that deploys no account of the model, or one another stack already deploys (both
    would manage the same IAM names), and every model account no stack file deploys; empty when they pair up."""
    pairing = pair_stacks(model, project_dir)
    accounts = ", ".join(a.name for a in model.accounts)
    problems = [f"Pulumi.{stack}.yaml: {ACCOUNT_KEY} {shown(account) if account else '(missing)'} is not an "
                f"account of the model ({accounts})" for stack, account in pairing.strangers.items()]
    problems += [f"Pulumi.{stack}.yaml: account {account} is already deployed by stack {pairing.stacks[account]}"
                 for stack, account in pairing.repeated.items()]
    problems += [f"account {name} of the model has no stack: add Pulumi.<stack>.yaml with {ACCOUNT_KEY}: {name}"
                 for name in pairing.uncovered]
    return problems


def job_matrix(model: AccessModel, project_dir: Path) -> dict[str, dict[str, list[dict[str, str]]]]:
    """The workflows' fan-out: one job per stack, accounts holding roles (`trusting`) before the others
    (`trusted`), each entry with what a job needs to reach its account (ID and region)."""
    holding_roles = {r.account for r in model.roles}
    phases: dict[str, dict[str, list[dict[str, str]]]] = {"trusting": {"include": []}, "trusted": {"include": []}}
    for name, stack in pair_stacks(model, project_dir).stacks.items():
        account = model.account(name)
        phase = "trusting" if name in holding_roles else "trusted"
        phases[phase]["include"].append({"stack": stack, "account": name, "account-id": account.id,
                                         "region": account.region})
    return phases


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m access.stacks", description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--matrix", action="store_true", help="print the workflows' job matrices as JSON")
    action.add_argument("--check", action="store_true", help="name stack files and accounts that do not pair up")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="the Pulumi project (default: this one)")
    args = parser.parse_args(argv)
    try:
        model = parse_model(read_model_file({}, args.project_dir))
    except ConfigError as error:
        print(f"access.stacks: {error}", file=sys.stderr)
        return 2
    problems = stack_problems(model, args.project_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    if args.matrix:
        print(json.dumps(job_matrix(model, args.project_dir), separators=(",", ":")))
    else:
        print(f"{len(model.accounts)} accounts, each deployed by one stack")
    return 0


if __name__ == "__main__":
    sys.exit(main())
