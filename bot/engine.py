"""Scoring engine: pure functions that turn a conversation into a learning-culture profile.

Inputs are the entrepreneur's themes and answers (buttons or free text); outputs
are a :class:`Profile` (score, level, evidence and confidence per dimension),
ranked levers with first steps that fit the firm's size, strengths in plain
Dutch, and the next question to ask.

How evidence combines: every answer gives, per dimension, a pull up (score above
50) or down (below 50) of strength ``|score - 50| / 50`` times the question's
weight. Pulls in one direction combine as "strongest plus a quarter of the rest
of the way" (:func:`_combine`), so a second positive answer never lowers a
dimension and three lukewarm answers do not add up to "sterk".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.framework import Framework, Question, Step
from bot.headcount import size_class
from bot.language import normalize
from bot.signals import analyse, find_all

LEVEL_STRONG = "sterk"
LEVEL_ON_THE_WAY = "op weg"
LEVEL_ATTENTION = "aandachtspunt"
LEVEL_UNKNOWN = "onbekend"

STRONG_FROM = 70  # score >= 70: sterk
ON_THE_WAY_FROM = 45  # 45..69: op weg; below: aandachtspunt
COVERED_FROM = 0.6  # confidence at which a dimension counts as known enough
OTHER_DIMENSIONS_SHARE = 0.25  # weight of a dimension the themes do not point at, for asking

BUTTON_CONFIDENCE = 0.65  # one button answer with full weight
TEXT_MATCH_CONFIDENCE = 0.35  # one free-text signal
DIRECT_WEIGHT = 0.7  # a question this much about a dimension speaks about it directly
_REST_SHARE = 0.25


@dataclass(frozen=True)
class Answer:
    """One reply: a button (``option_id``), free ``text``, or a skipped question."""

    question_id: str
    option_id: str | None = None
    text: str | None = None
    skipped: bool = False


@dataclass(frozen=True)
class SignalHit:
    """What free text says about one dimension."""

    dimension_id: str
    score: int  # 0..100, 50 = mixed
    polarity: str  # 'positive' | 'negative' | 'mixed'
    matches: tuple[str, ...]  # clause snippets that triggered it
    confidence: float


@dataclass(frozen=True)
class Said:
    """Something the entrepreneur said or chose that speaks directly about a dimension."""

    kind: str  # 'button' (a chosen answer) | 'words' (their own words)
    quote: str  # the button's label, or the words as typed
    positive: bool


@dataclass(frozen=True)
class DimensionScore:
    dimension_id: str
    score: int | None
    level: str
    evidence: list[str] = field(default_factory=list)
    confidence: float = 0.0
    # What the entrepreneur said or chose about this dimension itself: a button of a
    # question mainly about it (weight >= DIRECT_WEIGHT) or their own words read for it.
    # Only this may be claimed back to them as a strength or a weakness.
    said: tuple[Said, ...] = ()


@dataclass(frozen=True)
class Profile:
    """Scores per dimension (every framework dimension is present, in framework order)."""

    dimensions: dict[str, DimensionScore]
    themes: tuple[str, ...] = ()
    company_size: int | None = None

    def known(self) -> list[DimensionScore]:
        return [d for d in self.dimensions.values() if d.score is not None]

    def to_dict(self) -> dict:
        return {
            "themes": list(self.themes),
            "company_size": self.company_size,
            "dimensions": {
                k: {
                    "score": d.score,
                    "level": d.level,
                    "evidence": list(d.evidence),
                    "confidence": round(d.confidence, 2),
                }
                for k, d in self.dimensions.items()
            },
        }


@dataclass(frozen=True)
class LeverAdvice:
    lever_id: str
    label: str
    reason: str
    steps: list[Step]


# --------------------------------------------------------------------------- helpers


def _combine(strengths: Iterable[float]) -> float:
    """Strongest pull plus a quarter of the rest, capped: monotone, in [0, 1]."""
    values = sorted((min(1.0, max(0.0, s)) for s in strengths), reverse=True)
    if not values:
        return 0.0
    top, rest = values[0], min(1.0, sum(values[1:]))
    return min(1.0, top + _REST_SHARE * (1 - top) * rest)


def _noisy_or(values: Iterable[float]) -> float:
    remaining = 1.0
    for v in values:
        remaining *= 1 - min(1.0, max(0.0, v))
    return 1 - remaining


def level_for(score: int | None) -> str:
    """Dutch level word for a score."""
    if score is None:
        return LEVEL_UNKNOWN
    if score >= STRONG_FROM:
        return LEVEL_STRONG
    if score >= ON_THE_WAY_FROM:
        return LEVEL_ON_THE_WAY
    return LEVEL_ATTENTION


@dataclass
class _Evidence:
    pulls: list[float] = field(default_factory=list)  # signed, -1..1
    confidences: list[float] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    said: list[Said] = field(default_factory=list)

    def add(
        self, score: float, weight: float, confidence: float, quote: str, said: Said | None = None
    ) -> None:
        self.pulls.append((score - 50) / 50 * weight)
        self.confidences.append(confidence * weight)
        if quote not in self.quotes:
            self.quotes.append(quote)
        if said is not None and weight >= DIRECT_WEIGHT and said not in self.said:
            self.said.append(said)

    def score(self) -> int | None:
        if not self.pulls:
            return None
        up = _combine(p for p in self.pulls if p > 0)
        down = _combine(-p for p in self.pulls if p < 0)
        return max(0, min(100, round(50 + 50 * (up - down))))


# --------------------------------------------------------------------------- free text


def score_text(
    fw: Framework, text: str, dimensions: Iterable[str] | None = None
) -> dict[str, SignalHit]:
    """What ``text`` says about each dimension, from the framework's signal phrases.

    A positive phrase that is negated ("ze lopen niet mee") counts against; a
    negative phrase that is negated ("fouten worden niet afgestraft") counts for.
    Hedging ("soms", "een beetje") halves the strength.
    """
    if not text or not text.strip():
        return {}
    doc = analyse(text)
    wanted = list(dimensions) if dimensions is not None else list(fw.dimensions)
    hits: dict[str, SignalHit] = {}
    for dim_id in wanted:
        dim = fw.dimensions.get(dim_id)
        if dim is None:
            continue
        pulls: list[float] = []
        snippets: list[str] = []
        for sign, patterns in ((1, dim.positive), (-1, dim.negative)):
            for m in find_all(patterns, doc):
                direction = -sign if m.negated else sign
                # Longer phrases are more specific, so more reliable than one word.
                strength = min(0.9, 0.6 + 0.1 * (len(m.positions) - 1))
                if m.negated:
                    strength *= 0.85
                if m.hedged:
                    strength *= 0.5
                pulls.append(direction * strength)
                if m.snippet not in snippets:
                    snippets.append(m.snippet)
        if not pulls:
            continue
        up = _combine(p for p in pulls if p > 0)
        down = _combine(-p for p in pulls if p < 0)
        score = max(0, min(100, round(50 + 50 * (up - down))))
        polarity = "positive" if score > 50 else "negative" if score < 50 else "mixed"
        confidence = _noisy_or([TEXT_MATCH_CONFIDENCE] * len(pulls))
        hits[dim_id] = SignalHit(dim_id, score, polarity, tuple(snippets), round(confidence, 3))
    return hits


def detect_themes(fw: Framework, text: str) -> list[str]:
    """Theme ids mentioned in ``text``, strongest first (more distinct phrases = stronger)."""
    if not text or not text.strip():
        return []
    doc = analyse(text)
    strength: dict[str, float] = {}
    for theme in fw.themes.values():
        matches = find_all(theme.patterns, doc)
        if matches:
            # Longer phrases are more specific than a single word.
            strength[theme.id] = sum(1 + 0.5 * (len(m.positions) - 1) for m in matches)
    order = list(fw.themes)
    return sorted(strength, key=lambda t: (-strength[t], order.index(t)))


def match_option(question: Question, text: str) -> str | None:
    """Option id when free text is just a button's label or one of its ``also`` replies."""
    said = normalize(text).strip(" .!?")
    if not said:
        return None
    for opt in question.options:
        if said == normalize(opt.label).strip(" .!?") or said in {normalize(a) for a in opt.also}:
            return opt.id
    return None


