"""The first answer: strengths, levers with a first step, the chart and the region's offer.

Ported from tests/actions/test_summary.py: the advice as it comes at the end of the intake.
"""

from __future__ import annotations

import base64
import re

from bot import chart, engine, usage
from bot.app import advice, content
from bot.app.state import Reply
from tests.dialogue import chat as chats
from tests.dialogue.chat import (
    SKIP,
    Chat,
    answer_questions,
    conversation_of,
    text_of,
    to_questions,
)

FW = content.framework()
REGIONS = content.regions()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Answers about learning from each other that are strong, and one that is weak.
TWENTE_ANSWERS = {
    "q_nieuwe_mensen": "meelopen",
    "q_van_elkaar": "vanzelf",
    "q_gesprekken": "niet_aan_toe",
}


def _advised_in_twente() -> tuple[Chat, list[Reply]]:
    """Through the intake in Enschede (a LinkedIn link); the replies of the summary turn."""
    chat = to_questions(Chat(link={"source": "linkedin", "campaign": "voorjaar-2025"}))
    answer_questions(chat, TWENTE_ANSWERS)
    assert chat.slots["region"] == "twente"
    return chat, chat.turns[-1]


def _summary(chat: Chat, replies: list[Reply]) -> list[Reply]:
    """The summary's messages within a turn: from its intro up to the coach offer."""
    intro = text_of(chat, "summary.intro")
    starts = [i for i, r in enumerate(replies) if r.text.split("\n")[0] == intro]
    assert len(starts) == 1, [r.text for r in replies]
    out = replies[starts[0] :]
    for i, reply in enumerate(out):
        if reply.buttons:  # the coach offer (or the question after it) ends the summary
            return out[:i]
    return out


def _before_coach_offer(chat: Chat, replies: list[Reply]) -> list[Reply]:
    """The summary's messages before the coach is offered (or the desk pointed to)."""
    starts = (text_of(chat, "coach_offer")[:25], text_of(chat, "coach_offer.no_coach")[:25])
    out = []
    for reply in replies:
        if reply.text.startswith(starts):
            break
        out.append(reply)
    return out


SUMMARY_PARTS = (
    "summary.intro",
    "summary.strengths_title",
    "summary.no_strengths",
    "summary.levers_title",
    "summary.story_title",
    "summary.region_title",
)


def _blocks(replies: list[Reply], *titles: str) -> list[str]:
    """The summary's parts: a message may hold several, each starting on a line of its own
    with one of the summary's titles. No part is separated by a blank line (socket.io
    would send it as a message of its own)."""
    starts = tuple(FW.texts[key].split("{")[0].strip()[:20] for key in SUMMARY_PARTS) + titles
    blocks: list[str] = []
    for reply in replies:
        assert "\n\n" not in reply.text, reply.text
        for line in reply.text.split("\n"):
            if line.startswith(starts) or not blocks:
                blocks.append(line)
            else:
                blocks[-1] += "\n" + line
    return blocks


def _message_starting(replies: list[Reply], title: str) -> str:
    found = [block for block in _blocks(replies, title) if block.startswith(title)]
    assert len(found) == 1, (
        f"expected one message starting with {title!r}, got {[r.text for r in replies]}"
    )
    return found[0]


def test_summary_with_answers_in_a_region():
    chat, replies = _advised_in_twente()
    summary = _summary(chat, replies)

    assert chat.slots["summary_shown"] is True
    assert _blocks(summary)[0] == text_of(chat, "summary.intro")
    assert len(_before_coach_offer(chat, summary)) <= 4  # short enough to scan on a phone

    # the answers about learning from each other were strong: that is what goes well
    strengths = _message_starting(summary, text_of(chat, "summary.strengths_title"))
    assert FW.dimensions["leren_van_elkaar"].strong_text in strengths

    levers = _message_starting(summary, text_of(chat, "summary.levers_title"))
    numbered = re.findall(r"^(\d)\. (.+?): ", levers, flags=re.M)
    assert [n for n, _ in numbered] == ["1", "2", "3"]
    lever_labels = {lv.label for lv in FW.levers.values()}
    assert {label for _, label in numbered} <= lever_labels
    first_steps = re.findall(r"Eerste stap: (.+)$", levers, flags=re.M)
    assert len(first_steps) == 3
    all_steps = {s.text for lv in FW.levers.values() for s in lv.steps}
    assert set(first_steps) <= all_steps

    images = [r for r in summary if r.image]
    assert len(images) == 1
    assert images[0].text == text_of(chat, "summary.chart_caption")
    prefix = "data:image/png;base64,"
    assert images[0].image.startswith(prefix)
    assert base64.b64decode(images[0].image[len(prefix) :]).startswith(PNG_SIGNATURE)

    offer = _message_starting(summary, text_of(chat, "summary.region_title"))
    assert "Twente" in offer.splitlines()[0]
    offered = re.findall(r"^• (.+?): ", offer, flags=re.M)
    twente = {i.name for i in REGIONS.get("twente").instruments}
    assert 1 <= len(offered) <= 3
    assert set(offered) <= twente


