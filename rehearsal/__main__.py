"""`python -m rehearsal [--model PATH]`: exit 0 when every step went as the tutorial says, 1 on any surprise,
2 when the rehearsal could not be run (config error, unsupported resource, emulator failure or refusal while
setting up, e.g. a managed policy the emulator does not have)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from botocore.exceptions import ClientError

from access.config import PROJECT, ConfigError
from offline.mock_run import PROJECT_DIR
from offline.stack_config import load_stack_config
from rehearsal.apply import UnsupportedResourceError
from rehearsal.emulator import EmulatorError
from rehearsal.rehearse import StacksDisagreeError, rehearse
from rehearsal.transcript import Transcript

STACKS = ("prod", "dev")  # the trusting side first: the role exists before anyone is allowed to assume it


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rehearsal", description=__doc__)
    parser.add_argument("--model", type=Path, help="rehearse another access model file (both stacks read it)")
    args = parser.parse_args(argv)
    configs = [load_stack_config(PROJECT_DIR, stack) for stack in STACKS]
    if args.model:
        configs = [c.with_values(**{f"{PROJECT}:model": str(args.model.resolve())}) for c in configs]
    try:
        rehearsal = rehearse(configs, Transcript(sys.stdout))
    except (ConfigError, UnsupportedResourceError, StacksDisagreeError, EmulatorError, ClientError) as error:
        print(f"rehearsal not run: {error}", file=sys.stderr)
        return 2
    return 1 if rehearsal.surprises else 0


if __name__ == "__main__":
    sys.exit(main())
