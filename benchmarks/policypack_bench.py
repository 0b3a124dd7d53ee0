"""How long the policy pack takes, measured through the analyzer protocol as the CLI drives it.

Two corpora: the tutorial (the real program of both stacks under the mock runtime) and a mixed corpus of
labelled resources (tests/policypack/mixed_corpus.py: roles with account, federated, service and organisation
trusts, identity policies, bucket, key, queue and vault policies, Lambda and RAM grants). For each, the pack is
configured with policypack/policy-config.json, then:
  - a preview (Analyze for every resource, then AnalyzeStack with the engine's stack proof), repeated; the
    figure is the median preview time divided by the number of resources, round trips included;
  - the first preview is reported apart: it pays for parsing each distinct document once and for loading the
    AWS action catalogue.
Pack start: spawn `python -u policypack/` until it prints its port and answers GetAnalyzerInfo, median of
several starts, with the pack's bytecode compiled first (as after the CLI's first run).
The protocol's floor is printed too: the median round trip of GetPluginInfo, a call the pack does nothing for;
every Analyze pays it, so "preview median" minus the floor is what the pack and the client add per resource.

Usage: venv/bin/python benchmarks/policypack_bench.py [--rounds N] [--starts N]
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(PROJECT_DIR / "tests" / "policypack"))

from mixed_corpus import mixed_corpus  # noqa: E402

from offline.analyzer import PolicyPackAnalyzer, load_policy_config  # noqa: E402
from offline.mock_run import run_stack  # noqa: E402
from offline.pack_process import DEFAULT_PACK_DIR  # noqa: E402
from offline.resources import PlannedResource  # noqa: E402

TARGET_MS = 0.7
START_TARGET_MS = 250.0


def _preview_ms(pack: PolicyPackAnalyzer, stacks: Sequence[Sequence[PlannedResource]]) -> float:
    """One preview of every stack, in milliseconds per resource."""
    count = sum(len(resources) for resources in stacks)
    start = time.perf_counter()
    for resources in stacks:
        pack.preview(resources)
    return (time.perf_counter() - start) * 1000 / count


def _start_ms() -> float:
    start = time.perf_counter()
    with PolicyPackAnalyzer() as pack:
        pack.get_analyzer_info()
        return (time.perf_counter() - start) * 1000


def _floor_ms(rounds: int) -> float:
    """Median round trip of a call that does no work in the pack (GetPluginInfo)."""
    with PolicyPackAnalyzer() as pack:
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            pack.plugin_version()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _report(name: str, stacks: Sequence[Sequence[PlannedResource]], rounds: int, floor: float) -> None:
    count = sum(len(resources) for resources in stacks)
    with PolicyPackAnalyzer() as pack:
        pack.configure(load_policy_config(PROJECT_DIR / "policypack" / "policy-config.json"))
        first = _preview_ms(pack, stacks)
        warm = [_preview_ms(pack, stacks) for _ in range(rounds)]
    median = statistics.median(warm)
    verdict = "met" if median <= TARGET_MS else "NOT met"
    print(f"  {name} ({count} resources in {len(stacks)} stack(s), {rounds} rounds)")
    print(f"    first preview:   {first:7.3f} ms per resource")
    print(f"    preview median:  {median:7.3f} ms per resource, p90 {statistics.quantiles(warm, n=10)[-1]:.3f} "
          f"(target <= {TARGET_MS} ms: {verdict}); {median - floor:.3f} ms above the protocol floor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200, help="warm previews to time (default 200)")
    parser.add_argument("--starts", type=int, default=7, help="pack starts to time (default 7)")
    args = parser.parse_args()

    compileall.compile_dir(DEFAULT_PACK_DIR, quiet=1)
    tutorial = [run_stack("prod").resources, run_stack("dev").resources]
    corpus = [[item.resource for item in mixed_corpus()]]
    _start_ms()  # warm the file cache
    starts = [_start_ms() for _ in range(args.starts)]
    start = statistics.median(starts)
    print("policy pack: cross-account-guardrails, through the analyzer protocol (Analyze per resource + AnalyzeStack)")
    print(f"  pack start (spawn, port, GetAnalyzerInfo): median {start:.0f} ms of {args.starts}, min {min(starts):.0f} "
          f"(target <= {START_TARGET_MS:.0f} ms: {'met' if start <= START_TARGET_MS else 'NOT met'})")
    floor = _floor_ms(args.rounds * 10)
    print(f"  protocol floor (GetPluginInfo round trip): median {floor:.3f} ms")
    _report("tutorial, the program's two stacks", tutorial, args.rounds, floor)
    _report("mixed corpus", corpus, args.rounds, floor)


if __name__ == "__main__":
    main()
