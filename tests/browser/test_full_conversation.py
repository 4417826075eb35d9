"""The whole conversation on the real stack, as an entrepreneur arriving from a LinkedIn link.

Real Rasa + action server + handoff worker (the ``stack`` fixture), the page served
by ``python -m bot.web``, Debian's Chromium clicking and typing. The intake is
deterministic for these answers: every question is answered "Weet ik niet", so the
engine asks the maximum number of questions (``actions.context.max_questions``).
"""

from __future__ import annotations

import time

import pytest

from actions.context import max_questions
from bot.handoff.outbox import HandoffOutbox
from bot.handoff.profile import validate_profile
from tests.browser.harness import WebServer, run_scenario

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

REGION, SOURCE, CAMPAIGN = "twente", "linkedin", "najaar"
QUESTIONS = max_questions()


def full_conversation() -> list[dict]:
    steps: list[dict] = [
        {"expect_bot": "aar loop je", "timeout": 60000},
        {"type": "ik kan geen goede monteurs vinden, vacatures staan maanden open"},
        {"expect_bot": "hoeveel mensen", "timeout": 30000},
        {"type": "een stuk of 14"},
        {"expect_bot": "branche"},
        {"type": "installatietechniek"},
        {"expect_bot": "plaats"},
        {"type": "Enschede"},
    ]
    for i in range(QUESTIONS):
        steps.append({"expect_bot": r"\?"})
        if i == 1:
            steps.append({"reload": True})
            steps.append({"type": "weet ik niet"})
        else:
            steps.append({"click": "Weet ik niet"})
    steps += [
        {"expect_bot": "Eerste stap", "timeout": 30000},
        {"expect_image": "."},
        {"expect_bot": "Ga je akkoord"},
        {"click": "Ja, graag"},
        {"expect_bot": "naam"},
        {"type": "Test Ondernemer"},
        {"expect_bot": "bedrijf"},
        {"type": "Testbedrijf Installaties"},
        {"expect_bot": "e-mailadres"},
        {"type": "ondernemer@testbedrijf.example.org"},
        {"expect_bot": "Klopt dit"},
        {"click": "Ja, versturen"},
        {"expect_bot": "LP-"},
        # A follow-up question after the handoff gets an answer, not a new summary.
        {"type": "wanneer belt de coach mij?"},
        {"expect_bot": "al geregeld|neemt contact|verstuurd"},
        {"expect_bot_count": "Eerste stap", "count": 1},
    ]
    return steps


def polite_no_conversation() -> list[dict]:
    """To the advice, a polite no at the consent question, then a question back."""
    steps = full_conversation()
    cut = next(i for i, s in enumerate(steps) if s.get("click") == "Ja, graag")
    return steps[:cut] + [
        {"type": "nee hoeft niet, ik ga t eerst zelf proberen"},
        {"expect_bot": "geen gegevens"},
        {"expect_bot_count": "Eerste stap", "count": 1},
        {"expect_bot_count": "Ga je akkoord", "count": 1},
        {"type": "wat kost een coach eigenlijk?"},
        {
            "expect_bot": "Deze chat is gratis"
        },  # the answer to the question, not the coach offer again
        {"expect_bot_count": "Eerste stap", "count": 1},
        {"expect_bot_count": "Ga je akkoord", "count": 1},
    ]


def handoff_for_session(stack, session_id: str) -> dict:
    """The handoff profile the stack produced for ``session_id`` (from its outbox)."""
    outbox = HandoffOutbox(stack.env["LEERPUNT_DATABASE_URL"])
    deadline = time.time() + 20
    while time.time() < deadline:
        refs = outbox.references_for_conversation(session_id)
        if refs:
            assert len(refs) == 1, refs
            return outbox.get(refs[0])
        time.sleep(0.5)
    raise AssertionError(f"no handoff stored for session {session_id}")


def test_full_conversation_from_linkedin_link(browser_ready, stack, tmp_path):
    web = WebServer(stack.rasa_url, tmp_path, env=stack.env)
    try:
        link = f"/chat?regio={REGION}&bron={SOURCE}&campagne={CAMPAIGN}"
        steps = [
            {"open": link},
            *full_conversation(),
            {"axe": True},
            {"screenshot": "full-conversation.png"},
        ]
        result = run_scenario(web.url, steps, timeout=300)
    finally:
        web.close()
    assert result["ok"], f"{result['error']} at step {result['failedStep']}"
    assert len(result["sessionIds"]) == 1, "reload started a new conversation"
    profile = handoff_for_session(stack, result["sessionIds"][0])
    validate_profile(profile)
    assert profile["region"]["id"] == REGION
    assert profile["source"] == {"bron": SOURCE, "campagne": CAMPAIGN}
    assert profile["contact"]["email"] == "ondernemer@testbedrijf.example.org"


def test_polite_no_at_the_consent_and_a_question_afterwards(browser_ready, stack, tmp_path):
    web = WebServer(stack.rasa_url, tmp_path, env=stack.env)
    try:
        steps = [
            {"open": f"/chat?regio={REGION}&bron={SOURCE}"},
            *polite_no_conversation(),
            {"screenshot": "polite-no.png"},
        ]
        result = run_scenario(web.url, steps, timeout=300)
    finally:
        web.close()
    assert result["ok"], f"{result['error']} at step {result['failedStep']}"
    outbox = HandoffOutbox(stack.env["LEERPUNT_DATABASE_URL"])
    assert outbox.references_for_conversation(result["sessionIds"][0]) == []


def test_summary_on_a_phone(browser_ready, stack, tmp_path):
    """At 360x740: the summary before the coach offer is at most four messages, the chart's
    smallest text shows at 12 px or more, its alt text names each level; no axe findings."""
    web = WebServer(stack.rasa_url, tmp_path, env=stack.env)
    intake = full_conversation()
    intake = intake[: intake.index({"expect_image": "."})]
    try:
        steps = [
            {"open": f"/chat?regio={REGION}&bron={SOURCE}"},
            *intake,
            {
                "expect_image": r"^Jouw bedrijf op acht punten\. .+: (sterk|op weg|aandachtspunt|nog onbekend);"
            },
            {"expect_bot": "Zullen we er een Twentse collega bij halen"},
            {
                "expect_bubbles_between": {
                    "from": "eerste beeld",
                    "to": "Twentse collega",
                    "max": 4,
                }
            },
            {"expect_image_text_px": {"min": 12, "drawn_px": 30}},
            {"axe": True},
            {"screenshot": "summary-phone-360.png"},
        ]
        result = run_scenario(web.url, steps, timeout=300, viewport={"width": 360, "height": 740})
    finally:
        web.close()
    assert result["ok"], f"{result['error']} at step {result['failedStep']}"
