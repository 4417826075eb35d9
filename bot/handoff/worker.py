"""The outbox worker: claim due deliveries, deliver them, record the outcome.

Run as ``python -m bot handoff worker``. Safe to kill at any moment: a claimed
delivery whose worker died is picked up again when its lease runs out, with the
same idempotency key, so a receiver that honours the key sees it once.
Logs carry delivery ids, references, channels and states only.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
import uuid

import requests

from bot import privacy, settings
from bot.handoff import mail, webhook
from bot.handoff.consent import retention_days
from bot.handoff.outbox import (
    EVENT_CREATED,
    EVENT_GIVEN_UP,
    EVENT_WITHDRAWN,
    Delivery,
    HandoffOutbox,
)
from bot.handoff.webhook import MissingSecret, Outcome

log = logging.getLogger("bot.handoff.worker")

DEFAULT_LEASE_SECONDS = 120.0
# Small batches so that a batch of slow receivers cannot outlive its lease.
DEFAULT_BATCH = 5
DEFAULT_INTERVAL = 1.0
DELETION_INTERVAL = 5.0  # withdrawn conversations are deleted within seconds of the turn


def new_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Worker:
    """Delivers what the outbox holds; one instance per process."""

    def __init__(
        self,
        outbox: HandoffOutbox | None = None,
        *,
        worker_id: str | None = None,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        timeout: float | tuple[float, float] = webhook.DEFAULT_TIMEOUT,
        session: requests.Session | None = None,
        smtp: mail.SmtpSettings | None = None,
    ):
        self.outbox = outbox or HandoffOutbox()
        self.worker_id = worker_id or new_worker_id()
        self.lease_seconds = lease_seconds
        self.timeout = timeout
        self.session = session or webhook.make_session()
        self.smtp = smtp or mail.SmtpSettings.from_env()

    def run_once(self, now: float | None = None, limit: int = DEFAULT_BATCH) -> int:
        """Claim and attempt every due delivery (up to ``limit``); return how many were tried."""
        claimed = self.outbox.claim_due(
            self.worker_id, now=now, lease_seconds=self.lease_seconds, limit=limit
        )
        for delivery in claimed:
            self.process(delivery)
        return len(claimed)

    def process(self, delivery: Delivery) -> Outcome:
        """Attempt one claimed delivery and record the result in the outbox."""
        try:
            outcome = self._attempt(delivery)
        except Exception as exc:  # a bug must not stop the worker nor leak data into the log
            log.exception("delivery %s of %s crashed", delivery.id, delivery.reference)
            outcome = Outcome(False, error=f"internal error ({type(exc).__name__})")
        if outcome.ok:
            self.outbox.mark_delivered(delivery.id)
            log.info(
                "delivery %s of %s (%s, %s) delivered after %d attempt(s)",
                delivery.id,
                delivery.reference,
                delivery.event,
                delivery.target.kind,
                delivery.attempts,
            )
        elif outcome.error != "skipped":
            self.outbox.mark_failed(
                delivery.id,
                outcome.error or "unknown error",
                permanent=outcome.permanent,
                worker_id=self.worker_id,
            )
        return outcome

    def _attempt(self, delivery: Delivery) -> Outcome:
        target = delivery.target
        if delivery.event == EVENT_CREATED:
            profile = self.outbox.get(delivery.reference)
            if profile is None:
                # Withdrawn or deleted between claim and now: the row went with it.
                log.info(
                    "delivery %s of %s skipped: handoff no longer stored",
                    delivery.id,
                    delivery.reference,
                )
                return Outcome(False, error="skipped")
            if target.kind == "webhook":
                envelope = {
                    "event": EVENT_CREATED,
                    "idempotency_key": delivery.idempotency_key,
                    "reference": delivery.reference,
                    "profile": profile,
                }
                return self._post(delivery, envelope)
            msg = mail.build_handoff_message(profile, target.address, delivery.idempotency_key)
            return mail.send_message(msg, self.smtp)
        if delivery.event == EVENT_WITHDRAWN:
            if target.kind == "webhook":
                envelope = {
                    "event": EVENT_WITHDRAWN,
                    "idempotency_key": delivery.idempotency_key,
                    "reference": delivery.reference,
                }
                return self._post(delivery, envelope)
            msg = mail.build_withdrawn_message(
                delivery.reference, target.address, delivery.idempotency_key
            )
            return mail.send_message(msg, self.smtp)
        if delivery.event == EVENT_GIVEN_UP:
            msg = mail.build_operator_message(
                delivery.payload or {}, target.address, delivery.idempotency_key
            )
            return mail.send_message(msg, self.smtp)
        return Outcome(False, permanent=True, error=f"unknown event {delivery.event}")

    def _post(self, delivery: Delivery, envelope: dict) -> Outcome:
        try:
            secret = webhook.secret_from_env(delivery.target.secret_env or "")
        except MissingSecret as exc:
            return Outcome(False, error=str(exc))
        return webhook.post_event(
            self.session,
            delivery.target.address,
            envelope,
            secret,
            delivery.idempotency_key,
            timeout=self.timeout,
        )

    def process_deletions(self) -> None:
        """Delete the conversations whose withdrawal is due (every few seconds)."""
        privacy.process_deletions(self.outbox.engine)

    def purge_expired(self) -> None:
        """The retention period: delete conversations and handoffs older than it (daily)."""
        privacy.purge_old_conversations(retention_days())
        self.outbox.purge_older_than(retention_days())

    def run(self, interval: float = DEFAULT_INTERVAL, stop: threading.Event | None = None) -> None:
        """Loop until ``stop`` is set: work while there is work, else sleep ``interval``.

        Withdrawn conversations are deleted every ``DELETION_INTERVAL`` seconds; the
        retention purge runs at start and then every ``LEERPUNT_RETENTION_PURGE_HOURS``.
        """
        stop = stop or threading.Event()
        purge_every = 3600.0 * settings.get().retention_purge_hours
        log.info(
            "handoff worker %s started (interval %ss, lease %ss, retention purge every %sh)",
            self.worker_id,
            interval,
            self.lease_seconds,
            purge_every / 3600.0,
        )
        last_deletions = last_purge = None
        while not stop.is_set():
            try:
                busy = self.run_once()
                now = time.time()
                if last_deletions is None or now - last_deletions >= DELETION_INTERVAL:
                    last_deletions = now
                    self.process_deletions()
                if last_purge is None or now - last_purge >= purge_every:
                    self.purge_expired()
                    last_purge = now  # after success: a failed purge is tried again next round
            except Exception as exc:  # database briefly unreachable: keep going
                log.error("worker loop error (%s); retrying in %ss", type(exc).__name__, interval)
                busy = 0
            if not busy:
                stop.wait(interval)
        log.info("handoff worker %s stopped", self.worker_id)


def run_worker(
    once: bool = False,
    interval: float = DEFAULT_INTERVAL,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
    timeout: float | None = None,
) -> int:
    """Entry point of the CLI command; SIGTERM/SIGINT finish the current delivery, then stop."""
    if timeout is None:  # the worker's own default
        worker = Worker(lease_seconds=lease_seconds)
    else:
        worker = Worker(lease_seconds=lease_seconds, timeout=timeout)
    if once:
        # Only what is due now: a failed attempt rescheduled by backoff waits for the next run.
        start = time.time()
        total = 0
        while True:
            done = worker.run_once(now=start)
            total += done
            if not done:
                break
        return total
    stop = threading.Event()

    def _stop(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    worker.run(interval=interval, stop=stop)
    return 0
