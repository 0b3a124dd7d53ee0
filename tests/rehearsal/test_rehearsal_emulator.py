"""The emulator listens on 127.0.0.1 only, and is stopped afterwards even when something raises."""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager
from pathlib import Path

import pytest

import rehearsal.rehearse
from rehearsal.emulator import Emulator, start_emulator
from tests.rehearsal.support import rehearse_model

pytestmark = pytest.mark.skipif(not Path("/proc/self/net/tcp").exists(), reason="reads Linux's /proc")


def listening(pid: int) -> list[tuple[str, int]]:
    """The addresses the process's own sockets listen on (IPv6 ones shown by their hex, which never matches)."""
    fds = Path(f"/proc/{pid}/fd")
    inodes = {link[len("socket:["):-1] for link in (os.readlink(fd) for fd in fds.iterdir())
              if link.startswith("socket:[")}
    found = []
    for table in ("tcp", "tcp6"):
        for row in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = row.split()
            address, port = fields[1].split(":")
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                host = socket.inet_ntoa(bytes.fromhex(address)[::-1]) if table == "tcp" else f"ipv6 {address}"
                found.append((host, int(port, 16)))
    return found


def assert_stopped(emulator: Emulator) -> None:
    with pytest.raises(ProcessLookupError):
        os.kill(emulator.pid, 0)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", emulator.port), timeout=5).close()


def test_the_server_listens_on_loopback_only_and_stops_when_the_block_raises():
    with pytest.raises(RuntimeError, match="a step went wrong"), start_emulator() as emulator:
        assert listening(emulator.pid) == [("127.0.0.1", emulator.port)]
        emulator.admin("s3", "999999999999", "us-east-1").list_buckets()  # it serves there
        raise RuntimeError("a step went wrong")
    assert_stopped(emulator)


def test_a_rehearsal_whose_step_raises_stops_its_server(raw, tmp_path, monkeypatch):
    started: list[Emulator] = []
    real_start = rehearsal.rehearse.start_emulator

    @contextmanager
    def recording_start():  # the real server, remembered so the test can look at it afterwards
        with real_start() as emulator:
            started.append(emulator)
            yield emulator

    def crashing_step(step, context):
        raise RuntimeError(f"crashed in {step.action}")

    monkeypatch.setattr(rehearsal.rehearse, "start_emulator", recording_start)
    monkeypatch.setattr(rehearsal.rehearse, "run_step", crashing_step)
    with pytest.raises(RuntimeError, match="crashed in sts:AssumeRole"):
        rehearse_model(raw, tmp_path)
    assert len(started) == 1
    assert_stopped(started[0])

