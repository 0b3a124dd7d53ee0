"""How long the offline preview takes, measured as CI runs it: whole processes, median of a few runs.

The tutorial's preview is compared with the bare `import pulumi, pulumi_aws, pulumi_policy` measured in the
same run (the floor any Python preview pays), then synthetic models of N trust relationships
(benchmarks/synthetic.py) show how the time grows: per planned resource and per access-matrix cell.

    venv/bin/python benchmarks/preview_bench.py [--repeat 5] [--sizes 1 100 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.synthetic import POLICY_CONFIG, write_project  # noqa: E402 (after the path, run as a script)

IMPORTS = [sys.executable, "-c", "import pulumi, pulumi_aws, pulumi_policy"]
PREVIEW = [sys.executable, "-m", "preview", "--json"]


def run(command: Sequence[str]) -> tuple[float, str, int]:
    """Wall time, stdout and exit code of one process, started from the repository as `make` would."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.stdout, done.returncode


def median(command: Sequence[str], repeat: int) -> tuple[float, str, int]:
    """Median wall time of `repeat` runs after one warm-up (file cache, bytecode where it is written)."""
    run(command)
    results = [run(command) for _ in range(repeat)]
    _, stdout, code = results[-1]
    return statistics.median(t for t, _, _ in results), stdout, code


def sizes_of(stdout: str, command: Sequence[str]) -> tuple[int, int]:
    """(planned resources, access cells) of a JSON report; the tree's account level is not a resource."""
    def count(node: dict[str, Any]) -> int:
        return (node["kind"] != "account") + sum(count(c) for c in node["children"])
    try:
        report = json.loads(stdout)
        return sum(count(s) for s in report["stacks"]), len(report["access"])
    except (json.JSONDecodeError, KeyError):
        sys.exit(f"no report from {' '.join(command)}: {stdout[:500]!r} (run it to see its error)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    args = parser.parse_args()

    imports, _, _ = median(IMPORTS, args.repeat)
    tutorial, stdout, code = median(PREVIEW, args.repeat)
    resources, cells = sizes_of(stdout, PREVIEW)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set: the repository's modules (and the pack's) compile on every run")
    print(f"import pulumi, pulumi_aws, pulumi_policy: {imports:.3f} s (median of {args.repeat})")
    print(f"tutorial preview: {tutorial:.3f} s = {tutorial / imports:.2f}x the import "
          f"({resources} resources, {cells} cells, exit {code})")
    print(f"{'N':>6} {'stacks':>6} {'resources':>9} {'cells':>6} {'seconds':>8} {'ms/resource':>11} {'exit':>4}")
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as scratch:
        for n in args.sizes:
            project = Path(scratch) / f"n{n}"
            stacks = write_project(n, project)
            command = [*PREVIEW, "--project-dir", str(project), "--policy-config", str(project / POLICY_CONFIG),
                       "--stacks", *stacks]
            seconds, stdout, code = median(command, max(1, min(args.repeat, 3)))
            resources, cells = sizes_of(stdout, command)
            print(f"{n:>6} {len(stacks):>6} {resources:>9} {cells:>6} {seconds:>8.3f} "
                  f"{1000 * seconds / resources:>11.2f} {code:>4}")


if __name__ == "__main__":
    main()
