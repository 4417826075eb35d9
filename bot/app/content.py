"""The loaded framework and regions, and a conversation's region, texts and questions.

Loaded once per process; a broken region file therefore stops start-up, never a
conversation.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bot import sectors, settings
from bot.framework import Framework, Question, load_framework
from bot.handoff.consent import retention_days
from bot.headcount import size_class
from bot.regions import (
    Coach,
    Region,
    RegionSet,
    coach_for,
    effective_questions,
    effective_texts,
    load_regions,
)

from .state import UNKNOWN, Conversation


@lru_cache(maxsize=1)
def framework() -> Framework:
    return load_framework()


@lru_cache(maxsize=1)
def regions() -> RegionSet:
    return load_regions()


def max_questions() -> int:
    """How many framework questions the intake asks at most (env LEERPUNT_MAX_QUESTIONS)."""
    return settings.get().max_questions


def region_of(conv: Conversation) -> Region:
    """The conversation's region; the national fallback when none is known."""
    region_id = conv.get("region")
    found = regions().get(region_id) if region_id else None
    return found or regions().fallback


@lru_cache(maxsize=64)
def _texts(region_id: str) -> dict[str, str]:
    return effective_texts(regions().get(region_id), framework().texts)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def say(conv: Conversation, key: str, **values: Any) -> str:
    """The region's text for ``key`` with {placeholders} filled in."""
    region = region_of(conv)
    template = _texts(region.id).get(key) or framework().texts.get(key, "")
    fields = _Blank(region_name=region.name, retention_days=retention_days())
    fields.update({k: ("" if v is None else v) for k, v in values.items()})
    return re.sub(r"[ \t]+", " ", template.format_map(fields)).strip()


def say_variant(conv: Conversation, key: str, n: int, **values: Any) -> str:
    """The n-th wording of ``key`` (``key``, ``key.2``, ``key.3`` ...), cycling: a person
    who is not understood twice should not read the same sentence twice."""
    keys = [key] + [f"{key}.{i}" for i in range(2, 6) if f"{key}.{i}" in framework().texts]
    return say(conv, keys[n % len(keys)], **values)


def questions_for(conv: Conversation) -> dict[str, Question]:
    """The region's effective questions by id (framework minus left-out plus added)."""
    return _questions(region_of(conv).id)


@lru_cache(maxsize=64)
def _questions(region_id: str) -> dict[str, Question]:
    # Framework and regions are loaded once per process, so a region's questions never change.
    return {q.id: q for q in effective_questions(regions().get(region_id), framework())}


def question_text(conv: Conversation, question: Question) -> str:
    """The region's wording if it has one, else the wording that fits the firm's size and sector."""
    override = _texts(region_of(conv).id).get(f"questions.{question.id}.text")
    if override:
        return override
    sector = sector_of(conv)
    return question.text_for(size_class(conv.company_size), sector.id if sector else None)


@lru_cache(maxsize=1)
def all_question_ids() -> frozenset[str]:
    ids = set(framework().questions)
    for region in regions().all():
        ids.update(q.id for q in region.added_questions)
    return frozenset(ids)


def sector_of(conv: Conversation) -> sectors.Sector | None:
    """The firm's sector (the sector slot holds its Dutch label, or the owner's own words)."""
    label = conv.get("sector")
    return sectors.detect_sector(label) if label and label != UNKNOWN else None


def coach_of(conv: Conversation) -> Coach | None:
    """The region's coach for this firm's sector."""
    sector = sector_of(conv)
    return coach_for(region_of(conv), sector.id if sector else None)


def coach_role(coach: Coach) -> str:
    """The role to put before the coach's name, or '' when the name already says it."""
    first = coach.name.split()[0].lower() if coach.name.split() else ""
    if first and (first in coach.role.lower() or coach.role.lower() in coach.name.lower()):
        return ""  # "Loopbaanadviseur Twente", not "Loopbaanadviseur Loopbaanadviseur Twente"
    return coach.role.capitalize()
