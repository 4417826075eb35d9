"""Abuse limits in the conversation: one handoff per conversation, a few per address an
hour, and a cap on how many messages (and how fast) one conversation gets answered.

Over a limit nothing is queued or changed and the entrepreneur reads one kind Dutch
line; under it the conversation goes as always. Every test has its own database.
"""

from __future__ import annotations

import copy
import logging

import sqlalchemy as sa

from bot.app import content, handoff
from bot.app.state import PERSONAL_SLOTS
from bot.handoff.outbox import HandoffOutbox, contact_use_table, handoff_table
from tests.dialogue.chat import (
    Chat,
    answer_questions,
    conversation_of,
    text_of,
    to_facts,
    to_questions,
    to_read_back,
)

EMAIL = "jan@devries-installatie.nl"


def _handoffs(url: str) -> list[dict]:
    with HandoffOutbox(url).engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(handoff_table))]


def _contact(chat: Chat) -> str:
    """Where the chat's region is reached outside the chat (as the consent text says)."""
    return handoff.withdraw_contact(content.region_of(conversation_of(chat)))


def _sent(chat: Chat) -> str:
    chat.say("/bevestigen")
    assert chat.phase == "handed_off", chat.said
    return chat.slots["handoff_reference"]


# --- one handoff per conversation ----------------------------------------------------------


def test_after_starting_over_a_conversation_with_a_handoff_is_not_offered_a_second(database):
    chat = to_read_back(Chat())
    reference = _sent(chat)

    chat.say("/opnieuw")  # the restart button acts at once and forgets the reference
    assert not chat.slots.get("handoff_reference")
    to_questions(chat)
    answer_questions(chat)

    assert chat.phase == "advised" and chat.pending is None
    assert text_of(chat, "limit.one_handoff", reference=reference) in chat.said
    assert reference in chat.said
    assert chat.slots.get("handoff_consent") is None  # no consent asked, no details
    assert [h["reference"] for h in _handoffs(database)] == [reference]


def test_consent_given_again_queues_no_second_handoff(database):
    chat = to_read_back(Chat())
    again = copy.deepcopy(chat)
    reference = _sent(chat)
    # The same conversation, read back once more after a new yes (a new consent record).
    record = dict(again.slots["consent_record"], given_at="2031-01-01T10:00:00+00:00")
    again.slots["consent_record"] = record

    again.say("/bevestigen")

    assert again.said == text_of(again, "limit.one_handoff", reference=reference)
    assert again.phase == "advised"
    assert {s: again.slots.get(s) for s in PERSONAL_SLOTS} == dict.fromkeys(PERSONAL_SLOTS)
    assert [h["reference"] for h in _handoffs(database)] == [reference]


# --- a few handoffs per contact address an hour ----------------------------------------------


def test_a_fourth_handoff_for_one_address_within_the_hour_is_not_queued(database, caplog):
    references = [_sent(to_read_back(Chat(sender=f"conv-{i}"), contact=EMAIL)) for i in range(3)]
    fourth = to_read_back(Chat(sender="conv-4"), contact=EMAIL.upper())

    with caplog.at_level(logging.DEBUG):
        fourth.say("/bevestigen")

    assert fourth.said == text_of(fourth, "limit.contact", contact=_contact(fourth))
    assert "coach heeft je vraag al" in fourth.said and "later" in fourth.said
    assert fourth.phase == "advised" and not fourth.slots.get("handoff_reference")
    assert {s: fourth.slots.get(s) for s in PERSONAL_SLOTS} == dict.fromkeys(PERSONAL_SLOTS)
    assert sorted(h["reference"] for h in _handoffs(database)) == sorted(references)
    assert EMAIL not in caplog.text.lower() and "Jan de Vries" not in caplog.text


def test_the_address_limit_tells_where_to_reach_the_region(database, monkeypatch):
    monkeypatch.setenv("LEERPUNT_HANDOFFS_PER_CONTACT_HOUR", "1")
    _sent(to_read_back(Chat(sender="conv-1")))
    second = to_read_back(Chat(sender="conv-2"))

    second.say("/bevestigen")

    contact = _contact(second)
    assert second.said == text_of(second, "limit.contact", contact=contact)
    assert contact in second.said
    assert len(_handoffs(database)) == 1


def test_under_the_address_limit_every_handoff_is_queued(database):
    for i in range(3):
        _sent(to_read_back(Chat(sender=f"conv-{i}")))
    _sent(to_read_back(Chat(sender="conv-other"), contact="piet@voorbeeld.nl"))

    assert len(_handoffs(database)) == 4
    with HandoffOutbox(database).engine.connect() as conn:
        hashes = conn.execute(sa.select(contact_use_table.c.contact_hash)).scalars().all()
    assert len(hashes) == 4 and EMAIL not in " ".join(hashes)


# --- messages: how many, and how fast ----------------------------------------------------


def test_a_whole_intake_at_one_message_every_two_seconds_is_answered_as_always(database):
    chat = to_read_back(Chat(pace=2.0))  # 30 a minute: the default limit exactly

    _sent(chat)

    assert not any(text_of(chat, "limit.rate") == r.text for turn in chat.turns for r in turn)


def test_messages_faster_than_the_limit_get_one_line_and_change_nothing(database, monkeypatch):
    monkeypatch.setenv("LEERPUNT_MESSAGES_PER_MINUTE", "4")
    chat = to_facts(Chat(pace=1.0))  # two messages
    chat.say("12", intent="vertellen", confidence=0.9)
    chat.say("installatiebedrijf", intent="vertellen", confidence=0.9)
    before = copy.deepcopy(chat.slots)

    replies = chat.say("Enschede", intent="vertellen", confidence=0.9)

    assert [r.text for r in replies] == [text_of(chat, "limit.rate")]
    assert replies[0].buttons == []
    assert chat.slots == before  # no state change at all, not even the counts

    chat.pace = 60.0  # a minute later the same answer is taken
    chat.say("Enschede", intent="vertellen", confidence=0.9)
    assert chat.slots["location"] == "Enschede"


def test_after_the_message_limit_only_one_line_comes(database, monkeypatch):
    monkeypatch.setenv("LEERPUNT_MESSAGES_PER_CONVERSATION", "5")
    chat = to_facts(Chat())
    chat.say("/opnieuw")  # starting over does not reset the count
    chat.say("hallo", intent="groeten")
    chat.say("12", intent="vertellen", confidence=0.9)
    before = copy.deepcopy(chat.slots)

    for text in ("Enschede", "/opnieuw", "/bevestigen"):
        replies = chat.say(text, intent="vertellen", confidence=0.9)
        assert [r.text for r in replies] == [
            text_of(chat, "limit.messages", contact=_contact(chat))
        ]
        assert chat.slots == before
    assert "heel veel berichten" in replies[0].text and _contact(chat) in replies[0].text
