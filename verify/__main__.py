"""`python -m verify`: the live accounts against the model's intent and against what the program would deploy.

Exit codes, as the preview's: 0 when every access is as the model intends and nothing drifted, 1 otherwise
(each unintended principal, role and drifted document named), 2 when verification cannot run (no or wrong
credentials, an unreachable endpoint, a refused read, a stack whose program fails), with one line saying why.
Reads only; credentials per account as each stack's provider gets them (`profile`, `assumeRoleArn`, else the
ambient chain); `AWS_ENDPOINT_URL` points it at an emulator.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from preview.exit_codes import BROKEN
from verify import render
from verify.errors import CannotVerifyError
from verify.report import VerifyReport, build_report
from verify.run import verify
from verify.stacks import paired_stacks

PROJECT_DIR = Path(__file__).resolve().parent.parent


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m verify", description=__doc__.splitlines()[0].split(": ", 1)[1])
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR,
                        help="the Pulumi project (Pulumi.yaml, __main__.py, stack files; default: this repository)")
    parser.add_argument("--model", type=Path, help="verify against another access model file (every stack reads it)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="the whole report as JSON, for machines")
    output.add_argument("--markdown", action="store_true", help="a Markdown summary, for a job summary")
    return parser.parse_args(argv)


def _verify(args: argparse.Namespace) -> VerifyReport | CannotVerifyError:
    """The report, or why there is none; an unexpected failure too is one line, never a traceback or exit 1."""
    try:
        project_dir = args.project_dir.resolve()
        stacks = paired_stacks(project_dir, args.model)
        return build_report(verify(stacks.configs, project_dir), stacks.notes)
    except CannotVerifyError as error:
        return error
    except Exception as error:  # a crash is never a finding: exit 2, as the preview does
        return CannotVerifyError(f"verification failed unexpectedly: {type(error).__name__}: {error}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    result = _verify(args)
    if args.json or args.markdown:
        sys.stdout.write(render.to_json(result) + "\n" if args.json else render.to_markdown(result))
    else:
        render.print_terminal(result)
    return BROKEN if isinstance(result, CannotVerifyError) else result.exit_code


if __name__ == "__main__":
    sys.exit(main())
