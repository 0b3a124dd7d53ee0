"""The policy pack's process ends with its parent, whatever the signal: `python -m preview` is started, the
pack child awaited, the signal sent, and the child must be gone (the bounds below are failure timeouts)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from offline.pack_process import EXIT_SIGNALS, PackProcess

PROJECT_DIR = Path(__file__).resolve().parents[2]
APPEAR, VANISH = 60.0, 10.0  # seconds: generous bounds, only reached when something is wrong


def children(pid: int) -> list[int]:
    """Processes whose parent is `pid` (from /proc, so no tool is needed)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # ended meanwhile
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper has ended)."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition: object, bound: float) -> bool:
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def preview() -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`python -m preview` and the pid of its policy pack child, both killed afterwards if still there."""
    process = subprocess.Popen([sys.executable, "-m", "preview"], cwd=PROJECT_DIR, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    pack: list[int] = []
    try:
        assert wait_until(lambda: pack.extend(children(process.pid)) or pack, APPEAR), "no pack child appeared"
        yield process, pack[0]
    finally:
        for pid in pack:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.communicate()


@pytest.mark.parametrize("sig", EXIT_SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_the_preview_stops_its_pack_and_exits_128_plus_the_signal(preview: tuple[subprocess.Popen[str], int],
                                                                  sig: int) -> None:
    process, pack = preview
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=VANISH)  # a hang fails here
    assert process.returncode == 128 + sig
    assert stderr.splitlines()[-1] == f"stopped by {signal.Signals(sig).name}; the policy pack was stopped too"
    assert wait_until(lambda: not alive(pack), VANISH), "the pack outlived the preview"


def test_the_pack_dies_with_a_killed_preview(preview: tuple[subprocess.Popen[str], int]) -> None:
    process, pack = preview
    process.kill()
    process.wait(timeout=VANISH)
    assert wait_until(lambda: not alive(pack), VANISH), "the pack outlived the preview"


def sleeping_pack(directory: Path) -> Path:
    """A pack that prints a port and sleeps: enough to test the process, not the protocol."""
    directory.mkdir()
    (directory / "__main__.py").write_text("import time\nprint(50051, flush=True)\ntime.sleep(600)\n")
    return directory


def test_handlers_are_installed_while_the_pack_runs_and_restored_after(tmp_path: Path) -> None:
    before = {sig: signal.getsignal(sig) for sig in EXIT_SIGNALS}
    process = PackProcess(sleeping_pack(tmp_path / "pack"), exit_on_signals=True)
    process.start()
    try:
        assert process.wait_for_port() == 50051
        assert os.getpgid(process.pid) == process.pid != os.getpgid(0)  # its own group: no terminal Ctrl-C
        assert all(signal.getsignal(sig) != before[sig] for sig in EXIT_SIGNALS)
    finally:
        process.stop()
    assert {sig: signal.getsignal(sig) for sig in EXIT_SIGNALS} == before


def test_without_exit_on_signals_nothing_is_installed(tmp_path: Path) -> None:
    before = {sig: signal.getsignal(sig) for sig in EXIT_SIGNALS}
    process = PackProcess(sleeping_pack(tmp_path / "pack"))
    process.start()
    try:
        assert {sig: signal.getsignal(sig) for sig in EXIT_SIGNALS} == before
        assert os.getpgid(process.pid) == os.getpgid(0)
    finally:
        process.stop()
