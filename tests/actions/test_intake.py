"""Session start, greeting, the first worry and the intake form (facts and adaptive questions)."""

from __future__ import annotations

import pytest

from actions import context as ctx
from actions.intake import (
    ActionCaptureChallenge,
    ActionGreet,
    ActionSessionStart,
    ValidateIntakeForm,
)
from bot import usage
from tests.actions.conftest import load_fixture, say, user_says

FW = ctx.FRAMEWORK



# --- action_session_start ----------------------------------------------------------------


def test_session_start_keeps_a_valid_link(run):
    out = run(ActionSessionStart(), "session_start_link")

    assert out.events[0]["event"] == "session_started"
    assert out.events[-1] == {**out.events[-1], "event": "action", "name": "action_listen"}
    assert out.slots == {"region": "twente", "source": "linkedin", "campaign": "voorjaar-2025"}
    assert out.messages == []
    counted = usage.totals()
    assert [(t.region, t.source, t.gesprek_gestart) for t in counted] == [("twente", "linkedin", 1)]


def test_session_start_drops_malicious_link_values(run):
    out = run(ActionSessionStart(), "session_start_malicious_link")

    assert [e["event"] for e in out.events] == ["session_started", "action"]
    assert out.slots == {}
    assert "<" not in repr(out.events)
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
def test_session_start_keeps_only_known_well_formed_values(run, metadata, kept):
    state = load_fixture("session_start_link")
    state["slots"]["session_started_metadata"] = metadata

    assert run(ActionSessionStart(), state).slots == kept


def test_session_start_without_metadata_sets_nothing(run):
    out = run(ActionSessionStart(), "new_conversation")

    assert out.slots == {}
    assert [e["event"] for e in out.events] == ["session_started", "action"]


# --- action_greet ------------------------------------------------------------------------


def test_greet_national_offers_every_theme_and_something_else(run):
    out = run(ActionGreet(), "new_conversation")

    assert len(out.messages) == 2
    assert out.texts == [say("new_conversation", "greeting"), say("new_conversation", "greeting.hint")]
    buttons = out.buttons(1)
    assert [b["title"] for b in buttons[:-1]] == [t.button for t in FW.themes.values()]
    assert [b["payload"] for b in buttons[:-1]] == [
        f'/vertellen{{"thema":"{t}"}}' for t in FW.themes
    ]
    assert buttons[-1] == {"title": say("new_conversation", "button.other"), "payload": '/vertellen{"thema":"anders"}'}
    assert out.events == []


def test_greet_uses_the_link_regions_wording(run):
    out = run(ActionGreet(), "greet_from_region_link")
    national = run(ActionGreet(), "new_conversation")

    assert "Twente" in out.texts[0]
    assert out.texts[0] != national.texts[0]
    assert out.buttons(1) == national.buttons(1)


# --- action_capture_challenge ------------------------------------------------------------


def test_capture_free_text_fills_theme_and_company_facts(run):
    out = run(ActionCaptureChallenge(), "capture_free_text")

    said = load_fixture("capture_free_text")["latest_message"]["text"]
    assert out.slots == {
        "themes": ["personeelstekort"],
        "challenge": said,
        "company_size": 12,
        "sector": "Bouw",
        "location": "Enschede",
        "region": "twente",
    }
    assert FW.themes["personeelstekort"].label.lower() in out.texts[0]
    assert len(out.messages) == 2  # acknowledgement with the themes, then the plan


def test_capture_free_text_does_not_overwrite_known_facts(run):
    state = load_fixture("capture_free_text")
    state["slots"].update({"company_size": 40, "location": "Zwolle", "region": "regio_zwolle"})

    out = run(ActionCaptureChallenge(), state)

    assert "company_size" not in out.slots
    assert "location" not in out.slots and "region" not in out.slots
    assert out.slots["sector"] == "Bouw"


def test_capture_theme_button_sets_the_theme_and_its_label(run):
    out = run(ActionCaptureChallenge(), "capture_theme_button")

    assert out.slots == {"themes": ["inwerken"], "challenge": FW.themes["inwerken"].label}
    assert FW.themes["inwerken"].label.lower() in out.texts[0]


