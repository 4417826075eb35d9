"""The outbox's abuse limits: one handoff per conversation, a few per contact address an hour.

The address is counted as a keyed hash in its own table; runs on SQLite always and
on PostgreSQL when TEST_POSTGRES_URL is set.
"""

from __future__ import annotations

import logging
import time

import pytest
import sqlalchemy as sa

from bot.contact import normalise_address
from bot.handoff.outbox import (
    CONTACT_WINDOW_SECONDS,
    HandoffLimitReached,
    HandoffOutbox,
    Target,
    contact_hash,
    contact_use_table,
    delivery_table,
    handoff_table,
)
from bot.handoff.sample import sample_profile
from bot.store import get_engine

EMAIL = Target.email("coach@example.org")
KEY = "a-test-key-of-32-characters-long"


@pytest.fixture()
def outbox(outbox_db_url, monkeypatch):
    monkeypatch.setenv("LEERPUNT_CONTACT_HASH_KEY", KEY)
    return HandoffOutbox(outbox_db_url)


def _profile(conversation_id: str, email: str | None = "ans@example.org", phone=None) -> dict:
    profile = sample_profile(conversation_id)
    profile["contact"] = {
        **profile["contact"],
        "email": email,
        "phone": phone,
        "preferred_contact": "email" if email else "telefoon",
    }
    return profile


def _count(box: HandoffOutbox, table: sa.Table) -> int:
    with box.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_a_conversation_gets_one_handoff_also_after_consent_is_given_again(outbox):
    first = outbox.enqueue(_profile("conv-1"), [EMAIL])
    again = _profile("conv-1")
    again["consent"] = {**again["consent"], "given_at": "2031-01-01T10:00:00+00:00"}

    with pytest.raises(HandoffLimitReached) as refused:
        outbox.enqueue(again, [EMAIL])

    assert refused.value.reason == "conversation" and refused.value.reference == first
    assert outbox.references_for_conversation("conv-1") == [first]
    assert _count(outbox, delivery_table) == 1


def test_the_same_handoff_sent_twice_is_still_the_first_not_a_refusal(outbox):
    first = outbox.enqueue(_profile("conv-1"), [EMAIL])
    assert outbox.enqueue(_profile("conv-1"), [EMAIL]) == first


def test_an_address_gets_three_handoffs_an_hour_by_default(outbox):
    for i in range(3):
        outbox.enqueue(_profile(f"conv-{i}", email="Ans@Example.org"), [EMAIL])

    with pytest.raises(HandoffLimitReached) as refused:
        outbox.enqueue(_profile("conv-3", email="ANS@example.org"), [EMAIL])

    assert refused.value.reason == "contact"
    assert _count(outbox, handoff_table) == 3 and _count(outbox, delivery_table) == 3
    outbox.enqueue(_profile("conv-4", email="piet@example.org"), [EMAIL])  # another address


def test_a_phone_number_counts_however_it_is_written(outbox):
    spellings = ["06 1234 5678", "06-12345678", "+31 6 12345678"]
    for i, phone in enumerate(spellings):
        outbox.enqueue(_profile(f"conv-{i}", email=None, phone=phone), [EMAIL])
    with pytest.raises(HandoffLimitReached):
        outbox.enqueue(_profile("conv-9", email=None, phone="0031612345678"), [EMAIL])


def test_the_limit_is_configuration(outbox_db_url, monkeypatch):
    monkeypatch.setenv("LEERPUNT_HANDOFFS_PER_CONTACT_HOUR", "1")
    box = HandoffOutbox(outbox_db_url)
    box.enqueue(_profile("conv-1"), [EMAIL])
    with pytest.raises(HandoffLimitReached):
        box.enqueue(_profile("conv-2"), [EMAIL])


def test_handoffs_older_than_an_hour_do_not_count(outbox):
    for i in range(3):
        outbox.enqueue(_profile(f"conv-{i}"), [EMAIL])
    with outbox.engine.begin() as conn:  # as if they were queued an hour ago
        conn.execute(
            contact_use_table.update().values(created_at=time.time() - CONTACT_WINDOW_SECONDS - 1)
        )

    outbox.enqueue(_profile("conv-3"), [EMAIL])

    assert _count(outbox, contact_use_table) == 1  # the old rows are gone, not only ignored


def test_the_address_hash_is_not_the_address(outbox):
    address = "ans@example.org"
    digest = contact_hash(address)

    assert address not in digest and "ans" not in digest
    assert len(digest) == 64 and int(digest, 16) >= 0  # HMAC-SHA256, hex
    assert contact_hash(" ANS@example.org ") == digest  # normalised first
    assert contact_hash(address, key="another-key-of-32-characters-xx") != digest  # keyed
    assert contact_hash(address) != contact_hash("piet@example.org")


def test_the_count_table_holds_no_address_in_any_spelling(outbox):
    outbox.enqueue(_profile("conv-1", phone="06 1234 5678"), [EMAIL])

    with outbox.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(contact_use_table))]

    assert len(rows) == 2  # the e-mail address and the phone number, once each
    stored = " ".join(str(v) for row in rows for v in row.values()).lower()
    for spelling in ("ans@example.org", "example.org", "06 1234 5678", "0612345678", "12345678"):
        assert spelling not in stored
    assert {row["contact_hash"] for row in rows} == {
        contact_hash("ans@example.org"),
        contact_hash("06 1234 5678"),
    }


def test_a_refusal_logs_nothing_personal(outbox, caplog):
    for i in range(3):
        outbox.enqueue(_profile(f"conv-{i}"), [EMAIL])
    with caplog.at_level(logging.DEBUG), pytest.raises(HandoffLimitReached) as refused:
        outbox.enqueue(_profile("conv-3"), [EMAIL])

    said = caplog.text + str(refused.value)
    assert "handoff refused" in said
    assert "ans@example.org" not in said and "Ans de Vries" not in said
    assert contact_hash("ans@example.org") not in said


def test_an_existing_database_gets_the_count_table(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = sa.MetaData()  # the outbox as it was before the limits: no count table
    for table in (handoff_table, delivery_table):
        table.to_metadata(old)
    engine = get_engine(url)
    old.create_all(engine)
    assert "handoff_contact_use" not in sa.inspect(engine).get_table_names()

    box = HandoffOutbox(url)
    box.enqueue(_profile("conv-1"), [EMAIL])

    assert "handoff_contact_use" in sa.inspect(box.engine).get_table_names()
    assert _count(box, contact_use_table) == 1
    engine.dispose()


def test_normalised_addresses():
    assert normalise_address(" Ans@Example.ORG ") == "ans@example.org"
    assert normalise_address("06-1234 5678") == "0612345678"
    assert normalise_address("+31 (0)6 12345678") != ""  # never empty for a real number
    assert normalise_address("+31 6 12345678") == normalise_address("0031612345678")
    assert normalise_address("+44 20 1234 5678") == "00442012345678"
