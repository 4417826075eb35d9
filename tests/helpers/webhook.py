"""The one webhook receiver of the tests: the product's own, recording every request.

``bot.handoff.receiver.WebhookReceiver`` is the real reference receiver (a threaded
HTTP server that checks the signature, honours the idempotency key and has a
``fault`` hook); tests that need exactly what ships use it as it is.
``RecordingReceiver`` is that receiver with what the other tests ask of one:

- it records every request as it arrived (``requests``: headers and raw body) and
  how often each idempotency key came (``keys``), before anything is checked;
- ``status``: answer every request with this status instead of checking it
  (200 for a receiver that takes everything, 500, 410, ...);
- ``delay``: wait this many seconds before answering (a slow receiver);
- ``down_url()``: a webhook URL where nothing listens (a receiver that is down).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass

from bot.handoff.receiver import Fault, WebhookReceiver
from bot.handoff.webhook import IDEMPOTENCY_HEADER
from tests.helpers.net import LOCALHOST, free_port


@dataclass(frozen=True)
class Request:
    """One request as it reached the receiver."""

    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


class RecordingReceiver(WebhookReceiver):
    """``WebhookReceiver`` that records every request and can answer a chosen status, slowly."""

    def __init__(
        self,
        secret: str = "",
        *,
        status: int | None = None,
        delay: float = 0.0,
        port: int = 0,
        fault: Fault | None = None,
    ):
        super().__init__(secret, port=port, fault=fault)
        self.status = status
        self.delay = delay
        self.requests: list[Request] = []
        self.keys: Counter[str] = Counter()

    def handle(self, body: bytes, headers) -> tuple[int, dict]:
        with self.state.lock:
            self.requests.append(Request(dict(headers), body))
            self.keys[headers.get(IDEMPOTENCY_HEADER) or ""] += 1
        if self.delay:
            time.sleep(self.delay)
        if self.status is not None:
            return self.status, {}
        return super().handle(body, headers)


def down_url(path: str = "/leerpunt/handoff") -> str:
    """A webhook URL on a port where nothing listens."""
    return f"http://{LOCALHOST}:{free_port()}{path}"
