"""Phrase matching over informal Dutch: the machinery behind free-text scoring and theme detection.

A *pattern* is a short phrase written by a content author, e.g. ``"ervaren collega"``,
``"meelopen"``, ``"fout* bespreken|bespreek*"``. Each space-separated slot must be found
in the text within a small window (any order, because Dutch word order moves verbs
around). A slot may hold alternatives separated by ``|`` and a ``*`` at either end
for prefix / suffix matches (handy for Dutch compounds: ``*collega*``).

A slot word matches a text word when the surface form, the spaCy lemma or a crude
Dutch stem agree, or when the text word is one typo away (for words of 5+ letters).
Separable verbs are handled: ``meelopen`` also matches "lopen ... mee".

Each match is checked for negation ("niet", "geen", "nooit", "nauwelijks",
"eigenlijk nooit", "niet echt" …) and hedging ("soms", "een beetje", "niet altijd" …)
within its clause. Clause borders are punctuation and words like "maar" and "want".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.language import get_nlp, normalize

# Words that flip what a phrase says when they stand in the same clause.
NEGATORS = frozenset(
    {
        "niet",
        "nie",
        "geen",
        "gn",
        "nooit",
        "nauwelijks",
        "zelden",
        "amper",
        "nergens",
        "niemand",
        "niks",
        "niets",
        "nimmer",
        "weinig",
        "onvoldoende",
    }
)
# Two-word expressions: negation (strong or weak) or merely hedging.
_NEG_BIGRAMS = {
    ("niet", "echt"): "negation",
    ("eigenlijk", "nooit"): "negation",
    ("eigenlijk", "niet"): "negation",
    ("bijna", "nooit"): "negation",
    ("haast", "nooit"): "negation",
    ("bijna", "niet"): "negation",
    ("niet", "altijd"): "hedge",
    ("niet", "iedereen"): "hedge",
    ("niet", "overal"): "hedge",
    ("niet", "alles"): "hedge",
    ("niet", "alleen"): "ignore",
    ("niet", "zomaar"): "ignore",
    ("geen", "probleem"): "ignore",
    ("geen", "punt"): "ignore",
    ("af", "en"): "hedge",  # "af en toe"
    ("wel", "eens"): "hedge",
    ("een", "beetje"): "hedge",
    ("best", "wel"): "ignore",
    ("niet", "meer"): "negation",
}
HEDGES = frozenset(
    {
        "soms",
        "beetje",
        "redelijk",
        "weleens",
        "misschien",
        "enigszins",
        "deels",
        "gedeeltelijk",
        "matig",
        "wisselend",
        "sporadisch",
        "incidenteel",
        "mwah",
        "mwa",
        "half",
    }
)
# Words that end a clause for negation scope (besides punctuation).
CLAUSE_BREAKS = frozenset({"maar", "want", "en", "dus", "terwijl", "alleen", "toch", "behalve"})
# Words that start a subordinate clause: they end negation scope but phrases may span them.
SCOPE_BREAKS = frozenset(
    {"als", "omdat", "wanneer", "zodat", "zodra", "voordat", "nadat", "tenzij"}
)

# Prefixes of Dutch separable verbs ("meelopen" -> "lopen ... mee").
_PARTICLES = (
    "mee",
    "samen",
    "terug",
    "door",
    "voor",
    "over",
    "uit",
    "aan",
    "af",
    "bij",
    "in",
    "op",
    "toe",
    "weg",
)
_SUFFIXES = ("'s", "ende", "en", "es", "de", "te", "s", "t", "d", "e")
_DOUBLE = re.compile(r"([aeiou])\1|([b-df-hj-np-tv-z])\2")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """Crude Dutch stem so 'leert', 'leren', 'geleerd' and 'werkt', 'gewerkt' meet."""
    w = word
    if w.startswith("ge") and len(w) > 6 and w[-1] in "dt":
        w = w[2:]
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    return _DOUBLE.sub(lambda m: m.group(1) or m.group(2), w)


@lru_cache(maxsize=200000)
def one_typo_apart(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion or swap of letters,
    or (for words of 7+ letters) one substituted letter. Short words with one letter
    replaced are too often other real words ("vieren" / "voeren"); the first letter is
    never the typo.

    The project's one typo rule: phrase matching here, sector words (:mod:`bot.sectors`)
    and place names (:mod:`bot.regions.places`) all use it."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1 or a[0] != b[0]:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return la >= 7
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


@dataclass(frozen=True)
class Word:
    """One text word with the forms a pattern may match on."""

    text: str
    lemma: str
    stem: str
    is_break: bool  # punctuation or a clause-breaking conjunction
    is_scope_break: bool = False  # starts a subordinate clause (ends negation scope only)


@dataclass(frozen=True)
class Doc:
    """A text analysed once for matching."""

    text: str
    words: tuple[Word, ...]


@lru_cache(maxsize=2048)
def analyse(text: str) -> Doc:
    """Tokenise and lemmatise ``text`` (cached)."""
    nlp = get_nlp()
    words: list[Word] = []
    for tok in nlp(normalize(text)):
        if tok.is_space:
            continue
        surface = tok.text
        if tok.is_punct:
            words.append(Word(surface, surface, surface, True))
            continue
        lemma = normalize(tok.lemma_ or surface)
        words.append(
            Word(surface, lemma, stem(surface), surface in CLAUSE_BREAKS, surface in SCOPE_BREAKS)
        )
    return Doc(text, tuple(words))


@dataclass(frozen=True)
class Slot:
    """One position of a pattern: alternatives, each possibly with wildcards."""

    alternatives: tuple[str, ...]

    def matches(self, word: Word) -> bool:
        if word.is_break and word.text not in self.alternatives:
            return False
        return _slot_matches(self.alternatives, word.text, word.lemma, word.stem)


@lru_cache(maxsize=500000)
def _slot_matches(alternatives: tuple[str, ...], text: str, lemma: str, word_stem: str) -> bool:
    return any(_alt_matches(alt, text, lemma, word_stem) for alt in alternatives)


def _alt_matches(alt: str, text: str, lemma: str, word_stem: str) -> bool:
    forms = (text, lemma)
    if alt.startswith("*") and alt.endswith("*") and len(alt) > 2:
        core = alt[1:-1]
        return any(core in f for f in forms)
    if alt.endswith("*"):
        core = alt[:-1]
        return any(f.startswith(core) for f in forms)
    if alt.startswith("*"):
        core = alt[1:]
        return any(f.endswith(core) for f in forms)
    if alt in forms:
        return True
    if len(alt) >= 4 and len(word_stem) >= 3 and stem(alt) == word_stem:
        return True
    return len(alt) >= 5 and len(text) >= 5 and one_typo_apart(alt, text)


@dataclass(frozen=True)
class Pattern:
    """A compiled phrase; ``variants`` holds the slot lists that count as the phrase."""

    raw: str
    variants: tuple[tuple[Slot, ...], ...]
    has_negator: bool


_SLOT_OK = re.compile(r"^\*?[a-z0-9'\-]+\*?$")


class PatternError(ValueError):
    """A pattern cannot be compiled; the message says why."""


@lru_cache(maxsize=8192)
def compile_pattern(raw: str) -> Pattern:
    """Compile a phrase like ``"loop* mee|meeloop*"``; raise PatternError when malformed."""
    text = normalize(raw)
    if not text:
        raise PatternError("empty pattern")
    slots: list[Slot] = []
    for part in text.split(" "):
        alts = tuple(a for a in part.split("|"))
        for alt in alts:
            if not _SLOT_OK.match(alt) or alt in {"*", "**"}:
                raise PatternError(
                    f"word {alt!r} in pattern {raw!r}: use letters, '|' between alternatives "
                    "and '*' only at the start or end"
                )
        slots.append(Slot(alts))
    variants = [tuple(slots)]
    # Separable verbs: a single-slot "meelopen" also matches "lopen ... mee".
    if len(slots) == 1:
        for alt in slots[0].alternatives:
            core = alt.rstrip("*")
            for particle in _PARTICLES:
                rest = core[len(particle) :]
                # Only verbs split ("meelopen", "uitleggen"), not nouns ("uitdaging").
                is_verb = alt.endswith("*") or core.endswith("en")
                if (
                    core.startswith(particle)
                    and len(rest) >= 4
                    and is_verb
                    and not alt.startswith("*")
                ):
                    rest_alt = rest + ("*" if alt.endswith("*") else "")
                    variants.append((Slot((particle,)), Slot((rest_alt,))))
                    break
    has_negator = any(a.strip("*") in NEGATORS for s in slots for a in s.alternatives)
    return Pattern(raw, tuple(variants), has_negator)


@dataclass(frozen=True)
class Match:
    """Where a pattern was found: the word positions it used and how it was qualified."""

    pattern: str
    positions: tuple[int, ...]
    snippet: str
    negated: bool
    hedged: bool


def _window(n_slots: int) -> int:
    return n_slots + 5


def _find_variant(slots: Sequence[Slot], doc: Doc) -> tuple[int, ...] | None:
    words = doc.words
    candidates = []
    for slot in slots:
        found = [i for i, w in enumerate(words) if slot.matches(w)]
        if not found:
            return None
        candidates.append(found)
    window = _window(len(slots))
    for start in candidates[0]:
        chosen = [start]
        ok = True
        for cands in candidates[1:]:
            lo, hi = min(chosen), max(chosen)
            best = next(
                (
                    i
                    for i in cands
                    if i not in chosen
                    and max(hi, i) - min(lo, i) < window
                    and not _break_between(words, min(lo, i), max(hi, i), chosen)
                ),
                None,
            )
            if best is None:
                ok = False
                break
            chosen.append(best)
        if ok:
            return tuple(sorted(chosen))
    return None


def _break_between(words: Sequence[Word], lo: int, hi: int, used: Sequence[int] = ()) -> bool:
    return any(words[k].is_break and k not in used for k in range(lo + 1, hi))


def _clause(words: Sequence[Word], positions: tuple[int, ...]) -> tuple[int, int]:
    """Negation scope around a match: up to 6 words before and 6 after, within the clause."""
    lo, hi = positions[0], positions[-1]
    while lo > 0 and not words[lo - 1].is_break and positions[0] - lo < 6:
        if words[lo - 1].is_scope_break:
            lo -= 1  # "als" itself belongs to the clause it opens
            break
        lo -= 1
    while (
        hi < len(words) - 1
        and not words[hi + 1].is_break
        and not words[hi + 1].is_scope_break
        and hi - positions[-1] < 6
    ):
        hi += 1
    return lo, hi


def qualify(doc: Doc, positions: tuple[int, ...], skip_negators: bool) -> tuple[bool, bool]:
    """(negated, hedged) for a match at ``positions`` within its clause."""
    words = doc.words
    lo, hi = _clause(words, positions)
    negated = hedged = False
    used: set[int] = set(positions)
    for k in range(lo, hi):
        pair = (words[k].text, words[k + 1].text)
        kind = _NEG_BIGRAMS.get(pair)
        if kind is None or k in used or k + 1 in used:
            continue
        used.update((k, k + 1))
        if kind == "negation":
            negated = True
        elif kind == "hedge":
            hedged = True
    for k in range(lo, hi + 1):
        if k in used:
            continue
        text = words[k].text
        if text in NEGATORS and not skip_negators:
            negated = True
        elif text in HEDGES:
            hedged = True
    return negated, hedged


def find(pattern: Pattern | str, doc: Doc | str) -> Match | None:
    """First occurrence of ``pattern`` in ``doc`` with its negation and hedging, or None."""
    if isinstance(pattern, str):
        pattern = compile_pattern(pattern)
    if isinstance(doc, str):
        doc = analyse(doc)
    for slots in pattern.variants:
        positions = _find_variant(slots, doc)
        if positions is None:
            continue
        negated, hedged = qualify(doc, positions, skip_negators=pattern.has_negator)
        lo, hi = _clause(doc.words, positions)
        snippet = " ".join(
            w.text for w in doc.words[lo : hi + 1] if not w.is_break or w.text.isalpha()
        )
        return Match(pattern.raw, positions, snippet, negated, hedged)
    return None


def find_all(patterns: Iterable[Pattern | str], doc: Doc | str) -> list[Match]:
    """Every pattern that occurs in ``doc`` (at most one match per pattern)."""
    if isinstance(doc, str):
        doc = analyse(doc)
    out = []
    for p in patterns:
        m = find(p, doc)
        if m is not None:
            out.append(m)
    return out
