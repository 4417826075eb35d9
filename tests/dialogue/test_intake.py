"""Session start, greeting, the first worry and the intake (company facts, region, framework questions).

Ported from the old action tests (tests/actions/test_intake.py and test_ask.py): the
same situations, reached by talking to ``bot.app.dialogue`` instead of tracker fixtures.
"""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.turn import ActionSessionStart
from bot import usage
from bot.app import content
from bot.app.state import MAX_MESSAGE_CHARS, UNKNOWN
from tests.dialogue.chat import (
    SKIP,
    Chat,
    answer_questions,
    conversation_of,
    option,
    text_of,
    theme,
    to_facts,
    to_questions,
)

FW = content.framework()
REGIONS = content.regions()
SKIP_BUTTON_TITLE = FW.texts["button.skip"]


def _to_place(chat: Chat | None = None) -> Chat:
    """Size and sector given: the place is asked next."""
    chat = to_facts(chat or Chat())
    chat.say("12", intent="vertellen")
    chat.say("wij zijn een installatiebedrijf", intent="vertellen")
    assert chat.pending == "location"
    return chat


def _to_region(chat: Chat | None = None) -> Chat:
    """A place that exists in two regions: the region is asked next."""
    chat = _to_place(chat)
    chat.say("Bergen", intent="vertellen", confidence=0.88)
    assert chat.pending == "region"
    return chat


def _to_themes(chat: Chat | None = None) -> Chat:
    """'Something else' chosen at the greeting: the themes are asked next."""
    chat = chat or Chat()
    chat.say("hallo", intent="groeten")
    chat.say(theme("anders"))
    assert chat.pending == "themes"
    return chat


# --- session start (the Rasa adapter keeps only a checked chat link) ------------------------


def _session_start(metadata) -> tuple[list[dict], list[dict]]:
    tracker = Tracker.from_dict(
        {
            "sender_id": "conv-session-link",
            "slots": {"session_started_metadata": metadata},
            "latest_message": {},
            "events": [{"event": "action", "name": "action_session_start"}],
            "active_loop": {},
        }
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionSessionStart().run(dispatcher, tracker, {}))
    return list(events), dispatcher.messages


def _slots(events: list[dict]) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_session_start_keeps_a_valid_link():
    events, messages = _session_start(
        {"regio": "Twente", "bron": "linkedin", "campagne": "voorjaar-2025"}
    )

    assert events[0]["event"] == "session_started"
    assert events[-1] == {**events[-1], "event": "action", "name": "action_listen"}
    assert _slots(events) == {"region": "twente", "source": "linkedin", "campaign": "voorjaar-2025"}
    assert messages == []
    counted = usage.totals()
    assert [(t.region, t.source, t.gesprek_gestart) for t in counted] == [("twente", "linkedin", 1)]


def test_session_start_drops_malicious_link_values():
    events, _ = _session_start(
        {
            "regio": "<script>alert(1)</script>",
            "bron": "<img src=x onerror=alert(1)>",
            "campagne": "<script>document.cookie</script>",
        }
    )

    assert [e["event"] for e in events] == ["session_started", "action"]
    assert _slots(events) == {}
    assert "<" not in repr(events)
    # the start is still counted, under no region and the default source
    assert [(t.region, t.source) for t in usage.totals()] == [("", "website")]


@pytest.mark.parametrize(
    ("metadata", "kept"),
    [
        ({"regio": "utrecht", "bron": "linkedin"}, {"source": "linkedin"}),
        ({"regio": "twente", "bron": "spam-mail"}, {"region": "twente"}),
        ({"bron": "ikbindr"}, {"source": "ikbindr"}),  # a campaign source of a region file
        ({"campagne": "Voorjaar 2025!"}, {}),
        ({"campagne": "x" * 41}, {}),
        ({"regio": ["twente"], "bron": {"a": 1}}, {}),
        ("regio=twente", {}),
    ],
)
def test_session_start_keeps_only_known_well_formed_values(metadata, kept):
    events, _ = _session_start(metadata)

    assert _slots(events) == kept