def test_capture_theme_button_adds_to_earlier_themes_in_framework_order(run):
    state = load_fixture("capture_theme_button")
    state["slots"].update({"themes": ["groei"], "challenge": "We willen groeien"})

    out = run(ActionCaptureChallenge(), state)

    order = list(FW.themes)
    assert out.slots["themes"] == sorted(["groei", "inwerken"], key=order.index)
    assert out.slots["challenge"] == "We willen groeien"


def test_capture_other_button_leaves_it_to_the_form(run):
    out = run(ActionCaptureChallenge(), "capture_other_button")

    assert out.events == []
    assert out.messages == []


def test_capture_very_long_message_is_trimmed_and_acknowledged(run):
    state = load_fixture("capture_free_text")
    long_text = state["latest_message"]["text"] + " " + "En verder nog veel meer. " * 120
    state = user_says(state, long_text)

    out = run(ActionCaptureChallenge(), state)

    assert len(out.slots["challenge"]) == ctx.MAX_MESSAGE_CHARS
    assert out.texts[0] == say(state, "faq.too_long")


# --- validate_intake_form: company facts -------------------------------------------------


def test_validate_themes_from_free_text(run):
    out = run(ValidateIntakeForm(), "intake_themes_free_text")

    assert out.slots["themes"] == ["personeelstekort"]
    assert out.slots["challenge"] == "we krijgen onze vacatures niet gevuld"
    assert out.slots["requested_slot"] == "company_size"
    assert out.messages == []


def test_validate_themes_recruitment_worry_does_not_invent_a_company_size(run):
    """'we vinden geen personeel' is a worry about hiring, not a one-person firm."""
    text = "eigenlijk vinden we gewoon geen personeel meer"
    state = user_says(load_fixture("intake_themes_free_text"), text, fill="themes")

    out = run(ValidateIntakeForm(), state)

    assert out.slots["themes"] == ["personeelstekort"]
    assert "company_size" not in out.slots
    assert out.slots["requested_slot"] == "company_size"


def test_validate_company_size_estimate(run):
    out = run(ValidateIntakeForm(), "intake_company_size_estimate")

    assert out.slots["company_size"] == 12
    assert out.slots["last_rejected"] is None
    assert out.slots["requested_slot"] == "sector"
    assert out.messages == []


def test_validate_company_size_gibberish_asks_again_once(run):
    out = run(ValidateIntakeForm(), "intake_company_size_gibberish")

    assert out.slots["company_size"] is None
    assert out.slots["last_rejected"] == "company_size"
    assert out.slots["requested_slot"] == "company_size"
    assert out.texts == [say("intake_company_size_gibberish", "ask.company_size_retry")]


def test_validate_company_size_gibberish_twice_moves_on_as_unknown(run):
    out = run(ValidateIntakeForm(), "intake_company_size_gibberish_again")

    assert out.slots["company_size"] == ctx.UNKNOWN
    assert out.slots["last_rejected"] is None
    assert out.slots["requested_slot"] == "sector"
    assert out.messages == []


def test_validate_company_size_skip_intent(run):
    out = run(ValidateIntakeForm(), "intake_company_size_skip")

    assert out.slots["company_size"] == ctx.UNKNOWN
    assert out.slots["requested_slot"] == "sector"
    assert out.messages == []


@pytest.mark.parametrize("text", ["sla over", "Geen idee.", "skip"])
def test_validate_company_size_skip_words(run, text):
    state = user_says(load_fixture("intake_company_size_estimate"), text, fill="company_size")

    assert run(ValidateIntakeForm(), state).slots["company_size"] == ctx.UNKNOWN


def test_validate_sector_free_text(run):
    out = run(ValidateIntakeForm(), "intake_sector_free_text")

    assert out.slots["sector"] == "Installatietechniek"
    assert out.slots["requested_slot"] == "location"


def test_validate_sector_skip(run):
    state = user_says(load_fixture("intake_sector_free_text"), "weet ik niet", intent="weet_niet", fill="sector")

    assert run(ValidateIntakeForm(), state).slots["sector"] == ctx.UNKNOWN


# --- validate_intake_form: location and region -------------------------------------------


def test_validate_location_den_bosch(run):
    out = run(ValidateIntakeForm(), "intake_location_den_bosch")

    assert out.slots["location"] == "'s-Hertogenbosch"
    assert out.slots["region"] == "noordoost_brabant"
    assert out.slots["requested_slot"] in ctx.all_question_ids()
    assert out.messages == []


