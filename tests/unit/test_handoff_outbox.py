"""The durable outbox: idempotent enqueue, leases, retries, give-up, withdrawal, retention.

Runs on SQLite always and on PostgreSQL when TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import json
import random

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from bot.handoff.outbox import (
    EVENT_CREATED,
    EVENT_GIVEN_UP,
    EVENT_WITHDRAWN,
    ConsentMissing,
    HandoffOutbox,
    Target,
    backoff_seconds,
    delivery_table,
    handoff_table,
    targets_from_region,
)
from bot.handoff.sample import sample_profile
from bot.handoff.withdrawal import withdraw

WEBHOOK = Target.webhook("http://127.0.0.1:9/hook", "TEST_WEBHOOK_SECRET")
EMAIL = Target.email("coach@example.org")
PERSONAL = ("Ans de Vries", "ans@example.org", "06 1234 5678", "Korenbloem", "geen tijd")


@pytest.fixture()
def outbox(outbox_db_url):
    return HandoffOutbox(
        outbox_db_url, give_up_hours=1, backoff_base=10, operator_email="ops@example.org"
    )


def _rows(box: HandoffOutbox) -> list[dict]:
    with box.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(delivery_table))]


def test_nothing_is_stored_without_consent(outbox):
    profile = sample_profile()
    del profile["consent"]
    with pytest.raises(ConsentMissing):
        outbox.enqueue(profile, [EMAIL])
    assert outbox.list() == []


def test_enqueue_is_idempotent_per_conversation_and_consent(outbox):
    first = outbox.enqueue(sample_profile("conv-1"), [WEBHOOK, EMAIL])
    again = outbox.enqueue(sample_profile("conv-1"), [WEBHOOK, EMAIL])  # new reference inside
    other = outbox.enqueue(sample_profile("conv-2"), [EMAIL])
    assert again == first and other != first
    assert len(outbox.list()) == 2
    assert len(outbox.deliveries(first)) == 2
    assert outbox.get(first)["reference"] == first


def test_reference_clash_gets_a_fresh_reference(outbox):
    one = outbox.enqueue(sample_profile("conv-1", reference="LP-AAAAA"), [EMAIL])
    two = outbox.enqueue(sample_profile("conv-2", reference="LP-AAAAA"), [EMAIL])
    assert one == "LP-AAAAA" and two != one
    assert outbox.get(two)["reference"] == two


def test_a_claim_is_exclusive_until_its_lease_runs_out(outbox):
    outbox.enqueue(sample_profile(), [EMAIL])
    now = 2e9
    first = outbox.claim_due("worker-a", now=now, lease_seconds=30)
    assert len(first) == 1 and first[0].attempts == 1
    assert outbox.claim_due("worker-b", now=now + 29, lease_seconds=30) == []
    retaken = outbox.claim_due("worker-b", now=now + 31, lease_seconds=30)
    assert [d.id for d in retaken] == [first[0].id] and retaken[0].attempts == 2
    # the dead worker's late failure report must not override the new owner's claim
    assert outbox.mark_failed(first[0].id, "late", now=now + 32, worker_id="worker-a") is None


def test_failure_is_retried_with_backoff_then_delivered(outbox):
    ref = outbox.enqueue(sample_profile(), [WEBHOOK])
    (d,) = outbox.claim_due("w", lease_seconds=30)
    assert outbox.mark_failed(d.id, "webhook answered HTTP 500", worker_id="w") == "failed"
    (row,) = _rows(outbox)
    assert row["state"] == "failed" and "retry at" in row["last_error"]
    assert outbox.claim_due("w") == []  # not due yet
    (d,) = outbox.claim_due("w", now=row["next_attempt_at"] + 0.01)
    outbox.mark_delivered(d.id)
    assert [x["state"] for x in outbox.deliveries(ref)] == ["delivered"]


def test_give_up_after_the_window_reports_reference_and_error_only(outbox):
    ref = outbox.enqueue(sample_profile(), [WEBHOOK])
    (d,) = outbox.claim_due("w", now=d_now() + 3601)
    assert outbox.mark_failed(d.id, "webhook connection failed", now=d_now() + 3601) == "given_up"
    report = [r for r in _rows(outbox) if r["event"] == EVENT_GIVEN_UP]
    assert len(report) == 1 and report[0]["address"] == "ops@example.org"
    assert json.loads(report[0]["payload"]) == {
        "reference": ref,
        "event": EVENT_CREATED,
        "channel": "webhook",
        "error": "webhook connection failed",
    }


def d_now() -> float:
    import time

    return time.time()


def test_permanent_failure_gives_up_at_once(outbox):
    outbox.enqueue(sample_profile(), [WEBHOOK])
    (d,) = outbox.claim_due("w")
    assert outbox.mark_failed(d.id, "webhook answered HTTP 404", permanent=True) == "given_up"


def test_delivery_rows_hold_no_personal_data(outbox):
    ref = outbox.enqueue(sample_profile(), [WEBHOOK, EMAIL])
    for d in outbox.claim_due("w"):
        outbox.mark_failed(d.id, "webhook answered HTTP 500")
    outbox.withdraw(ref)
    dump = json.dumps(_rows(outbox))
    for personal in PERSONAL:
        assert personal not in dump


def test_withdraw_before_any_attempt_cancels_without_notice(outbox):
    ref = outbox.enqueue(sample_profile(), [WEBHOOK, EMAIL])
    result = withdraw(ref.lower(), outbox=outbox)
    assert result.references == [ref] and result.notices_queued == 0
    assert outbox.get(ref) is None and _rows(outbox) == []


def test_withdraw_after_delivery_queues_a_reference_only_notice(outbox):
    ref = outbox.enqueue(sample_profile("conv-9"), [WEBHOOK, EMAIL])
    for d in outbox.claim_due("w"):
        outbox.mark_delivered(d.id)
    result = withdraw("conv-9", outbox=outbox)  # by conversation id
    assert result.references == [ref] and result.notices_queued == 2
    assert outbox.get(ref) is None
    notices = _rows(outbox)
    assert {n["event"] for n in notices} == {EVENT_WITHDRAWN}
    assert {n["kind"] for n in notices} == {"webhook", "email"}
    assert all(
        json.loads(n["payload"]) == {"event": EVENT_WITHDRAWN, "reference": ref} for n in notices
    )
    assert not withdraw("LP-ZZZZZ", outbox=outbox).found


def test_delete_and_delete_conversation(outbox):
    a = outbox.enqueue(sample_profile("conv-a"), [EMAIL])
    b = outbox.enqueue(sample_profile("conv-b"), [EMAIL])
    assert outbox.delete(a) and not outbox.delete(a)
    assert outbox.delete_conversation("conv-b") == 1
    assert outbox.get(b) is None and outbox.list() == []


def test_purge_removes_only_what_is_older_than_retention(outbox, monkeypatch):
    old = outbox.enqueue(sample_profile("conv-old"), [EMAIL])
    with outbox.engine.begin() as conn:
        long_ago = d_now() - 91 * 86400
        conn.execute(
            handoff_table.update()
            .where(handoff_table.c.reference == old)
            .values(created_at=long_ago)
        )
        conn.execute(
            delivery_table.update()
            .where(delivery_table.c.reference == old)
            .values(created_at=long_ago)
        )
    new = outbox.enqueue(sample_profile("conv-new"), [EMAIL])
    monkeypatch.setenv("LEERPUNT_RETENTION_DAYS", "90")
    assert outbox.purge_older_than() == 1
    assert outbox.get(old) is None and outbox.get(new) is not None
    assert [d["reference"] for d in outbox.deliveries()] == [new]


def test_resend_requeues_with_the_same_key(outbox):
    ref = outbox.enqueue(sample_profile(), [WEBHOOK])
    (d,) = outbox.claim_due("w")
    outbox.mark_failed(d.id, "webhook answered HTTP 404", permanent=True)
    assert outbox.resend(ref) == 1
    (again,) = [x for x in outbox.claim_due("w") if x.event == EVENT_CREATED]
    assert again.idempotency_key == d.idempotency_key and again.attempts == 1


def test_two_outboxes_on_one_database_share_state(outbox):
    other = HandoffOutbox(outbox.engine.url.render_as_string(hide_password=False))
    ref = outbox.enqueue(sample_profile(), [EMAIL])
    assert other.get(ref) is not None
    assert len(other.claim_due("w2")) == 1 and outbox.claim_due("w1") == []


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=2**32))
def test_backoff_grows_exponentially_within_jitter_bounds_and_cap(attempts, seed):
    rng = random.Random(seed)
    delay = backoff_seconds(attempts, base=30, cap=3600, rng=rng)
    full = min(3600, 30 * 2 ** (attempts - 1))
    assert full / 2 <= delay <= full


def test_backoff_jitter_spreads_retries():
    rng = random.Random(1)
    delays = {round(backoff_seconds(3, base=30, rng=rng), 3) for _ in range(20)}
    assert len(delays) > 10


def test_targets_from_a_region_handoff_block():
    block = {
        "webhook": {
            "url": "https://handoff.example.org/twente",
            "secret_env": "TWENTE_WEBHOOK_SECRET",
        },
        "email": "overdracht.twente@example.org",
    }
    assert targets_from_region(block) == [
        Target.webhook("https://handoff.example.org/twente", "TWENTE_WEBHOOK_SECRET"),
        Target.email("overdracht.twente@example.org"),
    ]
    assert targets_from_region({"email": ["a@example.org", "b@example.org"]})[1].address == (
        "b@example.org"
    )
    assert targets_from_region(None) == []
