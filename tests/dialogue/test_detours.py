"""Side questions, stop, restart and messages that fit nowhere.

Ported from tests/actions/test_detours.py. By design a side question is answered
and then the open question is asked again, and a *typed* stop or restart first gets
a yes/no confirmation (their buttons act at once).
"""

from __future__ import annotations

import pytest

from bot import PROJECT_DIR
from bot.app import content
from bot.app.state import PERSONAL_SLOTS
from bot.yamlio import load_yaml
from tests.dialogue.chat import Chat, text_of, theme, to_facts, to_questions, to_read_back

FW = content.framework()
SIDE_QUESTIONS = [
    "vraag_uitleg",
    "vraag_privacy",
    "vraag_wie",
    "vraag_kosten",
    "hulp",
    "groeten",
    "bedanken",
    "buiten_scope",
    "belediging",
    "andere_taal",
]
FACTS = ["themes", "challenge", "company_size", "sector", "location", "region", "region_options"]


def _at_company_size() -> Chat:
    """During the company facts (came in through a LinkedIn link): the size is asked."""
    return to_facts(Chat(link={"source": "linkedin", "campaign": "voorjaar-2025"}))


@pytest.fixture(scope="module")
def domain() -> dict:
    return load_yaml(PROJECT_DIR / "domain.yml")


@pytest.mark.parametrize("intent", SIDE_QUESTIONS)
def test_detour_answers_each_side_question(domain, intent):
    assert intent in domain["intents"]
    chat = _at_company_size()

    replies = chat.say("mag ik iets vragen", intent=intent, confidence=0.9)

    assert replies[0].text == text_of(chat, f"faq.{intent}")
    assert replies[0].text
    # then the open question once more; nothing was taken as an answer
    assert [r.text for r in replies[1:]] == [text_of(chat, "ask.company_size")]
    assert chat.pending == "company_size"
    assert chat.slots.get("company_size") is None


def test_goodbye_during_the_intake_asks_before_stopping(domain):
    assert "afscheid" in domain["intents"]
    chat = _at_company_size()

    chat.say("doei", intent="afscheid", confidence=0.9)

    assert chat.said == text_of(chat, "confirm.stop")
    assert [b["payload"] for b in chat.buttons] == ["/bevestigen", "/ontkennen"]
    assert chat.phase == "intake" and chat.slots["themes"] == ["inwerken"]  # nothing forgotten yet


def test_each_side_question_has_its_own_answer():
    answers = {}
    for intent in SIDE_QUESTIONS:
        chat = _at_company_size()
        answers[intent] = chat.say("?", intent=intent, confidence=0.9)[0].text

    assert len(set(answers.values())) == len(SIDE_QUESTIONS)


def test_privacy_answer_fills_in_the_retention_period(monkeypatch):
    monkeypatch.setenv("LEERPUNT_RETENTION_DAYS", "45")
    chat = _at_company_size()

    text = chat.say("wat doen jullie met mijn gegevens?", intent="vraag_privacy", confidence=0.9)[
        0
    ].text

    assert "45 dagen" in text
    assert "{" not in text


def test_uitleg_during_a_question_explains_that_questions_dimension():
    chat = to_questions(Chat(link={"source": "linkedin", "campaign": "voorjaar-2025"}))
    assert chat.pending == "q_nieuwe_mensen"

    replies = chat.say("waarom vraag je dat?", intent="vraag_uitleg", confidence=0.9)

    question = FW.questions["q_nieuwe_mensen"]
    main = max(question.dimensions, key=question.dimensions.get)
    dimension = FW.dimensions[main]
    assert len(replies) == 2  # the explanation, then the question again
    assert dimension.label.lower() in replies[0].text
    assert dimension.explanation in replies[0].text
    assert replies[0].text != text_of(chat, "faq.vraag_uitleg")
    assert replies[1].text == question.text
    assert chat.pending == "q_nieuwe_mensen"


def test_uitleg_during_a_company_fact_gives_the_general_explanation():
    chat = _at_company_size()

    replies = chat.say("waarom wil je dat weten?", intent="vraag_uitleg", confidence=0.9)

    assert replies[0].text == text_of(chat, "faq.vraag_uitleg")


def test_detour_on_an_empty_message():
    chat = _at_company_size()

    replies = chat.say("   ", intent="hulp")

    assert replies[0].text == text_of(chat, "faq.empty")
    assert chat.pending == "company_size"


def test_asking_for_a_person_during_the_intake_leads_to_the_coach():
    chat = to_questions(Chat())

    chat.say("een mens graag", intent="wil_mens", confidence=0.9)

    assert chat.turns[-1][0].text == text_of(chat, "intake.to_coach")
    assert text_of(chat, "summary.intro") in chat.said  # what is known so far goes along
    assert chat.phase == "consent" and chat.pending == "consent"
    assert [b["payload"] for b in chat.buttons] == ["/bevestigen", "/ontkennen", "/vraag_privacy"]


