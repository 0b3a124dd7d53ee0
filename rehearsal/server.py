"""The emulator's own process: moto's server on the address it is given, at a port the OS picks.

Run by `rehearsal.emulator` as a script (`python rehearsal/server.py 127.0.0.1`), never by hand. A process
of its own keeps moto's global state (its accounts, the switch that turns authorisation on) out of the
caller's process, where other tests may use moto in-process. Binding to port 0 and reporting the port the
OS chose leaves no window in which another program could take a port picked in advance. The server stops
when its stdin closes, so it never outlives the rehearsal that started it, even if that one is killed.
"""

from __future__ import annotations

import sys

from moto.server import ThreadedMotoServer


def main(host: str) -> None:
    """Serve on `host` until stdin closes; the first line on stdout is the port."""
    server = ThreadedMotoServer(ip_address=host, port=0, verbose=False)
    server.start()
    try:
        print(server.get_host_and_port()[1], flush=True)
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1])
