"""The first answer: what goes well, levers with a first step, a peer's story,
the region's offer and the profile chart."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import context as ctx
from bot import chart, engine, usage
from bot.regions import instruments_for

logger = logging.getLogger(__name__)


def advice_for(tracker: Tracker) -> dict[str, Any]:
    """Profile, strengths, levers, story and instruments for this conversation (pure data)."""
    region = ctx.region_of(tracker)
    questions = ctx.questions_for(tracker)
    themes = ctx.themes_of(tracker)
    size = ctx.company_size_of(tracker)
    profile = engine.score_profile(ctx.FRAMEWORK, themes, ctx.answers_from(tracker, questions), size, questions)
    stories = [s for s in region.stories if not s.themes or set(s.themes) & set(themes)]
    if not stories:
        stories = [s for t in themes for s in ctx.FRAMEWORK.stories_for(t)] or list(ctx.FRAMEWORK.stories[:1])
    return {
        "region": region,
        "themes": themes,
        "profile": profile,
        "strengths": engine.strengths(ctx.FRAMEWORK, profile),
        "levers": engine.rank_levers(ctx.FRAMEWORK, profile, themes, size, n=3),
        "story": stories[0] if stories else None,
        "instruments": instruments_for(region, themes, size)[:3],
    }


def chart_rows(profile: engine.Profile) -> list[tuple[str, int | None, str]]:
    return [
        (ctx.FRAMEWORK.dimensions[d].label, s.score, s.level) for d, s in profile.dimensions.items()
    ]


class ActionSummary(Action):
    def name(self) -> str:
        return "action_summary"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        advice = advice_for(tracker)
        dispatcher.utter_message(text=ctx.say(tracker, "summary.intro"))
        if advice["strengths"]:
            lines = "\n".join(f"• {s}" for s in advice["strengths"][:3])
            dispatcher.utter_message(text=f"{ctx.say(tracker, 'summary.strengths_title')}\n{lines}")
        else:
            dispatcher.utter_message(text=ctx.say(tracker, "summary.no_strengths"))
        lever_lines = []
        for i, lever in enumerate(advice["levers"], 1):
            step = lever.steps[0].text if lever.steps else ""
            lever_lines.append(f"{i}. {lever.label}: {lever.reason}\n   Eerste stap: {step}")
        dispatcher.utter_message(text=f"{ctx.say(tracker, 'summary.levers_title')}\n" + "\n".join(lever_lines))
        try:
            image = chart.chart_data_uri(chart_rows(advice["profile"]))
            dispatcher.utter_message(text=ctx.say(tracker, "summary.chart_caption"), image=image)
        except Exception:  # the advice stands without the picture
            logger.exception("profile chart failed")
        story = advice["story"]
        if story is not None:
            dispatcher.utter_message(text=f"{ctx.say(tracker, 'summary.story_title')}\n{story.title}: {story.text}")
        if advice["instruments"]:
            lines = [
                f"• {i.name}: {i.description}" + (f" ({i.link})" if i.link else "") for i in advice["instruments"]
            ]
            dispatcher.utter_message(text=ctx.say(tracker, "summary.region_title") + "\n" + "\n".join(lines))
        try:
            usage.record("samenvatting", tracker.get_slot("region"), tracker.get_slot("source") or "website")
        except Exception:
            logger.exception("usage figure not recorded")
        return [SlotSet("summary_shown", True)]