def test_session_start_without_metadata_sets_nothing():
    events, _ = _session_start(None)

    assert _slots(events) == {}
    assert [e["event"] for e in events] == ["session_started", "action"]


# --- the greeting ----------------------------------------------------------------------------


def test_greet_national_offers_every_theme_and_something_else():
    chat = Chat()
    replies = chat.say("hallo", intent="groeten", confidence=0.98)

    assert [r.text for r in replies] == [text_of(chat, "greeting"), text_of(chat, "greeting.hint")]
    buttons = replies[1].buttons
    assert [b["title"] for b in buttons[:-1]] == [t.button for t in FW.themes.values()]
    assert [b["payload"] for b in buttons[:-1]] == [theme(t) for t in FW.themes]
    assert buttons[-1] == {"title": text_of(chat, "button.other"), "payload": theme("anders")}
    # nothing is decided before the first answer
    assert chat.phase == "start"
    assert not any(
        chat.slots.get(s)
        for s in ("themes", "challenge", "company_size", "sector", "location", "region")
    )


def test_greet_uses_the_link_regions_wording():
    linked = Chat(link={"region": "twente", "source": "flyer", "campaign": "beurs-2025"})
    national = Chat()
    out = linked.say("goedemorgen", intent="groeten", confidence=0.97)
    plain = national.say("goedemorgen", intent="groeten", confidence=0.97)

    assert "Twente" in out[0].text
    assert out[0].text != plain[0].text
    assert out[1].buttons == plain[1].buttons


# --- the first worry -------------------------------------------------------------------------


def test_capture_free_text_fills_theme_and_company_facts():
    said = "We kunnen geen personeel vinden. We zijn een bouwbedrijf met 12 man in Enschede."
    chat = Chat()
    replies = chat.say(said, intent="vertellen", confidence=0.91)

    assert {
        s: chat.slots.get(s)
        for s in ("themes", "challenge", "company_size", "sector", "location", "region")
    } == {
        "themes": ["personeelstekort"],
        "challenge": said,
        "company_size": 12,
        "sector": "Bouw",
        "location": "Enschede",
        "region": "twente",
    }
    assert (
        FW.themes["personeelstekort"].label.lower() in replies[0].text
    )  # acknowledgement with the themes
    assert replies[1].text == text_of(chat, "capture.plan")  # then the plan
    # facts said in passing are not asked again: the next question is a framework question
    assert chat.pending.startswith("q_")


def test_capture_does_not_overwrite_known_facts():
    chat = to_facts(Chat())
    chat.say("we zijn met 40 mensen in Zwolle", intent="vertellen")
    assert (chat.slots["company_size"], chat.slots["location"], chat.slots["region"]) == (
        40,
        "Zwolle",
        "regio_zwolle",
    )

    chat.say("een bouwbedrijf met 12 man in Enschede", intent="vertellen")

    assert chat.slots["company_size"] == 40
    assert chat.slots["location"] == "Zwolle" and chat.slots["region"] == "regio_zwolle"
    assert chat.slots["sector"] == "Bouw"


def test_capture_theme_button_sets_the_theme_and_its_label():
    chat = Chat()
    chat.say("hallo", intent="groeten")
    replies = chat.say(theme("inwerken"))

    assert chat.slots["themes"] == ["inwerken"]
    assert chat.slots["challenge"] == FW.themes["inwerken"].label
    assert FW.themes["inwerken"].label.lower() in replies[0].text


def test_capture_several_themes_in_framework_order():
    said = "We willen groeien en nieuwe mensen sneller inwerken"
    chat = Chat()
    chat.say(said, intent="vertellen")

    order = list(FW.themes)
    assert chat.slots["themes"] == sorted(["groei", "inwerken"], key=order.index)
    assert chat.slots["challenge"] == said


def test_capture_theme_button_keeps_the_worry_in_own_words():
    chat = Chat()
    chat.say("ik heb een vraag over mijn team", intent="vertellen")
    assert chat.pending == "themes"

    chat.say(theme("groei"))

    assert chat.slots["themes"] == ["groei"]
    assert chat.slots["challenge"] == "ik heb een vraag over mijn team"


