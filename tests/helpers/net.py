"""Ports and small local HTTP servers for tests and scripts.

Only the standard library: scripts import this too, and ``bot/`` never imports ``tests``.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCALHOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on at this moment.

    Also how a test makes a server that is down: a URL on this port refuses connections.
    """
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        return probe.getsockname()[1]


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps request lines out of the test output."""

    def log_message(self, *args: object) -> None:
        pass


def serve_in_thread(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """Serve ``handler`` on 127.0.0.1 on a free port in a daemon thread; stop with ``shutdown()``."""
    httpd = ThreadingHTTPServer((LOCALHOST, 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd
