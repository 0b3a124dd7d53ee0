"""Running the rehearsal from tests: the real stacks' config, optionally with another model file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import yaml

from offline.mock_run import PROJECT_DIR
from offline.stack_config import load_stack_config
from rehearsal.__main__ import STACKS
from rehearsal.rehearse import Rehearsal, rehearse
from rehearsal.transcript import Transcript


def write_model(raw: dict[str, Any], directory: Path) -> Path:
    path = directory / "access-model.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def rehearse_model(raw: dict[str, Any], directory: Path) -> tuple[Rehearsal, str]:
    """Rehearse both stacks reading `raw` as their model; the result and the transcript."""
    path = write_model(raw, directory)
    configs = [load_stack_config(PROJECT_DIR, stack).with_values(**{"cross-account-access:model": str(path)})
               for stack in STACKS]
    out = io.StringIO()
    return rehearse(configs, Transcript(out)), out.getvalue()
