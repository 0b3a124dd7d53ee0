"""The one way verification gives up: a single line saying what could not be done, with no secret in it.

Everything that stops verification before it can judge (no credentials, unreachable endpoint, the wrong
account, a refused read, a stack whose program fails) becomes a `CannotVerifyError` and exit code 2. Messages
pass through `redact` because AWS and botocore sometimes quote an access key ID back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b")
MAX_LINE = 300


class CannotVerifyError(Exception):
    """Verification could not run; `str()` is the one line to print (redacted, bounded)."""

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


def redact(text: str) -> str:
    """`text` on one line, at most MAX_LINE characters, with anything shaped like an access key ID hidden."""
    line = " ".join(ACCESS_KEY.sub("[access key]", text).split())
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 3] + "..."


def _problem(error: Exception) -> str:
    """What went wrong, in AWS's words when it answered (code and message), else botocore's."""
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', '?')}: {details.get('Message', '')}".rstrip(": ")
    return str(error)


@contextmanager
def refusing(what: str) -> Iterator[None]:
    """Any AWS or botocore failure (or an unreadable document) in the block: a `CannotVerifyError` naming `what`."""
    try:
        yield
    except (BotoCoreError, ClientError, ValueError) as error:
        raise CannotVerifyError(f"{what}: {_problem(error)}") from error
