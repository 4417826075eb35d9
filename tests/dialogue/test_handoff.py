"""Coach offer, consent, contact details, read-back, the handoff itself and withdrawal.

Ported from tests/actions/test_handoff.py. Every test has its own SQLite database
(tests/dialogue/conftest.py); the outbox and usage figures are read from it.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime

import pytest
import sqlalchemy as sa
from rasa_sdk import Tracker

from actions import context as ctx
from bot import usage
from bot.app import content
from bot.app.state import PERSONAL_SLOTS, UNKNOWN
from bot.handoff.consent import CONSENT_TEXT_VERSION
from bot.handoff.outbox import HandoffOutbox, delivery_table, handoff_table
from tests.dialogue.chat import (
    Chat,
    conversation_of,
    text_of,
    theme,
    to_coach_offer,
    to_read_back,
)

FW = content.framework()
TWENTE = content.regions().get("twente")
LINKEDIN = {"source": "linkedin", "campaign": "voorjaar-2025"}


def _stored(url: str) -> tuple[list[dict], list[dict]]:
    """Handoff rows and delivery rows in this test's database."""
    box = HandoffOutbox(url)
    with box.engine.connect() as conn:
        handoffs = [dict(r._mapping) for r in conn.execute(sa.select(handoff_table))]
        deliveries = [dict(r._mapping) for r in conn.execute(sa.select(delivery_table))]
    return handoffs, deliveries


def _national_offer() -> Chat:
    """The advice for a firm in a place without a coach (the national fallback region)."""
    chat = to_coach_offer(Chat(), place="Rijswijk")
    assert chat.slots["region"] == content.regions().fallback.id
    return chat


def _sent(chat: Chat) -> str:
    """Confirm the read-back; the handoff's reference."""
    chat.say("/bevestigen")
    assert chat.phase == "handed_off", chat.said
    return chat.slots["handoff_reference"]


# --- the coach offer ---------------------------------------------------------------------


def test_offer_coach_in_a_region_with_a_coach():
    chat = to_coach_offer(Chat(link=LINKEDIN))

    coach = content.coach_of(conversation_of(chat))
    assert coach is not None
    offer, consent = chat.turns[-1][-2:]
    assert coach.name in offer.text and coach.organisation in offer.text
    assert consent.text.startswith("Mag ik je gegevens doorgeven aan een coach van Twente?")
    assert str(TWENTE.handoff.email) in consent.text  # where to withdraw
    # yes, no, and the details on request (the question itself stays short)
    assert [b["payload"] for b in consent.buttons] == [
        "/bevestigen",
        "/ontkennen",
        "/vraag_privacy",
    ]
    assert len(consent.text) < 400
    # nothing is decided before the answer
    assert chat.slots.get("handoff_consent") is None and chat.slots.get("consent_record") is None


def test_offer_coach_national_fallback_without_coach():
    chat = _national_offer()

    assert content.coach_of(conversation_of(chat)) is None
    texts = [r.text for r in chat.turns[-1]]
    assert text_of(chat, "coach_offer.no_coach") in texts
    assert chat.pending == "other_place"  # by design: maybe the firm is also somewhere else
    assert chat.slots.get("handoff_consent") is None and chat.slots.get("consent_record") is None

    chat.say("nee", intent="ontkennen", confidence=0.9)

    assert chat.said == text_of(chat, "closing")
    assert not chat.buttons
    assert chat.slots.get("handoff_consent") is not True
    assert not any(chat.slots.get(s) for s in [*PERSONAL_SLOTS, "consent_record"])


# --- consent -----------------------------------------------------------------------------


def test_consent_details_on_request_then_yes_records_them_too():
    chat = to_coach_offer(Chat())
    question = chat.turns[-1][-1].text

    chat.say("/vraag_privacy")  # "Wat geef je precies door?"
    details, again = chat.turns[-1]
    for word in ("naam", "e-mailadres", "het hele gesprek", "dagen", "intrekken"):
        assert word in details.text, word
    assert [b["payload"] for b in again.buttons] == ["/bevestigen", "/ontkennen"]
    assert chat.pending == "consent" and chat.slots.get("handoff_consent") is None

    chat.say("/bevestigen")
    record = chat.slots["consent_record"]
    assert record["text"] == question + "\n" + details.text