def test_capture_other_button_asks_for_the_theme():
    chat = Chat()
    chat.say("hallo", intent="groeten")
    replies = chat.say(theme("anders"))

    assert chat.slots.get("themes") is None and chat.slots.get("challenge") is None
    assert chat.pending == "themes"
    assert [r.text for r in replies] == [text_of(chat, "ask.themes")]


def test_ask_themes_offers_every_theme_but_no_other():
    chat = _to_themes()

    assert chat.said == text_of(chat, "ask.themes")
    assert [b["payload"] for b in chat.buttons] == [theme(t) for t in FW.themes]


def test_capture_very_long_message_is_trimmed_and_acknowledged():
    said = (
        "We kunnen geen personeel vinden. We zijn een bouwbedrijf met 12 man in Enschede. "
        + "En verder nog veel meer. " * 120
    )
    chat = Chat()
    replies = chat.say(said, intent="vertellen")

    assert len(chat.slots["challenge"]) == MAX_MESSAGE_CHARS
    assert replies[0].text == text_of(chat, "faq.too_long")


def test_capture_ambiguous_place_leaves_the_choice_to_the_region_question():
    chat = Chat()
    chat.say("installatiebedrijf in Hengelo, ik kan geen monteurs vinden", intent="vertellen")

    assert chat.slots["location"] == "Hengelo"
    assert chat.slots.get("region") is None
    assert set(chat.slots["region_options"]) == {"twente", "achterhoek"}

    chat.say("12", intent="vertellen")  # size; sector and place came with the worry

    assert chat.pending == "region"
    assert "Hengelo" in chat.said


# --- the themes question -----------------------------------------------------------------


def test_themes_from_free_text():
    chat = _to_themes()
    chat.say("we krijgen onze vacatures niet gevuld", intent="vertellen")

    assert chat.slots["themes"] == ["personeelstekort"]
    assert chat.slots["challenge"] == "we krijgen onze vacatures niet gevuld"
    assert chat.pending == "company_size"
    assert text_of(chat, "answer.not_understood") not in chat.said


def test_themes_recruitment_worry_does_not_invent_a_company_size():
    """'we vinden geen personeel' is a worry about hiring, not a one-person firm."""
    chat = _to_themes()
    chat.say("eigenlijk vinden we gewoon geen personeel meer", intent="vertellen")

    assert chat.slots["themes"] == ["personeelstekort"]
    assert chat.slots.get("company_size") is None
    assert chat.pending == "company_size"


# --- company facts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pending", "key"),
    [("company_size", "ask.company_size"), ("sector", "ask.sector"), ("location", "ask.location")],
)
def test_ask_company_fact_with_a_skip_button(pending, key):
    chat = to_facts(Chat())
    for answer in ("12", "wij zijn een installatiebedrijf")[
        : ["company_size", "sector", "location"].index(pending)
    ]:
        chat.say(answer, intent="vertellen")

    assert chat.pending == pending
    question = chat.turns[-1][-1]
    assert question.text == text_of(chat, key)
    assert question.text
    assert question.buttons == [{"title": SKIP_BUTTON_TITLE, "payload": SKIP}]


def test_company_size_estimate():
    chat = to_facts(Chat())
    chat.say("een stuk of 12", intent="vertellen")

    assert chat.slots["company_size"] == 12
    assert chat.pending == "sector"
    assert chat.said == text_of(chat, "ask.sector")  # no retry, no remark


def test_company_size_gibberish_asks_again_once():
    chat = to_facts(Chat())
    replies = chat.say("asdfgh qwerty", intent="vertellen")

    assert chat.slots.get("company_size") is None
    assert chat.pending == "company_size"
    assert [r.text for r in replies] == [
        text_of(chat, "ask.company_size_retry"),
        text_of(chat, "ask.company_size"),
    ]


