"""`python -m preview`: what the stacks create, what the policy pack says, and exhaustively who can then do what.

Exit codes: 0 when no policy is violated at mandatory level, the analysis finds access exactly as the model
intends and every account of the model that deploys something was previewed; 1 otherwise (each violation,
finding and unpreviewed account is named); 2 when the preview cannot run (a stack's program fails, e.g. on a
ConfigError, the policy pack cannot run, or anything unexpected: one line, no traceback).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

# Only these light imports before the pack is spawned: it boots in its own process while the heavy imports
# (Pulumi SDK, pulumi_aws) and the programs run here.
from offline.pack_process import PackProcess, PolicyPackError
from preview.exit_codes import BROKEN

if TYPE_CHECKING:
    from contextlib import ExitStack
    from multiprocessing.pool import Pool

    from preview.plan import ProgramError
    from preview.report import Report
    from preview.scope import Scope

PROJECT_DIR = Path(__file__).resolve().parent.parent
MAX_ERROR = 300


def _existing(kind: str) -> Callable[[str], Path]:
    """An argparse type for a path that must exist, so a typo is refused before anything runs."""
    def check(value: str) -> Path:
        path = Path(value)
        if not path.exists():
            raise argparse.ArgumentTypeError(f"{value[:80]!r}: no such {kind}")
        return path
    return check


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m preview", description=__doc__.splitlines()[0].split(": ", 1)[1])
    parser.add_argument("--stacks", nargs="+", default=None, metavar="STACK",
                        help="stacks to preview, each with its Pulumi.<stack>.yaml (default: every stack file paired "
                             "with an account of the model; accounts left out make the proof partial)")
    parser.add_argument("--project-dir", type=_existing("directory"), default=PROJECT_DIR,
                        help="the Pulumi project (Pulumi.yaml, __main__.py, stack files; default: this repository)")
    parser.add_argument("--policy-config", type=_existing("file"), default=None, metavar="FILE",
                        help="policy pack configuration (default: policypack/policy-config.json, as in CI)")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="the whole report as JSON, for machines")
    output.add_argument("--markdown", action="store_true", help="a Markdown summary, for a pull request")
    return parser.parse_args(argv)


def preview(stacks: Sequence[str] | None, project_dir: Path, policy_config: Path | None = None,
            process: PackProcess | None = None) -> Report:
    """Run the programs while the pack boots, each stack checked by the pack as soon as its program is done, and
    analyse while the pack finishes.

    Up to two stacks (the tutorial) the pack's client connects first, while this process reads the model and
    imports the SDK; with more, the program workers are forked first, before the client's gRPC channel exists.
    """
    from concurrent.futures import Future, ThreadPoolExecutor
    from contextlib import ExitStack

    from access.stacks import stack_files
    from preview.pack import PackRun

    with ExitStack() as contexts:
        scope = programs = None
        if len(stacks or stack_files(project_dir)) > 2:
            scope, programs = _fork_workers(contexts, project_dir, stacks)
        pack = contexts.enter_context(PackRun(config_path=policy_config, process=process))
        from offline.analyzer import Violation
        from preview.programs import run_stacks
        from preview.report import build_report
        from preview.scope import choose_stacks

        scope = scope or choose_stacks(project_dir, stacks)
        pool = contexts.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="policy-pack"))
        checks: list[Future[list[Violation]]] = []
        runs = run_stacks(scope.stacks, project_dir, lambda run: checks.append(pool.submit(pack.check_run, run)),
                          programs)
        note = [] if pack.config_path.exists() else [f"{pack.config_path} not found: the pack ran with its defaults"]
        return build_report(runs, lambda _: [v for check in checks for v in check.result()], project_dir, scope,
                            note)


def _fork_workers(contexts: ExitStack, project_dir: Path, stacks: Sequence[str] | None) -> tuple[Scope, Pool | None]:
    from preview.programs import workers
    from preview.scope import choose_stacks

    scope = choose_stacks(project_dir, stacks)
    return scope, contexts.enter_context(workers(scope.stacks))


def _one_line(error: BaseException) -> str:
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 3] + "..."


def _run(args: argparse.Namespace) -> Report | ProgramError | int:
    process = PackProcess(exit_on_signals=True)
    process.start()
    try:
        from offline.analyzer import PolicyConfigError
        from preview.plan import ProgramError

        try:
            return preview(args.stacks, args.project_dir.resolve(), args.policy_config, process)
        except ProgramError as error:
            return error
        except (PolicyPackError, PolicyConfigError) as error:
            print(f"error: the policy pack could not run: {_one_line(error)}", file=sys.stderr)
            return BROKEN
    finally:
        process.stop()


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        result = _run(args)
        if isinstance(result, int):
            return result
        from preview import render
        from preview.plan import ProgramError

        if args.json:
            sys.stdout.write(render.to_json(result) + "\n")
        elif args.markdown:
            sys.stdout.write(render.to_markdown(result))
        else:
            render.print_terminal(result)
        return BROKEN if isinstance(result, ProgramError) else result.exit_code
    except Exception as error:  # a crash is never a finding: exit 2, one line, no traceback
        print(f"error: the preview could not run: {_one_line(error)}", file=sys.stderr)
        return BROKEN


def _exit(code: int) -> None:
    """Exit without the interpreter's final garbage collection of every object the programs built (over 100 ms
    on the tutorial): output is flushed first, and the pack process is already stopped."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    gc.freeze()
    _exit(main())