def test_consent_yes_records_time_and_the_text_shown():
    chat = to_coach_offer(Chat())
    consent_text = chat.turns[-1][-1].text

    chat.say("ja graag", intent="bevestigen", confidence=0.9)

    assert chat.slots["handoff_consent"] is True
    record = chat.slots["consent_record"]
    assert record["text_version"] == CONSENT_TEXT_VERSION
    assert record["text"] == consent_text
    assert datetime.fromisoformat(record["given_at"].replace("Z", "+00:00")).tzinfo is not None
    assert chat.turns[-1][0].text == text_of(chat, "consent.yes_ack")
    assert chat.pending == "contact_name"


def test_consent_yes_without_a_coach_records_nothing():
    chat = _national_offer()

    chat.say("ja graag", intent="bevestigen", confidence=0.9)

    assert chat.slots.get("handoff_consent") is not True
    assert chat.slots.get("consent_record") is None
    assert chat.pending != "contact_name"  # no details are collected that nobody would receive
    assert chat.said == text_of(chat, "ask.location")  # asks for the other place instead


def test_no_coach_then_no_other_place_closes_politely():
    chat = _national_offer()
    chat.say("ja", intent="bevestigen", confidence=0.9)

    chat.say("nee", intent="ontkennen", confidence=0.9)

    assert '"nee"' not in chat.said
    assert chat.said == text_of(chat, "closing")


def test_consent_no_clears_every_personal_slot():
    chat = to_coach_offer(Chat())

    replies = chat.say("/ontkennen")

    assert chat.slots["handoff_consent"] is False
    assert {s: chat.slots.get(s) for s in [*PERSONAL_SLOTS, "consent_record"]} == dict.fromkeys(
        [*PERSONAL_SLOTS, "consent_record"]
    )
    assert [r.text for r in replies] == [text_of(chat, "consent.no"), text_of(chat, "closing")]


def test_giving_up_on_the_contact_details_clears_them(database):
    chat = to_coach_offer(Chat())
    chat.say("/bevestigen")
    chat.say("Jan de Vries", intent="vertellen")
    chat.say("Installatiebedrijf De Vries", intent="vertellen")
    chat.say("bel me maar", intent="vertellen")
    chat.say("12345", intent="vertellen")
    assert chat.pending == "_contact_retry"
    assert chat.slots["contact_name"] == "Jan de Vries"

    chat.say("nee", intent="ontkennen", confidence=0.9)

    assert chat.slots["handoff_consent"] is False
    assert {s: chat.slots.get(s) for s in [*PERSONAL_SLOTS, "consent_record"]} == dict.fromkeys(
        [*PERSONAL_SLOTS, "consent_record"]
    )
    assert chat.said == text_of(chat, "contact.dropped")
    assert _stored(database) == ([], [])


# --- the contact details -----------------------------------------------------------------


def _at(slot: str) -> Chat:
    """Consent given; the contact questions answered up to ``slot``, which is asked next."""
    chat = to_coach_offer(Chat())
    chat.say("/bevestigen")
    answers = {"contact_name": "Jan de Vries", "company_name": "Installatiebedrijf De Vries"}
    for earlier in ["contact_name", "company_name", "contact_email"][
        : ["contact_name", "company_name", "contact_email"].index(slot)
    ]:
        chat.say(answers[earlier], intent="vertellen")
    assert chat.pending == slot
    return chat


@pytest.mark.parametrize("slot", ["contact_name", "company_name", "contact_email"])
def test_ask_contact_detail(slot):
    chat = _at(slot)

    question = chat.turns[-1][-1]
    assert question.text == text_of(chat, f"ask.{slot}")
    assert question.text
    assert not question.buttons