def test_company_size_gibberish_twice_moves_on_as_unknown():
    chat = to_facts(Chat())
    chat.say("asdfgh qwerty", intent="vertellen")
    chat.say("zxcv bnm", intent="vertellen")

    assert chat.slots["company_size"] == UNKNOWN
    assert chat.pending == "sector"
    assert text_of(chat, "ask.company_size_retry") not in chat.said
    assert chat.turns[-1][-1].text == text_of(chat, "ask.sector")


def test_company_size_skip_intent():
    chat = to_facts(Chat())
    chat.say("weet ik niet", intent="weet_niet")

    assert chat.slots["company_size"] == UNKNOWN
    assert chat.pending == "sector"
    assert chat.turns[-1][-1].text == text_of(chat, "ask.sector")


@pytest.mark.parametrize("text", ["sla over", "Geen idee.", "skip"])
def test_company_size_skip_words(text):
    chat = to_facts(Chat())
    chat.say(text, intent="vertellen")

    assert chat.slots["company_size"] == UNKNOWN


def test_sector_free_text():
    chat = to_facts(Chat())
    chat.say("12", intent="vertellen")
    chat.say("wij zijn een installatiebedrijf", intent="vertellen")

    assert chat.slots["sector"] == "Installatietechniek"
    assert chat.pending == "location"


def test_sector_skip():
    chat = to_facts(Chat())
    chat.say("12", intent="vertellen")
    chat.say("weet ik niet", intent="weet_niet")

    assert chat.slots["sector"] == UNKNOWN


# --- place and region --------------------------------------------------------------------


def test_location_den_bosch():
    chat = _to_place()
    chat.say("Den Bosch", intent="vertellen")

    assert chat.slots["location"] == "'s-Hertogenbosch"
    assert chat.slots["region"] == "noordoost_brabant"
    assert chat.pending in content.all_question_ids()
    assert chat.turns[-1][0].text == content.question_text(
        conversation_of(chat), FW.questions[chat.pending]
    )


def test_location_postcode():
    chat = _to_place()
    chat.say("7511", intent="vertellen")

    assert chat.slots["location"] == "7511"
    assert chat.slots["region"] == "twente"
    assert chat.pending.startswith("q_")


def test_location_unknown_asks_once_then_national():
    chat = _to_place()
    first = chat.say("Xyzzyville", intent="vertellen")

    assert chat.slots.get("location") is None
    assert chat.pending == "location"
    assert '"Xyzzyville"' in first[0].text
    assert sum('"Xyzzyville"' in r.text for r in first) == 1

    chat.say("Xyzzyville", intent="vertellen")

    assert chat.slots["location"] == "Xyzzyville"
    assert chat.slots["region"] == REGIONS.fallback.id
    assert chat.pending.startswith("q_")


def test_location_unknown_strips_markup_from_the_echo():
    chat = _to_place()
    replies = chat.say("<b>Xyzzyville</b><script>", intent="vertellen")

    assert "<" not in replies[0].text
    assert "Xyzzyville" in replies[0].text


def test_location_sentence_is_not_taken_for_a_place():
    sentence = "als er iets fout gaat bespreken we dat eigenlijk nooit"
    chat = _to_place()
    first = chat.say(sentence, intent="vertellen")

    assert first[0].text == text_of(chat, "ask.location_again")

    chat.say(sentence, intent="vertellen")

    assert chat.slots["location"] == UNKNOWN
    assert chat.slots["region"] == REGIONS.fallback.id


def test_location_ambiguous_offers_region_options():
    chat = _to_place()
    chat.say("Bergen", intent="vertellen", confidence=0.88)

    assert chat.slots["location"] == "Bergen"
    assert chat.slots.get("region") is None
    assert chat.slots["region_options"] == ["limburg", "noord_holland_noord"]
    assert chat.pending == "region"


def test_ask_region_offers_the_candidate_regions():
    chat = _to_region()

    assert "Bergen" in chat.said
    assert chat.buttons[:-1] == [
        {"title": REGIONS.get(r).name, "payload": f'/vertellen{{"regio":"{r}"}}'}
        for r in ("limburg", "noord_holland_noord")
    ]
    assert chat.buttons[-1]["payload"] == SKIP