# --------------------------------------------------------------------------- profile


def _question_map(
    fw: Framework, questions: Mapping[str, Question] | Sequence[Question] | None
) -> dict[str, Question]:
    if questions is None:
        return dict(fw.questions)
    if isinstance(questions, Mapping):
        return dict(questions)
    return {q.id: q for q in questions}


# Reads a free-text answer: (framework, text, the asked question's main dimension or None)
# -> what it says per dimension. The default is the framework's phrase signals; the app
# passes bot.understanding.service.score_answer (phrases plus the classifiers).
TextReader = Callable[[Framework, str, "str | None"], Mapping[str, SignalHit]]


def read_by_phrases(fw: Framework, text: str, asked: str | None = None) -> Mapping[str, SignalHit]:
    return score_text(fw, text)


def main_dimension(question: Question | None) -> str | None:
    """The dimension a question is mostly about (its highest weight)."""
    if question is None or not question.dimensions:
        return None
    return max(question.dimensions, key=lambda d: question.dimensions[d])


def score_profile(
    fw: Framework,
    themes: Sequence[str],
    answers: Sequence[Answer],
    company_size: int | None = None,
    questions: Mapping[str, Question] | Sequence[Question] | None = None,
    read_text: TextReader = read_by_phrases,
) -> Profile:
    """Combine all answers into a score, level, evidence and confidence per dimension.

    A dimension nobody said anything about stays ``onbekend`` with score None.
    Answers to unknown questions or options are ignored (a region may have changed
    its questions mid-conversation); free text is scored on every dimension.
    """
    qmap = _question_map(fw, questions)
    evidence: dict[str, _Evidence] = {d: _Evidence() for d in fw.dimensions}
    for ans in answers:
        if ans.skipped:
            continue
        q = qmap.get(ans.question_id)
        option_id = ans.option_id
        if option_id is None and ans.text and q is not None:
            option_id = match_option(q, ans.text)
        if q is not None and option_id is not None:
            opt = q.option(option_id)
            if opt is not None:
                for dim_id, value in opt.scores.items():
                    if dim_id in evidence:
                        quote = f"{q.text} → {opt.label}"
                        chosen = Said("button", opt.label, value >= 50)
                        evidence[dim_id].add(
                            value, q.dimensions.get(dim_id, 1.0), BUTTON_CONFIDENCE, quote, chosen
                        )
                if ans.text is None or match_option(q, ans.text) == option_id:
                    continue
        if ans.text:
            for dim_id, hit in read_text(fw, ans.text, main_dimension(q)).items():
                words = Said("words", ans.text.strip(), hit.score > 50)
                evidence[dim_id].add(hit.score, 1.0, hit.confidence, ans.text.strip(), words)
    dims: dict[str, DimensionScore] = {}
    for dim_id, ev in evidence.items():
        score = ev.score()
        confidence = round(_noisy_or(ev.confidences), 3) if score is not None else 0.0
        dims[dim_id] = DimensionScore(
            dim_id,
            score,
            level_for(score),
            list(ev.quotes) if score is not None else [],
            confidence,
            tuple(ev.said) if score is not None else (),
        )
    return Profile(dims, tuple(t for t in themes if t in fw.themes), company_size)