def test_contact_name_is_cleaned():
    chat = _at("contact_name")

    chat.say("  Jan <b>de Vries</b> ", intent="vertellen")

    assert chat.slots["contact_name"] == "Jan de Vries"
    assert chat.said == text_of(chat, "ask.company_name")  # no remark, on to the next question


@pytest.mark.parametrize("text", ["1", "?!", "/bevestigen", "<b></b>"])
def test_contact_name_that_is_no_name_is_asked_again(text):
    chat = _at("contact_name")

    replies = chat.say(text, intent=None if text.startswith("/") else "vertellen")

    assert chat.slots.get("contact_name") is None
    assert chat.pending == "contact_name"
    assert [r.text for r in replies] == [
        text_of(chat, "contact.invalid_name"),
        text_of(chat, "ask.contact_name"),
    ]


def test_company_name():
    chat = _at("company_name")

    chat.say("Installatiebedrijf De Vries", intent="vertellen")

    assert chat.slots["company_name"] == "Installatiebedrijf De Vries"
    assert chat.said == text_of(chat, "ask.contact_email")


def test_company_name_button_click_is_asked_again():
    chat = _at("company_name")

    replies = chat.say('/vertellen{"optie":"meelopen"}')  # a stale button from an earlier question

    assert chat.slots.get("company_name") is None
    assert chat.pending == "company_name"
    assert replies[0].text == text_of(chat, "contact.invalid_company")


def test_a_no_click_while_giving_details_sends_nothing_and_forgets_them():
    chat = _at("company_name")

    chat.say("/ontkennen")

    assert chat.slots.get("company_name") is None and chat.slots.get("contact_name") is None
    assert chat.slots["handoff_consent"] is False and chat.slots.get("consent_record") is None
    assert chat.said == text_of(chat, "contact.dropped")


def test_email_typo_suggests_the_right_domain():
    chat = _at("contact_email")

    replies = chat.say("jan@gmial.com", intent="vertellen")

    assert chat.slots.get("contact_email") is None
    assert chat.pending == "contact_email"
    assert replies[0].text.startswith(text_of(chat, "contact.invalid_email"))
    assert "jan@gmail.com" in replies[0].text
    assert sum("jan@gmail.com" in r.text for r in replies) == 1


def test_email_address_is_accepted_in_lower_case():
    chat = _at("contact_email")

    chat.say("Mail maar naar Jan@DeVries-Installatie.NL.", intent="vertellen")

    assert chat.slots["contact_email"] == "jan@devries-installatie.nl"
    assert chat.phase == "readback"
    assert text_of(chat, "contact.invalid_email") not in chat.said


@pytest.mark.parametrize("number", ["06-12345678", "+31 6 1234 5678", "0031 53 123 4567"])
def test_phone_number_instead_of_email(number):
    chat = _at("contact_email")

    chat.say(number, intent="vertellen")

    assert (chat.slots["contact_email"], chat.slots["contact_phone"]) == ("", number)
    assert chat.phase == "readback"


@pytest.mark.parametrize("text", ["bel me maar", "12345", "jan@", "jan@devries"])
def test_neither_email_nor_phone_is_asked_again_without_suggestion(text):
    chat = _at("contact_email")

    replies = chat.say(text, intent="vertellen")

    assert chat.slots.get("contact_email") is None
    assert chat.pending == "contact_email"
    assert [r.text for r in replies] == [
        text_of(chat, "contact.invalid_email"),
        text_of(chat, "ask.contact_email"),
    ]


# --- read-back and correction --------------------------------------------------------------


def test_read_back_shows_what_will_be_sent(database):
    chat = to_read_back(Chat())

    text = chat.said
    coach = content.coach_of(conversation_of(chat))
    assert coach.name in text
    for line in (
        "Naam: Jan de Vries",
        "Bedrijf: Installatiebedrijf De Vries",
        "E-mail: jan@devries-installatie.nl",
        "Aantal mensen: 12",
        "Branche: Installatietechniek",
        "Plaats: Enschede",
    ):
        assert line in text.splitlines()
    assert "Telefoon:" not in text
    assert [b["payload"] for b in chat.buttons] == ["/bevestigen", "/ontkennen"]
    # nothing is sent before the yes
    assert not chat.slots.get("handoff_reference")
    assert _stored(database) == ([], [])


