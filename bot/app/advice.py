"""The first answer: what goes well, levers with a first step, a peer's story, the
region's offer and the profile chart."""

from __future__ import annotations

import logging
from typing import Any

from bot import chart, engine
from bot.framework import Story
from bot.regions import RegionStory, instruments_for
from bot.understanding import service as understanding

from . import content
from .state import Conversation, Reply

logger = logging.getLogger(__name__)


def engine_answers(conv: Conversation) -> list[engine.Answer]:
    """The intake answers so far, in the order asked (skipped ones keep their text)."""
    wanted = content.questions_for(conv)
    out = []
    for qid, value in conv.answers.items():
        if qid in wanted:
            out.append(
                engine.Answer(
                    question_id=qid,
                    option_id=value.get("option"),
                    text=value.get("text"),
                    skipped=bool(value.get("skipped")),
                )
            )
    return out


def advice_for(conv: Conversation) -> dict[str, Any]:
    """Profile, strengths, levers, story and instruments for this conversation (pure data)."""
    fw = content.framework()
    region = content.region_of(conv)
    questions = content.questions_for(conv)
    themes = [t for t in conv.themes if t in fw.themes]
    size = conv.company_size
    profile = engine.score_profile(
        fw, themes, engine_answers(conv), size, questions, read_text=understanding.score_answer
    )
    stories: list[RegionStory | Story] = [
        s for s in region.stories if not s.themes or set(s.themes) & set(themes)
    ]
    if not stories:
        stories = [s for t in themes for s in fw.stories_for(t)] or list(fw.stories[:1])
    return {
        "region": region,
        "themes": themes,
        "profile": profile,
        "strengths": [
            strength_line(conv, d.dimension_id, said) for d, said in engine.strong_points(profile)
        ],
        "levers": engine.rank_levers(fw, profile, themes, size, n=3),
        "story": stories[0] if stories else None,
        "instruments": instruments_for(region, themes, size)[:3],
    }


def strength_line(conv: Conversation, dimension_id: str, said: engine.Said) -> str:
    """What goes well, and the entrepreneur's own words or choice that show it."""
    quote = said.quote if len(said.quote) <= 140 else said.quote[:137].rstrip() + "…"
    key = "summary.you_chose" if said.kind == "button" else "summary.you_said"
    return f"{content.framework().dimensions[dimension_id].strong_text} {content.say(conv, key, quote=quote)}"


def chart_rows(profile: engine.Profile) -> list[tuple[str, int | None, str]]:
    fw = content.framework()
    return [(fw.dimensions[d].label, s.score, s.level) for d, s in profile.dimensions.items()]


def summary(conv: Conversation) -> list[Reply]:
    """The first answer as chat messages."""
    advice = advice_for(conv)
    say = lambda key, **kw: content.say(conv, key, **kw)  # noqa: E731
    out = [Reply(say("summary.intro"))]
    if advice["strengths"]:
        lines = "\n".join(f"• {s}" for s in advice["strengths"][:3])
        out.append(Reply(f"{say('summary.strengths_title')}\n{lines}"))
    else:
        out.append(Reply(say("summary.no_strengths")))
    lever_lines = []
    for i, lever in enumerate(advice["levers"], 1):
        step = lever.steps[0].text if lever.steps else ""
        lever_lines.append(f"{i}. {lever.label}: {lever.reason}\n   Eerste stap: {step}")
    out.append(Reply(f"{say('summary.levers_title')}\n" + "\n".join(lever_lines)))
    try:
        out.append(
            Reply(
                say("summary.chart_caption"),
                image=chart.chart_data_uri(chart_rows(advice["profile"])),
            )
        )
    except Exception:  # the advice stands without the picture
        logger.exception("profile chart failed")
    story = advice["story"]
    if story is not None:
        out.append(Reply(f"{say('summary.story_title')}\n{story.title}: {story.text}"))
    if advice["instruments"]:
        instrument_lines = [
            f"• {i.name}: {i.description}" + (f" ({i.link})" if i.link else "")
            for i in advice["instruments"]
        ]
        out.append(Reply(say("summary.region_title") + "\n" + "\n".join(instrument_lines)))
    return out
