"""Coach offer, consent, contact details, read-back, the handoff itself and withdrawal."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import sqlalchemy as sa

from actions import context as ctx
from actions.handoff import (
    PERSONAL_SLOTS,
    ActionAskCompanyName,
    ActionAskContactEmail,
    ActionAskContactName,
    ActionConsentNo,
    ActionConsentYes,
    ActionCorrectContact,
    ActionOfferCoach,
    ActionReadBack,
    ActionSubmitHandoff,
    ActionWithdraw,
    ValidateHandoffForm,
)
from bot import usage
from bot.handoff.consent import CONSENT_TEXT_VERSION
from bot.handoff.outbox import HandoffOutbox, delivery_table, handoff_table
from bot.regions import coach_for
from tests.actions.conftest import load_fixture, say, user_says

TWENTE = ctx.REGIONS.get("twente")


def _stored(url: str) -> tuple[list[dict], list[dict]]:
    """Handoff rows and delivery rows in this test's database."""
    box = HandoffOutbox(url)
    with box.engine.connect() as conn:
        handoffs = [dict(r._mapping) for r in conn.execute(sa.select(handoff_table))]
        deliveries = [dict(r._mapping) for r in conn.execute(sa.select(delivery_table))]
    return handoffs, deliveries


def _with_consent(run, name: str = "handoff_confirmed") -> dict:
    """The scenario after the explicit yes: the consent record as action_consent_yes made it."""
    state = load_fixture(name)
    yes = run(ActionConsentYes(), state)
    state["slots"].update(yes.slots)
    return state


# --- action_offer_coach ------------------------------------------------------------------


def test_offer_coach_in_a_region_with_a_coach(run):
    out = run(ActionOfferCoach(), "coach_offer_twente")

    coach = coach_for(TWENTE, "Installatietechniek")
    assert coach.name in out.texts[0] and coach.organisation in out.texts[0]
    consent = out.messages[1]
    assert consent["text"].startswith("Mag ik je gegevens doorgeven aan een coach van Twente?")
    assert str(TWENTE.handoff.email) in consent["text"]  # where to withdraw
    assert [b["payload"] for b in consent["buttons"]] == ["/bevestigen", "/ontkennen"]
    assert out.events == []  # nothing is decided before the answer


def test_offer_coach_national_fallback_without_coach(run):
    out = run(ActionOfferCoach(), "coach_offer_national")

    assert coach_for(ctx.REGIONS.fallback) is None
    assert out.texts == [say("coach_offer_national", "coach_offer.no_coach"), say("coach_offer_national", "closing")]
    assert out.slots == {"handoff_consent": False}
    assert not any(m.get("buttons") for m in out.messages)


# --- action_consent_yes / action_consent_no ----------------------------------------------


def test_consent_yes_records_time_and_the_text_shown(run):
    offer = run(ActionOfferCoach(), "coach_offer_twente")
    out = run(ActionConsentYes(), "coach_offer_twente")

    assert out.slots["handoff_consent"] is True
    record = out.slots["consent_record"]
    assert record["text_version"] == CONSENT_TEXT_VERSION
    assert record["text"] == offer.messages[1]["text"]
    assert datetime.fromisoformat(record["given_at"].replace("Z", "+00:00")).tzinfo is not None
    assert out.texts == [say("coach_offer_twente", "consent.yes_ack")]


def test_consent_yes_without_a_coach_records_nothing(run):
    out = run(ActionConsentYes(), "coach_offer_national")

    assert out.slots == {"handoff_consent": False}
    assert "consent_record" not in out.slots


def test_consent_no_clears_every_personal_slot(run):
    state = load_fixture("handoff_confirmed")
    assert all(state["slots"].get(s) for s in ("contact_name", "company_name", "contact_email"))

    out = run(ActionConsentNo(), state)

    assert out.slots == {"handoff_consent": False, "consent_record": None, **{s: None for s in PERSONAL_SLOTS}}
    assert out.texts == [say(state, "consent.no"), say(state, "closing")]


# --- validate_handoff_form and its questions ---------------------------------------------


def test_contact_name_is_cleaned(run):
    out = run(ValidateHandoffForm(), "handoff_contact_name")

    assert out.slots == {"contact_name": "Jan de Vries"}
    assert out.messages == []


