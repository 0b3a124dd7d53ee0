"""How long the policy pack takes per resource, measured through the analyzer protocol as the CLI drives it.

Runs the real program of both stacks (the tutorial's resources) under the mock runtime, starts the pack once,
configures it with policypack/policy-config.json, then times:
  - each Analyze call (one resource, all resource policies, parliament lint included);
  - each AnalyzeStack call (all stack policies), divided by the number of resources;
  - a whole preview (Analyze for every resource, then AnalyzeStack), divided by the number of resources.
The first round is reported apart: it pays for parsing and linting each distinct document once (the pack
caches both per document text); later rounds are what a preview costs once the pack has seen a document.

Usage: venv/bin/python benchmarks/policypack_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from offline.analyzer import PolicyPackAnalyzer, load_policy_config  # noqa: E402
from offline.mock_run import run_stack  # noqa: E402
from offline.resources import PlannedResource  # noqa: E402

TARGET_MS = 1.0


def _timed(action: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def _round(pack: PolicyPackAnalyzer, stacks: Sequence[Sequence[PlannedResource]]) -> tuple[list[float], float]:
    """One preview of every stack: the time of each Analyze call, and the total time of the AnalyzeStack calls."""
    analyze, analyze_stack = [], 0.0
    for resources in stacks:
        analyze.extend(_timed(partial(pack.analyze, resource, resources)) for resource in resources)
        analyze_stack += _timed(partial(pack.analyze_stack, resources))
    return analyze, analyze_stack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200, help="warm rounds to time (default 200)")
    rounds = parser.parse_args().rounds

    stacks = [run_stack("prod").resources, run_stack("dev").resources]
    count = sum(len(resources) for resources in stacks)
    start = time.perf_counter()
    with PolicyPackAnalyzer() as pack:
        pack.get_analyzer_info()
        startup_ms = (time.perf_counter() - start) * 1000
        pack.configure(load_policy_config(PROJECT_DIR / "policypack" / "policy-config.json"))

        cold_analyze, cold_stack = _round(pack, stacks)
        warm_analyze: list[float] = []
        warm_stack: list[float] = []
        previews = []
        for _ in range(rounds):
            analyze, analyze_stack = _round(pack, stacks)
            warm_analyze += analyze
            warm_stack.append(analyze_stack / count)
            previews.append((sum(analyze) + analyze_stack) / count)

    per_resource = statistics.median(previews)
    print(f"policy pack: cross-account-guardrails, {count} tutorial resources in 2 stacks, {rounds} warm rounds")
    print(f"  startup (process, port, GetAnalyzerInfo):  {startup_ms:8.1f} ms")
    print(
        f"  first round  Analyze median / max:         {statistics.median(cold_analyze):8.3f} / "
        f"{max(cold_analyze):.3f} ms per resource"
    )
    print(f"  first round  AnalyzeStack:                 {cold_stack / count:8.3f} ms per resource")
    print(
        f"  warm         Analyze median / p95:         {statistics.median(warm_analyze):8.3f} / "
        f"{statistics.quantiles(warm_analyze, n=20)[-1]:.3f} ms per resource"
    )
    print(f"  warm         AnalyzeStack median:          {statistics.median(warm_stack):8.3f} ms per resource")
    print(
        f"  warm         preview median:               {per_resource:8.3f} ms per resource "
        f"(target <= {TARGET_MS} ms: {'met' if per_resource <= TARGET_MS else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
