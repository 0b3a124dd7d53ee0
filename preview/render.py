"""The report for people (terminal), for machines (JSON) and for a pull request (Markdown).

All three read the same `Report`. Per role, what is wrong comes first, then the complete answer in two lines:
who may assume it, and what its session may do. Past MAX_ROLES roles only those with findings are listed
(every role is in the JSON, which holds counts and the findings, never one entry per question asked).
The terminal needs no library: plain lines, coloured only when the output is a terminal.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from offline.analyzer import Violation
from policypack.iameval.results import RoleAnalysis
from preview.exit_codes import BROKEN
from preview.plan import ProgramError, TreeNode
from preview.report import Report, violation_stack

MAX_ROLES = 50
COLOURS = {"red": "31", "green": "32", "yellow": "33", "bold": "1", "dim": "2", "magenta": "35"}
MAX_TREE_LINES = 200
VIOLATION_HEADERS = ("Level", "Policy", "Stack", "Resource", "Message")


def _node_label(node: TreeNode) -> str:
    properties = " ".join(f"{k}={v}" for k, v in node.properties.items())
    return f"{node.kind} {node.name}" + (f"  {properties}" if properties else "")


def _tree_lines(node: TreeNode, prefix: str = "", last: bool = True, root: bool = True) -> Iterator[str]:
    yield _node_label(node) if root else f"{prefix}{'└── ' if last else '├── '}{_node_label(node)}"
    inner = "" if root else prefix + ("    " if last else "│   ")
    for i, child in enumerate(node.children):
        yield from _tree_lines(child, inner, i == len(node.children) - 1, root=False)


def tree_lines(node: TreeNode) -> list[str]:
    """The plan tree of a stack; a large one is cut (every resource is in the JSON)."""
    lines = list(_tree_lines(node))
    if len(lines) > MAX_TREE_LINES:
        lines = [*lines[:MAX_TREE_LINES], f"... {len(lines) - MAX_TREE_LINES} more lines (every resource is in --json)"]
    return lines


def _violation_row(violation: Violation) -> list[str]:
    return [violation.enforcement_level, violation.policy_name, violation_stack(violation),
            f"{violation.resource_type} {violation.resource_name}".strip(), violation.detail]


def _shown_roles(report: Report) -> tuple[list[RoleAnalysis], int]:
    """The roles to list (those with findings first), and how many as-intended ones were left out."""
    roles = sorted(report.proof.analysis.roles, key=lambda r: (not r.findings, r.name))
    if len(roles) <= MAX_ROLES:
        return roles, 0
    wrong = [r for r in roles if r.findings]
    return wrong, len(roles) - len(wrong)


def role_lines(role: RoleAnalysis, report: Report) -> tuple[list[str], list[str]]:
    """(what is wrong, the complete answer) for one role, one line each."""
    analysis = report.proof.analysis
    answer = [role.assume_summary(), role.session_summary(analysis.catalogued, analysis.catalogue_date)]
    if role.refused:
        answer.insert(1, role.refused_summary())
    if role.wildcards:
        answer.append("wildcard grants, which will also cover actions AWS adds later: " + "; ".join(role.wildcards))
    answer.append(f"{role.asked:,} assume questions ({role.evaluated:,} evaluated, the rest refused by construction) "
                  f"over {len(role.partitions)} condition case(s); {role.session_evaluated:,} session evaluations over "
                  f"{len(role.session_partitions)} condition case(s)")
    return [f.text() for f in role.findings], answer + role.notes


def _role_title(role: RoleAnalysis) -> str:
    return f"{role.name} ({role.role.arn})"


def error_dict(error: ProgramError) -> dict[str, Any]:
    return {"stack": error.stack, "type": type(error.error).__name__, "key": getattr(error.error, "key", None),
            "message": str(error.error)}


def to_json(result: Report | ProgramError) -> str:
    """The whole report (compact: counts and findings, not every question), or the program error, exit 2."""
    if isinstance(result, ProgramError):
        return json.dumps({"error": error_dict(result), "exitCode": BROKEN}, indent=2)
    return json.dumps(result.to_dict(), indent=1)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _md_table(headers: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return lines + ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]


def _notes(report: Report) -> list[str]:
    return (report.notes + [a.text() for a in report.proof.left_out if not a.deploys] + report.proof.unjudged
            + report.proof.notes + report.proof.analysis.notes)


def to_markdown(result: Report | ProgramError) -> str:
    """A pull-request comment / job summary: verdict first, failures, access per role, then plan and pack."""
    if isinstance(result, ProgramError):
        return f"## Offline preview\n\n:x: **The program of stack `{result.stack}` failed:** {_md(str(result.error))}\n"
    report = result
    mark = ":x:" if report.failures else ":white_check_mark:"
    lines = ["## Offline preview", "", f"{mark} {report.summary()}", ""]
    lines += [f"- {_md(f)}" for f in report.failures] + ([""] if report.failures else [])
    lines += ["### Access, exhaustively", ""]
    roles, hidden = _shown_roles(report)
    for role in roles:
        wrong, answer = role_lines(role, report)
        lines += [f"#### {_md(_role_title(role))}", ""]
        lines += [f"- :x: {_md(w)}" for w in wrong] + [f"- {_md(a)}" for a in answer] + [""]
    if hidden:
        lines += [f"{hidden} more role(s) as intended (listed in the JSON report).", ""]
    lines += [f"> {_md(n)}" for n in _notes(report)] + [""]
    lines += ["### Policy pack", ""]
    lines += _md_table(VIOLATION_HEADERS, [_violation_row(v) for v in report.violations]) if report.violations \
        else ["No violations."]
    lines += ["", "### Plan", ""]
    for stack in report.stacks:
        lines += ["```text", *tree_lines(stack), "```", ""]
    return "\n".join(lines) + "\n"


class _Out:
    """Plain lines to a stream, coloured when it is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.colour = stream.isatty()

    def __call__(self, text: str = "", style: str = "") -> None:
        if self.colour and style:
            codes = ";".join(COLOURS[s] for s in style.split())
            text = f"\033[{codes}m{text}\033[0m"
        self.stream.write(text + "\n")


def print_terminal(result: Report | ProgramError, stream: TextIO | None = None) -> None:
    """Plan trees and pack violations like `pulumi preview`, then the access per role (wrong entries first),
    the notes, the failures and the verdict."""
    if isinstance(result, ProgramError):
        _Out(sys.stderr)(f"error: {result}", "bold red")
        return
    out, report = _Out(stream or sys.stdout), result
    for stack in report.stacks:
        for i, line in enumerate(tree_lines(stack)):
            out(line, "bold magenta" if i == 0 else "")
        out()
    out(f"Policy pack: {len(report.violations)} violation(s)", "bold")
    levels = {"mandatory": "red", "advisory": "yellow"}
    for violation in report.violations:
        out("  " + "  ".join(_violation_row(violation)), levels.get(violation.enforcement_level, ""))
    out()
    out("Access, exhaustively (who may assume each role, what its session may do):", "bold")
    roles, hidden = _shown_roles(report)
    for role in roles:
        wrong, answer = role_lines(role, report)
        out(f"  {_role_title(role)}", "bold red" if wrong else "bold")
        for line in wrong:
            out(f"    WRONG: {line}", "red")
        for line in answer:
            out(f"    {line}")
    if hidden:
        out(f"  {hidden} more role(s) as intended (listed in --json)", "dim")
    out()
    for note in _notes(report):
        out(note, "yellow")
    for failure in report.failures:
        out(failure, "red")
    out(report.summary(), "bold red" if report.failures else "bold green")