def test_ask_region_ignores_unknown_region_ids():
    chat = _to_region()
    chat.slots["region_options"] = ["limburg", "<script>", "atlantis"]  # a tampered slot

    chat.say("qwerty uiop", intent="vertellen")  # not a region: asked again

    assert chat.pending == "region"
    assert [b["payload"] for b in chat.buttons] == ['/vertellen{"regio":"limburg"}', SKIP]


def test_location_skip_keeps_link_region_else_national():
    chat = _to_place()
    chat.say("sla over", intent="weet_niet")
    assert chat.slots["location"] == UNKNOWN
    assert chat.slots["region"] == REGIONS.fallback.id

    linked = _to_place(Chat(link={"region": "zeeland"}))
    linked.say("sla over", intent="weet_niet")
    assert (linked.slots["location"], linked.slots["region"]) == (UNKNOWN, "zeeland")


def test_location_skip_button_keeps_link_region_else_national():
    chat = _to_place()
    chat.say(SKIP)
    assert (chat.slots["location"], chat.slots["region"]) == (UNKNOWN, REGIONS.fallback.id)

    linked = _to_place(Chat(link={"region": "zeeland"}))
    linked.say(SKIP)
    assert (linked.slots["location"], linked.slots["region"]) == (UNKNOWN, "zeeland")


def test_region_by_button():
    chat = _to_region()
    chat.say('/vertellen{"regio":"noord_holland_noord"}')

    assert chat.slots["region"] == "noord_holland_noord"
    assert chat.pending.startswith("q_")


def test_region_by_free_text():
    chat = _to_region()
    chat.say("die in Limburg", intent="vertellen")

    assert chat.slots["region"] == "limburg"


def test_region_skip_takes_the_first_option():
    chat = _to_region()
    chat.say(SKIP)

    assert chat.slots["region"] == "limburg"


# --- the framework questions -------------------------------------------------------------


def test_ask_question_with_its_option_buttons():
    chat = to_questions(Chat())

    question = FW.questions["q_nieuwe_mensen"]
    assert chat.pending == question.id
    assert chat.turns[-1][-1].text == question.text
    assert chat.buttons[:-1] == [
        {"title": o.label, "payload": option(o.id)} for o in question.options
    ]
    assert chat.buttons[-1]["payload"] == SKIP
    assert len(chat.buttons) == len(question.options) + 1


def _walk_until_asked(question_id: str) -> Chat | None:
    """A Twente chat in which ``question_id`` is the open question (themes tried in turn)."""
    for theme_id in FW.themes:
        chat = to_questions(Chat(), first_theme=theme_id)
        while (chat.pending or "").startswith("q_"):
            if chat.pending == question_id:
                return chat
            chat.say(SKIP)
    return None


@pytest.mark.parametrize("question_id", sorted(FW.questions))
def test_every_question_is_asked_with_its_own_text_and_options(monkeypatch, question_id):
    monkeypatch.setenv("LEERPUNT_MAX_QUESTIONS", str(len(FW.questions)))

    chat = _walk_until_asked(question_id)

    assert chat is not None, f"{question_id} is never asked"
    question = content.questions_for(conversation_of(chat)).get(question_id)
    assert question is not None
    asked = chat.turns[-1][-1]
    assert asked.text == content.question_text(conversation_of(chat), question)
    assert [b["payload"].split('"')[-2] for b in asked.buttons if b["payload"] != SKIP] == [
        o.id for o in question.options
    ]


def test_question_answered_by_button():
    chat = to_questions(Chat())
    chat.say(option("meelopen"))

    label = FW.questions["q_nieuwe_mensen"].option("meelopen").label
    assert chat.slots["q_nieuwe_mensen"] == {"option": "meelopen", "label": label}
    assert chat.pending in FW.questions and chat.pending != "q_nieuwe_mensen"
    assert len(chat.turns[-1]) == 1  # just the next question