# --------------------------------------------------------------------------- relevance


def relevance(fw: Framework, themes: Sequence[str]) -> dict[str, float]:
    """How much each dimension matters for these themes, scaled so the top one is 1.0.

    Without (known) themes the dimensions' ``default_weight`` is used.
    """
    raw = {d: 0.0 for d in fw.dimensions}
    known = [t for t in themes if t in fw.themes]
    if known:
        for t in known:
            for d, w in fw.themes[t].dimensions.items():
                raw[d] += w
    else:
        raw = {d: dim.default_weight for d, dim in fw.dimensions.items()}
    top = max(raw.values(), default=0.0)
    return {d: (v / top if top else 0.0) for d, v in raw.items()}


# --------------------------------------------------------------------------- levers


def rank_levers(
    fw: Framework,
    profile: Profile,
    themes: Sequence[str],
    company_size: int | None = None,
    n: int = 3,
    steps_per_lever: int = 2,
) -> list[LeverAdvice]:
    """The ``n`` levers that promise most for this firm, each with a reason and fitting steps.

    A lever scores by the dimensions it works on: weight x relevance for the
    themes x room for improvement (100 - score; unknown counts as half).
    """
    rel = relevance(fw, themes or profile.themes)
    size = size_class(company_size if company_size is not None else profile.company_size)
    ranked: list[tuple[float, int, str, str]] = []
    for order, lever in enumerate(fw.levers.values()):
        total = 0.0
        driver, driver_value = None, -1.0
        for dim_id, w in lever.dimensions.items():
            ds = profile.dimensions.get(dim_id)
            need = 0.5 if ds is None or ds.score is None else (100 - ds.score) / 100
            value = w * (0.25 + rel.get(dim_id, 0.0)) * need
            total += value
            if value > driver_value:
                driver, driver_value = dim_id, value
        ranked.append((total, -order, lever.id, driver or ""))
    ranked.sort(reverse=True)
    out = []
    used: set[str] = set()  # what earlier reasons referred to: each lever gets its own
    for _, _, lever_id, driver in ranked[:n]:
        lever = fw.levers[lever_id]
        steps = [s for s in lever.steps if size is None or size in s.sizes] or list(lever.steps)
        out.append(
            LeverAdvice(
                lever.id,
                lever.label,
                _reason(fw, profile, themes, lever_id, driver, used),
                steps[:steps_per_lever],
            )
        )
    return out


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _reason(
    fw: Framework,
    profile: Profile,
    themes: Sequence[str],
    lever_id: str,
    driver: str,
    used: set[str] | None = None,
) -> str:
    """Why this lever: a weakness the entrepreneur showed (their words or choice), else
    the worry they told; never one an earlier lever's reason already named."""
    used = set() if used is None else used
    lever = fw.levers[lever_id]
    why = _lower_first(lever.why.rstrip("."))
    # The weakest dimension this lever works on that the entrepreneur spoke about.
    weak = [
        (ds, ds.score)
        for ds in (profile.dimensions[d] for d in lever.dimensions if d in profile.dimensions)
        if ds.score is not None
        and ds.level != LEVEL_STRONG
        and any(not s.positive for s in ds.said)
        and ds.dimension_id not in used
    ]
    if weak:
        worst, _ = max(
            weak, key=lambda pair: lever.dimensions[pair[0].dimension_id] * (100 - pair[1])
        )
        used.add(worst.dimension_id)
        return f"Je gaf aan dat {fw.dimensions[worst.dimension_id].weak_phrase.rstrip('.')}: {why}."
    known_themes = [t for t in (themes or profile.themes) if t in fw.themes and t not in used]
    if known_themes:
        best = max(known_themes, key=lambda t: fw.themes[t].dimensions.get(driver, 0.0))
        used.add(best)
        return f"Past bij wat je vertelde over {fw.themes[best].about}: {why}."
    return f"{lever.why.rstrip('.')}."


