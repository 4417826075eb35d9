"""The intake form's questions: company facts, the region choice and every framework question."""

from __future__ import annotations

import pytest

from actions import context as ctx
from actions.intake import (
    ActionAskCompanySize,
    ActionAskLocation,
    ActionAskRegion,
    ActionAskSector,
    ActionAskThemes,
)
from tests.actions.conftest import load_fixture, say, tracker_of

SKIP_PAYLOAD = "/weet_niet"


def test_ask_themes_offers_every_theme_but_no_other(run):
    out = run(ActionAskThemes(), "ask_company_facts")

    assert out.texts == [say("ask_company_facts", "ask.themes")]
    assert [b["payload"] for b in out.buttons()] == [
        f'/vertellen{{"thema":"{t}"}}' for t in ctx.FRAMEWORK.themes
    ]
    assert out.events == []


@pytest.mark.parametrize(
    ("action", "key"),
    [
        (ActionAskCompanySize(), "ask.company_size"),
        (ActionAskSector(), "ask.sector"),
        (ActionAskLocation(), "ask.location"),
    ],
    ids=["company_size", "sector", "location"],
)
def test_ask_company_fact_with_a_skip_button(run, action, key):
    out = run(action, "ask_company_facts")

    assert out.texts == [say("ask_company_facts", key)]
    assert out.texts[0]
    assert out.buttons() == [{"title": say("ask_company_facts", "button.skip"), "payload": SKIP_PAYLOAD}]
    assert out.events == []


def test_ask_region_offers_the_candidate_regions(run):
    out = run(ActionAskRegion(), "ask_region_ambiguous")

    assert "Bergen" in out.texts[0]
    buttons = out.buttons()
    assert buttons[:-1] == [
        {"title": ctx.REGIONS.get(r).name, "payload": f'/vertellen{{"regio":"{r}"}}'}
        for r in ("limburg", "noord_holland_noord")
    ]
    assert buttons[-1]["payload"] == SKIP_PAYLOAD
    assert out.events == []


def test_ask_region_ignores_unknown_region_ids(run):
    state = load_fixture("ask_region_ambiguous")
    state["slots"]["region_options"] = ["limburg", "<script>", "atlantis"]

    out = run(ActionAskRegion(), state)

    assert [b["payload"] for b in out.buttons()] == ['/vertellen{"regio":"limburg"}', SKIP_PAYLOAD]


def test_ask_generated_question_with_its_option_buttons(run, registered):
    out = run(registered["action_ask_q_nieuwe_mensen"], "ask_question")

    question = ctx.FRAMEWORK.questions["q_nieuwe_mensen"]
    assert out.texts == [question.text]
    assert out.buttons()[:-1] == [
        {"title": o.label, "payload": f'/vertellen{{"optie":"{o.id}"}}'} for o in question.options
    ]
    assert out.buttons()[-1]["payload"] == SKIP_PAYLOAD
    assert len(out.buttons()) == len(question.options) + 1
    assert out.events == []


@pytest.mark.parametrize("question_id", sorted(ctx.FRAMEWORK.questions))
def test_every_generated_ask_action_asks_its_own_question(run, registered, question_id):
    state = load_fixture("ask_question")
    state["slots"]["requested_slot"] = question_id

    out = run(registered[f"action_ask_{question_id}"], state)

    question = ctx.questions_for(tracker_of(state)).get(question_id)
    if question is None:  # the region leaves this question out: the form skips it
        assert out.events == [{**out.events[0], "name": question_id, "value": {"skipped": True}}]
        assert out.messages == []
        return
    assert out.texts == [ctx.question_text(tracker_of(state), question)]
    assert [b["payload"].split('"')[-2] for b in out.buttons()[:-1]] == [o.id for o in question.options]
    assert out.events == []
