"""How fast the IAM evaluation engine (policypack/iameval) answers, in evaluations per second.

Times, warm, on the tutorial's own documents:
  (a) David (Developers) asks sts:AssumeRole on UpdateApp: his group's Allow, the trust naming 111111111111:root;
  (b) a role session holding PowerUserAccess (a NotAction statement) asks s3:GetObject and iam:CreateUser;
and then the shape of the largest preview: N roles, each trusted by the development account, and N groups,
each allowed to assume one role; one member per group asks to assume every role (N x N evaluations, default
1000 x 1000 = one million). Also: parse_policy per document, and the action catalogue's first load.

Usage: venv/bin/python benchmarks/engine_bench.py [--seconds S] [--pairs N]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from access.aws_managed import MANAGED_POLICIES  # noqa: E402
from policypack.iameval import Caller, Request, Target, evaluate, parse_policy  # noqa: E402
from policypack.iameval import catalogue as catalogue_module  # noqa: E402

DEV, PROD = "111111111111", "999999999999"
VERSION = "2012-10-17"


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{PROD}:role/{name}"


def assume_policy(role: str) -> dict:
    """A group's `allow-assume-...` policy."""
    return {"Version": VERSION, "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role}]}


def trust_policy() -> dict:
    return {"Version": VERSION, "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{DEV}:root"},
                                               "Action": "sts:AssumeRole"}]}


def rate(call: Callable[[], object], seconds: float) -> float:
    """Calls per second of `call`, over batches for about `seconds`."""
    call()
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(1000):
            call()
        done += 1000
    return done / elapsed


def grid(pairs: int) -> tuple[int, int, float]:
    """N roles x N groups (one member each): (evaluations, allowed, seconds)."""
    trust = Target(parse_policy("trust", trust_policy()), PROD, requires_policy=True)
    roles = [role_arn(f"Role{i}") for i in range(pairs)]
    members = [Caller(f"arn:aws:iam::{DEV}:user/member{i}", (parse_policy(f"allow-{i}", assume_policy(roles[i])),))
               for i in range(pairs)]
    requests = [Request("sts:AssumeRole", role) for role in roles]
    allowed = 0
    start = time.perf_counter()
    for member in members:
        for request in requests:
            allowed += evaluate(member, request, trust).allowed
    return pairs * pairs, allowed, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per figure (default 2)")
    parser.add_argument("--pairs", type=int, default=1000, help="roles and groups in the grid (default 1000)")
    args = parser.parse_args()

    start = time.perf_counter()
    catalogue = catalogue_module.load()
    load_ms = (time.perf_counter() - start) * 1000
    print(f"catalogue: {len(catalogue.actions)} actions ({catalogue.date}) loaded in {load_ms:.1f} ms")

    update_app = role_arn("UpdateApp")
    document = assume_policy(update_app)
    parses = rate(lambda: parse_policy("allow-assume-S3-role-in-production", document), args.seconds)
    print(f"parse_policy: {parses:,.0f} documents/s (a one-statement group policy)")

    david = Caller(f"arn:aws:iam::{DEV}:user/David", (parse_policy("allow-assume", document),))
    trust = Target(parse_policy("UpdateApp trust", trust_policy()), PROD, requires_policy=True)
    assume = Request("sts:AssumeRole", update_app)
    assert evaluate(david, assume, trust).allowed
    print(f"(a) David -> UpdateApp sts:AssumeRole: {rate(lambda: evaluate(david, assume, trust), args.seconds):,.0f}"
          " evaluations/s")

    session = Caller(update_app, (parse_policy("PowerUserAccess", MANAGED_POLICIES["PowerUserAccess"]),))
    get = Request("s3:GetObject", "arn:aws:s3:::productionapp/report.csv")
    create = Request("iam:CreateUser", f"arn:aws:iam::{PROD}:user/x")
    assert evaluate(session, get).allowed and not evaluate(session, create).allowed
    for label, request in (("s3:GetObject", get), ("iam:CreateUser", create)):
        print(f"(b) PowerUserAccess session, {label}: {rate(lambda r=request: evaluate(session, r), args.seconds):,.0f}"
              " evaluations/s")

    evaluations, allowed, seconds = grid(args.pairs)
    print(f"grid {args.pairs} roles x {args.pairs} groups: {evaluations:,} evaluations ({allowed:,} allowed) in "
          f"{seconds:.2f} s = {evaluations / seconds:,.0f}/s")


if __name__ == "__main__":
    main()