def test_question_answered_in_own_words():
    said = "die loopt gewoon mee met de oudste collega die we hebben"
    chat = to_questions(Chat())
    chat.say(said, intent="vertellen")

    assert chat.slots["q_nieuwe_mensen"]["text"] == said
    assert chat.pending not in (None, "q_nieuwe_mensen")


def test_question_answered_with_an_options_own_words():
    # one word, too short to score on its own, but one of the option's listed replies
    chat = to_questions(Chat())
    chat.say("Inwerkplan.", intent="vertellen")

    assert chat.slots["q_nieuwe_mensen"] == {"text": "Inwerkplan.", "option": "vast_plan"}
    assert len(chat.turns[-1]) == 1  # just the next question


def test_question_not_understood_asks_again_once():
    chat = to_questions(Chat())
    first = chat.say("hmm", intent="vertellen")

    assert chat.slots.get("q_nieuwe_mensen") is None
    assert chat.pending == "q_nieuwe_mensen"
    assert [r.text for r in first] == [
        text_of(chat, "answer.not_understood"),
        FW.questions["q_nieuwe_mensen"].text,
    ]

    chat.say("hmm", intent="vertellen")

    assert chat.slots["q_nieuwe_mensen"] == {
        "skipped": True,
        "text": "hmm",
    }  # what was said is kept
    assert chat.pending not in (None, "q_nieuwe_mensen")
    assert text_of(chat, "answer.not_understood") not in chat.said


def test_question_skipped():
    chat = to_questions(Chat())
    chat.say(SKIP)

    assert chat.slots["q_nieuwe_mensen"] == {"skipped": True}
    assert chat.pending not in (None, "q_nieuwe_mensen")


def test_next_question_never_repeats_an_answered_one():
    chat = to_questions(Chat())
    answered: list[str] = []
    while (chat.pending or "").startswith("q_"):
        assert chat.pending not in answered
        current = chat.pending
        chat.say(option(FW.questions[current].options[-1].id))
        answered.append(current)
        assert chat.slots[current]["option"] == FW.questions[current].options[-1].id
    assert answered


def test_questions_stop_at_the_maximum(monkeypatch):
    monkeypatch.setenv("LEERPUNT_MAX_QUESTIONS", "4")
    chat = to_questions(Chat())

    asked = answer_questions(chat, {"q_nieuwe_mensen": "meelopen"})

    assert len(asked) == 4
    assert chat.slots["summary_shown"] is True  # the intake is done: the advice follows


def test_questions_continue_below_the_maximum(monkeypatch):
    monkeypatch.setenv("LEERPUNT_MAX_QUESTIONS", "5")
    chat = to_questions(Chat())
    for _ in range(4):
        chat.say(SKIP)

    assert chat.pending in FW.questions
    assert not chat.slots.get("summary_shown")


def test_a_question_walk_asks_each_question_once_up_to_the_maximum(monkeypatch):
    """Skip whatever is asked until the intake stops: no repeats, exactly the maximum."""
    monkeypatch.setenv("LEERPUNT_MAX_QUESTIONS", "5")
    chat = to_questions(Chat())

    asked = answer_questions(chat)

    assert len(asked) == 5
    assert len(set(asked)) == 5
    assert all(q in FW.questions for q in asked)
    assert chat.phase == "consent"


def test_a_worry_told_at_a_later_question_is_taken_as_the_worry():
    chat = Chat()
    chat.say("/groeten")
    chat.say("ok", intent="bevestigen")
    chat.say("ok", intent="bevestigen")  # the opening is let go: the themes question comes
    chat.say("weet niet", intent="weet_niet")  # and skipped: on to the company size
    assert chat.pending == "company_size" and not chat.slots.get("themes")
    chat.say("ik kan geen personeel vinden", intent="vertellen")
    assert chat.slots["themes"] == ["personeelstekort"]
    assert "ik kan geen personeel vinden" in chat.slots["challenge"]


