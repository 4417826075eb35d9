"""Side questions, stop, restart and the fallback."""

from __future__ import annotations

import pytest

from actions import context as ctx
from actions.detours import ActionDetour, ActionFallback, ActionRestartConversation, ActionStop
from tests.actions.conftest import load_fixture, say, user_says

DETOUR_INTENTS = [
    "vraag_uitleg", "vraag_privacy", "vraag_wie", "vraag_kosten", "hulp", "groeten", "bedanken",
    "afscheid", "buiten_scope", "belediging", "andere_taal",
]


@pytest.mark.parametrize("intent", DETOUR_INTENTS)
def test_detour_answers_each_side_question(run, domain, intent):
    assert intent in domain["intents"]
    state = user_says(load_fixture("detour_in_company_facts"), "mag ik iets vragen", intent=intent)

    out = run(ActionDetour(), state)

    assert out.texts == [say(state, f"faq.{intent}")]
    assert out.texts[0]
    assert out.events == []  # the form asks its question again by itself


def test_each_side_question_has_its_own_answer(run):
    answers = {
        intent: run(ActionDetour(), user_says(load_fixture("detour_in_company_facts"), "?", intent=intent)).texts[0]
        for intent in DETOUR_INTENTS
    }

    assert len(set(answers.values())) == len(DETOUR_INTENTS)


def test_privacy_answer_fills_in_the_retention_period(run, monkeypatch):
    monkeypatch.setenv("LEERPUNT_RETENTION_DAYS", "45")
    state = user_says(load_fixture("detour_in_company_facts"), "wat doen jullie met mijn gegevens?",
                      intent="vraag_privacy")

    text = run(ActionDetour(), state).texts[0]

    assert "45 dagen" in text
    assert "{" not in text


def test_uitleg_during_a_question_explains_that_questions_dimension(run):
    out = run(ActionDetour(), "detour_in_question")

    question = ctx.FRAMEWORK.questions["q_nieuwe_mensen"]
    main = max(question.dimensions, key=question.dimensions.get)
    dimension = ctx.FRAMEWORK.dimensions[main]
    assert len(out.texts) == 1
    assert dimension.label.lower() in out.texts[0]
    assert dimension.explanation in out.texts[0]
    assert out.texts[0] != say("detour_in_question", "faq.vraag_uitleg")


def test_uitleg_during_a_company_fact_gives_the_general_explanation(run):
    out = run(ActionDetour(), "detour_in_company_facts")

    assert out.texts == [say("detour_in_company_facts", "faq.vraag_uitleg")]


def test_detour_on_an_empty_message(run):
    state = user_says(load_fixture("detour_in_company_facts"), "   ", intent="hulp")

    assert run(ActionDetour(), state).texts == [say(state, "faq.empty")]


def test_unknown_detour_intent_gets_the_help_text(run):
    state = user_says(load_fixture("detour_in_company_facts"), "een mens graag", intent="wil_mens")

    assert run(ActionDetour(), state).texts == [say(state, "faq.hulp")]


def test_stop_forgets_personal_data_and_ends_the_form(run):
    state = load_fixture("handoff_confirmed")

    out = run(ActionStop(), state)

    personal = ["contact_name", "company_name", "contact_email", "contact_phone", "handoff_consent", "consent_record"]
    assert out.slots == {**dict.fromkeys(personal), "requested_slot": None}
    assert out.texts == [say(state, "stop")]


def test_restart_keeps_the_link_and_greets_again(run):
    out = run(ActionRestartConversation(), "greet_from_region_link")

    assert out.events[0]["event"] == "reset_slots"
    assert out.slots == {"source": "flyer", "campaign": "beurs-2025", "region": "twente"}
    assert out.texts == [
        say("greet_from_region_link", "restart"),
        say("greet_from_region_link", "greeting"),
        say("greet_from_region_link", "greeting.hint"),
    ]
    assert [b["payload"] for b in out.buttons()][-1] == '/vertellen{"thema":"anders"}'


def test_restart_without_a_link_forgets_everything(run):
    state = load_fixture("capture_free_text")
    state["slots"].update({"region": "twente", "location": "Enschede", "themes": ["personeelstekort"]})

    out = run(ActionRestartConversation(), state)

    assert [e["event"] for e in out.events] == ["reset_slots"]


def test_fallback_offers_topics_and_a_fresh_start(run):
    out = run(ActionFallback(), user_says(load_fixture("capture_free_text"), "qwpoei zxmn", intent="nlu_fallback"))

    assert out.texts == [say("capture_free_text", "fallback")]
    buttons = out.buttons()
    assert len(buttons) == 6
    assert all(b["payload"].startswith('/vertellen{"thema":"') for b in buttons[:5])
    assert buttons[-1] == {"title": say("capture_free_text", "button.restart"), "payload": "/opnieuw"}
    assert out.events == []


def test_restart_forgets_a_region_named_in_the_chat_even_after_a_link(run):
    state = load_fixture("greet_from_region_link")
    state["slots"]["session_started_metadata"] = {"bron": "flyer"}
    state["slots"]["region"] = "limburg"  # said in the chat, not in the link

    out = run(ActionRestartConversation(), state)

    assert "region" not in out.slots
    assert out.slots == {"source": "flyer", "campaign": "beurs-2025"}


def test_fallback_with_a_recognisable_worry_starts_the_intake(run):
    state = user_says(load_fixture("capture_free_text"), "ik kan geen lassers vinden", intent="nlu_fallback")

    out = run(ActionFallback(), state)

    assert out.slots["themes"] == ["personeelstekort"]
    assert out.slots["challenge"] == "ik kan geen lassers vinden"
    assert out.events[-1] == {"event": "followup", "name": "intake_form", "timestamp": None}
    assert say(state, "fallback") not in out.texts
