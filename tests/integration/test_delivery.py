"""End-to-end delivery with a real SMTP server (aiosmtpd) and a real local HTTP receiver.

Faults: receiver down for the first attempts, answering 500, too slow (timeout),
refusing (4xx, given up and reported to the operator), and withdrawal after
delivery. Every handoff must arrive once per idempotency key, none lost.
Runs on SQLite, and on PostgreSQL when TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import json
import time

import pytest

from bot.handoff.mail import SmtpSettings, message_id_for
from bot.handoff.outbox import HandoffOutbox, Target
from bot.handoff.profile import validate_profile
from bot.handoff.receiver import WebhookReceiver
from bot.handoff.sample import sample_profile
from bot.handoff.webhook import make_session
from bot.handoff.worker import Worker
from tests.helpers.net import free_port

SECRET_ENV = "TEST_DELIVERY_SECRET"
SECRET = "s3cr3t-voor-tests"
PERSONAL = ("Ans de Vries", "ans@example.org", "06 1234 5678", "Korenbloem")


@pytest.fixture()
def outbox(outbox_db_url, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, SECRET)
    return HandoffOutbox(
        outbox_db_url,
        backoff_base=0.05,
        backoff_cap=0.2,
        give_up_hours=1,
        operator_email="ops@example.org",
        handoffs_per_contact_hour=1000,  # many handoffs of the sample's one contact
    )


def make_worker(box: HandoffOutbox, smtp_settings: SmtpSettings, timeout=(1.0, 2.0)) -> Worker:
    return Worker(box, lease_seconds=5, timeout=timeout, session=make_session(), smtp=smtp_settings)


def drain(worker: Worker, until, seconds: float = 15.0) -> None:
    """Run the worker until ``until()`` holds (or fail after ``seconds``)."""
    deadline = time.time() + seconds
    while not until():
        assert time.time() < deadline, "deliveries did not arrive in time"
        if not worker.run_once():
            time.sleep(0.02)


def states(box: HandoffOutbox) -> list[str]:
    return sorted(d["state"] for d in box.deliveries())


def test_enqueued_handoff_arrives_once_at_webhook_and_mailbox(outbox, smtp):
    sink, settings = smtp
    with WebhookReceiver(SECRET) as receiver:
        profile = sample_profile("conv-happy")
        ref = outbox.enqueue(
            profile, [Target.webhook(receiver.url, SECRET_ENV), Target.email("coach@example.org")]
        )
        worker = make_worker(outbox, settings)
        drain(worker, lambda: states(outbox) == ["delivered", "delivered"])
        worker.run_once()  # nothing left: a second pass must not send again
    assert receiver.state.requests == 1 and receiver.state.bad_signatures == 0
    (received,) = receiver.state.accepted.values()
    assert received.event == "handoff.created" and received.reference == ref
    validate_profile(received.envelope["profile"])
    assert received.envelope["profile"] == outbox.get(ref)

    assert len(sink.messages) == 1
    rcpt, msg = sink.messages[0]
    assert rcpt == ["coach@example.org"]
    assert msg["Message-ID"] == message_id_for(received.idempotency_key)
    attachment = next(p for p in msg.walk() if p.get_content_type() == "application/json")
    validate_profile(json.loads(attachment.get_content()))
    assert any(p.get_content_type() == "image/png" for p in msg.walk())


def test_receiver_down_for_the_first_attempts(outbox, smtp):
    sink, settings = smtp
    port = free_port()
    url = f"http://127.0.0.1:{port}/leerpunt/handoff"
    refs = [
        outbox.enqueue(sample_profile(f"conv-down-{i}"), [Target.webhook(url, SECRET_ENV)])
        for i in range(3)
    ]
    worker = make_worker(outbox, settings)
    worker.run_once()
    assert states(outbox) == ["failed"] * 3
    assert all("connection failed" in d["last_error"] for d in outbox.deliveries())
    with WebhookReceiver(SECRET, port=port) as receiver:
        drain(worker, lambda: states(outbox) == ["delivered"] * 3)
    assert sorted(r.reference for r in receiver.state.accepted.values()) == sorted(refs)
    assert receiver.state.duplicates == 0


def test_receiver_answering_500_is_retried_until_it_accepts(outbox, smtp):
    _sink, settings = smtp
    fail_first = 4
    with WebhookReceiver(SECRET, fault=lambda n, _k: 500 if n <= fail_first else None) as rec:
        for i in range(3):
            outbox.enqueue(sample_profile(f"conv-500-{i}"), [Target.webhook(rec.url, SECRET_ENV)])
        drain(make_worker(outbox, settings), lambda: states(outbox) == ["delivered"] * 3)
    assert len(rec.state.accepted) == 3 and rec.state.duplicates == 0
    assert rec.state.requests == 3 + fail_first
    assert max(d["attempts"] for d in outbox.deliveries()) >= 2


def test_slow_receiver_times_out_and_the_retry_is_deduplicated(outbox, smtp):
    _sink, settings = smtp

    def slow_first(n: int, _key: str):
        if n == 1:
            time.sleep(1.0)  # longer than the read timeout; the receiver still accepts it
        return None

    with WebhookReceiver(SECRET, fault=slow_first) as rec:
        ref = outbox.enqueue(sample_profile("conv-slow"), [Target.webhook(rec.url, SECRET_ENV)])
        worker = make_worker(outbox, settings, timeout=(1.0, 0.3))
        worker.run_once()
        (first,) = outbox.deliveries()
        assert first["state"] == "failed" and "timeout" in first["last_error"]
        drain(worker, lambda: states(outbox) == ["delivered"])
        time.sleep(1.0)  # let the slow first request finish on the receiver side
    assert [r.reference for r in rec.state.accepted.values()] == [ref]
    assert rec.state.requests == 2 and rec.state.duplicates == 1


def test_refusing_receiver_is_given_up_and_the_operator_told_without_personal_data(outbox, smtp):
    sink, settings = smtp
    with WebhookReceiver(SECRET, fault=lambda _n, _k: 410) as rec:
        ref = outbox.enqueue(sample_profile("conv-410"), [Target.webhook(rec.url, SECRET_ENV)])
        drain(make_worker(outbox, settings), lambda: len(sink.messages) == 1)
    assert rec.state.requests == 1  # permanent: no retry
    created = [d for d in outbox.deliveries() if d["event"] == "handoff.created"]
    assert created[0]["state"] == "given_up" and "410" in created[0]["last_error"]
    rcpt, msg = sink.messages[0]
    assert rcpt == ["ops@example.org"]
    raw = msg.as_string()
    assert ref in raw and "410" in raw
    for personal in PERSONAL:
        assert personal not in raw


def test_wrong_secret_is_refused_given_up_and_reported(outbox, smtp, monkeypatch):
    sink, settings = smtp
    monkeypatch.setenv(SECRET_ENV, "verkeerd")
    with WebhookReceiver(SECRET) as rec:
        outbox.enqueue(sample_profile("conv-sig"), [Target.webhook(rec.url, SECRET_ENV)])
        drain(make_worker(outbox, settings), lambda: len(sink.messages) == 1)
    assert rec.state.bad_signatures == 1 and not rec.state.accepted
    created = [d for d in outbox.deliveries() if d["event"] == "handoff.created"]
    assert created[0]["state"] == "given_up" and "401" in created[0]["last_error"]
    assert sink.messages[0][0] == ["ops@example.org"]


def test_withdrawal_after_delivery_sends_a_reference_only_notice(outbox, smtp):
    sink, settings = smtp
    with WebhookReceiver(SECRET) as rec:
        targets = [Target.webhook(rec.url, SECRET_ENV), Target.email("coach@example.org")]
        ref = outbox.enqueue(sample_profile("conv-wd"), targets)
        worker = make_worker(outbox, settings)
        drain(worker, lambda: len(rec.state.accepted) == 1 and len(sink.messages) == 1)
        assert outbox.withdraw(ref) == 2
        drain(worker, lambda: len(rec.state.accepted) == 2 and len(sink.messages) == 2)
    notice = [r for r in rec.state.accepted.values() if r.event == "handoff.withdrawn"][0]
    assert notice.envelope == {
        "event": "handoff.withdrawn",
        "reference": ref,
        "idempotency_key": notice.idempotency_key,
    }
    _rcpt, mail = sink.messages[1]
    assert ref in mail["Subject"]
    for personal in PERSONAL:
        assert personal not in mail.as_string()
    assert outbox.get(ref) is None


def test_many_handoffs_both_channels_exactly_once(outbox, smtp):
    sink, settings = smtp
    n = 8
    with WebhookReceiver(SECRET) as rec:
        for i in range(n):
            targets = [Target.webhook(rec.url, SECRET_ENV), Target.email("coach@example.org")]
            outbox.enqueue(sample_profile(f"conv-many-{i}"), targets)
            outbox.enqueue(sample_profile(f"conv-many-{i}"), targets)  # a double click
        drain(
            make_worker(outbox, settings),
            lambda: len(sink.messages) == n and len(rec.state.accepted) == n,
        )
    assert rec.state.requests == n and rec.state.duplicates == 0
    assert sorted(sink.by_message_id().values()) == [1] * n