@pytest.mark.parametrize("text", ["1", "?!", "/bevestigen", "<b></b>"])
def test_contact_name_that_is_no_name_is_asked_again(run, text):
    state = user_says(load_fixture("handoff_contact_name"), text, fill="contact_name")

    out = run(ValidateHandoffForm(), state)

    assert out.slots == {"contact_name": None}
    assert out.texts == [say(state, "contact.invalid_name")]


def test_company_name(run):
    out = run(ValidateHandoffForm(), "handoff_company_name")

    assert out.slots == {"company_name": "Installatiebedrijf De Vries"}
    assert out.messages == []


def test_company_name_button_click_is_asked_again(run):
    state = user_says(load_fixture("handoff_company_name"), "/ontkennen", intent="ontkennen", fill="company_name")

    out = run(ValidateHandoffForm(), state)

    assert out.slots == {"company_name": None}
    assert out.texts == [say(state, "contact.invalid_company")]


def test_email_typo_suggests_the_right_domain(run):
    out = run(ValidateHandoffForm(), "handoff_email_typo")

    assert out.slots == {"contact_email": None}
    assert len(out.texts) == 1
    assert out.texts[0].startswith(say("handoff_email_typo", "contact.invalid_email"))
    assert "jan@gmail.com" in out.texts[0]


def test_email_address_is_accepted_in_lower_case(run):
    state = user_says(load_fixture("handoff_email_typo"), "Mail maar naar Jan@DeVries-Installatie.NL.",
                      fill="contact_email")

    out = run(ValidateHandoffForm(), state)

    assert out.slots == {"contact_email": "jan@devries-installatie.nl"}
    assert out.messages == []


@pytest.mark.parametrize("number", ["06-12345678", "+31 6 1234 5678", "0031 53 123 4567"])
def test_phone_number_instead_of_email(run, number):
    state = user_says(load_fixture("handoff_email_typo"), number, fill="contact_email")

    out = run(ValidateHandoffForm(), state)

    assert out.slots == {"contact_email": "", "contact_phone": number}
    assert out.messages == []


@pytest.mark.parametrize("text", ["bel me maar", "12345", "jan@", "jan@devries"])
def test_neither_email_nor_phone_is_asked_again_without_suggestion(run, text):
    state = user_says(load_fixture("handoff_email_typo"), text, fill="contact_email")

    out = run(ValidateHandoffForm(), state)

    assert out.slots == {"contact_email": None}
    assert out.texts == [say(state, "contact.invalid_email")]


@pytest.mark.parametrize(
    ("action", "slot"),
    [(ActionAskContactName(), "contact_name"), (ActionAskCompanyName(), "company_name"),
     (ActionAskContactEmail(), "contact_email")],
    ids=["contact_name", "company_name", "contact_email"],
)
def test_ask_contact_detail(run, action, slot):
    out = run(action, "handoff_contact_name")

    assert action.name() == f"action_ask_{slot}"
    assert out.texts == [say("handoff_contact_name", f"ask.{slot}")]
    assert out.texts[0]
    assert not out.buttons()
    assert out.events == []


# --- action_read_back / action_correct_contact -------------------------------------------


def test_read_back_shows_what_will_be_sent(run):
    out = run(ActionReadBack(), "handoff_confirmed")

    text = out.texts[0]
    coach = coach_for(TWENTE, "Installatietechniek")
    assert coach.name in text
    for line in ("Naam: Jan de Vries", "Bedrijf: Installatiebedrijf De Vries", "E-mail: jan@devries-installatie.nl",
                 "Aantal mensen: 12", "Branche: Installatietechniek", "Plaats: Enschede"):
        assert line in text.splitlines()
    assert "Telefoon:" not in text
    assert [b["payload"] for b in out.buttons()] == ["/bevestigen", "/ontkennen"]
    assert out.events == []


def test_read_back_leaves_out_unknown_facts_and_shows_a_phone_number(run):
    state = load_fixture("handoff_confirmed")
    state["slots"].update({"company_size": ctx.UNKNOWN, "contact_email": "", "contact_phone": "06-12345678"})

    text = run(ActionReadBack(), state).texts[0]

    assert "Aantal mensen" not in text
    assert "E-mail:" not in text
    assert "Telefoon: 06-12345678" in text.splitlines()


