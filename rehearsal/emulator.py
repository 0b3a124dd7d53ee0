"""Start moto's server on 127.0.0.1, hand out boto3 clients for it, and stop it whatever happens.

Two kinds of client, matching the two phases of a rehearsal: while authorisation is still off, an
administrator's client puts each resource in its account with moto's `x-moto-account-id` header (the
server itself never gets `MOTO_ACCOUNT_ID`, which would pin every request to one account); once it is on,
a principal's client signs with that principal's own keys, and moto routes by the access key to the
account the user or role session belongs to.
"""

from __future__ import annotations

import http.client
import os
import select
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import botocore.handlers
import botocore.session
from botocore.client import BaseClient
from botocore.config import Config

LOOPBACK = "127.0.0.1"
SERVER_SCRIPT = Path(__file__).with_name("server.py")
SERVER_ENVIRONMENT = {
    # A bucket of one account refuses requests made in another, as S3 does without a bucket policy granting them.
    "MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS": "false",
    # AWS managed policies (PowerUserAccess for the Testers) exist only when moto loads them.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}
STARTUP_SECONDS = 60.0
STOP_SECONDS = 10.0
# While authorisation is off moto checks no signature, so the administrator's keys are placeholders.
ADMIN_KEY_ID, ADMIN_SECRET = "AKIAREHEARSALADMIN00", "unchecked-while-authorisation-is-off"
# Only loopback, never a proxy from the environment; one attempt, so a refusal is reported as it happened.
CLIENT_CONFIG = Config(proxies={}, retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=30)


class EmulatorError(RuntimeError):
    """The emulator could not be started or driven; the message says what it printed."""


@dataclass(frozen=True)
class Keys:
    """A principal's credentials: a user's access key, or a role session's temporary ones."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None


@dataclass
class Emulator:
    """A running moto server on 127.0.0.1:`port` (process `pid`) and the clients that talk to it."""

    port: int
    pid: int
    _session: botocore.session.Session = field(default_factory=botocore.session.get_session, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def admin(self, service: str, account_id: str, region: str) -> BaseClient:
        """A client acting in `account_id`, for the set-up done before authorisation is turned on."""
        client = self._client(service, region, Keys(ADMIN_KEY_ID, ADMIN_SECRET))

        def route(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account_id

        client.meta.events.register("before-sign.*.*", route)
        return client

    def principal(self, service: str, keys: Keys, region: str) -> BaseClient:
        """A client signing as a user or role session; the emulator decides what it may do."""
        return self._client(service, region, keys)

    def enable_authorisation(self) -> None:
        """From now on every request is authenticated and checked against the caller's identity policies."""
        self._moto_api("reset-auth", b"0", "turning authorisation on")

    def disable_authorisation(self) -> None:
        """From now on no request is checked (moto allows that many unchecked requests: infinitely many)."""
        self._moto_api("reset-auth", b"inf", "turning authorisation off")

    def reset(self) -> None:
        """Every emulated account emptied, as when the server started (authorisation stays as it is)."""
        self._moto_api("reset", b"", "resetting the emulator")

    def _moto_api(self, path: str, body: bytes, what: str) -> None:
        """POST to moto's own API. moto reads reset-auth's body as a number, so it is sent raw: a form-encoded
        body reaches it empty."""
        connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=10)
        try:
            connection.request("POST", f"/moto-api/{path}", body=body, headers={"Content-Type": "text/plain"})
            response = connection.getresponse()
            answer = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise EmulatorError(f"{what} failed: HTTP {response.status} {answer[:200]!r}")

    def _client(self, service: str, region: str, keys: Keys) -> BaseClient:
        client = self._session.create_client(
            service,
            region_name=region,
            endpoint_url=self.endpoint,
            aws_access_key_id=keys.access_key_id,
            aws_secret_access_key=keys.secret_access_key,
            aws_session_token=keys.session_token,
            config=CLIENT_CONFIG,
        )
        # Policy documents come back as the text the emulator holds, so they can be compared byte for byte.
        client.meta.events.unregister("after-call.iam", botocore.handlers.json_decode_policies)
        return client


def _server_environment() -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k != "MOTO_ACCOUNT_ID"}
    return {**environment, **SERVER_ENVIRONMENT}


def _read_port(process: subprocess.Popen[bytes], log: IO[bytes]) -> int:
    """The port the server reports, or an `EmulatorError` with what it printed if it dies or stays silent."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], STARTUP_SECONDS)
    line = process.stdout.readline() if ready else b""
    if line.strip().isdigit():
        return int(line)
    log.seek(0)
    output = log.read().decode(errors="replace")[-2000:]
    raise EmulatorError(f"moto's server did not start within {STARTUP_SECONDS:.0f} s on {LOOPBACK}: {output}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ask the server to stop (close its stdin), then insist: it must not outlive the rehearsal."""
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_SECONDS)


@contextmanager
def start_emulator() -> Iterator[Emulator]:
    """moto's server on 127.0.0.1 at a free port, stopped when the block ends, whether or not it raised."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, str(SERVER_SCRIPT), LOOPBACK],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=_server_environment(),
        )
        try:
            yield Emulator(port=_read_port(process, log), pid=process.pid)
        finally:
            _stop(process)