def test_a_skip_the_bot_decides_is_worded_differently_from_one_asked_for():
    chat = Chat()
    chat.say("ik kan geen personeel vinden", intent="vertellen")
    chat.say("hmm", intent="nlu_fallback", confidence=0.3)
    chat.say("hmm", intent="nlu_fallback", confidence=0.3)
    assert (
        text_of(chat, "answer.skip_auto") in chat.said
        and text_of(chat, "answer.skip_ack") not in chat.said
    )
    chat.say("sla over", intent="weet_niet")
    assert text_of(chat, "answer.skip_ack") in chat.said


def test_questions_fit_a_small_salon():
    """A salon of four is not asked about "een leidinggevende" or "een klus"."""
    chat = to_questions(
        Chat(), "behoud", size="we zijn met z'n vieren", sector="kapsalon", place="Zwolle"
    )
    asked = {}
    while (chat.pending or "").startswith("q_"):
        asked[chat.pending] = chat.turns[-1][-1].text
        chat.say(SKIP)
    assert {"q_gesprekken", "q_zelf_aanpakken"} <= set(asked)  # the two with other wording
    assert not any("leidinggevende" in q or "klus" in q for q in asked.values()), asked


def test_a_bigger_installer_keeps_the_default_wording():
    q = FW.questions["q_gesprekken"]
    chat = to_questions(Chat(), "behoud", size="35", sector="installatiebedrijf", place="Zwolle")
    assert q.text_for("klein", "installatietechniek") == q.text
    assert content.question_text(conversation_of(chat), q) == q.text
    four = to_questions(Chat(), "behoud", size="4", sector="installatiebedrijf", place="Zwolle")
    assert "leidinggevende" not in content.question_text(conversation_of(four), q)


@pytest.mark.parametrize(
    "reply",
    [
        "Nee, dat hebben we niet, we zijn daar te klein voor.",
        "nee joh daar doen we niks aan eigenlijk",
        "ja, dat doet mijn compagnon meestal met de nieuwe jongens",
    ],
)
def test_a_yes_or_no_with_content_is_taken_as_the_answer(reply):
    chat = to_questions(Chat())
    asked = chat.pending
    chat.say(reply, intent="vertellen", confidence=0.8)
    assert chat.pending != asked, chat.said
    assert chat.slots[asked]["text"] == reply


@pytest.mark.parametrize("reply", ["nee hoor", "ja dat"])
def test_a_short_yes_or_no_is_not_taken_as_free_text(reply):
    chat = to_questions(Chat())
    asked = chat.pending
    chat.say(reply, intent="ontkennen" if reply.startswith("nee") else "bevestigen")
    answer = chat.slots.get(asked)
    assert answer is None or answer.get("option") or answer.get("skipped"), answer


def test_an_opening_with_an_age_a_verb_and_a_tool_invents_no_company_facts():
    chat = Chat()
    chat.say(
        "Ik ben 61 en wil mijn vak doorgeven, maar het kost zoveel tijd om jongens op te leiden"
        " en de software voor de planning snapt ook niemand",
        intent="vertellen",
    )
    assert chat.slots.get("company_size") is None
    assert chat.slots.get("location") is None
    assert chat.slots.get("sector") is None


def test_a_fact_guessed_from_the_opening_gives_way_to_what_is_said_about_the_company():
    chat = Chat()
    chat.say("in ons restaurant in Deventer lopen de koks na een jaar weg", intent="vertellen")
    assert chat.slots.get("sector") == "Horeca" and chat.slots.get("location") == "Deventer"
    assert chat.pending == "company_size", chat.said
    chat.say("we zijn een cateringbedrijf in Zwolle met 9 man", intent="vertellen")
    assert chat.slots["company_size"] == 9
    assert chat.slots["location"] == "Zwolle"
    assert "location" not in chat.slots["dialogue"]["guessed"]  # said now, no longer a guess


def test_a_sector_told_with_the_size_is_not_asked_again():
    chat = to_facts(Chat())
    chat.say("transport in Zwolle met 30 man", intent="vertellen")
    assert chat.slots["company_size"] == 30
    assert chat.slots["sector"] == "Transport"
    assert chat.slots["location"] == "Zwolle"
    assert chat.pending not in ("sector", "location", "company_size"), chat.said
