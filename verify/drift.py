"""Drift: where a live account differs from what the program would deploy, each difference named.

Documents compare semantically (`normalise`), with ExternalIds masked on both sides: the program's is a stack
secret verification never decrypts, and no ExternalId is ever printed. A missing resource or document is drift
too. Details are bounded, so a huge document cannot flood a job summary.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from access.bounds import shown
from verify.desired import DOCUMENT, INLINE_PREFIX, NAMES, AbsentError, Expectation, read
from verify.live import LiveAccount
from verify.normalise import normalise

MAX_STATEMENT = 200
MAX_LISTED = 3


@dataclass(frozen=True)
class Drift:
    """One managed thing that is not as the program would deploy it."""

    stack: str
    account_id: str
    resource: str  # e.g. "role UpdateApp"
    aspect: str  # e.g. "trust policy"
    state: str  # "missing" | "differs"
    detail: str

    @property
    def line(self) -> str:
        return (f"drift: {self.resource} ({self.account_id}, stack {self.stack}): {self.aspect} {self.state}: "
                f"{self.detail}")

    def to_dict(self) -> dict[str, str]:
        return {"stack": self.stack, "account": self.account_id, "resource": self.resource, "aspect": self.aspect,
                "state": self.state, "detail": self.detail}


def _compact(statement: Any) -> str:
    text = json.dumps(statement, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= MAX_STATEMENT else text[: MAX_STATEMENT - 3] + "..."


def _listed(items: Sequence[str]) -> str:
    more = f" (+{len(items) - MAX_LISTED} more)" if len(items) > MAX_LISTED else ""
    return "; ".join(items[:MAX_LISTED]) + more


def _statements(document: Mapping[str, Any]) -> dict[str, str]:
    """Each statement by its comparison key (actions' case folded), shown as written (compact)."""
    written = normalise(dict(document), mask_external_id=True, fold_case=False)["Statement"]
    return {_key(normalise({"Statement": [w]})["Statement"][0]): _compact(w) for w in written}


def _key(statement: Any) -> str:
    return json.dumps(statement, sort_keys=True)


def document_difference(desired: Mapping[str, Any], live: Mapping[str, Any]) -> str:
    """What the live document has that the program's lacks, and the reverse, statement by statement."""
    want, got = normalise(dict(desired), mask_external_id=True), normalise(dict(live), mask_external_id=True)
    parts = []
    if want["Version"] != got["Version"]:
        parts.append(f"Version is {got['Version']}, the program writes {want['Version']}")
    wanted, found = _statements(desired), _statements(live)
    if set(found) - set(wanted):
        parts.append(f"live only: {_listed([found[k] for k in sorted(set(found) - set(wanted))])}")
    if set(wanted) - set(found):
        parts.append(f"the program's, not live: {_listed([wanted[k] for k in sorted(set(wanted) - set(found))])}")
    other = sorted((set(want) ^ set(got)) | {k for k in set(want) & set(got) if want[k] != got[k]}
                   - {"Version", "Statement"})
    if other:
        parts.append(f"top-level keys differ: {', '.join(other)}")
    return "; ".join(parts)


def _difference(expectation: Expectation, value: Any) -> str:
    """"" when `value` is as expected, else what differs."""
    desired = expectation.desired
    if expectation.compare == DOCUMENT:
        same = normalise(desired, mask_external_id=True) == normalise(value, mask_external_id=True)
        return "" if same else document_difference(desired, value)
    if expectation.compare == NAMES:
        parts = []
        lacking = sorted(n for n in desired - value if not n.startswith(INLINE_PREFIX))  # each has its own line
        if lacking:
            parts.append(f"lacks {', '.join(lacking)}")
        if expectation.exact and value - desired:
            parts.append(f"also has {', '.join(sorted(value - desired))}, which the program does not deploy")
        return "; ".join(parts)
    return "" if value == desired else f"is {shown(value)}, the program deploys {shown(desired)}"


def find_drift(expectations: Sequence[Expectation], live: Mapping[str, LiveAccount]) -> list[Drift]:
    """Every expectation checked against the live account it is about (`live` by account ID)."""
    drift = []
    for expectation in expectations:
        where = expectation.where
        try:
            detail, state = _difference(expectation, read(live[expectation.account_id], where)), "differs"
        except AbsentError as absent:
            detail, state = str(absent), "missing"
        if detail:
            drift.append(Drift(expectation.stack, expectation.account_id, where.resource, where.aspect, state, detail))
    return drift
