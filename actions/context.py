"""What every action needs: the loaded data, the entrepreneur's region and texts.

Framework and regions are loaded once, when the action server imports this
module; a broken region file therefore stops start-up, never a conversation.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from typing import Any

from rasa_sdk import Tracker

from bot import engine
from bot.framework import Framework, Question, load_framework
from bot.regions import Region, effective_questions, effective_texts, load_regions

logger = logging.getLogger(__name__)

FRAMEWORK: Framework = load_framework()
REGIONS = load_regions()
BASE_FACT_SLOTS = ["themes", "company_size", "sector", "location", "region"]
UNKNOWN = "onbekend"
SKIP_INTENT = "weet_niet"
MAX_MESSAGE_CHARS = 2000


def max_questions() -> int:
    """How many framework questions the intake asks at most (env LEERPUNT_MAX_QUESTIONS)."""
    try:
        return max(1, int(os.environ.get("LEERPUNT_MAX_QUESTIONS", "5")))
    except ValueError:
        return 5


def region_of(tracker: Tracker) -> Region:
    """The region the conversation belongs to; the national fallback when none is known."""
    region_id = tracker.get_slot("region")
    return REGIONS.get(region_id) if region_id and REGIONS.get(region_id) else REGIONS.fallback


def texts_for(region: Region) -> dict[str, str]:
    return _texts_cache(region.id)


_TEXTS: dict[str, dict[str, str]] = {}


def _texts_cache(region_id: str) -> dict[str, str]:
    if region_id not in _TEXTS:
        _TEXTS[region_id] = effective_texts(REGIONS.get(region_id), FRAMEWORK.texts)
    return _TEXTS[region_id]


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def say(tracker: Tracker, key: str, **values: Any) -> str:
    """The region's text for ``key`` with {placeholders} filled in."""
    region = region_of(tracker)
    template = texts_for(region).get(key) or FRAMEWORK.texts.get(key, "")
    fields = _Blank(region_name=region.name, retention_days=_retention_days())
    fields.update({k: ("" if v is None else v) for k, v in values.items()})
    return re.sub(r"\s+", " ", template.format_map(fields)).strip()


def _retention_days() -> int:
    from bot.handoff.consent import retention_days

    return retention_days()


def questions_for(tracker: Tracker) -> dict[str, Question]:
    """The region's effective questions by id (framework minus left-out plus added)."""
    return {q.id: q for q in effective_questions(region_of(tracker), FRAMEWORK)}


def question_text(tracker: Tracker, question: Question) -> str:
    override = texts_for(region_of(tracker)).get(f"questions.{question.id}.text")
    return override or question.text


def all_question_ids() -> set[str]:
    ids = set(FRAMEWORK.questions)
    for region in REGIONS.all():
        ids.update(q.id for q in region.added_questions)
    return ids


def answers_from(tracker: Tracker, questions: Iterable[str] | None = None) -> list[engine.Answer]:
    """The intake answers so far, in the order asked, as engine Answers."""
    wanted = set(questions) if questions is not None else all_question_ids()
    answers = []
    for qid in _asked_order(tracker):
        value = tracker.get_slot(qid)
        if qid not in wanted or not isinstance(value, dict):
            continue
        answers.append(
            engine.Answer(
                question_id=qid,
                option_id=value.get("option"),
                text=value.get("text"),
                skipped=bool(value.get("skipped")),
            )
        )
    return answers


def _asked_order(tracker: Tracker) -> list[str]:
    order: list[str] = []
    ids = all_question_ids()
    for event in tracker.events:
        if event.get("event") == "slot" and event.get("name") in ids and event.get("value") is not None:
            if event["name"] not in order:
                order.append(event["name"])
    return order


def themes_of(tracker: Tracker) -> list[str]:
    value = tracker.get_slot("themes") or []
    return [t for t in value if t in FRAMEWORK.themes]


def company_size_of(tracker: Tracker) -> int | None:
    value = tracker.get_slot("company_size")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def theme_buttons(include_other: bool = True, say_other: str = "Iets anders") -> list[dict]:
    buttons = [
        {"title": t.button, "payload": f'/vertellen{{"thema":"{t.id}"}}'}
        for t in FRAMEWORK.themes.values()
    ]
    if include_other:
        buttons.append({"title": say_other, "payload": '/vertellen{"thema":"anders"}'})
    return buttons


def latest_text(tracker: Tracker) -> str:
    """The entrepreneur's last message, trimmed to a sane length (never logged)."""
    text = (tracker.latest_message or {}).get("text") or ""
    return text.strip()[:MAX_MESSAGE_CHARS]


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    for ent in (tracker.latest_message or {}).get("entities") or []:
        if ent.get("entity") == entity and ent.get("value") is not None:
            return str(ent["value"])
    return None


def is_button_payload(text: str) -> bool:
    return text.startswith("/")


def transcript(tracker: Tracker) -> list[dict]:
    """Who said what and when, from the tracker events (button payloads as their titles)."""
    from datetime import datetime, timezone

    out = []
    last_buttons: dict[str, str] = {}
    for event in tracker.events:
        kind = event.get("event")
        at = datetime.fromtimestamp(event.get("timestamp") or 0, tz=timezone.utc).isoformat()
        if kind == "bot" and event.get("text"):
            out.append({"speaker": "assistent", "text": event["text"], "at": at})
            buttons = (event.get("data") or {}).get("buttons") or []
            last_buttons = {b.get("payload"): b.get("title") for b in buttons}
        elif kind == "user":
            text = event.get("text") or ""
            if is_button_payload(text):
                text = last_buttons.get(text) or ""
            if text:
                out.append({"speaker": "ondernemer", "text": text[:MAX_MESSAGE_CHARS], "at": at})
    return out
