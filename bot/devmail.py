"""A local SMTP sink for development: every mail received is written to ``var/mail/*.eml``.

``python -m bot.devmail --port 8025`` (what ``make run`` starts). Point the
product at it with ``LEERPUNT_SMTP_HOST=localhost LEERPUNT_SMTP_PORT=8025``.
Open the ``.eml`` files with any mail program to see what a coach receives.
Logs file names only, never content.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from bot import PROJECT_DIR

log = logging.getLogger("bot.devmail")


class MaildirSink:
    """aiosmtpd handler that stores each message as one ``.eml`` file."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd API
        with self._lock:
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{next(self._counter):04d}.eml"
        path = self.directory / name
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        log.info("stored %s (%d recipient(s))", path.name, len(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class MemorySink:
    """aiosmtpd handler that keeps parsed messages in memory (tests and the benchmark)."""

    def __init__(self, on_message=None):
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.on_message = on_message
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd API
        # email stubs: message_from_bytes returns Message; policy.default builds an EmailMessage.
        msg = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        if self.on_message is not None:
            self.on_message(msg)
        return "250 Message accepted for delivery"

    def by_message_id(self) -> dict[str, int]:
        """How often each Message-ID arrived (an idempotent mailbox keeps one of each)."""
        counts: dict[str, int] = {}
        with self._lock:
            for _rcpt, msg in self.messages:
                counts[msg["Message-ID"]] = counts.get(msg["Message-ID"], 0) + 1
        return counts


def start(
    port: int = 8025, directory: str | Path | None = None, host: str = "127.0.0.1", handler=None
) -> Controller:
    """Start a sink in a background thread; call ``.stop()`` on the result to end it.

    Writes ``.eml`` files to ``directory`` unless another ``handler`` is given.
    """
    handler = handler or MaildirSink(directory or PROJECT_DIR / "var" / "mail")
    controller = Controller(handler, hostname=host, port=port)
    controller.start()
    return controller


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.devmail", description=__doc__)
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--dir",
        default=str(PROJECT_DIR / "var" / "mail"),
        help="where to write .eml files (var/mail)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # aiosmtpd logs every envelope address at INFO; addresses do not belong in a log.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = start(args.port, args.dir, args.host)
    log.info("dev mail sink on %s:%s, writing to %s", args.host, args.port, args.dir)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
