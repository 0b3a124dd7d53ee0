"""Which stacks verification reads: every stack file paired with an account of the model (`access.stacks`).

The model is the project's (`access-model.yaml`, or `--model`); each paired stack's config must read the same
model, or there is no one intent to verify against. Stack files naming no account of the model, and accounts
no stack file deploys, are said in notes: those accounts are not read, so the analysis does not see them whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from access.config import DEFAULT_MODEL_PATH, PROJECT, SAFE_LOADER, ConfigError, parse_model
from access.model import AccessModel
from access.stacks import pair_stacks
from offline.stack_config import StackConfig, load_stack_config
from verify.errors import CannotVerifyError


@dataclass(frozen=True)
class Stacks:
    """The stacks to verify (trusting accounts first) with their config, and what is left out."""

    configs: tuple[StackConfig, ...]
    notes: tuple[str, ...]


def load_model(path: Path) -> AccessModel:
    """The access model at `path`, or a `CannotVerifyError` naming the file and the first problem."""
    try:
        return parse_model(yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER))
    except OSError as error:
        raise CannotVerifyError(f"model {path.name}: cannot be read ({error.strerror})") from error
    except (yaml.YAMLError, ConfigError) as error:
        raise CannotVerifyError(f"model {path.name}: {error}") from error


def paired_stacks(project_dir: Path, model_path: Path | None = None) -> Stacks:
    """Every stack file deploying an account of the model; with `model_path`, each stack reads that model."""
    model = load_model(model_path or project_dir / DEFAULT_MODEL_PATH)
    pairing = pair_stacks(model, project_dir)
    if not pairing.stacks:
        raise CannotVerifyError(f"no Pulumi.<stack>.yaml in {project_dir} deploys an account of the model")
    configs = []
    for stack in pairing.ordered:
        config = load_stack_config(project_dir, stack)
        if model_path is not None:
            config = config.with_values(**{f"{PROJECT}:model": str(model_path.resolve())})
        configs.append(config)
    notes = [f"stack {stack}: names account {account or '(none)'}, which is not in the model; not read"
             for stack, account in pairing.strangers.items()]
    notes += [f"account {name} has no stack file: not read, so the analysis cannot name its principals"
              for name in pairing.uncovered]
    return Stacks(tuple(configs), tuple(notes))
