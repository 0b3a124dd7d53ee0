"""How long the offline preview takes, measured as CI runs it: whole processes, median of a few runs.

The tutorial's preview is compared with the bare import any such program pays (pulumi_aws loads its modules
lazily, so the classes are imported, as a program does), measured in the same run. Then synthetic models
(benchmarks/synthetic.py): N trust relationships, and the grid of R roles x G groups (R x G questions of who may
assume what), with wall time, the preview process's peak memory and the size of its JSON report.

    venv/bin/python benchmarks/preview_bench.py [--repeat 5] [--sizes 1 100 1000 10000] [--grid 1000 1000]
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.synthetic import POLICY_CONFIG, write_project  # noqa: E402 (after the path, run as a script)

IMPORTS = [sys.executable, "-c", "import pulumi, pulumi_policy; from pulumi_aws.iam import Role; "
                                 "from pulumi_aws.s3 import BucketPolicy"]
PREVIEW = [sys.executable, "-m", "preview", "--json"]


def run(command: Sequence[str]) -> tuple[float, str, int, int]:
    """Wall time, stdout, exit code and peak memory (KiB) of one process, started from the repository as `make`
    would."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return seconds, out.read().decode(), process.returncode, usage.ru_maxrss


def median(command: Sequence[str], repeat: int) -> tuple[float, str, int, int]:
    """Median wall time of `repeat` runs after one warm-up (file cache, bytecode where it is written)."""
    run(command)
    results = [run(command) for _ in range(repeat)]
    _, stdout, code, _ = results[-1]
    return statistics.median(r[0] for r in results), stdout, code, max(r[3] for r in results)


def sizes_of(stdout: str, command: Sequence[str]) -> tuple[int, int, int]:
    """(planned resources, roles analysed, assume questions) of a JSON report; the tree's account level is not a
    resource."""
    def count(node: dict[str, object]) -> int:
        children = node["children"]
        assert isinstance(children, list)
        return (node["kind"] != "account") + sum(count(c) for c in children)
    try:
        report = json.loads(stdout)
        roles = report["access"]["roles"]
        return sum(count(s) for s in report["stacks"]), len(roles), sum(r["questions"] for r in roles)
    except (json.JSONDecodeError, KeyError):
        sys.exit(f"no report from {' '.join(command)}: {stdout[:500]!r} (run it to see its error)")


def synthetic(label: str, project: Path, stacks: list[str], repeat: int) -> None:
    command = [*PREVIEW, "--project-dir", str(project), "--policy-config", str(project / POLICY_CONFIG)]
    seconds, stdout, code, memory = median(command, repeat)
    resources, roles, questions = sizes_of(stdout, command)
    print(f"{label:>12} {len(stacks):>6} {resources:>9} {roles:>5} {questions:>10} {seconds:>8.2f} "
          f"{memory / 1024:>7.0f} {len(stdout) / 1e6:>7.2f} {code:>4}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1, 100, 1000, 10000])
    parser.add_argument("--grid", type=int, nargs=2, default=[1000, 1000], metavar=("ROLES", "GROUPS"))
    parser.add_argument("--no-grid", action="store_true")
    args = parser.parse_args()

    imports, _, _, _ = median(IMPORTS, args.repeat)
    tutorial, stdout, code, memory = median(PREVIEW, args.repeat)
    resources, roles, questions = sizes_of(stdout, PREVIEW)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set: the repository's modules (and the pack's) compile on every run")
    print(f"bare import ({IMPORTS[-1]}): {imports:.3f} s (median of {args.repeat})")
    print(f"tutorial preview: {tutorial:.3f} s = {tutorial / imports:.2f}x the import ({resources} resources, "
          f"{roles} role, {questions} assume questions, {memory / 1024:.0f} MiB, exit {code})")
    print(f"{'model':>12} {'stacks':>6} {'resources':>9} {'roles':>5} {'questions':>10} {'seconds':>8} "
          f"{'MiB':>7} {'JSON MB':>7} {'exit':>4}")
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as scratch:
        for n in args.sizes:
            project = Path(scratch) / f"n{n}"
            synthetic(f"N={n}", project, write_project(n, project), max(1, min(args.repeat, 3)))
        if not args.no_grid:
            roles_count, groups = args.grid
            project = Path(scratch) / "grid"
            synthetic(f"{roles_count}x{groups}", project, write_project(0, project, (roles_count, groups)), 1)


if __name__ == "__main__":
    main()