def test_each_strength_shows_what_the_entrepreneur_chose_or_said():
    chat, replies = _advised_in_twente()
    strengths = _message_starting(_summary(chat, replies), text_of(chat, "summary.strengths_title"))
    bullets = strengths.split("\n")[1:]
    assert bullets and all("(Je koos: “" in b or "(Je vertelde: “" in b for b in bullets), bullets
    # "loopt mee met een ervaren collega" says nothing about an onboarding plan: not claimed
    assert FW.dimensions["ontwikkelbeleid"].strong_text not in strengths


def test_own_words_are_quoted_back_with_a_strength():
    chat = to_questions(Chat())
    # Plainly strong: a newcomer who "just tags along with one of the older lads" reads as
    # partly there (informal shadowing, no more), as the blind graded answers have it.
    said = "iedere nieuwe krijgt een vast maatje, en bij ons kijkt iedereen bij elkaar mee en geeft tips, elke dag"
    while (chat.pending or "").startswith("q_"):
        if chat.pending == "q_nieuwe_mensen":
            chat.say(said, intent="vertellen", confidence=0.9)
        else:
            chat.say(SKIP)
    texts = _blocks(chat.turns[-1])
    strengths = [t for t in texts if t.startswith(text_of(chat, "summary.strengths_title"))]
    assert strengths and f"(Je vertelde: “{said}”)" in strengths[0], texts


def test_summary_is_counted_without_personal_data():
    _advised_in_twente()

    assert [(t.region, t.source, t.samenvatting) for t in usage.totals()] == [
        ("twente", "linkedin", 1)
    ]


def test_summary_without_answers_says_so_and_shows_the_national_offer():
    chat = Chat()
    chat.say("sla over", intent="weet_niet", confidence=0.9)  # no worry,
    chat.say(SKIP)  # no theme,
    for _ in ("company_size", "sector", "location"):  # no company facts,
        chat.say(SKIP)
    assert (chat.slots["company_size"], chat.slots["sector"], chat.slots["location"]) == (
        "onbekend",
    ) * 3
    answer_questions(chat)  # and no answers
    summary = _summary(chat, chat.turns[-1])

    texts = _blocks(summary)
    assert len(_before_coach_offer(chat, summary)) <= 4
    assert text_of(chat, "summary.no_strengths") in texts
    assert not any(t.startswith(text_of(chat, "summary.strengths_title")) for t in texts)
    assert "\n".join(texts).count("Eerste stap:") >= 1
    offer = _message_starting(summary, text_of(chat, "summary.region_title"))
    national = {i.name for i in REGIONS.fallback.instruments}
    assert set(re.findall(r"^• (.+?): ", offer, flags=re.M)) <= national
    assert chat.slots["region"] == REGIONS.fallback.id
    assert chat.slots["summary_shown"] is True


def test_summary_stands_without_the_chart(monkeypatch):
    def broken(rows):
        raise RuntimeError("no renderer")

    monkeypatch.setattr(chart, "chart_data_uri", broken)

    chat, replies = _advised_in_twente()
    summary = _summary(chat, replies)

    assert not any(r.image for r in replies)
    assert "\n".join(r.text for r in summary).count("Eerste stap:") == 3
    assert chat.slots["summary_shown"] is True
    assert chat.phase == "consent"  # and the conversation goes on to the coach offer


def _story(themes: list[str], sector_label: str | None, size: int | None, region: str):
    from bot.app.advice import story_for
    from bot.app.state import Conversation

    conv = Conversation(
        {"themes": themes, "sector": sector_label, "company_size": size, "region": region}
    )
    return story_for(conv, themes)


def test_story_is_about_the_worry_and_from_the_same_sector_when_there_is_one():
    from bot.sectors import load_sectors

    labels = {s.id: s.label for s in load_sectors()}
    for theme in FW.themes:
        stories = FW.stories_for(theme)
        assert stories, f"no story for {theme}"
        for wanted in stories:
            if wanted.sector not in labels:
                continue
            got = _story([theme], labels[wanted.sector], None, "landelijk")
            assert theme in got.themes
            assert got.sector == wanted.sector, (theme, wanted.id, got.id)


def test_a_regions_own_story_comes_first():
    region = content.regions().get("twente")
    local = [s for s in region.stories if s.themes]
    assert local, "twente has a story of its own"
    theme = local[0].themes[0]
    assert _story([theme], None, None, "twente").id in {s.id for s in local}


def test_the_first_worry_is_evidence_but_no_intake_question():
    chat = Chat()
    worry = "onze monteurs lopen weg omdat ze hier nooit iets nieuws leren"
    chat.say(worry, intent="vertellen")
    answers = advice.evidence_answers(conversation_of(chat))
    assert answers[0] == engine.Answer(advice.OPENING_ID, text=worry)
    # the worry does not use up one of the questions
    assert engine.next_question(FW, ["behoud"], answers, max_questions=1) is not None

    clicked = Chat()
    clicked.say(chats.theme("behoud"))
    assert all(
        a.question_id != advice.OPENING_ID
        for a in advice.evidence_answers(conversation_of(clicked))
    )
