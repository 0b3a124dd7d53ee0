"""The report for people (terminal, via rich), for machines (JSON) and for a pull request (Markdown).

All three read the same `Report`; only the terminal needs rich, imported when used, so `--json` and
`--markdown` stay fast. Large matrices list only their wrong cells (every cell is in the JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from offline.analyzer import Violation
from preview.exit_codes import BROKEN
from preview.matrix import Cell
from preview.plan import ProgramError, TreeNode
from preview.report import Report, violation_stack

MAX_ROWS = 200
HEADERS = {
    "assume": ("Principal", "Role", "Condition", "Expected", "Actual", "", "Why"),
    "session": ("Action", "Resource", "Condition", "Expected", "Actual", "", "Why"),
}
TITLES = {"assume": "Who may assume which role", "session": "What each role's session may do"}
VIOLATION_HEADERS = ("Level", "Policy", "Stack", "Resource", "Message")


def _yes_no(value: bool | None) -> str:
    return "?" if value is None else "yes" if value else "no"


def _cell_row(cell: Cell) -> list[str]:
    """Assume cells by principal and role; session cells (grouped by role) by action and resource."""
    what = [cell.principal, cell.role] if cell.kind == "assume" else [cell.action, cell.resource]
    why = cell.reason if cell.ok else f"expected: {cell.intent}; actual: {cell.reason}"
    return [*what, cell.condition or "-", _yes_no(cell.expected), _yes_no(cell.actual), "ok" if cell.ok else "WRONG",
            why]


def _cell_tables(report: Report) -> Iterator[tuple[str, str, list[Cell]]]:
    """(kind, title, cells) per table: one of who may assume what, one per role's session.

    Past MAX_ROWS cells of a kind, only the wrong ones are listed (all are in the JSON), and the title says so.
    """
    for kind in ("assume", "session"):
        cells = [c for c in report.matrix.cells if c.kind == kind]
        title = TITLES[kind]
        if len(cells) > MAX_ROWS:
            wrong = [c for c in cells if not c.ok]
            title += f" ({len(cells)} cells, {len(cells) - len(wrong)} as intended: listing the other {len(wrong)})"
            cells = wrong
        roles = dict.fromkeys(c.role for c in cells)
        if kind == "assume" or not roles:
            yield kind, title, cells
            continue
        for role in roles:
            yield kind, f"{title}: {role}", [c for c in cells if c.role == role]


def _violation_row(violation: Violation) -> list[str]:
    return [violation.enforcement_level, violation.policy_name, violation_stack(violation),
            f"{violation.resource_type} {violation.resource_name}".strip(), violation.detail]


def _node_label(node: TreeNode) -> str:
    properties = " ".join(f"{k}={v}" for k, v in node.properties.items())
    return f"{node.kind} {node.name}" + (f"  {properties}" if properties else "")


def _tree_lines(node: TreeNode, prefix: str = "", last: bool = True, root: bool = True) -> Iterator[str]:
    yield _node_label(node) if root else f"{prefix}{'└── ' if last else '├── '}{_node_label(node)}"
    inner = "" if root else prefix + ("    " if last else "│   ")
    for i, child in enumerate(node.children):
        yield from _tree_lines(child, inner, i == len(node.children) - 1, root=False)


def _summary(report: Report) -> str:
    cells = report.matrix.cells
    matching = sum(c.ok for c in cells)
    verdict = "FAILED" if report.failures else "passed"
    return (f"Preview {verdict}: {len(report.mandatory)} mandatory violation(s), {len(report.violations)} in all; "
            f"{matching}/{len(cells)} access cells as the model intends.")


def error_dict(error: ProgramError) -> dict[str, Any]:
    return {"stack": error.stack, "type": type(error.error).__name__, "key": getattr(error.error, "key", None),
            "message": str(error.error)}


def to_json(result: Report | ProgramError) -> str:
    """The whole report (every cell), or the program error with exit code 2."""
    if isinstance(result, ProgramError):
        return json.dumps({"error": error_dict(result), "exitCode": BROKEN}, indent=2)
    return json.dumps(result.to_dict(), indent=2)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _md_table(headers: tuple[str, ...], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return lines + ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]


def to_markdown(result: Report | ProgramError) -> str:
    """A pull-request comment / job summary: verdict first, failures, then plan, pack and matrix."""
    if isinstance(result, ProgramError):
        return f"## Offline preview\n\n:x: **The program of stack `{result.stack}` failed:** {_md(str(result.error))}\n"
    report = result
    mark = ":x:" if report.failures else ":white_check_mark:"
    lines = ["## Offline preview", "", f"{mark} {_summary(report)}", ""]
    lines += [f"- {_md(f)}" for f in report.failures] + ([""] if report.failures else [])
    lines += [f"> {_md(n)}" for n in report.notes + report.matrix.notes]
    lines += ["### Plan", ""]
    for stack in report.stacks:
        lines += ["```text", *_tree_lines(stack), "```", ""]
    lines += ["### Policy pack", ""]
    lines += _md_table(VIOLATION_HEADERS, [_violation_row(v) for v in report.violations]) if report.violations \
        else ["No violations."]
    for kind, title, cells in _cell_tables(report):
        lines += ["", f"### {title}", ""]
        lines += _md_table(HEADERS[kind], [_cell_row(c) for c in cells])
    return "\n".join(lines) + "\n"


def print_terminal(result: Report | ProgramError) -> None:
    """Trees and tables with rich, like `pulumi preview` followed by the access matrix."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text
    from rich.tree import Tree

    if isinstance(result, ProgramError):
        Console(stderr=True).print(Text(f"error: {result}", style="bold red"))
        return
    console, report = Console(), result

    def add(tree: Tree, node: TreeNode) -> None:
        label = Text(node.kind + " ", style="dim").append(node.name, style="bold")
        for key, value in node.properties.items():
            label.append(f"  {key}=", style="cyan").append(value)
        branch = tree.add(label)
        for child in node.children:
            add(branch, child)

    for stack in report.stacks:
        tree = Tree(Text(f"stack {stack.name}", style="bold magenta"))
        for child in stack.children:
            add(tree, child)
        console.print(tree)

    def table(title: str, headers: tuple[str, ...], rows: list[list[str]], styles: list[str]) -> None:
        grid = Table(title=title, title_justify="left", show_lines=False)
        for header in headers:
            grid.add_column(header, overflow="fold")
        for row, style in zip(rows, styles, strict=True):
            grid.add_row(*(Text(c) for c in row), style=style)
        console.print(grid)

    levels = {"mandatory": "red", "advisory": "yellow"}
    table("Policy pack", VIOLATION_HEADERS, [_violation_row(v) for v in report.violations],
          [levels.get(v.enforcement_level, "") for v in report.violations])
    for kind, title, cells in _cell_tables(report):
        table(title, HEADERS[kind], [_cell_row(c) for c in cells], ["" if c.ok else "bold red" for c in cells])
    for line in report.notes + report.matrix.notes:
        console.print(Text(line, style="yellow"))
    for failure in report.failures:
        console.print(Text(failure, style="red"))
    console.print(Text(_summary(report), style="bold red" if report.failures else "bold green"))
