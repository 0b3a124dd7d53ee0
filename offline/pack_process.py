"""The policy pack's process, started the way the Pulumi CLI's Python analyzer host starts it.

Kept apart from the gRPC client (`offline.analyzer`) and free of heavy imports, so a caller can start the
pack first thing and let it boot (a second Python importing the Pulumi SDK and parliament) while the caller
does its own imports and work.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import IO

DEFAULT_PACK_DIR = Path(__file__).resolve().parent.parent / "policypack"


class PolicyPackError(RuntimeError):
    """The policy pack process could not be started or stopped answering."""


class PackProcess:
    """`python -u <pack folder>` in the pack's folder; it prints the port its analyzer server listens on."""

    def __init__(
        self,
        pack_dir: str | Path = DEFAULT_PACK_DIR,
        *,
        python: str = sys.executable,
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 60.0,
    ) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.python = python
        self.env = {**os.environ, **(env or {})}
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen[bytes] | None = None
        self._files = ExitStack()
        self._stdout: IO[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    def start(self) -> None:
        """Spawn the pack (once); returns at once, `wait_for_port` waits for it to serve."""
        if self._process is not None:
            return
        # Files rather than pipes: nobody has to drain them, and they outlive this method (closed in stop()).
        self._files = ExitStack()
        self._stdout = self._files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
        self._stderr = self._files.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
        # -u: the SDK writes the port to stdout without flushing it, and stdout is not a terminal here.
        self._process = subprocess.Popen(
            [self.python, "-u", str(self.pack_dir)],
            cwd=self.pack_dir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._stdout,
            stderr=self._stderr,
        )

    def wait_for_port(self) -> int:
        """The port from the pack's first line of output, or `PolicyPackError` if it dies or stays silent."""
        if self._process is None or self._stdout is None:
            raise PolicyPackError("the pack was not started")
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            self._stdout.seek(0)
            first_line = self._stdout.readline()
            if first_line.endswith(b"\n"):
                try:
                    return int(first_line)
                except ValueError:
                    raise PolicyPackError(f"the pack printed {first_line!r} instead of a port") from None
            if self._process.poll() is not None:
                raise PolicyPackError(f"the pack exited with code {self._process.returncode}: {self.stderr_text()}")
            time.sleep(0.005)
        raise PolicyPackError(f"the pack printed no port within {self.startup_timeout} s: {self.stderr_text()}")

    def stderr_text(self) -> str:
        """What the pack wrote to stderr so far (tracebacks of failing policies end up here)."""
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def stop(self) -> None:
        """Terminate the process (kill if it does not go); safe to call more than once."""
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._files.close()
        self._process = self._stdout = self._stderr = None

    @property
    def pid(self) -> int | None:
        """The pack's process ID while it runs."""
        return self._process.pid if self._process is not None else None
