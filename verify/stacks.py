"""Which stacks verification reads: every stack file paired with an account of the model (`access.stacks`).

The model is the project's (`access-model.yaml`, or `--model`), read under the same rules as a stack reads
it; each paired stack's config must read that same model, or there is no one intent to verify against. Stack
files naming no account of the model, and accounts no stack file deploys, are said in notes: those accounts
are not read, so the analysis does not see them whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from access.config import MODEL_KEY, ConfigError, parse_model, read_model_file
from access.model import AccessModel
from access.stacks import pair_stacks
from offline.stack_config import StackConfig, load_stack_config
from verify.errors import CannotVerifyError


@dataclass(frozen=True)
class Stacks:
    """The stacks to verify (trusting accounts first) with their config, and what is left out."""

    configs: tuple[StackConfig, ...]
    notes: tuple[str, ...]


def load_model(project_dir: Path, model_path: Path | None = None) -> AccessModel:
    """The project's model (or the one at `model_path`), read under the same rules as a stack reads it."""
    config = {MODEL_KEY: str(model_path.resolve())} if model_path is not None else {}
    try:
        return parse_model(read_model_file(config, project_dir))
    except ConfigError as error:
        raise CannotVerifyError(str(error)) from error


def paired_stacks(project_dir: Path, model_path: Path | None = None) -> Stacks:
    """Every stack file deploying an account of the model; with `model_path`, each stack reads that model."""
    model = load_model(project_dir, model_path)
    pairing = pair_stacks(model, project_dir)
    if not pairing.stacks:
        raise CannotVerifyError(f"no Pulumi.<stack>.yaml in {project_dir} deploys an account of the model")
    configs = []
    for stack in pairing.ordered:
        config = load_stack_config(project_dir, stack)
        if model_path is not None:
            config = config.with_values(**{MODEL_KEY: str(model_path.resolve())})
        configs.append(config)
    notes = [f"stack {stack}: names account {account or '(none)'}, which is not in the model; not read"
             for stack, account in pairing.strangers.items()]
    notes += [f"account {name} has no stack file: not read, so the analysis cannot name its principals"
              for name in pairing.uncovered]
    return Stacks(tuple(configs), tuple(notes))
