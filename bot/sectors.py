"""Which sector of the economy a firm is in, read from free text.

Sectors are data: ``bot/framework/sectors.yml`` lists each sector id with its Dutch
label and the words people use for it (its shape: ``sectors.schema.json`` beside it).
:func:`detect_sector` matches those words on surface forms, lemmas and parts of Dutch
compounds ("installatiebedrijfje", "familiebouwbedrijf"), tolerating one typo in longer
words (:func:`bot.signals.one_typo_apart`).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.language import lemmas, normalize
from bot.signals import one_typo_apart
from bot.yamlio import ConfigError, load_validated

__all__ = [
    "SECTORS_PATH",
    "SECTORS_SCHEMA_PATH",
    "Sector",
    "detect_sector",
    "load_sectors",
    "sector_label",
    "sectors_schema",
]

SECTORS_PATH = Path(__file__).resolve().parent / "framework" / "sectors.yml"
SECTORS_SCHEMA_PATH = SECTORS_PATH.with_name("sectors.schema.json")


@dataclass(frozen=True)
class Sector:
    """A sector of the economy as coaches know it: a stable id and a Dutch label.

    ``words`` are matched as whole words or as parts of compounds, ``exact`` only as
    whole words, and words starting with an ``exclude`` entry never count for it.
    Two sectors are equal when their ids and labels are.
    """

    id: str
    label: str
    words: tuple[str, ...] = field(default=(), repr=False, compare=False)
    exact: tuple[str, ...] = field(default=(), repr=False, compare=False)
    exclude: tuple[str, ...] = field(default=(), repr=False, compare=False)


@lru_cache(maxsize=1)
def sectors_schema() -> dict:
    """The JSON Schema of a sector list (``bot/framework/sectors.schema.json``)."""
    return json.loads(SECTORS_SCHEMA_PATH.read_text(encoding="utf-8"))


def _norm_term(term: str) -> str:
    return re.sub(r"[-'’]", "", normalize(term))


def load_sectors(path: str | Path | None = None) -> tuple[Sector, ...]:
    """Read and validate the sector list (default ``bot/framework/sectors.yml``).

    Raises ConfigError naming the file, the place in it and what is wrong.
    """
    path = Path(path) if path is not None else SECTORS_PATH
    data = load_validated(path, sectors_schema())
    problems: list[tuple[str, str, str]] = []
    seen: dict[str, int] = {}
    sectors: list[Sector] = []
    for n, item in enumerate(data["sectors"]):
        if item["id"] in seen:
            problems.append((
                str(path), f"sectors[{n}].id",
                f"id '{item['id']}' is used twice (first at sectors[{seen[item['id']]}])",
            ))  # fmt: skip
        seen.setdefault(item["id"], n)
        sectors.append(
            Sector(
                id=item["id"],
                label=item["label"],
                words=tuple(_norm_term(w) for w in item.get("words", [])),
                exact=tuple(_norm_term(w) for w in item.get("exact", [])),
                exclude=tuple(_norm_term(w) for w in item.get("exclude", [])),
            )
        )
    if problems:
        raise ConfigError(problems)
    return tuple(sectors)


@lru_cache(maxsize=1)
def _default_sectors() -> tuple[Sector, ...]:
    return load_sectors()


def _part_match(token: str, term: str) -> bool:
    """Term as the token itself or a part of a compound token."""
    if token == term:
        return True
    if len(term) >= 6:
        return term in token
    return len(term) >= 4 and (token.startswith(term) or token.endswith(term))


def _fuzzy_match(token: str, term: str) -> bool:
    """One typo in a longer word or the start of a compound: 'instalatiebedrijf', 'restaurnat'.

    Only at the start of the word: compound tails such as 'bedrijf' are shared by many
    sectors, so 'familiebedrijf' must not pass for 'itbedrijf'.
    """
    if len(term) < 7 or len(token) < 6 or token[0] != term[0]:
        return False  # (one_typo_apart wants the same first letter too; this is the quick exit)
    return any(
        one_typo_apart(token[:size], term) for size in (len(term) - 1, len(term), len(term) + 1)
    )


def _sector_words(text: str) -> tuple[list[str], str]:
    """Normalised surface words and lemmas of ``text``, and the text as one spaced string."""
    clean = re.sub(r"<[^>]*>", " ", text or "")
    clean = re.sub(r"(\w)[-'’](?=\w)", r"\1", normalize(clean))
    surface = re.findall(r"[a-z0-9&]+", clean)
    words = list(dict.fromkeys(surface + [w.replace("'", "") for w in lemmas(clean)]))
    return words, " " + " ".join(surface) + " "


def _sector_scores(text: str, sectors: Sequence[Sector]) -> dict[str, float]:
    words, spaced = _sector_words(text)
    scores: dict[str, float] = {}
    for word in words:
        # Per word only the longest matching term counts, so 'landbouw' beats 'bouw'.
        best: tuple[float, str] | None = None
        for sector in sectors:
            if any(word.startswith(ex) for ex in sector.exclude):
                continue
            for term in sector.words:
                if " " in term:
                    continue
                if _part_match(word, term):
                    weight = float(len(term))
                elif _fuzzy_match(word, term):
                    weight = len(term) - 1.5
                else:
                    continue
                if best is None or weight > best[0]:
                    best = (weight, sector.id)
            for term in sector.exact:
                if word == term and (best is None or len(term) > best[0]):
                    best = (float(len(term)), sector.id)
        if best is not None:
            scores[best[1]] = scores.get(best[1], 0.0) + best[0]
    for sector in sectors:
        for term in sector.words + sector.exact:
            if " " in term and f" {term} " in spaced:
                scores[sector.id] = scores.get(sector.id, 0.0) + len(term)
    return scores


def detect_sector(text: str, sectors: Sequence[Sector] | None = None) -> Sector | None:
    """The sector the text talks about ('we zijn een installatiebedrijfje'), or None."""
    sectors = _default_sectors() if sectors is None else sectors
    scores = _sector_scores(text, sectors)
    if not scores:
        return None
    order = {s.id: n for n, s in enumerate(sectors)}
    best_id = max(scores, key=lambda sid: (scores[sid], -order[sid]))
    return next(s for s in sectors if s.id == best_id)


# Said in passing (a worry, another answer), a sector counts only where the firm itself is
# named: 'ons hoveniersbedrijf', 'mijn kapsalon', 'we zitten in de bouw', 'een bakkerij'.
# 'we zoeken software' or 'koffie voor de klanten' says nothing about the firm's trade.
_FIRM_ENDINGS = (
    "bedrijf", "bedrijfje", "bedrijven", "zaak", "zaakje", "kantoor", "kantoortje", "winkel",
    "winkeltje", "salon", "praktijk", "bureau", "studio", "atelier", "fabriek", "werkplaats",
    "garage", "onderneming", "erij", "restaurant", "hotel", "cafe", "opvang",
)  # fmt: skip
_FIRM_CUES = ("ons", "onze", "mijn", "mn", "zijn een", "ben een", "heb een", "hebben een",
              "runnen een", "run een", "in de", "zitten in", "zit in")  # fmt: skip


def detect_sector_in_passing(text: str, sectors: Sequence[Sector] | None = None) -> Sector | None:
    """The firm's sector where the text names the firm itself, else None."""
    words = _sector_words(text)[1].split()  # the surface words in order
    picked = []
    for i, word in enumerate(words):
        before = " ".join(words[max(0, i - 2) : i])
        if word.endswith(_FIRM_ENDINGS) or before.endswith(_FIRM_CUES):
            picked.append(word)
    return detect_sector(" ".join(picked), sectors) if picked else None