# --- stop --------------------------------------------------------------------------------


def test_stop_forgets_personal_data_and_ends_the_conversation():
    chat = to_read_back(Chat())
    assert all(
        chat.slots.get(s)
        for s in ("contact_name", "company_name", "contact_email", "handoff_consent")
    )

    chat.say("stop", intent="stoppen", confidence=0.95)
    assert chat.said == text_of(chat, "confirm.stop")  # typed: asked first
    assert chat.slots["contact_name"] == "Jan de Vries"

    chat.say("/bevestigen")

    personal = [*PERSONAL_SLOTS, "handoff_consent", "consent_record"]
    assert {s: chat.slots.get(s) for s in [*personal, "requested_slot"]} == dict.fromkeys(
        [*personal, "requested_slot"]
    )
    assert chat.said == text_of(chat, "stop")
    assert chat.phase == "stopped"
    assert not chat.slots.get("handoff_reference")


# --- restart -----------------------------------------------------------------------------


def test_restart_keeps_the_link_and_greets_again():
    chat = Chat(link={"region": "twente", "source": "flyer", "campaign": "beurs-2025"})
    chat.say("goedemorgen", intent="groeten", confidence=0.97)
    chat.say(theme("inwerken"))
    chat.say("12", intent="vertellen")

    replies = chat.say("/opnieuw")  # the button acts at once

    assert {k: v for k, v in chat.slots.items() if v is not None and k != "dialogue"} == {
        "source": "flyer",
        "campaign": "beurs-2025",
        "region": "twente",
    }
    assert [r.text for r in replies] == [
        text_of(chat, "restart"),
        text_of(chat, "greeting"),
        text_of(chat, "greeting.hint"),
    ]
    assert [b["payload"] for b in chat.buttons][-1] == theme("anders")
    assert chat.phase == "start"


def test_restart_without_a_link_forgets_everything():
    chat = to_questions(Chat())
    chat.say('/vertellen{"optie":"meelopen"}')
    assert chat.slots["region"] == "twente" and chat.slots["location"] == "Enschede"

    chat.say("opnieuw", intent="opnieuw", confidence=0.95)
    assert chat.said == text_of(chat, "confirm.restart")  # typed: asked first
    chat.say("ja", intent="bevestigen", confidence=0.9)

    assert {k: v for k, v in chat.slots.items() if v is not None and k != "dialogue"} == {}
    assert chat.said.startswith(text_of(chat, "restart"))


def test_restart_forgets_a_region_named_in_the_chat_even_after_a_link():
    chat = Chat(link={"source": "flyer", "campaign": "beurs-2025"})
    to_facts(chat)
    chat.say("12", intent="vertellen")
    chat.say("bouw", intent="vertellen")
    chat.say("Maastricht", intent="vertellen")  # said in the chat, not in the link
    assert chat.slots["region"] == "limburg"

    chat.say("/opnieuw")

    assert chat.slots.get("region") is None
    assert {k: v for k, v in chat.slots.items() if v is not None and k != "dialogue"} == {
        "source": "flyer",
        "campaign": "beurs-2025",
    }


# --- messages that fit nowhere -------------------------------------------------------------


def test_unreadable_first_answer_offers_the_topics_again():
    chat = Chat()
    chat.say("hallo", intent="groeten")

    replies = chat.say("qwpoei zxmn", intent="nlu_fallback", confidence=0.3)

    assert [r.text for r in replies] == [text_of(chat, "opening.again")]
    buttons = chat.buttons
    assert [b["payload"] for b in buttons[:-1]] == [theme(t) for t in FW.themes]
    assert buttons[-1]["payload"] == theme("anders")
    assert chat.phase == "start" and not chat.slots.get("themes")


def test_fallback_with_a_recognisable_worry_starts_the_intake():
    chat = Chat()
    chat.say("hallo", intent="groeten")

    chat.say("ik kan geen lassers vinden", intent="nlu_fallback", confidence=0.3)

    assert chat.slots["themes"] == ["personeelstekort"]
    assert chat.slots["challenge"] == "ik kan geen lassers vinden"
    assert chat.phase == "intake" and chat.pending == "company_size"
    assert text_of(chat, "fallback") not in chat.said
    assert text_of(chat, "opening.again") not in chat.said


def test_money_in_a_story_is_not_a_question_about_costs():
    chat = to_questions(Chat())
    costs = text_of(chat, "faq.vraag_kosten")
    told = chat.say("een cursus mag eigenlijk niks kosten", intent="vraag_kosten", confidence=0.95)
    assert all(r.text != costs for r in told), [r.text for r in told]
    asked = chat.say("wat kost die coach dan?", intent="vraag_kosten", confidence=0.95)
    assert any(r.text == costs for r in asked), [r.text for r in asked]