def strong_points(profile: Profile) -> list[tuple[DimensionScore, Said]]:
    """Dimensions scored 'sterk' that the entrepreneur's own words or choice back up,
    best first, each with the positive thing they said. A score from a side effect of
    another question (a button mainly about something else) is never claimed."""
    out = []
    for d in sorted(profile.dimensions.values(), key=lambda d: -(d.score or 0)):
        backing = [s for s in d.said if s.positive]
        if d.level == LEVEL_STRONG and backing:
            out.append((d, backing[0]))
    return out


def strengths(fw: Framework, profile: Profile) -> list[str]:
    """Dutch sentences on what already goes well, only where the entrepreneur said so."""
    return [fw.dimensions[d.dimension_id].strong_text for d, _ in strong_points(profile)]


# --------------------------------------------------------------------------- next question


def next_question(
    fw: Framework,
    themes: Sequence[str],
    answers: Sequence[Answer],
    max_questions: int = 7,
    questions: Sequence[Question] | Mapping[str, Question] | None = None,
    read_text: TextReader = read_by_phrases,
) -> str | None:
    """Id of the question that most reduces uncertainty where it matters; None when done.

    Value of a question = sum over the dimensions it informs of (its weight x how much
    the dimension matters for the themes, at least ``OTHER_DIMENSIONS_SHARE`` x remaining
    uncertainty). Questions already answered or skipped are never asked again, and one
    about a dimension already known only when none about an unknown one is left. Done when
    ``max_questions`` were asked, or when every dimension is known well enough.
    """
    qmap = _question_map(fw, questions)
    asked = {a.question_id for a in answers if a.question_id in qmap}  # not the opening
    if len(asked) >= max_questions:
        return None
    rel = relevance(fw, themes)
    profile = score_profile(fw, themes, answers, questions=qmap, read_text=read_text)
    uncertainty = {d: 1.0 - ds.confidence for d, ds in profile.dimensions.items()}
    if all(ds.confidence >= COVERED_FROM for ds in profile.dimensions.values()):
        return None
    # What matters for the themes comes first; the rest is still worth a question, since
    # the coach's first call starts from the whole picture (``OTHER_DIMENSIONS_SHARE``).
    weight = {d: OTHER_DIMENSIONS_SHARE + (1 - OTHER_DIMENSIONS_SHARE) * r for d, r in rel.items()}

    # A question about a dimension already known is asked only when no question about an
    # unknown one is left: an owner answers what a question is mostly about, so a second
    # question on the same thing tells the coach less than a first one on another.
    def known(q: Question) -> bool:
        ds = profile.dimensions.get(main_dimension(q) or "")
        return ds is not None and ds.confidence >= COVERED_FROM

    open_questions = [q for q in qmap.values() if q.id not in asked]
    fresh = [q for q in open_questions if not known(q)]
    best_id, best_value = None, 0.0
    for q in fresh or open_questions:
        value = sum(
            w * weight.get(d, 0.0) * uncertainty.get(d, 0.0) for d, w in q.dimensions.items()
        )
        if value > best_value + 1e-9:
            best_id, best_value = q.id, value
    return best_id
