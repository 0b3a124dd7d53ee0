"""The policy pack's process, started the way the Pulumi CLI's Python analyzer host starts it.

Kept apart from the gRPC client (`offline.analyzer`) and free of heavy imports, so a caller can start the
pack first thing and let it boot (a second Python importing the Pulumi SDK) while the caller
does its own imports and work.

The pack ends with its parent, whatever ends the parent. Started from the main thread on Linux, it gets
`PR_SET_PDEATHSIG`: the kernel kills it when the parent dies, even of SIGKILL. A caller that owns the process
(`python -m preview`) also asks for `exit_on_signals`: the pack then runs in a process group of its own (so
a Ctrl-C in the terminal reaches the parent alone), and SIGINT, SIGTERM or SIGHUP kill the pack's group and
end the parent at once with 128 + the signal's number, without waiting on anything that might hang.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from contextlib import ExitStack, suppress
from pathlib import Path
from types import FrameType
from typing import IO, Any

DEFAULT_PACK_DIR = Path(__file__).resolve().parent.parent / "policypack"
EXIT_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


# Run first in the child: ask the kernel for SIGKILL when the parent dies, then become the pack. The setting
# survives execve, so no `preexec_fn` is needed: that would force a plain fork() of a multi-threaded parent
# (gRPC's threads and fork handlers), which can crash the child before it runs anything.
_LAUNCHER = (
    "import ctypes,os,sys\n"
    f"ctypes.CDLL(None).prctl({PR_SET_PDEATHSIG}, {int(signal.SIGKILL)}, 0, 0, 0)\n"
    "if os.getppid() != int(sys.argv[1]): os._exit(1)  # the parent died before prctl: no signal will come\n"
    "os.execv(sys.executable, [sys.executable, *sys.argv[2:]])\n"
)


def _dying_with_parent(command: list[str]) -> list[str]:
    """`command` (a Python command line) started through the launcher on Linux from the main thread, else as is.

    Only from the main thread: the kernel sends the signal when the *thread* that forked the child ends, so
    a pack started from a worker thread would die with that thread.
    """
    if not sys.platform.startswith("linux") or threading.current_thread() is not threading.main_thread():
        return command
    return [command[0], "-c", _LAUNCHER, str(os.getpid()), *command[1:]]


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
        exit_on_signals: bool = False,
    ) -> None:
        """`exit_on_signals`: from `start` to `stop`, SIGINT, SIGTERM and SIGHUP kill the pack and end this
        process with 128 + the signal's number (from the main thread only, where Python handles signals)."""
        self.pack_dir = Path(pack_dir).resolve()
        self.python = python
        self.env = {**os.environ, **(env or {})}
        self.startup_timeout = startup_timeout
        self.exit_on_signals = exit_on_signals
        self._previous_handlers: dict[int, Any] = {}
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
        if self.exit_on_signals and threading.current_thread() is threading.main_thread():
            self._previous_handlers = {sig: signal.signal(sig, self._exit_on_signal) for sig in EXIT_SIGNALS}
        # -u: the SDK writes the port to stdout without flushing it, and stdout is not a terminal here.
        self._process = subprocess.Popen(
            _dying_with_parent([self.python, "-u", str(self.pack_dir)]),
            cwd=self.pack_dir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._stdout,
            stderr=self._stderr,
            process_group=0 if self._previous_handlers else None,
        )

    def _exit_on_signal(self, signum: int, _frame: FrameType | None) -> None:
        """Kill the pack's process group and end this process now: no cleanup that could wait on anything."""
        process = self._process
        if process is not None:
            with suppress(ProcessLookupError):  # already gone
                os.killpg(process.pid, signal.SIGKILL)
        os.write(2, f"stopped by {signal.Signals(signum).name}; the policy pack was stopped too\n".encode())
        os._exit(128 + signum)

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
        for sig, handler in self._previous_handlers.items():
            signal.signal(sig, handler)
        self._previous_handlers = {}

    @property
    def pid(self) -> int | None:
        """The pack's process ID while it runs."""
        return self._process.pid if self._process is not None else None
