"""The verification report for people (terminal), machines (JSON) and a job summary (Markdown).

All three read the same `VerifyReport`: per role, what is wrong first, then who may assume it and what its
session may do (as the preview words them, from the same analysis), then drift, notes and the verdict. A
`CannotVerifyError` is one line in each (stderr on the terminal).
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from policypack.iameval.results import RoleAnalysis
from preview.exit_codes import BROKEN
from verify.errors import CannotVerifyError
from verify.report import VerifyReport

TITLE = "Live verification"


def role_lines(role: RoleAnalysis, report: VerifyReport) -> tuple[list[str], list[str]]:
    """(what is wrong, the complete answer) for one role, one line each."""
    analysis = report.analysis
    answer = [role.assume_summary(), role.session_summary(analysis.catalogued, analysis.catalogue_date)]
    return [f.text() for f in report.counted(role.findings)], answer + role.notes


def _roles(report: VerifyReport) -> list[RoleAnalysis]:
    return sorted(report.analysis.roles, key=lambda r: (not report.counted(r.findings), r.name))


def to_json(result: VerifyReport | CannotVerifyError) -> str:
    """The whole report (the analysis compact: counts and findings), or why verification could not run."""
    failed = isinstance(result, CannotVerifyError)
    return json.dumps({"error": str(result), "exitCode": BROKEN} if failed else result.to_dict(), indent=1)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def to_markdown(result: VerifyReport | CannotVerifyError) -> str:
    """A job summary: verdict first, every failure, then access per role, drift and what was read."""
    if isinstance(result, CannotVerifyError):
        return f"## {TITLE}\n\n:x: **Cannot verify:** {_md(str(result))}\n"
    report = result
    mark = ":x:" if report.failures else ":white_check_mark:"
    lines = [f"## {TITLE}", "", f"{mark} {report.summary()}", ""]
    lines += [f"- {_md(f)}" for f in report.failures] + ([""] if report.failures else [])
    lines += ["### Access, exhaustively, on the live accounts", ""]
    for role in _roles(report):
        wrong, answer = role_lines(role, report)
        lines += [f"#### {_md(role.name)} ({_md(role.role.arn)})", ""]
        lines += [f"- :x: {_md(w)}" for w in wrong] + [f"- {_md(a)}" for a in answer] + [""]
    lines += ["### Drift from what the program would deploy", ""]
    lines += [f"- :x: {_md(d.line)}" for d in report.drift] or ["None: every managed document is as the program "
                                                                 "would deploy it."]
    lines += ["", "### Accounts read", ""] + [f"- {_md(a.text)}" for a in report.accounts] + [""]
    lines += [f"> {_md(n)}" for n in report.all_notes]
    return "\n".join(lines) + "\n"


def print_terminal(result: VerifyReport | CannotVerifyError, stream: TextIO | None = None) -> None:
    """Access per role (wrong entries first), drift, notes, failures and the verdict, as plain lines."""
    if isinstance(result, CannotVerifyError):
        print(f"error: cannot verify: {result}", file=sys.stderr)
        return
    out, report = stream or sys.stdout, result
    for account in report.accounts:
        print(f"read {account.text}", file=out)
    print("Access, exhaustively, on the live accounts:", file=out)
    for role in _roles(report):
        wrong, answer = role_lines(role, report)
        print(f"  {role.name} ({role.role.arn})", file=out)
        for line in wrong:
            print(f"    WRONG: {line}", file=out)
        for line in answer:
            print(f"    {line}", file=out)
    print(f"Drift: {len(report.drift)} document(s)", file=out)
    for drift in report.drift:
        print(f"  {drift.line}", file=out)
    for note in report.all_notes:
        print(note, file=out)
    for failure in report.failures:
        print(failure, file=out)
    print(report.summary(), file=out)
