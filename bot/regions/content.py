"""What a region changes in the conversation: texts, questions, local offer, coach."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.language import normalize
from bot.regions.model import Coach, Instrument, Region

_PLACEHOLDER = re.compile(r"(\{[^{}]*\})")


def framework_texts(framework: Any) -> dict[str, str]:
    """The framework's texts by flat dotted key, plus ``questions.<id>.text`` per question."""
    out: dict[str, str] = {}
    _flatten(getattr(framework, "texts", None) or {}, "", out)
    for qid, question in (getattr(framework, "questions", None) or {}).items():
        text = getattr(question, "text", None)
        if isinstance(text, str):
            out.setdefault(f"questions.{qid}.text", text)
    return out


def _flatten(data: Mapping[str, Any], prefix: str, out: dict[str, str]) -> None:
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, f"{full}.", out)
        elif isinstance(value, str):
            out[full] = value


def replace_words(text: str, replacements: Mapping[str, str]) -> str:
    """Swap whole words, keeping capitalisation ('Medewerkers' -> 'Vakmensen').

    Text inside {placeholders} is never touched.
    """
    if not replacements or not text:
        return text
    by_word = {normalize(k): v for k, v in replacements.items()}
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(k) for k in sorted(replacements, key=len, reverse=True))
        + r")(?![\w-])",
        re.IGNORECASE,
    )

    def swap(m: re.Match) -> str:
        found = m.group(0)
        new = by_word.get(normalize(found), found)
        if found.isupper() and len(found) > 1:
            return new.upper()
        if found[:1].isupper():
            return new[:1].upper() + new[1:]
        return new

    parts = _PLACEHOLDER.split(text)
    return "".join(p if _PLACEHOLDER.fullmatch(p) else pattern.sub(swap, p) for p in parts)


def effective_texts(region: Region | None, base_texts: Mapping[str, str]) -> dict[str, str]:
    """Base texts, then the region's greeting/coach_offer/closing, then its overrides,
    then its word replacements. ``None`` (no region) returns a copy of the base."""
    texts = dict(base_texts)
    if region is None:
        return texts
    texts.update({k: v for k, v in region.wording.items() if v})
    texts.update(region.overrides)
    return {k: replace_words(v, region.replace_words) for k, v in texts.items()}


def effective_questions(region: Region | None, framework: Any) -> list[Any]:
    """The framework's questions in order, minus the region's left-out ones, plus its added ones."""
    base = getattr(framework, "questions", {}) or {}
    questions = list(base.values()) if isinstance(base, Mapping) else list(base)
    if region is None:
        return questions
    excluded = set(region.excluded_questions)
    added = list(region.added_questions)
    if not added and region.added_questions_raw:
        # Region set loaded without the framework: validate the added questions now.
        from bot.framework import parse_questions

        added = parse_questions(
            list(region.added_questions_raw), str(region.file), framework, path="questions.add"
        )
    return [q for q in questions if q.id not in excluded] + [
        q for q in added if q.id not in excluded
    ]


def instruments_for(
    region: Region, themes: list[str] | tuple[str, ...], company_size: int | None = None
) -> list[Instrument]:
    """The region's instruments that fit the firm size, best fitting first.

    Score: themes in common (an instrument without themes fits every theme a little),
    then a narrower size range (more targeted), then file order.
    """
    wanted = set(themes or ())

    def score(item: tuple[int, Instrument]) -> tuple:
        index, ins = item
        overlap = len(wanted & set(ins.themes)) if ins.themes else 0.5 if wanted else 0
        targeted = company_size is not None and (
            ins.min_employees is not None or ins.max_employees is not None
        )
        return (-overlap, not targeted, index)

    fitting = [(i, ins) for i, ins in enumerate(region.instruments) if ins.fits_size(company_size)]
    return [ins for _, ins in sorted(fitting, key=score)]


def coach_for(region: Region, sector: str | None = None) -> Coach | None:
    """A coach for ``sector``: one who lists it, else a generalist, else the first; None if none."""
    if not region.coaches:
        return None
    if sector:
        wanted = normalize(sector)
        for coach in region.coaches:
            if any(normalize(s) == wanted for s in coach.sectors):
                return coach
    return next((c for c in region.coaches if not c.sectors), region.coaches[0])
