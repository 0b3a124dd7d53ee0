"""The policy pack's verdict on the plan, through the analyzer protocol client in `offline/analyzer.py`.

The pack runs in its own Python process and takes about as long to boot as both programs take to run, so
it is started first, on a background thread; each stack is checked as soon as its program is done, while the
next program runs and the analysis works: the pack works on the machine's second core instead of adding up.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import repeat
from pathlib import Path

from offline.analyzer import PolicyPackAnalyzer, Violation, load_policy_config, providers_of
from offline.mock_run import StackRun
from offline.pack_process import DEFAULT_PACK_DIR, PackProcess

CONFIG_FILE = "policy-config.json"
# Analyze requests in flight at once: the pack serves 4 at a time, and while it works on one the client
# encodes the next, instead of each round trip waiting for the last.
PACK_WORKERS = 4


class PackRun:
    """A policy pack process booting in the background; `check` waits for it, `close` always stops it."""

    def __init__(self, pack_dir: Path = DEFAULT_PACK_DIR, config_path: Path | None = None,
                 process: PackProcess | None = None) -> None:
        self.pack_dir = pack_dir
        self.config_path = config_path or pack_dir / CONFIG_FILE
        self.analyzer = PolicyPackAnalyzer(pack_dir, process=process)
        self._error: BaseException | None = None
        self._lock = threading.Lock()  # one stack at a time: configure_stack holds until its AnalyzeStack
        self._thread = threading.Thread(target=self._start, name="policy-pack-start", daemon=True)
        self._thread.start()

    def __enter__(self) -> PackRun:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _start(self) -> None:
        """Start the pack and configure it from `config_path` (by default the pack's policy-config.json, which CI
        passes to the Pulumi action), if there is one, while the programs run."""
        try:
            self.analyzer.start()
            self.analyzer.configure(load_policy_config(self.config_path) if self.config_path.exists() else {})
        except BaseException as error:  # handed to the main thread by check_run()
            self._error = error

    def _ready(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error

    def check_run(self, run: StackRun) -> list[Violation]:
        """What `pulumi preview --policy-pack` reports for one stack: Analyze per resource, then AnalyzeStack."""
        self._ready()
        violations: list[Violation] = []
        with self._lock, ThreadPoolExecutor(max_workers=PACK_WORKERS, thread_name_prefix="analyze") as pool:
            self.analyzer.configure_stack(run.config.stack, run.config.project)
            for found in pool.map(self.analyzer.analyze, run.resources, repeat(providers_of(run.resources))):
                violations += found
            violations += self.analyzer.analyze_stack(run.resources)
        return violations

    def check(self, runs: Sequence[StackRun]) -> list[Violation]:
        """The pack's violations for every stack of `runs`."""
        return [v for run in runs for v in self.check_run(run)]

    def close(self) -> None:
        self._thread.join()
        self.analyzer.close()