def test_read_back_leaves_out_unknown_facts_and_shows_a_phone_number():
    chat = to_read_back(Chat(), contact="06-12345678", size="sla over")
    assert chat.slots["company_size"] == UNKNOWN

    text = chat.said

    assert "Aantal mensen" not in text
    assert "E-mail:" not in text
    assert "Telefoon: 06-12345678" in text.splitlines()


def test_correct_contact_forgets_the_details():
    chat = to_read_back(Chat())

    replies = chat.say("/ontkennen")

    assert {s: chat.slots.get(s) for s in PERSONAL_SLOTS} == dict.fromkeys(PERSONAL_SLOTS)
    assert [r.text for r in replies] == [
        text_of(chat, "correct.ack"),
        text_of(chat, "ask.contact_name"),
    ]
    assert chat.slots["handoff_consent"] is True  # the consent itself stands


# --- the handoff -------------------------------------------------------------------------


def test_transcript_shows_button_titles_not_payloads():
    """What the Rasa adapter hands the dialogue as the conversation's transcript."""
    tracker = Tracker.from_dict(
        {
            "sender_id": "conv-1",
            "slots": {},
            "latest_message": {},
            "active_loop": {},
            "events": [
                {
                    "event": "bot",
                    "text": "Waar loop je tegenaan?",
                    "timestamp": 1.0,
                    "data": {
                        "buttons": [
                            {"title": FW.themes["inwerken"].button, "payload": theme("inwerken")}
                        ]
                    },
                },
                {"event": "user", "text": theme("inwerken"), "timestamp": 2.0},
                {"event": "bot", "text": "Wat is je naam?", "timestamp": 3.0},
                {"event": "user", "text": "Jan de Vries", "timestamp": 4.0},
            ],
        }
    )

    said = [t["text"] for t in ctx.transcript(tracker) if t["speaker"] == "ondernemer"]

    assert said == [FW.themes["inwerken"].button, "Jan de Vries"]


def test_submit_with_consent_stores_exactly_one_handoff(database):
    transcript = [
        {"speaker": "ondernemer", "text": "Inwerken", "at": "2025-01-01T00:00:00+00:00"},
        {"speaker": "ondernemer", "text": "Jan de Vries", "at": "2025-01-01T00:01:00+00:00"},
    ]
    chat = to_read_back(Chat(sender="conv-twente", link=LINKEDIN, transcript=transcript))

    reference = _sent(chat)

    handoffs, deliveries = _stored(database)
    assert len(handoffs) == 1
    assert handoffs[0]["reference"] == reference
    assert reference in chat.said
    assert handoffs[0]["conversation_id"] == "conv-twente"
    assert handoffs[0]["region_id"] == "twente"

    profile = json.loads(handoffs[0]["profile"])
    assert profile["contact"]["name"] == "Jan de Vries"
    assert profile["contact"]["email"] == "jan@devries-installatie.nl"
    assert profile["company"] == {**profile["company"], "size": 12, "place": "Enschede"}
    assert profile["consent"] == chat.slots["consent_record"]
    assert profile["source"] == {"bron": "linkedin", "campagne": "voorjaar-2025"}
    said = [t["text"] for t in profile["transcript"] if t["speaker"] == "ondernemer"]
    assert said == ["Inwerken", "Jan de Vries"]

    expected_targets = {("webhook", TWENTE.handoff.webhook.url), ("email", TWENTE.handoff.email)}
    assert {(d["kind"], d["address"]) for d in deliveries} == expected_targets
    assert [(t.region, t.overdracht_bevestigd) for t in usage.totals()] == [("twente", 1)]


def test_submit_twice_keeps_one_handoff_and_one_reference(database):
    chat = to_read_back(Chat())
    again = copy.deepcopy(chat)  # the same confirming message handled twice (e.g. redelivered)

    first = _sent(chat)
    second = _sent(again)
    chat.say("/bevestigen")  # and a yes after it was sent
    chat.say("versturen", intent="bevestigen", confidence=0.9)

    assert len(_stored(database)[0]) == 1
    assert first == second
    assert chat.slots["handoff_reference"] == first