def test_validate_location_postcode(run):
    out = run(ValidateIntakeForm(), "intake_location_postcode")

    assert out.slots["location"] == "7511"
    assert out.slots["region"] == "twente"
    assert out.slots["requested_slot"].startswith("q_")


def test_validate_location_unknown_asks_once_then_national(run):
    first = run(ValidateIntakeForm(), "intake_location_unknown")

    assert first.slots["location"] is None
    assert first.slots["last_rejected"] == "location"
    assert first.slots["requested_slot"] == "location"
    assert len(first.texts) == 1 and '"Xyzzyville"' in first.texts[0]

    state = load_fixture("intake_location_unknown")
    state["slots"]["last_rejected"] = "location"
    second = run(ValidateIntakeForm(), state)

    assert second.slots["location"] == "Xyzzyville"
    assert second.slots["region"] == ctx.REGIONS.fallback.id
    assert second.messages == []


def test_validate_location_unknown_strips_markup_from_the_echo(run):
    state = user_says(load_fixture("intake_location_unknown"), "<b>Xyzzyville</b><script>", fill="location")

    out = run(ValidateIntakeForm(), state)

    assert "<" not in out.texts[0]
    assert "Xyzzyville" in out.texts[0]


def test_validate_location_ambiguous_offers_region_options(run):
    out = run(ValidateIntakeForm(), "intake_location_ambiguous")

    assert out.slots["location"] == "Bergen"
    assert out.slots["region"] is None
    assert out.slots["region_options"] == ["limburg", "noord_holland_noord"]
    assert out.slots["requested_slot"] == "region"
    assert out.messages == []


def test_validate_location_skip_keeps_link_region_else_national(run):
    state = user_says(load_fixture("intake_location_den_bosch"), "sla over", fill="location")
    assert run(ValidateIntakeForm(), state).slots["region"] == ctx.REGIONS.fallback.id

    state["slots"]["region"] = "zeeland"
    out = run(ValidateIntakeForm(), state)
    assert out.slots == {**out.slots, "location": ctx.UNKNOWN, "region": "zeeland"}


def test_validate_region_by_button(run):
    out = run(ValidateIntakeForm(), "intake_region_button")

    assert out.slots["region"] == "noord_holland_noord"
    assert out.slots["requested_slot"].startswith("q_")


def test_validate_region_by_free_text(run):
    out = run(ValidateIntakeForm(), "intake_region_free_text")

    assert out.slots["region"] == "limburg"


def test_validate_region_skip_takes_the_first_option(run):
    state = user_says(load_fixture("intake_region_free_text"), "/weet_niet", intent="weet_niet", fill="region")

    assert run(ValidateIntakeForm(), state).slots["region"] == "limburg"


# --- validate_intake_form: the adaptive questions ----------------------------------------


def _questions(out) -> list[str]:
    return [e["value"] for e in out.events if e.get("name") == "requested_slot"]


def test_question_answered_by_button(run):
    out = run(ValidateIntakeForm(), "intake_question_button")

    option = FW.questions["q_nieuwe_mensen"].option("meelopen")
    assert out.slots["q_nieuwe_mensen"] == {"option": "meelopen", "label": option.label}
    nxt = out.slots["requested_slot"]
    assert nxt in FW.questions and nxt != "q_nieuwe_mensen"
    assert out.messages == []


def test_question_answered_in_own_words(run):
    out = run(ValidateIntakeForm(), "intake_question_free_text")

    said = load_fixture("intake_question_free_text")["latest_message"]["text"]
    assert out.slots["q_nieuwe_mensen"]["text"] == said
    assert out.slots["requested_slot"] not in (None, "q_nieuwe_mensen")


def test_question_answered_with_an_options_own_words(run):
    # one word, too short to score on its own, but one of the option's listed replies
    state = user_says(load_fixture("intake_question_free_text"), "Inwerkplan.", fill="q_nieuwe_mensen")

    out = run(ValidateIntakeForm(), state)

    assert out.slots["q_nieuwe_mensen"] == {"text": "Inwerkplan.", "option": "vast_plan"}
    assert out.messages == []


