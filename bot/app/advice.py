"""The first answer: what goes well, levers with a first step, a peer's story, the
region's offer and the profile chart."""

from __future__ import annotations

import logging
from typing import Any

from bot import chart, engine
from bot.framework import Story
from bot.headcount import size_class
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


OPENING_ID = "_opening"  # no question: the worry told first, read on every dimension


def evidence_answers(conv: Conversation) -> list[engine.Answer]:
    """Everything the profile reads: the first worry in the entrepreneur's own words (not
    a theme button's label), then the intake answers. The worry answers no question, so
    it counts only for the dimensions the classifier is near-certain it speaks about."""
    worry = (conv.get("challenge") or "").strip()
    labels = {t.label.strip().lower() for t in content.framework().themes.values()}
    opening = (
        [engine.Answer(OPENING_ID, text=worry)] if worry and worry.lower() not in labels else []
    )
    return opening + engine_answers(conv)


def advice_for(conv: Conversation) -> dict[str, Any]:
    """Profile, strengths, levers, story and instruments for this conversation (pure data)."""
    fw = content.framework()
    region = content.region_of(conv)
    questions = content.questions_for(conv)
    themes = [t for t in conv.themes if t in fw.themes]
    size = conv.company_size
    profile = engine.score_profile(
        fw, themes, evidence_answers(conv), size, questions, read_text=understanding.score_answer
    )
    return {
        "region": region,
        "themes": themes,
        "profile": profile,
        "strengths": [
            strength_line(conv, d.dimension_id, said) for d, said in engine.strong_points(profile)
        ],
        "levers": engine.rank_levers(fw, profile, themes, size, n=3),
        "story": story_for(conv, themes),
        "instruments": instruments_for(region, themes, size)[:3],
    }


def story_for(conv: Conversation, themes: list[str]) -> RegionStory | Story | None:
    """The peer story closest to this firm: the region's own story about one of the
    themes first (a neighbour's story beats a national one), else the framework's story
    with the most themes in common, then the same sector, then the same size class."""
    fw = content.framework()
    region = content.region_of(conv)
    local = [s for s in region.stories if not s.themes or set(s.themes) & set(themes)]
    if local:
        return max(local, key=lambda s: len(set(s.themes) & set(themes)))
    sector = content.sector_of(conv)
    size = size_class(conv.company_size)
    candidates = [s for s in fw.stories if set(s.themes) & set(themes)] or list(fw.stories)
    if not candidates:
        return None

    def fit(story: Story) -> tuple[int, bool, bool]:
        return (
            len(set(story.themes) & set(themes)),
            sector is not None and story.sector == sector.id,
            size is not None and story.size == size,
        )

    return max(candidates, key=fit)  # max keeps the first of equals: the file's order


def strength_line(conv: Conversation, dimension_id: str, said: engine.Said) -> str:
    """What goes well, and the entrepreneur's own words or choice that show it."""
    quote = said.quote if len(said.quote) <= 140 else said.quote[:137].rstrip() + "…"
    key = "summary.you_chose" if said.kind == "button" else "summary.you_said"
    return f"{content.framework().dimensions[dimension_id].strong_text} {content.say(conv, key, quote=quote)}"


def chart_rows(profile: engine.Profile) -> list[tuple[str, int | None, str]]:
    fw = content.framework()
    return [(fw.dimensions[d].label, s.score, s.level) for d, s in profile.dimensions.items()]


def summary(conv: Conversation) -> list[Reply]:
    """The first answer as at most four chat messages, short enough to scan on a phone:
    what goes well, the levers with a first step, the chart, a peer's story with the
    region's offer. Parts of one message are joined by a single newline: Rasa's socket.io
    channel sends each blank-line-separated part as a message of its own."""
    advice = advice_for(conv)
    say = lambda key, **kw: content.say(conv, key, **kw)  # noqa: E731
    if advice["strengths"]:
        lines = "\n".join(f"• {s}" for s in advice["strengths"][:3])
        opening = f"{say('summary.intro')}\n{say('summary.strengths_title')}\n{lines}"
    else:
        opening = f"{say('summary.intro')}\n{say('summary.no_strengths')}"
    out = [Reply(opening)]
    lever_lines = []
    for i, lever in enumerate(advice["levers"], 1):
        step = lever.steps[0].text if lever.steps else ""
        lever_lines.append(f"{i}. {lever.label}: {lever.reason}\n   Eerste stap: {step}")
    out.append(Reply(f"{say('summary.levers_title')}\n" + "\n".join(lever_lines)))
    try:
        rows = chart_rows(advice["profile"])
        out.append(
            Reply(
                say("summary.chart_caption"),
                image=chart.chart_data_uri(rows),
                alt=chart.alt_text(rows),
            )
        )
    except Exception:  # the advice stands without the picture
        logger.exception("profile chart failed")
    closing = []
    story = advice["story"]
    if story is not None:
        closing.append(f"{say('summary.story_title')}\n{story.title}: {story.text}")
    if advice["instruments"]:
        instrument_lines = [
            f"• {i.name}: {i.description}" + (f" ({i.link})" if i.link else "")
            for i in advice["instruments"]
        ]
        closing.append(say("summary.region_title") + "\n" + "\n".join(instrument_lines))
    if closing:
        out.append(Reply("\n".join(closing)))
    return out