@pytest.mark.parametrize(
    "slots",
    [
        {"handoff_consent": None, "consent_record": None},
        {"handoff_consent": True, "consent_record": None},
        {"handoff_consent": False},
    ],
    ids=["never-asked", "yes-without-record", "said-no"],
)
def test_submit_without_consent_stores_nothing(database, slots):
    chat = to_read_back(Chat())
    chat.slots.update(slots)  # a tracker that lost (or never had) the consent

    chat.say("/bevestigen")

    handoffs, deliveries = _stored(database)
    assert handoffs == [] and deliveries == []
    assert {s: chat.slots.get(s) for s in PERSONAL_SLOTS} == dict.fromkeys(PERSONAL_SLOTS)
    assert chat.said == text_of(chat, "consent.no")
    assert not chat.slots.get("handoff_reference")


# --- withdrawal --------------------------------------------------------------------------


def test_withdraw_after_a_handoff_deletes_it(database):
    chat = to_read_back(Chat())
    reference = _sent(chat)
    assert HandoffOutbox(database).get(reference) is not None

    chat.say("verwijder mijn gegevens", intent="gegevens_intrekken", confidence=0.95)
    assert chat.said == text_of(chat, "confirm.withdraw")  # typed: asked first
    assert HandoffOutbox(database).get(reference) is not None
    chat.say("/bevestigen")

    assert HandoffOutbox(database).get(reference) is None
    assert _stored(database)[0] == []
    assert reference in chat.said
    assert chat.said == text_of(chat, "withdraw.done", reference=reference)
    forgotten = [
        *PERSONAL_SLOTS,
        "handoff_consent",
        "consent_record",
        "handoff_reference",
        "challenge",
    ]
    assert {s: chat.slots.get(s) for s in forgotten} == dict.fromkeys(forgotten)


def test_withdraw_finds_the_handoff_by_conversation(database):
    chat = to_read_back(Chat())
    reference = _sent(chat)
    chat.slots["handoff_reference"] = None  # e.g. a new session of the same conversation

    chat.say("/gegevens_intrekken")  # the button acts at once

    assert reference in chat.said
    assert _stored(database)[0] == []


def test_withdraw_without_a_handoff_finds_nothing(database):
    other = to_read_back(Chat(sender="someone-else"))
    _sent(other)  # someone else's handoff stays untouched
    chat = to_coach_offer(Chat(sender="test-chat"))

    chat.say("/gegevens_intrekken")

    assert chat.said == text_of(chat, "withdraw.nothing")
    assert len(_stored(database)[0]) == 1
    assert chat.slots.get("handoff_reference") is None


def test_a_question_about_the_coach_at_the_consent_is_no_consent():
    chat = to_coach_offer(Chat())
    chat.say("wat kost een coach eigenlijk?", intent="vraag_kosten", confidence=0.9)
    assert (
        chat.slots.get("handoff_consent") is not True and chat.slots.get("consent_record") is None
    )
    assert "gratis" in chat.said and chat.pending == "consent"


def test_wanting_a_coach_is_not_yet_the_explicit_yes():
    chat = to_coach_offer(Chat())
    chat.say("ik wil wel een coach spreken", intent="wil_mens", confidence=0.95)
    assert chat.slots.get("consent_record") is None and chat.pending == "consent"
    chat.say("ja")
    assert chat.slots["handoff_consent"] is True and chat.pending == "contact_name"


def test_after_a_no_a_question_about_the_coach_gets_an_answer_not_the_offer():
    chat = to_coach_offer(Chat())
    chat.say("nee hoeft niet, ik ga t eerst zelf proberen", intent="ontkennen", confidence=0.9)
    chat.say("wat kost een coach eigenlijk?", intent="vraag_kosten", confidence=0.9)
    assert "gratis" in chat.said and chat.phase == "advised" and chat.pending is None