def test_correct_contact_forgets_the_details(run):
    out = run(ActionCorrectContact(), "handoff_confirmed")

    assert out.slots == {s: None for s in PERSONAL_SLOTS}
    assert out.texts == [say("handoff_confirmed", "correct.ack")]


# --- action_submit_handoff ---------------------------------------------------------------


def test_submit_with_consent_stores_exactly_one_handoff(run, database):
    state = _with_consent(run)

    out = run(ActionSubmitHandoff(), state)

    handoffs, deliveries = _stored(database)
    assert len(handoffs) == 1
    reference = handoffs[0]["reference"]
    assert out.slots == {"handoff_reference": reference}
    assert reference in out.texts[0]
    assert handoffs[0]["conversation_id"] == state["sender_id"]
    assert handoffs[0]["region_id"] == "twente"

    profile = json.loads(handoffs[0]["profile"])
    assert profile["contact"]["name"] == "Jan de Vries"
    assert profile["contact"]["email"] == "jan@devries-installatie.nl"
    assert profile["company"] == {**profile["company"], "size": 12, "place": "Enschede"}
    assert profile["consent"] == state["slots"]["consent_record"]
    assert profile["source"] == {"bron": "linkedin", "campagne": "voorjaar-2025"}
    said = [t["text"] for t in profile["transcript"] if t["speaker"] == "ondernemer"]
    assert said[0] == "Inwerken"  # the button's title, not its payload
    assert "Jan de Vries" in said

    expected_targets = {("webhook", TWENTE.handoff.webhook.url), ("email", TWENTE.handoff.email)}
    assert {(d["kind"], d["address"]) for d in deliveries} == expected_targets
    assert [(t.region, t.overdracht_bevestigd) for t in usage.totals()] == [("twente", 1)]


def test_submit_twice_keeps_one_handoff_and_one_reference(run, database):
    state = _with_consent(run)

    first = run(ActionSubmitHandoff(), state)
    second = run(ActionSubmitHandoff(), state)

    assert len(_stored(database)[0]) == 1
    assert first.slots["handoff_reference"] == second.slots["handoff_reference"]


@pytest.mark.parametrize(
    "slots",
    [{}, {"handoff_consent": True, "consent_record": None}, {"handoff_consent": False}],
    ids=["never-asked", "yes-without-record", "said-no"],
)
def test_submit_without_consent_stores_nothing(run, database, slots):
    state = load_fixture("handoff_without_consent")
    state["slots"].update(slots)

    out = run(ActionSubmitHandoff(), state)

    handoffs, deliveries = _stored(database)
    assert handoffs == [] and deliveries == []
    assert out.slots == {s: None for s in PERSONAL_SLOTS}
    assert out.texts == [say(state, "consent.no")]


# --- action_withdraw ---------------------------------------------------------------------


def test_withdraw_after_a_handoff_deletes_it(run, database):
    state = _with_consent(run)
    state["slots"].update(run(ActionSubmitHandoff(), state).slots)
    reference = state["slots"]["handoff_reference"]
    assert HandoffOutbox(database).get(reference) is not None

    out = run(ActionWithdraw(), state)

    assert HandoffOutbox(database).get(reference) is None
    assert _stored(database)[0] == []
    assert reference in out.texts[0]
    assert out.texts == [say(state, "withdraw.done", reference=reference)]
    forgotten = {*PERSONAL_SLOTS, "handoff_consent", "consent_record", "handoff_reference", "challenge"}
    assert out.slots == dict.fromkeys(forgotten)


def test_withdraw_finds_the_handoff_by_conversation(run, database):
    state = _with_consent(run)
    reference = run(ActionSubmitHandoff(), state).slots["handoff_reference"]
    state["slots"]["handoff_reference"] = None  # e.g. a new session of the same conversation

    out = run(ActionWithdraw(), state)

    assert reference in out.texts[0]
    assert _stored(database)[0] == []


def test_withdraw_without_a_handoff_finds_nothing(run, database):
    other = _with_consent(run)
    run(ActionSubmitHandoff(), other)  # someone else's handoff stays untouched
    state = load_fixture("coach_offer_twente")

    out = run(ActionWithdraw(), state)

    assert out.texts == [say(state, "withdraw.nothing")]
    assert len(_stored(database)[0]) == 1
    assert out.slots["handoff_reference"] is None
