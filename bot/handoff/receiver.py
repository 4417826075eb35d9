"""A reference webhook receiver: verifies the signature and honours the idempotency key.

Shows the receiving side's developers what to do (see docs/handoff.md), and
is the real local receiver that the delivery tests and the benchmark post to.
``python -m bot.handoff receive --port 8090 --secret-env TWENTE_WEBHOOK_SECRET``
prints event, reference and idempotency key of what arrives, nothing personal.

``fault(request_number, idempotency_key)`` lets tests make it misbehave: it
runs in the request thread (it may sleep or wait) and returns a status code to
answer instead of accepting, or None to accept normally.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bot.handoff.webhook import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, verify_signature

Fault = Callable[[int, str], "int | None"]


@dataclass
class Received:
    """One accepted event (first arrival of its idempotency key)."""

    idempotency_key: str
    event: str
    reference: str | None
    envelope: dict
    at: float


@dataclass
class ReceiverState:
    requests: int = 0
    duplicates: int = 0
    bad_signatures: int = 0
    accepted: dict[str, Received] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


class WebhookReceiver:
    """A threaded HTTP server on 127.0.0.1 that accepts Leerpunt webhook events."""

    def __init__(
        self,
        secret: str,
        port: int = 0,
        host: str = "127.0.0.1",
        fault: Fault | None = None,
        on_accept: Callable[[Received], None] | None = None,
    ):
        self.secret = secret
        self.fault = fault
        self.on_accept = on_accept
        self.state = ReceiverState()
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        # typeshed: an AF_INET address may hold bytes; a bound TCP server reports a str host.
        return f"http://{host}:{port}/leerpunt/handoff"  # type: ignore[str-bytes-safe]

    def start(self) -> WebhookReceiver:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def handle(self, body: bytes, headers) -> tuple[int, dict]:
        """Verify, deduplicate and record one request; returns (status, JSON answer)."""
        state = self.state
        key = headers.get(IDEMPOTENCY_HEADER, "")
        with state.lock:
            state.requests += 1
            number = state.requests
        if self.fault is not None:
            status = self.fault(number, key)
            if status is not None:
                return status, {"error": "fault injected"}
        if not verify_signature(body, self.secret, headers.get(SIGNATURE_HEADER)):
            with state.lock:
                state.bad_signatures += 1
            return 401, {"error": "bad signature"}
        try:
            envelope = json.loads(body)
        except ValueError:
            return 400, {"error": "body is not JSON"}
        if not key or envelope.get("idempotency_key") != key:
            return 400, {"error": "idempotency key missing or not matching the body"}
        with state.lock:
            if key in state.accepted:
                state.duplicates += 1
                return 200, {"status": "duplicate"}
            received = Received(
                key, envelope.get("event", ""), envelope.get("reference"), envelope, time.time()
            )
            state.accepted[key] = received
        if self.on_accept is not None:
            self.on_accept(received)
        return 200, {"status": "accepted"}

    def _handler_class(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 - http.server API
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, answer = receiver.handle(body, self.headers)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the sender gave up waiting (timeout or killed)

            def log_message(self, *_args):  # keep request lines out of the logs
                pass

        return Handler


def serve(port: int, secret: str) -> None:
    """Run the reference receiver in the foreground, printing what arrives."""

    def show(received: Received) -> None:
        print(f"{received.event} {received.reference} key={received.idempotency_key}", flush=True)

    receiver = WebhookReceiver(secret, port=port, on_accept=show).start()
    print(f"listening on {receiver.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        receiver.stop()
