"""How long `python -m verify` takes on a large account, against moto's server on 127.0.0.1.

The tutorial is deployed as the stacks would deploy it, then the Development account is filled with USERS users,
GROUPS groups and ROLES roles (inline and managed policies, memberships, trust policies, a few principals that
may assume other roles of the account). Seeding is timed on its own; verification is timed as an operator runs
it: `python -m verify --json` as a process, with an AWS config file of the stacks' profiles and
`AWS_ENDPOINT_URL`, median of a few runs. Then the same run in process, phase by phase.

    venv/bin/python benchmarks/verify_bench.py [--users 1000] [--groups 200] [--roles 500] [--repeat 3]
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# After the path, run as a script.
from access.config import load_stack  # noqa: E402
from offline.mock_run import run_stack  # noqa: E402
from rehearsal.emulator import Emulator, start_emulator  # noqa: E402
from rehearsal.rehearse import shared_model  # noqa: E402
from rehearsal.verification import EmulatedCredentials, aws_profiles, deploy  # noqa: E402
from verify.access import judge_access  # noqa: E402
from verify.desired import desired_state  # noqa: E402
from verify.drift import find_drift  # noqa: E402
from verify.live import read_account  # noqa: E402
from verify.live_estate import live_estate  # noqa: E402
from verify.stacks import paired_stacks  # noqa: E402

DEVELOPMENT, REGION = "111111111111", "us-east-1"
MANAGED_POLICIES = 50
# Read-only ones: PowerUserAccess would let its groups' members assume UpdateApp (verify would name each of them).
AWS_MANAGED = ("arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
WORKERS = 4


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(action: str | list[str], resource: str) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def _role_arn(i: int) -> str:
    return f"arn:aws:iam::{DEVELOPMENT}:role/app-{i:04d}"


def seed(emulator: Emulator, users: int, groups: int, roles: int) -> int:
    """Fill the Development account (authorisation off); the number of API calls made."""
    iam = emulator.admin("iam", DEVELOPMENT, REGION)
    policies = [iam.create_policy(PolicyName=f"team-{i:03d}", PolicyDocument=_document(
        _allow(["s3:GetObject", "s3:ListBucket"], f"arn:aws:s3:::team-{i:03d}*"),
        _allow("ec2:Describe*", "*")))["Policy"]["Arn"] for i in range(MANAGED_POLICIES)]
    calls: list[tuple[str, dict[str, Any]]] = []
    for g in range(groups):
        calls.append(("create_group", {"GroupName": f"team-{g:03d}"}))
    for r in range(roles):
        trust = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"} if r % 2 else
                 {"AWS": f"arn:aws:iam::{DEVELOPMENT}:root"}, "Action": "sts:AssumeRole"}
        calls.append(("create_role", {"RoleName": f"app-{r:04d}", "AssumeRolePolicyDocument": _document(trust)}))
    for u in range(users):
        calls.append(("create_user", {"UserName": f"user-{u:04d}"}))
    _run(emulator, calls)
    calls = []
    for g in range(groups):
        name = f"team-{g:03d}"
        document = _document(_allow("sts:AssumeRole", _role_arn(g % max(roles, 1))),
                             _allow("s3:PutObject", f"arn:aws:s3:::team-{g:03d}/*"))
        calls.append(("put_group_policy", {"GroupName": name, "PolicyName": "team-access", "PolicyDocument": document}))
        calls.append(("attach_group_policy", {"GroupName": name, "PolicyArn": policies[g % MANAGED_POLICIES]}))
        if g % 20 == 0:
            calls.append(("attach_group_policy", {"GroupName": name, "PolicyArn": AWS_MANAGED[g // 20 % 2]}))
    for r in range(roles):
        calls.append(("attach_role_policy", {"RoleName": f"app-{r:04d}", "PolicyArn": policies[r % MANAGED_POLICIES]}))
        if r % 10 == 0:
            calls.append(("put_role_policy", {"RoleName": f"app-{r:04d}", "PolicyName": "chain",
                                              "PolicyDocument": _document(_allow("sts:AssumeRole", _role_arn(r + 1)))}))
    for u in range(users):
        for g in {u % groups, (u * 7) % groups} if groups else ():
            calls.append(("add_user_to_group", {"UserName": f"user-{u:04d}", "GroupName": f"team-{g:03d}"}))
        if u % 10 == 0:
            calls.append(("put_user_policy", {"UserName": f"user-{u:04d}", "PolicyName": "own",
                                              "PolicyDocument": _document(_allow("s3:GetObject", "*"))}))
    _run(emulator, calls)
    return MANAGED_POLICIES + groups + roles + users + len(calls)


def _run(emulator: Emulator, calls: list[tuple[str, dict[str, Any]]]) -> None:
    """The calls on a few threads (moto's server is threaded), each thread with its own client."""
    def work(chunk: list[tuple[str, dict[str, Any]]]) -> None:
        iam = emulator.admin("iam", DEVELOPMENT, REGION)
        for operation, arguments in chunk:
            getattr(iam, operation)(**arguments)
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(work, [calls[i::WORKERS] for i in range(WORKERS)]))


def timed_process(environment: dict[str, str], repeat: int) -> tuple[float, list[float], dict[str, Any], int]:
    """Median wall time of `python -m verify --json` as a process, every time, its last report and exit code."""
    times, report, code = [], {}, -1
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "verify", "--json"], cwd=REPO, env=environment,
                              capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        code = done.returncode
        try:
            report = json.loads(done.stdout)
        except json.JSONDecodeError:
            sys.exit(f"no report from python -m verify (exit {code}): {done.stderr[-1000:]}")
    return statistics.median(times), times, report, code


def phases(emulator: Emulator, keys: dict[str, Any]) -> list[tuple[str, float]]:
    """The same verification in process, each phase timed (imports already paid)."""
    found: list[tuple[str, float]] = []

    def clock(label: str, start: float) -> float:
        now = time.perf_counter()
        found.append((label, now - start))
        return now

    start = time.perf_counter()
    configs = paired_stacks(REPO).configs
    runs = [run_stack(c.stack, config=c) for c in configs]
    model = shared_model(runs)
    start = clock("both programs under the mock runtime", start)
    connect = EmulatedCredentials(emulator.endpoint, keys)
    sessions = []
    for run in runs:
        settings = load_stack(run.config.values, REPO, run.config.secret_keys)[1]
        sessions.append(connect(run.config.stack, model.account(settings.account), settings))
    start = clock("credentials and sts:GetCallerIdentity", start)
    live = {s.account.id: read_account(s, [b.name for b in model.buckets_in(s.account.name)]) for s in sessions}
    start = clock("reading IAM and S3", start)
    find_drift(desired_state(runs).expectations, live)
    start = clock("drift", start)
    estate = live_estate(live)
    start = clock("live Estate (policies parsed)", start)
    judge_access(model, live, estate)
    clock("exhaustive analysis against the intent", start)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--roles", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with start_emulator() as emulator, tempfile.TemporaryDirectory(prefix="verify-bench-") as scratch:
        start = time.perf_counter()
        runs = [run_stack(stack) for stack in ("prod", "dev")]
        keys = deploy(emulator, shared_model(runs), runs)
        calls = seed(emulator, args.users, args.groups, args.roles)
        seeding = time.perf_counter() - start
        print(f"seeding: {seeding:.1f} s (the tutorial, then {args.users} users, {args.groups} groups, {args.roles} "
              f"roles, {MANAGED_POLICIES} managed policies in {DEVELOPMENT}: {calls} IAM calls on {WORKERS} threads)")
        profiles = {"production-admin": keys["999999999999"], "development-admin": keys[DEVELOPMENT]}
        environment = {**{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
                       **aws_profiles(Path(scratch), profiles, emulator.endpoint, REGION)}
        median, times, report, code = timed_process(environment, args.repeat)
        read = {a["account"]: a for a in report.get("accounts", [])}
        development = read.get("development", {})
        print(f"python -m verify --json: {median:.2f} s median of {args.repeat} "
              f"({', '.join(f'{t:.2f}' for t in times)}), exit {code}; development read as "
              f"{development.get('users')} users, {development.get('groups')} groups, {development.get('roles')} "
              f"roles, {development.get('policies')} managed policies, {len(report.get('failures', []))} failure(s) "
              "(target: under 10 s)")
        for label, seconds in phases(emulator, keys):
            print(f"  {label:<45} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
