"""From what an entrepreneur types ("we zitten in hengelo ov", "7511 AB") to a region.

Names are compared on a key that ignores case, accents, hyphens, apostrophes and
punctuation, so "'s-Hertogenbosch", "s hertogenbosch" and "S-HERTOGENBOSCH" are
one place. The longest known name inside the text wins ("hengelo ov" before
"hengelo"). Postcodes are matched against each region's four-digit ranges.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.language import normalize
from bot.regions.model import PlaceMatch, PlaceResolution, Region
from bot.signals import one_typo_apart

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_FULL_POSTCODE = re.compile(r"(?<![0-9])([1-9][0-9]{3}) ?([A-Za-z]{2})(?![A-Za-z0-9])")
_BARE_NUMBER = re.compile(r"^[1-9][0-9]{3}$")

# Place names that are also everyday words ("we kampen met", "het leek me", "echt",
# "best goed"). They count only as the whole answer or right after one of _PLACE_CUES.
WORD_LIKE_NAMES = frozenset(
    {
        "axel",
        "beek",
        "best",
        "born",
        "echt",
        "enter",
        "goes",
        "grave",
        "handel",
        "haps",
        "heel",
        "horst",
        "kampen",
        "leek",
        "losser",
        "mill",
        "sluis",
        "son",
        "stein",
        "well",
        "leiden",
        "buren",
        "huizen",
        "houten",
        "putten",
        "duiven",
        "assen",
        "voorst",
        "doorn",
        "roden",
        "gouda",
    }
)
_PLACE_CUES = frozenset(
    {
        "in",
        "uit",
        "te",
        "bij",
        "gemeente",
        "vanuit",
        "omgeving",
        "regio",
        "buurt",
        "rond",
        "nabij",
        "richting",
        "plaats",
        "vestiging",
        "nl",
    }
)
# Words that may surround a bare four-digit postcode ("postcode 7511", "in 7511").
_POSTCODE_FILLER = frozenset(
    {
        "postcode",
        "pc",
        "in",
        "is",
        "mijn",
        "onze",
        "ons",
        "het",
        "de",
        "we",
        "wij",
        "ik",
        "zitten",
        "zit",
        "zijn",
        "gevestigd",
        "bedrijf",
        "nummer",
        "te",
        "met",
    }
)
# Two-letter Dutch words that follow a number more often than postcode letters do.
_NOT_POSTCODE_LETTERS = frozenset(
    {
        "en",
        "in",
        "op",
        "te",
        "of",
        "om",
        "al",
        "nu",
        "de",
        "ik",
        "is",
        "er",
        "we",
        "ze",
        "je",
        "na",
        "zo",
        "ja",
        "uw",
        "me",
        "ca",
        "pp",
    }
)


def place_key(text: str) -> str:
    """Comparison key of a place name: 'Den  Bosch' and "'s-Hertogenbosch" style tolerant."""
    return " ".join(_NON_ALNUM.split(normalize(text))).strip()


@dataclass(frozen=True)
class PlaceIndex:
    """Every known place key with the places it may mean, plus the regions' postcodes."""

    names: dict[str, tuple[PlaceMatch, ...]]
    spellings: dict[str, str]  # key -> the name as first written in a region file
    postcodes: tuple[tuple[int, int, str], ...]  # (low, high, region id)
    max_words: int
    fallback_ids: frozenset[str] = frozenset()  # the national safety net loses every tie

    @classmethod
    def build(cls, regions: Iterable[Region]) -> PlaceIndex:
        names: dict[str, list[PlaceMatch]] = {}
        spellings: dict[str, str] = {}
        postcodes: list[tuple[int, int, str]] = []

        def add(name: str, match: PlaceMatch) -> None:
            key = place_key(name)
            spellings.setdefault(key, name)
            found = names.setdefault(key, [])
            if key and all(m.region_id != match.region_id for m in found):
                found.append(match)

        regions = list(regions)
        for region in regions:
            for area in region.areas:
                add(area, PlaceMatch(region.id, area, None))
            for muni in region.municipalities:
                for name in (muni.name, *muni.aliases):
                    add(name, PlaceMatch(region.id, muni.name, muni.name))
            for muni in region.municipalities:  # villages after all municipality names
                for place, aliases in muni.places:
                    for name in (place, *aliases):
                        add(name, PlaceMatch(region.id, place, muni.name))
            postcodes += [(lo, hi, region.id) for lo, hi in region.postcodes]
        names = {k: v for k, v in names.items() if k}
        max_words = max((len(k.split()) for k in names), default=1)
        fallback_ids = frozenset(r.id for r in regions if r.is_fallback)
        return cls(
            {k: tuple(v) for k, v in names.items()},
            spellings,
            tuple(sorted(postcodes)),
            max_words,
            fallback_ids,
        )

    def region_of_postcode(self, number: int) -> str | None:
        return next((rid for lo, hi, rid in self.postcodes if lo <= number <= hi), None)

    def resolve(self, text: str) -> PlaceResolution:
        words = place_key(text or "").split()
        spans = self._name_spans(words)
        used = {i for start, end, _ in spans for i in range(start, end)}
        typed = [self.spellings[" ".join(words[start:end])] for start, end, _ in spans]
        postcode = _full_postcode(text or "") or _bare_postcode(words, used)
        postcode_region = self.region_of_postcode(int(postcode[:4])) if postcode else None

        matches = [m for _, _, found in spans for m in found]
        if matches:
            region_ids = _unique(m.region_id for m in matches)
            if postcode_region in region_ids:
                region_ids = [postcode_region]
            elif postcode_region and set(region_ids) <= self.fallback_ids:
                region_ids = [postcode_region]  # a real region's postcode beats the safety net
            real = [r for r in region_ids if r not in self.fallback_ids]
            if real and len(real) < len(region_ids):
                region_ids = real
            if len(region_ids) == 1:
                chosen = next((m for m in matches if m.region_id == region_ids[0]), None)
                if chosen is None:  # only the postcode points into this region
                    return PlaceResolution("found", region_ids, None, postcode)
                return PlaceResolution(
                    "found", region_ids, chosen.place, postcode, chosen.municipality, (chosen,)
                )
            return PlaceResolution(
                "ambiguous", region_ids, typed[0], postcode, None, tuple(matches)
            )
        if postcode_region:
            return PlaceResolution("found", [postcode_region], None, postcode)
        corrected = self._one_typo_away(words)
        if corrected is not None:
            return self.resolve(corrected)
        return PlaceResolution("unknown", [], None, postcode)

    def _one_typo_away(self, words: Sequence[str]) -> str | None:
        """The one known place a short answer misspells by one letter ("enschde"), if exactly one."""
        key = " ".join(words)
        if not 1 <= len(words) <= 2 or len(key) < 5 or not key.replace(" ", "").isalpha():
            return None
        hits = {
            k
            for k in self.names
            if abs(len(k) - len(key)) <= 1 and k not in WORD_LIKE_NAMES and one_typo_apart(key, k)
        }
        return self.spellings[hits.pop()] if len(hits) == 1 else None

    def _name_spans(self, words: Sequence[str]) -> list[tuple[int, int, tuple[PlaceMatch, ...]]]:
        spans = []
        i = 0
        while i < len(words):
            for n in range(min(self.max_words, len(words) - i), 0, -1):
                key = " ".join(words[i : i + n])
                found = self.names.get(key)
                if found and (
                    key not in WORD_LIKE_NAMES
                    or len(words) == 1
                    or (i > 0 and words[i - 1] in _PLACE_CUES and not _infinitive(words, i))
                ):
                    spans.append((i, i + n, found))
                    i += n
                    break
            else:
                i += 1
        return spans


