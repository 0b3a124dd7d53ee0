"""`python -m preview`: what the stacks create, what the policy pack says, and who can then do what.

Exit codes: 0 when no policy is violated at mandatory level and every access cell is as the model intends,
1 otherwise (each violation and wrong cell is named), 2 when a stack's program fails (e.g. a ConfigError)
or the policy pack cannot run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# Only this light import before the pack is spawned: it boots in its own process while the heavy imports
# (Pulumi SDK, pulumi_aws, principalmapper, rich) and the programs run here.
from offline.pack_process import PackProcess, PolicyPackError
from preview.exit_codes import BROKEN

if TYPE_CHECKING:
    from preview.report import Report

DEFAULT_STACKS = ("prod", "dev")
PROJECT_DIR = Path(__file__).resolve().parent.parent


def _existing(kind: str) -> Callable[[str], Path]:
    """An argparse type for a path that must exist, so a typo is refused before anything runs."""
    def check(value: str) -> Path:
        path = Path(value)
        if not path.exists():
            raise argparse.ArgumentTypeError(f"{value!r}: no such {kind}")
        return path
    return check


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m preview", description=__doc__.splitlines()[0].split(": ", 1)[1])
    parser.add_argument("--stacks", nargs="+", default=list(DEFAULT_STACKS), metavar="STACK",
                        help="stacks to preview, each with its Pulumi.<stack>.yaml (default: prod dev)")
    parser.add_argument("--project-dir", type=_existing("directory"), default=PROJECT_DIR,
                        help="the Pulumi project (Pulumi.yaml, __main__.py, stack files; default: this repository)")
    parser.add_argument("--policy-config", type=_existing("file"), default=None, metavar="FILE",
                        help="policy pack configuration (default: policypack/policy-config.json, as in CI)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="the whole report as JSON, for machines")
    output.add_argument("--markdown", action="store_true", help="a Markdown summary, for a pull request")
    return parser.parse_args(argv)


def preview(stacks: Sequence[str], project_dir: Path, policy_config: Path | None = None,
            process: PackProcess | None = None) -> Report:
    """Run the programs while the pack boots, then evaluate the matrix while the pack analyses."""
    from preview.pack import PackRun
    from preview.plan import run_stacks
    from preview.report import build_report

    with PackRun(config_path=policy_config, process=process) as pack:
        runs = run_stacks(stacks, project_dir)
        note = [] if pack.config_path.exists() else [f"{pack.config_path} not found: the pack ran with its defaults"]
        return build_report(runs, pack.check, project_dir, note)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    process = PackProcess(exit_on_signals=True)
    process.start()
    try:
        from offline.analyzer import PolicyConfigError
        from preview import render
        from preview.plan import ProgramError

        show = render.to_json if args.json else render.to_markdown if args.markdown else None
        result: Report | ProgramError
        try:
            result = preview(args.stacks, args.project_dir.resolve(), args.policy_config, process)
        except ProgramError as error:
            result = error
        except (PolicyPackError, PolicyConfigError) as error:
            print(f"error: the policy pack could not run: {error}", file=sys.stderr)
            return BROKEN
    finally:
        process.stop()
    if show is None:
        render.print_terminal(result)
    else:
        sys.stdout.write(show(result) + ("\n" if args.json else ""))
    return BROKEN if isinstance(result, ProgramError) else result.exit_code


if __name__ == "__main__":
    sys.exit(main())
