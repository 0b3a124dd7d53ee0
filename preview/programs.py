"""Run the stacks' programs under the mock runtime: in this process, or side by side in forked workers.

The mock runtime makes many short-lived cycles (futures, tasks): the garbage collector is paused while a program
runs and collects once after it, instead of scanning the growing heap every few hundred objects.

More than two stacks run in `WORKERS` processes forked from this one once the SDK is imported and before any
gRPC channel exists (a fork after one can hang the child): the programs of a large model then share the
machine's cores with the policy pack, and each child needs no import of its own. Two stacks (the tutorial's)
are faster here than the fork.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.pool import Pool
from pathlib import Path

from offline.mock_run import StackRun, run_stack
from preview.plan import ProgramError

WORKERS = 2


def _run_one(stack: str, project_dir: Path) -> StackRun:
    enabled = gc.isenabled()
    gc.disable()
    try:
        return run_stack(stack, project_dir=project_dir)
    finally:
        if enabled:
            gc.enable()


def _in_worker(job: tuple[str, Path]) -> StackRun | None:
    """A stack's run in a worker, or None if its program failed: the exception may not survive pickling (its
    constructor takes other arguments than its message), so the parent runs that stack again to raise it."""
    try:
        return _run_one(*job)
    except Exception:
        return None


def _worker_start() -> None:
    """A worker leaves signals to its parent (whose handlers stop the policy pack), and gets an event loop of its
    own: the parent's, if a program ran there, holds an executor whose threads a fork does not copy."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    asyncio.set_event_loop(asyncio.new_event_loop())


@contextmanager
def workers(stacks: Sequence[str]) -> Iterator[Pool | None]:
    """A pool of forked workers for more than two stacks (None otherwise); call before any gRPC channel opens."""
    if len(stacks) <= 2 or WORKERS < 2:
        yield None
        return
    gc.collect()
    pool = multiprocessing.get_context("fork").Pool(min(WORKERS, len(stacks)), initializer=_worker_start)
    try:
        yield pool
    except BaseException:
        pool.terminate()
        raise
    pool.close()
    pool.join()


def run_stacks(stacks: Sequence[str], project_dir: Path, each: Callable[[StackRun], object] | None = None,
               pool: Pool | None = None) -> list[StackRun]:
    """Each stack's program with its real config, handed to `each` in order as soon as it is done (the pack checks
    it while the next programs run); the first failure stops the preview as a `ProgramError`."""
    done = pool.imap(_in_worker, [(s, project_dir) for s in stacks]) if pool is not None else (None for _ in stacks)
    runs: list[StackRun] = []
    for stack, run in zip(stacks, done, strict=True):
        if run is None:
            try:
                run = _run_one(stack, project_dir)
            except Exception as error:
                raise ProgramError(stack, error) from error
        gc.collect()
        runs.append(run)
        if each is not None:
            each(run)
    return runs