def test_question_not_understood_asks_again_once(run):
    out = run(ValidateIntakeForm(), "intake_question_not_understood")

    assert out.slots["q_nieuwe_mensen"] is None
    assert out.slots["last_rejected"] == "q_nieuwe_mensen"
    assert out.slots["requested_slot"] == "q_nieuwe_mensen"
    assert len(out.texts) == 1

    state = load_fixture("intake_question_not_understood")
    state["slots"]["last_rejected"] = "q_nieuwe_mensen"
    again = run(ValidateIntakeForm(), state)
    assert again.slots["q_nieuwe_mensen"] == {"text": "hmm"}
    assert again.slots["requested_slot"] not in (None, "q_nieuwe_mensen")
    assert again.messages == []


def test_question_skipped(run):
    out = run(ValidateIntakeForm(), "intake_question_skip")

    assert out.slots["q_nieuwe_mensen"] == {"skipped": True}
    assert out.slots["requested_slot"] not in (None, "q_nieuwe_mensen")


def test_next_question_never_repeats_an_answered_one(run):
    state = load_fixture("intake_fourth_question")
    answered = {"q_nieuwe_mensen", "q_van_elkaar", "q_fouten", "q_zelf_aanpakken"}
    assert answered - {"q_zelf_aanpakken"} <= {e.get("name") for e in state["events"]}

    out = run(ValidateIntakeForm(), state)

    assert out.slots["q_zelf_aanpakken"]["option"] == "binnen_grenzen"
    assert _questions(out) and _questions(out)[-1] in FW.questions
    assert _questions(out)[-1] not in answered


def test_questions_stop_at_the_maximum(run, monkeypatch):
    monkeypatch.setenv("LEERPUNT_MAX_QUESTIONS", "4")

    out = run(ValidateIntakeForm(), "intake_fourth_question")

    assert out.slots["q_zelf_aanpakken"]["option"] == "binnen_grenzen"
    assert out.slots["requested_slot"] is None  # the form is done


def test_questions_continue_below_the_maximum(run, monkeypatch):
    monkeypatch.setenv("LEERPUNT_MAX_QUESTIONS", "5")

    out = run(ValidateIntakeForm(), "intake_fourth_question")

    assert out.slots["requested_slot"] in FW.questions


def test_a_question_walk_asks_each_question_once_up_to_the_maximum(run, monkeypatch):
    """Answer whatever the form asks until it stops: no repeats, exactly the maximum."""
    monkeypatch.setenv("LEERPUNT_MAX_QUESTIONS", "5")
    state = load_fixture("intake_question_skip")
    asked: list[str] = []
    for _ in range(10):
        requested = state["slots"]["requested_slot"]
        state = user_says(state, "/weet_niet", intent="weet_niet", fill=requested)
        out = run(ValidateIntakeForm(), state)
        asked.append(requested)
        nxt = out.slots["requested_slot"]
        if nxt is None:
            break
        # the next turn: what the form returned, then the answer to the next question
        state["events"] += out.events + [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": "/weet_niet"},
            {"event": "action", "name": "intake_form"},
            {"event": "slot", "name": nxt, "value": "/weet_niet"},
        ]
        state["slots"].update(out.slots)
    assert len(asked) == 5
    assert len(set(asked)) == 5
    assert all(q in FW.questions for q in asked)


def test_capture_ambiguous_place_leaves_the_choice_to_the_region_question(run):
    state = user_says(load_fixture("capture_free_text"), "installatiebedrijf in Hengelo, ik kan geen monteurs vinden")

    out = run(ActionCaptureChallenge(), state)

    assert out.slots["location"] == "Hengelo"
    assert out.slots["region"] is None
    assert set(out.slots["region_options"]) == {"twente", "achterhoek"}


def test_validate_location_sentence_is_not_taken_for_a_place(run):
    sentence = "als er iets fout gaat bespreken we dat eigenlijk nooit"
    state = user_says(load_fixture("intake_location_unknown"), sentence, fill="location")

    first = run(ValidateIntakeForm(), state)
    assert first.texts == [say(state, "ask.location_again")]

    state["slots"]["last_rejected"] = "location"
    second = run(ValidateIntakeForm(), state)
    assert second.slots["location"] == ctx.UNKNOWN
    assert second.slots["region"] == ctx.REGIONS.fallback.id