_LEAD_IN = re.compile(
    r"^(?:(?:nou|nou ja|ja|nee|hoi|hallo|goedemorgen|goedemiddag|dus|eh+|uh+|ok[e]?)[,!.]?\s+)*"
    r"(?:(?:wij|we|ik)\s+(?:zijn|ben|heb|hebben|run|runnen|doe|doen|zit|zitten)\s+"
    r"(?:in\s+de\s+|een\s+|in\s+|eigenaar\s+van\s+een\s+)?"
    r"|(?:ons|mijn|m'n|mn)\s+bedrijf\s+is\s+(?:een\s+)?|(?:een|in\s+de)\s+)?",
    re.IGNORECASE,
)


def sector_label(text: str, sectors: Sequence[Sector] | None = None) -> str:
    """Label of the detected sector, else the person's own words, tidied (max 60 chars)."""
    sector = detect_sector(text, sectors)
    if sector is not None:
        return sector.label
    clean = html.unescape(re.sub(r"<[^>]*>", " ", text or ""))
    clean = re.sub(r"[\x00-\x1f<>]", " ", clean)
    clean = re.split(r"(?<=[^\d])[.!?\n](?:\s|$)", clean.strip())[0]
    clean = re.sub(r"\s+", " ", clean).strip(" .,;:!?-\"'")
    clean = _LEAD_IN.sub("", clean).strip(" .,;:!?-\"'")
    if len(clean) > 60:
        cut = clean[:60].rsplit(" ", 1)[0] if " " in clean[:60] else clean[:60]
        clean = cut.rstrip(" ,;:-")
    return clean[:1].upper() + clean[1:]
