"""Which stacks the preview runs, and which parts of the model it therefore cannot prove.

Scope is the model: by default every account of the model that has a stack file (`access.stacks.pair_stacks`,
the trusting accounts first). Whatever is not previewed is named, never dropped: a model account without a
stack file or left out by `--stacks` (the proof is partial when that account deploys something: roles, groups
or buckets), a stack file naming an account the model does not define, a second stack of an account.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from access.config import DEFAULT_MODEL_PATH, MODEL_KEY, load_stack
from access.model import AccessModel
from access.stacks import StackPairing, pair_stacks, stack_files
from offline.stack_config import load_stack_config
from preview.plan import ProgramError


@dataclass(frozen=True)
class LeftOut:
    """A model account the preview did not run a stack for, and whether the proof misses something because."""

    account: str
    id: str
    reason: str
    deploys: bool  # it holds roles, groups or buckets, so part of the model is unproven

    def text(self) -> str:
        consequence = ("its roles, groups and buckets are not analysed: the proof is partial" if self.deploys
                       else "it deploys nothing of the model")
        return f"account {self.account} ({self.id}) {self.reason}: {consequence}"


@dataclass(frozen=True)
class Scope:
    """The stacks to run, and what pairing the model with the stack files found."""

    stacks: tuple[str, ...]
    pairing: StackPairing
    models: dict[str, AccessModel] = field(default_factory=dict)  # by the model path in config, as parsed here

    def strangers(self) -> list[str]:
        """Stack files that name an account the model does not define (they cannot deploy)."""
        return [f"stack {stack} deploys account {account or '(none)'}, which the model does not define: "
                "not previewed" for stack, account in self.pairing.strangers.items() if stack not in self.stacks]

    def duplicates(self) -> list[str]:
        """Stack files of an account another stack file already deploys (the first by name is previewed)."""
        return [f"stack {stack} deploys an account another stack file deploys too: not previewed"
                for stack in self.pairing.repeated if stack not in self.stacks]

    def left_out(self, model: AccessModel, previewed: Iterable[str]) -> list[LeftOut]:
        """Model accounts no previewed stack deploys, with the reason."""
        done = set(previewed)
        found = []
        for account in model.accounts:
            if account.name in done:
                continue
            reason = "has no stack file" if account.name in self.pairing.uncovered else "was left out by --stacks"
            deploys = bool(model.roles_in(account.name) or model.groups_in(account.name)
                           or model.buckets_in(account.name))
            found.append(LeftOut(account.name, account.id, reason, deploys))
        return found


def choose_stacks(project_dir: Path, requested: Sequence[str] | None) -> Scope:
    """The stacks to preview: `requested`, or every stack file paired with an account of the model.

    The model is read as the first of those stacks reads it; a model the program would refuse stops here, as
    the program would (a ProgramError naming that stack)."""
    first = requested[0] if requested else next(iter(stack_files(project_dir)), "")
    if not first:
        raise ProgramError("(none)", FileNotFoundError(f"no Pulumi.<stack>.yaml in {project_dir}"))
    try:
        config = load_stack_config(project_dir, first)
        model, _ = load_stack(config.values, project_dir, config.secret_keys)
    except Exception as error:
        raise ProgramError(first, error) from error
    pairing = pair_stacks(model, project_dir)
    stacks = tuple(requested) if requested else tuple(pairing.ordered)
    return Scope(stacks, pairing, {config.values.get(MODEL_KEY, DEFAULT_MODEL_PATH): model})