# 'te' before a verb: 'op te leiden', 'om te houden', 'niet te doen' (not 'gevestigd te Leiden').
_BEFORE_INFINITIVE_TE = frozenset(
    "op om aan af uit mee toe door na terug weg samen niet valt vallen is zijn moeilijk "
    "makkelijk lastig zwaar goed beter proberen probeer hoeven hoeft hoef durven durf nog veel".split()
)


def _infinitive(words: Sequence[str], i: int) -> bool:
    """Whether the word at ``i`` is a verb after 'te' rather than a place ('op te leiden')."""
    return words[i - 1] == "te" and i > 1 and words[i - 2] in _BEFORE_INFINITIVE_TE


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _full_postcode(text: str) -> str | None:
    for m in _FULL_POSTCODE.finditer(text):
        letters = m.group(2)
        if letters.isupper() or letters.lower() not in _NOT_POSTCODE_LETTERS:
            return f"{m.group(1)} {letters.upper()}"
    return None


def _bare_postcode(words: Sequence[str], used: set[int]) -> str | None:
    """A lone four-digit number counts only when the rest of the answer is filler or a place."""
    for j, word in enumerate(words):
        if not _BARE_NUMBER.match(word):
            continue
        after_cue = j > 0 and words[j - 1] in {"postcode", "pc"}
        rest_is_filler = all(
            w in _POSTCODE_FILLER or i in used for i, w in enumerate(words) if i != j
        )
        if after_cue or rest_is_filler:
            return word
    return None
