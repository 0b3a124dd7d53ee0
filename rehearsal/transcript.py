"""The rehearsal's output, read like the tutorial: each thing done, ✓ or ✗, and what was expected and got.

Written as it goes, so a rehearsal that stops half-way still shows how far it came.
"""

from __future__ import annotations

from typing import TextIO

from rehearsal.apply import Applied
from rehearsal.steps import Result

PASS, FAIL = "✓", "✗"


class Transcript:
    """Sections of indented lines on `out`."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def heading(self, text: str) -> None:
        print(f"\n{text}", file=self.out, flush=True)

    def line(self, text: str) -> None:
        print(f"  {text}", file=self.out, flush=True)

    def applied(self, item: Applied) -> None:
        """The call that applied a resource; for a policy document, whether the emulator holds its exact bytes."""
        planned = item.planned
        call = f"{planned.account_id} {planned.call.service}.{planned.call.operation} {planned.resource.name}"
        if planned.document is None:
            self.line(f"{PASS} {call}")
        elif item.document_intact:
            self.line(f"{PASS} {call}: {planned.call.document} held byte for byte as the program built it")
        else:
            self.line(f"{FAIL} {call}: {planned.call.document} held differs from the program's: "
                      f"expected {planned.document!r}, got {item.stored!r}")

    def result(self, result: Result) -> None:
        mark = PASS if result.as_expected else FAIL
        step = result.step
        self.line(f"{mark} {step.actor}: {step.action} — expected {step.expect}, got {result.got}")

    def summary(self, checks: int, surprises: int) -> None:
        verdict = "as the tutorial says" if not surprises else f"{surprises} surprise{'s' * (surprises != 1)}"
        self.heading(f"{checks} checks, {verdict}.")
