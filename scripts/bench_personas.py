"""Persona benchmark: the held-out entrepreneurs of ``tests/heldout/personas.yml`` played
over the real Rasa and action servers, and the levels the bot gives compared with the gold.

    .venv/bin/python scripts/bench_personas.py [--record] [--no-gate] [--only p01,p02] [--workers 2]

How a persona talks (the file is never changed; nothing is tuned on it):
- It opens with its ``opening``.
- The first company question (size, sector or place) gets its ``says`` sentence; a company
  question asked after that gets the one fact (``size``, ``sector``, ``place``). A place in
  two regions: the region button whose name occurs in the persona's own words (else the
  first region button).
- Which dimension a question is about is read from the bot's state, not from its wording:
  the tracker's ``requested_slot`` (Rasa's HTTP API) is the open question's id, looked up in
  the framework's question file (plus the region's own questions) for its ``dimensions``
  weights. The persona types its free text for the question's main dimension (highest
  weight, as ``bot.engine.main_dimension``); when it told that one already, the next
  dimension of the question weighing 0.5 or more that it has not told, else the main one
  again. Buttons are never clicked for these questions: a persona types.
- Not understood and asked for its theme, it clicks the button of its first gold theme
  (flagged: the opening's themes are measured before that).
- Consent: the "Ja" button; made-up name, company and e-mail; "versturen" on the readback.
  Where the region has no coach (the national fallback) the bot says so and asks about
  another place: the persona clicks "Nee".

Levels come from the real servers: the coach profile that arrives at the webhook receiver,
or, without a coach, the chart's alt text in the summary (it names each dimension's level).
Both are read when both exist and must agree. Scores and evidence of a conversation without
a profile are recomputed from its tracker slots with ``bot.app.advice`` (diagnostics only).

Measured: coverage (rated gold levels / all gold levels, rated = sterk, op weg or
aandachtspunt), accuracy of the rated levels with the confusion table, dimension questions
per persona (company questions not counted), strengths claimed without a real quote
("(Je vertelde: “…”)" of something the persona typed, "(Je koos: “…”)" of a button it
clicked), and the themes found in the opening against the gold themes.

Writes results/personas.md and .json with transcripts (with --record also docs/benchmarks/,
without them); prints the
gates and exits 1 when one fails (0 with --no-gate).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.stack import image_of, profile_bodies, rest_talk, tracker_slots  # noqa: E402

PERSONAS = ROOT / "tests" / "heldout" / "personas.yml"
REPORT = ROOT / "results" / "personas.md"
RECORDED = ROOT / "docs" / "benchmarks" / "personas.md"
MAX_TURNS = 40
PROFILE_WAIT_SECONDS = 60

RATED = ("sterk", "op_weg", "aandachtspunt")  # gold vocabulary; "op weg" in the bot's words
UNRATED = "onbekend"
STEP = {"aandachtspunt": 0, "op_weg": 1, "sterk": 2}
GATES = (  # (measure, comparison, limit)
    ("coverage", ">=", 0.80),
    ("accuracy", ">=", 0.90),
    ("median_intake_questions", "<=", 6),
    ("unbacked_strengths", "<=", 0),
)
COMPANY_SLOTS = ("company_size", "sector", "location")
SECOND_DIMENSION_FROM = 0.5
NAMES = ["Sanne de Boer", "Mark Jansen", "Fatima El Amrani", "Joost Visser", "Ingrid Smit"]
QUOTE = re.compile(r"\((Je vertelde|Je koos): “(.*?)”\)")


# --------------------------------------------------------------------------- pure scoring


def normalise(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def level_id(text: str | None) -> str:
    """The gold vocabulary for a level as the bot writes it ("op weg" -> "op_weg");
    anything that is not a rating ("onbekend", "nog onbekend", None) is ``onbekend``."""
    key = normalise(text).lower().replace(" ", "_")
    return key if key in RATED else UNRATED


def coverage(pairs: Sequence[tuple[str, str]]) -> float:
    """Share of (gold, bot) level pairs that the bot rated at all."""
    if not pairs:
        return 0.0
    return sum(got in RATED for _, got in pairs) / len(pairs)


def accuracy(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Share of the rated levels that equal the gold; None when nothing was rated."""
    rated = [(gold, got) for gold, got in pairs if got in RATED]
    if not rated:
        return None
    return sum(gold == got for gold, got in rated) / len(rated)


def confusion(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """Counts per gold level (rows) and bot level (columns, ``onbekend`` included)."""
    table = {gold: {got: 0 for got in (*RATED, UNRATED)} for gold in RATED}
    for gold, got in pairs:
        table[gold][got if got in RATED else UNRATED] += 1
    return table


def error_steps(pairs: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Wrong rated levels by distance: one step (adjacent levels) or two (sterk vs aandachtspunt)."""
    out = {"adjacent": 0, "two_steps": 0}
    for gold, got in pairs:
        if got in RATED and got != gold:
            out["adjacent" if abs(STEP[gold] - STEP[got]) == 1 else "two_steps"] += 1
    return out


def quotes_in(line: str) -> list[tuple[str, str]]:
    """The quotes behind a claim: ("words" | "button", quoted text)."""
    return [
        ("button" if kind == "Je koos" else "words", text) for kind, text in QUOTE.findall(line)
    ]


def _occurs_in(fragment: str, text: str) -> bool:
    """``fragment`` occurs in ``text`` on word boundaries (whitespace and case ignored); a
    fragment cut short with "…" may end inside a word."""
    fragment, text = normalise(fragment).lower(), normalise(text).lower()
    cut = fragment.endswith("…")
    fragment = fragment.rstrip("…").rstrip()
    if not fragment:
        return False
    end = "" if cut else r"(?!\w)"
    return re.search(rf"(?<!\w){re.escape(fragment)}{end}", text) is not None


def quote_backed(kind: str, quote: str, typed: Sequence[str], clicked: Sequence[str]) -> bool:
    """True when the quote is really the persona's: words it typed (a quote cut short with
    "…" counts up to the cut), or the title of a button it clicked."""
    text = normalise(quote)
    if not text.rstrip("…").strip():
        return False
    if kind == "button" and any(normalise(c).lower() == text.lower() for c in clicked):
        return True
    return any(_occurs_in(text, t) for t in typed)


def unbacked_strengths(
    lines: Sequence[str], typed: Sequence[str], clicked: Sequence[str]
) -> list[dict[str, str]]:
    """Every claimed strength without a quote, or with a quote the persona never typed or clicked."""
    out = []
    for line in lines:
        quotes = quotes_in(line)
        if not quotes:
            out.append({"line": line, "reason": "no quote"})
            continue
        for kind, quote in quotes:
            if not quote_backed(kind, quote, typed, clicked):
                out.append({"line": line, "reason": f"not typed or clicked: {quote!r}"})
    return out


def levels_from_alt(alt: str, dimension_of_label: dict[str, str]) -> dict[str, str]:
    """Levels per dimension id from the chart's alt text ("Title. Label: level; Label: level.")."""
    _, _, body = alt.partition(". ")
    out = {}
    for part in body.rstrip(".").split(";"):
        label, _, level = part.partition(":")
        dim = dimension_of_label.get(normalise(label))
        if dim:
            out[dim] = level_id(level)
    return out


def theme_counts(gold: Iterable[str], found: Iterable[str]) -> dict[str, int]:
    gold_set, found_set = set(gold), set(found)
    return {
        "right": len(gold_set & found_set),
        "extra": len(found_set - gold_set),
        "missed": len(gold_set - found_set),
    }


def fact_mismatches(
    expected: dict, got: dict, sector_id_of: Callable[[str], str | None]
) -> list[str]:
    """Company facts the bot holds that differ from what the persona is: the size; the sector
    when it is neither the one the bot's own sector list reads in the persona's sector word
    nor the one it reads in its ``says`` sentence; the place when it is not the persona's and
    not a name from its ``says`` sentence ("Achterhoek (Doetinchem)")."""
    out = []
    if got.get("company_size") != expected["size"]:
        out.append(f"size {got.get('company_size')!r}, is {expected['size']}")
    wanted = {sector_id_of(expected["sector"]), sector_id_of(expected["says"])} - {None}
    if wanted and sector_id_of(got.get("sector") or "") not in wanted:
        out.append(f"sector {got.get('sector')!r}, is {expected['sector']!r}")
    place = normalise(got.get("location"))
    if place.lower() != normalise(expected["place"]).lower() and not (
        place and _occurs_in(place, expected["says"])
    ):
        out.append(f"place {got.get('location')!r}, is {expected['place']!r}")
    return out


def gate_results(measured: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, op, limit in GATES:
        value = measured.get(name)
        ok = value is not None and (value >= limit if op == ">=" else value <= limit)
        rows.append({"measure": name, "value": value, "gate": f"{op} {limit}", "ok": ok})
    return rows


# --------------------------------------------------------------------------- the bot's data


@dataclass(frozen=True)
class BotData:
    """What the persona and the judge look up in the product's own files (read-only)."""

    question_dimensions: dict[str, dict[str, dict[str, float]]]  # region -> question -> weights
    fallback_region: str
    dimension_of_label: dict[str, str]
    dimension_of_strength: dict[str, str]  # strong_text -> dimension id
    strengths_titles: dict[str, str]  # region -> "Wat al goed gaat:"

    @classmethod
    def load(cls) -> BotData:
        from bot.framework import load_framework
        from bot.regions import effective_questions, effective_texts, load_regions

        fw = load_framework()
        regions = load_regions()
        questions, titles = {}, {}
        for region in regions.all():
            questions[region.id] = {
                q.id: dict(q.dimensions) for q in effective_questions(region, fw)
            }
            titles[region.id] = effective_texts(region, fw.texts).get(
                "summary.strengths_title", fw.texts["summary.strengths_title"]
            )
        return cls(
            questions,
            regions.fallback.id,
            {d.label: d.id for d in fw.dimensions.values()},
            {d.strong_text: d.id for d in fw.dimensions.values()},
            titles,
        )

    def dimensions_of(self, region: str | None, question_id: str) -> dict[str, float]:
        by_region = self.question_dimensions.get(region or "") or self.question_dimensions.get(
            self.fallback_region, {}
        )
        return by_region.get(question_id, {})

    def strength_dimension(self, line: str) -> str | None:
        text = line.lstrip("• ").strip()
        for strong_text, dim in self.dimension_of_strength.items():
            if text.startswith(strong_text):
                return dim
        return None


def answer_dimension(weights: dict[str, float], told: Iterable[str]) -> str | None:
    """The dimension whose free text answers a question: its main one (highest weight, the
    first of equals, as ``bot.engine.main_dimension``); when told already, the next one of
    weight 0.5 or more not told yet; else the main one again."""
    if not weights:
        return None
    told = set(told)
    ranked = sorted(weights, key=lambda d: -weights[d])  # stable: first of equals stays first
    for dim in ranked:
        if dim not in told and (dim == ranked[0] or weights[dim] >= SECOND_DIMENSION_FROM):
            return dim
    return ranked[0]


# --------------------------------------------------------------------------- one persona


@dataclass
class Run:
    persona: dict
    sender: str
    turns: list[dict] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)
    clicked: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)  # dimension questions, in order, distinct
    reasked: int = 0
    told: dict[str, str] = field(default_factory=dict)  # dimension -> question it answered
    company_asked: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    themes_opening: list[str] = field(default_factory=list)
    summary: list[dict] = field(default_factory=list)
    alt: str = ""
    slots: dict = field(default_factory=dict)
    outcome: str = ""


class Player:
    def __init__(self, rasa_url: str, token: str, receiver, mails: list, data: BotData):
        self.rasa_url, self.token, self.data = rasa_url, token, data
        self.receiver, self.mails = receiver, mails  # the stack's webhook receiver and SMTP sink

    def slots(self, sender: str) -> dict:
        return tracker_slots(self.rasa_url, self.token, sender)

    def play(self, persona: dict, index: int) -> dict:
        run = Run(persona, f"persona-{persona['id']}-{uuid.uuid4().hex[:8]}")
        started = time.time()
        message: str | None = persona["opening"]
        replies: list[dict] = []
        previous_pending = None
        for turn in range(MAX_TURNS):
            if message is None:
                break
            if message.startswith("/"):
                title = next((b["title"] for b in _buttons(replies) if b["payload"] == message), "")
                run.clicked.append(title)
            else:
                run.typed.append(message)
            try:
                replies = rest_talk(self.rasa_url, run.sender, message)
                slots = self.slots(run.sender)
            except requests.RequestException as exc:
                run.flags.append(f"http error after {message[:40]!r}: {exc}")
                run.outcome = "http_error"
                break
            run.slots = slots
            dialogue = slots.get("dialogue") or {}
            pending = dialogue.get("pending")
            run.turns.append(
                {
                    "sent": message,
                    "bot": [r.get("text") or "" for r in replies if r.get("text")],
                    "pending": pending,
                    "phase": dialogue.get("phase"),
                }
            )
            if turn == 0:
                run.themes_opening = list(slots.get("themes") or [])
            if slots.get("summary_shown") and not run.summary:
                run.summary = replies
                run.alt = next((_alt_of(r) for r in replies if _alt_of(r)), "")
            if pending and pending.startswith("q_"):
                if pending == previous_pending:
                    run.reasked += 1
                elif pending not in run.asked:
                    run.asked.append(pending)
            if pending in COMPANY_SLOTS:
                run.company_asked.append(pending)
            previous_pending = pending
            message = self.next_message(run, replies, slots, dialogue, index)
        else:
            run.flags.append(f"no end after {MAX_TURNS} turns")
            run.outcome = run.outcome or "too_long"
        profile, via = (None, "")
        if run.outcome == "handed_off":
            profile, via = self.wait_for_profile(run.sender)
            if profile is None:
                run.flags.append(f"handed off, but no profile after {PROFILE_WAIT_SECONDS} s")
        result = judge(run, profile, self.data, round(time.time() - started, 1))
        result["profile_via"] = via
        return result

    def next_message(
        self, run: Run, replies: list[dict], slots: dict, dialogue: dict, index: int
    ) -> str | None:
        persona, company = run.persona, run.persona["company"]
        phase, pending = dialogue.get("phase"), dialogue.get("pending")
        payloads = [b["payload"] for b in _buttons(replies)]
        if dialogue.get("confirm"):
            run.flags.append(f"asked to confirm {dialogue['confirm']!r}; said no")
            return "/ontkennen"
        if phase == "handed_off":
            run.outcome = "handed_off"
            return None
        if phase == "stopped" or (phase == "advised" and not pending):
            run.outcome = "advised" if slots.get("summary_shown") else f"ended in {phase}"
            return None
        if pending in ("_opening", "themes"):
            run.flags.append(f"opening not understood: asked {pending!r}")
            wanted = [f'/vertellen{{"thema":"{t}"}}' for t in persona["themes"]]
            return next((p for p in wanted if p in payloads), "/weet_niet")
        if pending in COMPANY_SLOTS:
            if run.company_asked.count(pending) == 1 and len(run.company_asked) == 1:
                return company["says"]
            return {
                "company_size": str(company["size"]),
                "sector": company["sector"],
                "location": company["place"],
            }[pending]
        if pending == "region":
            return _region_button(persona, _buttons(replies))
        if pending and pending.startswith("q_"):
            weights = self.data.dimensions_of(slots.get("region"), pending)
            dim = answer_dimension(weights, run.told)
            if dim is None:
                run.flags.append(f"question {pending} not in the framework; skipped")
                return "/weet_niet"
            run.told.setdefault(dim, pending)
            return persona["answers"][dim]
        if pending == "consent":
            return "/bevestigen"
        if pending == "other_place":
            run.flags.append("no coach for this region")
            return "/ontkennen"
        if pending == "contact_name":
            return NAMES[index % len(NAMES)]
        if pending == "company_name":
            return f"{company['sector'].capitalize()} Voorbeeld"
        if pending == "contact_email":
            return f"{persona['id']}.eigenaar@voorbeeld-bedrijf.nl"
        if pending == "readback":
            return "/bevestigen"
        if pending in ("_contact_retry", "_new_place"):
            run.flags.append(f"unexpected {pending!r}")
            return "/ontkennen"
        run.flags.append(f"stuck: phase {phase!r}, pending {pending!r}")
        run.outcome = "stuck"
        return None

    def wait_for_profile(self, sender: str) -> tuple[dict | None, str]:
        """The coach profile of this conversation as it reached the region: at the webhook
        receiver, or (a region with only an e-mail address) as the coach e-mail's JSON attachment."""
        deadline = time.time() + PROFILE_WAIT_SECONDS
        while time.time() < deadline:
            for body in profile_bodies(self.receiver):
                if body["profile"].get("conversation_id") == sender:
                    return body["profile"], "webhook"
            for mail in list(self.mails):
                for profile in profiles_in_mail(mail["data"]):
                    if profile.get("conversation_id") == sender:
                        return profile, "mail"
            time.sleep(0.3)
        return None, ""


def profiles_in_mail(raw: bytes) -> list[dict]:
    """The profiles attached (as JSON) to one e-mail."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    out = []
    for part in message.walk():
        if part.get_content_type() == "application/json":
            try:
                data = json.loads(part.get_payload(decode=True))
            except ValueError:
                continue
            if isinstance(data, dict) and "dimensions" in data:
                out.append(data)
    return out


def _buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons") or []]


def _alt_of(reply: dict) -> str:
    if not image_of(reply):
        return ""
    custom = reply.get("custom") if isinstance(reply.get("custom"), dict) else {}
    data = custom.get("data") if isinstance(custom.get("data"), dict) else {}
    return data.get("alt") or reply.get("alt") or ""


def _region_button(persona: dict, buttons: list[dict]) -> str:
    regions = [b for b in buttons if '"regio"' in b["payload"]]
    words = normalise(
        " ".join([persona["opening"], persona["company"]["says"], *persona["answers"].values()])
    ).lower()
    for b in regions:
        if b["title"].lower() in words:
            return b["payload"]
    return regions[0]["payload"] if regions else "/weet_niet"


# --------------------------------------------------------------------------- judging one run


def judge(run: Run, profile: dict | None, data: BotData, seconds: float) -> dict:
    persona = run.persona
    from_alt = levels_from_alt(run.alt, data.dimension_of_label) if run.alt else {}
    from_profile = {d["id"]: level_id(d["level"]) for d in profile["dimensions"]} if profile else {}
    levels = from_profile or from_alt
    disagree = sorted(d for d in from_alt if from_profile and from_profile.get(d) != from_alt[d])
    if disagree:
        run.flags.append(f"chart and profile disagree on {', '.join(disagree)}")
    scores = _scores(run, profile)
    summary_strengths = _summary_strengths(run, data)
    profile_strengths = list(profile.get("strengths") or []) if profile else []
    claims = [("summary", s) for s in summary_strengths] + [
        ("profile", s) for s in profile_strengths
    ]
    unbacked = []
    for where, line in claims:
        for problem in unbacked_strengths([line], run.typed, run.clicked):
            unbacked.append({"where": where, **problem})
    strengths = []
    for where, line in claims:
        dim = data.strength_dimension(line)
        quoted = [_source_of(q, persona) for _, q in quotes_in(line)]
        strengths.append(
            {
                "where": where,
                "line": line,
                "dimension": dim,
                "gold": persona["gold"].get(dim) if dim else None,
                "quoted": quoted,
            }
        )
    dims = {}
    for dim, gold in persona["gold"].items():
        dims[dim] = {
            "gold": gold,
            "bot": levels.get(dim, UNRATED),
            "score": scores.get(dim, {}).get("score"),
            "evidence": [_source_of(e, persona) for e in scores.get(dim, {}).get("evidence", [])],
            "told_at": run.told.get(dim),
        }
    final_themes = list(run.slots.get("themes") or [])
    company = {k: run.slots.get(k) for k in ("company_size", "sector", "location")}
    return {
        "id": persona["id"],
        "sender": run.sender,
        "region": run.slots.get("region"),
        "outcome": run.outcome,
        "levels_from": "profile" if from_profile else "chart" if from_alt else "none",
        "scores_from": "profile" if profile else "recomputed" if scores else "none",
        "seconds": seconds,
        "turns": len(run.turns),
        "intake_questions": len(run.asked),
        "asked": run.asked,
        "reasked": run.reasked,
        "company_questions": len(run.company_asked),
        "themes_gold": persona["themes"],
        "themes_opening": run.themes_opening,
        "themes_final": final_themes,
        "dimensions": dims,
        "strengths": strengths,
        "unbacked": unbacked,
        "flags": run.flags,
        "transcript": run.turns,
        "company": company,
        "company_wrong": fact_mismatches(persona["company"], company, _sector_id),
    }


def _sector_id(text: str) -> str | None:
    from bot.sectors import detect_sector

    found = detect_sector(text) if text else None
    return found.id if found else None


def _summary_strengths(run: Run, data: BotData) -> list[str]:
    title = data.strengths_titles.get(run.slots.get("region") or "", "Wat al goed gaat:")
    for reply in run.summary:
        text = reply.get("text") or ""
        if title in text:
            after = text.split(title, 1)[1]
            return [
                line.strip()[1:].strip() for line in after.splitlines() if line.strip()[:1] == "•"
            ]
    return []


def _source_of(quote: str, persona: dict) -> str:
    """Which of the persona's texts a quote or evidence text is (its dimension's name, or
    'opening' / 'says'), or the text itself when it is none of them."""
    text = normalise(quote)
    if not text.rstrip("…").strip():
        return quote
    if " → " in text:  # a button's evidence: "question → option label"
        return f"option:{text.split(' → ', 1)[1]}"
    for dim, answer in persona["answers"].items():
        if _occurs_in(text, answer):
            return f"answer:{dim}"
    if _occurs_in(text, persona["opening"]):
        return "opening"
    if _occurs_in(text, persona["company"]["says"]):
        return "says"
    return f"other:{quote[:80]}"


def _scores(run: Run, profile: dict | None) -> dict[str, dict]:
    """Score and evidence per dimension: the profile's, else recomputed from the tracker's
    slots with the product's own advice code (for the report only; levels come from the bot)."""
    if profile:
        return {
            d["id"]: {"score": d.get("score"), "evidence": d.get("evidence") or []}
            for d in profile["dimensions"]
        }
    if not run.slots.get("summary_shown"):
        return {}
    from bot.app import advice, content
    from bot.app.state import Conversation

    conv = Conversation.from_slots(run.slots, set(content.all_question_ids()))
    scored = advice.advice_for(conv)["profile"]
    return {
        d: {"score": s.score, "evidence": list(s.evidence)} for d, s in scored.dimensions.items()
    }


# --------------------------------------------------------------------------- all personas


def summarise(results: list[dict]) -> dict:
    pairs = [(d["gold"], d["bot"]) for r in results for d in r["dimensions"].values()]
    told = [
        (d["gold"], d["bot"]) for r in results for d in r["dimensions"].values() if d["told_at"]
    ]
    untold = [
        (d["gold"], d["bot"]) for r in results for d in r["dimensions"].values() if not d["told_at"]
    ]
    per_dimension = {}
    for dim in results[0]["dimensions"] if results else []:
        dp = [(r["dimensions"][dim]["gold"], r["dimensions"][dim]["bot"]) for r in results]
        per_dimension[dim] = {
            "coverage": round(coverage(dp), 3),
            "accuracy": _round(accuracy(dp)),
            "rated": sum(got in RATED for _, got in dp),
        }
    questions = [r["intake_questions"] for r in results]
    themes = Counter()
    for r in results:
        themes.update(theme_counts(r["themes_gold"], r["themes_opening"]))
    found = themes["right"] + themes["extra"]
    gold = themes["right"] + themes["missed"]
    claims = [s for r in results for s in r["strengths"] if s["where"] == "summary"]
    profile_claims = [s for r in results for s in r["strengths"] if s["where"] == "profile"]
    measured = {
        "coverage": round(coverage(pairs), 3),
        "accuracy": _round(accuracy(pairs)),
        "median_intake_questions": statistics.median(questions) if questions else None,
        "unbacked_strengths": sum(len(r["unbacked"]) for r in results),
    }
    return {
        "personas": len(results),
        "gold_levels": len(pairs),
        "rated_levels": sum(got in RATED for _, got in pairs),
        "right_levels": sum(gold == got for gold, got in pairs),
        "measured": measured,
        "gates": gate_results(measured),
        "confusion": confusion(pairs),
        "errors": error_steps(pairs),
        "told": {
            "levels": len(told),
            "coverage": round(coverage(told), 3),
            "accuracy": _round(accuracy(told)),
        },
        "untold": {
            "levels": len(untold),
            "coverage": round(coverage(untold), 3),
            "accuracy": _round(accuracy(untold)),
        },
        "per_dimension": per_dimension,
        "intake_questions": {
            "median": measured["median_intake_questions"],
            "max": max(questions, default=None),
            "min": min(questions, default=None),
            "reasked": sum(r["reasked"] for r in results),
        },
        "themes": {
            **themes,
            "precision": _round(themes["right"] / found if found else None),
            "recall": _round(themes["right"] / gold if gold else None),
            "exact": sum(set(r["themes_gold"]) == set(r["themes_opening"]) for r in results),
        },
        "strengths": {
            "claimed": len(claims),
            "claimed_in_profiles": len(profile_claims),
            "on_gold_sterk": sum(s["gold"] == "sterk" for s in claims),
            "quoting_own_dimension": sum(f"answer:{s['dimension']}" in s["quoted"] for s in claims),
        },
        "company_wrong": sum(bool(r["company_wrong"]) for r in results),
        "outcomes": dict(Counter(r["outcome"] for r in results)),
        "levels_from": dict(Counter(r["levels_from"] for r in results)),
        "profile_via": dict(Counter(r.get("profile_via") or "none" for r in results)),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# --------------------------------------------------------------------------- the report


def render(report: dict) -> str:
    s, m = report["summary"], report["summary"]["measured"]
    gates = "\n".join(
        f"| {g['measure']} | {g['value']} | {g['gate']} | {'pass' if g['ok'] else 'FAIL'} |"
        for g in s["gates"]
    )
    conf = "\n".join(
        f"| {gold} | " + " | ".join(str(row[c]) for c in (*RATED, UNRATED)) + " |"
        for gold, row in s["confusion"].items()
    )
    per_dim = "\n".join(
        f"| {dim} | {v['rated']}/{s['personas']} | {v['coverage']} | {v['accuracy']} |"
        for dim, v in s["per_dimension"].items()
    )
    rows = []
    for r in report["results"]:
        d = r["dimensions"].values()
        rated = sum(x["bot"] in RATED for x in d)
        right = sum(x["bot"] == x["gold"] for x in d)
        rows.append(
            f"| {r['id']} | {r['region']} | {r['outcome']} | {r['levels_from']} | "
            f"{r['intake_questions']} | {rated}/8 | {right}/{rated} | "
            f"{', '.join(r['themes_opening']) or '–'} | {', '.join(r['themes_gold'])} | "
            f"{sum(1 for x in r['strengths'] if x['where'] == 'summary')} | {len(r['unbacked'])} |"
        )
    wrong = []
    for r in report["results"]:
        persona = report["answers"][r["id"]]
        for dim, x in r["dimensions"].items():
            if x["bot"] in RATED and x["bot"] != x["gold"]:
                how = f"told at {x['told_at']}" if x["told_at"] else "not asked"
                evidence = ", ".join(x["evidence"]) or "–"
                wrong.append(
                    f"- {r['id']} {dim}: gold {x['gold']}, bot {x['bot']} (score {x['score']}; "
                    f"{how}; evidence: {evidence}). Answer: “{_short(persona[dim], 200)}”"
                )
    unbacked = [
        f"- {r['id']} ({u['where']}): {u['reason']} — {_short(u['line'], 160)}"
        for r in report["results"]
        for u in r["unbacked"]
    ]
    claims = [
        f"- {r['id']} {c['dimension']} (gold {c['gold']}; quotes {', '.join(c['quoted']) or '–'})"
        for r in report["results"]
        for c in r["strengths"]
        if c["where"] == "summary"
    ]
    flags = [f"- {r['id']}: {f}" for r in report["results"] for f in r["flags"]]
    facts = [
        f"- {r['id']}: {'; '.join(r['company_wrong'])} (the persona said “{report['says'][r['id']]}”)"
        for r in report["results"]
        if r["company_wrong"]
    ]
    t = s["themes"]
    return f"""# Persona benchmark: held-out entrepreneurs over the real servers

- Command: `{report["command"]}`
- Date: {report["date"]}; {report["cores"]} CPU cores ({report["machine"]}); Python {report["python"]}; {report["seconds"]} s
- Personas: `tests/heldout/personas.yml` ({s["personas"]}, written from the domain brief by a
  writer who never saw the signals, questions or training sets; never tuned on)
- How a persona answers and where the levels come from: see the docstring of
  `scripts/bench_personas.py` (the asked dimension is the tracker's `requested_slot` looked up
  in the question file's `dimensions`; levels from the coach profile at the webhook receiver,
  or from the chart's alt text where the region has no coach)
- Outcomes: {_counts(s["outcomes"])}; levels read from: {_counts(s["levels_from"])}; coach
  profiles via: {_counts(s["profile_via"])}

## Gates

| measure | value | gate | |
|---|---:|---:|---|
{gates}

Rated {s["rated_levels"]} of {s["gold_levels"]} gold levels, {s["right_levels"]} right.
Levels of dimensions the persona told about (its own answer typed): coverage
{s["told"]["coverage"]}, accuracy {s["told"]["accuracy"]} ({s["told"]["levels"]} levels); not told
(read from other answers): coverage {s["untold"]["coverage"]}, accuracy {s["untold"]["accuracy"]}
({s["untold"]["levels"]} levels).

## Confusion (rows gold, columns bot)

| gold \\ bot | sterk | op_weg | aandachtspunt | onbekend |
|---|---:|---:|---:|---:|
{conf}

Wrong rated levels: {s["errors"]["adjacent"]} one step off (adjacent levels), {s["errors"]["two_steps"]} two steps
(sterk vs aandachtspunt).

## Per dimension

| dimension | rated | coverage | accuracy |
|---|---:|---:|---:|
{per_dim}

## Intake questions

Median {s["intake_questions"]["median"]}, min {s["intake_questions"]["min"]}, max
{s["intake_questions"]["max"]} dimension questions per persona (company questions not
counted); the same question asked again after an answer it could not use:
{s["intake_questions"]["reasked"]} times.

## Themes of the opening

Precision {t["precision"]}, recall {t["recall"]} ({t["right"]} right, {t["extra"]} extra,
{t["missed"]} missed); {t["exact"]} of {s["personas"]} openings exactly right.

## Strengths

{s["strengths"]["claimed"]} strengths claimed in the summaries ({s["strengths"]["claimed_in_profiles"]} in the coach
profiles that arrived); of the summaries' claims {s["strengths"]["on_gold_sterk"]} are on a dimension whose gold
level is sterk and {s["strengths"]["quoting_own_dimension"]} quote the persona's answer about that same dimension.
Claimed without a real quote (summaries and profiles): {m["unbacked_strengths"]}.

{chr(10).join(unbacked) or "None without a real quote."}

In the summaries:

{chr(10).join(claims) or "None."}

## Per persona

| persona | region | outcome | levels from | questions | rated | right | themes found | gold themes | strengths | unbacked |
|---|---|---|---|---:|---:|---:|---|---|---:|---:|
{chr(10).join(rows)}

## Wrong levels

{chr(10).join(wrong) or "None."}

## Company facts the bot holds (slots) that differ from the persona

{len(facts)} of {s["personas"]} conversations. A fact the bot finds in the opening is not asked for;
it is a guess that a later sentence about the company replaces.

{chr(10).join(facts) or "None."}

## Flags

{chr(10).join(flags) or "None."}
"""


def _short(text: str, n: int) -> str:
    text = normalise(text)
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _counts(counter: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "–"


def write(report: dict, md_path: Path, transcripts: bool = True) -> None:
    """The report as Markdown and JSON; the recorded JSON leaves out the transcripts and the
    personas' own texts (they are in results/ and in tests/heldout/)."""
    md_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.write_text(render(report), encoding="utf-8")
    if not transcripts:
        report = {k: v for k, v in report.items() if k not in ("answers", "says")}
        report["results"] = [
            {k: v for k, v in r.items() if k != "transcript"} for r in report["results"]
        ]
    md_path.with_suffix(".json").write_text(
        json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def gate_table(summary: dict) -> str:
    lines = [f"{'measure':<26}{'value':>8}  {'gate':<8}"]
    for g in summary["gates"]:
        lines.append(
            f"{g['measure']:<26}{g['value']!s:>8}  {g['gate']:<8}  {'pass' if g['ok'] else 'FAIL'}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated persona ids (e.g. p01,p02)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--record", action="store_true", help="also write docs/benchmarks/")
    parser.add_argument("--no-gate", action="store_true", help="exit 0 even when a gate fails")
    parser.add_argument(
        "--personas",
        type=Path,
        default=PERSONAS,
        help="persona file (default: the held-out set; data/personas_dev/personas.yml to study"
        " failures; --record only with the held-out set)",
    )
    args = parser.parse_args()
    if args.record and args.personas.resolve() != PERSONAS.resolve():
        parser.error("--record writes the held-out figures: leave --personas at its default")
    command = " ".join([".venv/bin/python scripts/bench_personas.py", *sys.argv[1:]])
    personas = yaml.safe_load(args.personas.read_text(encoding="utf-8"))["personas"]
    if args.only:
        wanted = set(args.only.split(","))
        personas = [p for p in personas if p["id"] in wanted]
    data = BotData.load()

    from tests.e2e.stack import start_stack

    started = time.time()
    stack = start_stack(Path(tempfile.mkdtemp(prefix="leerpunt-personas-")))
    try:
        player = Player(stack.rasa_url, stack.token, stack.receiver, stack.mails, data)
        with ThreadPoolExecutor(args.workers) as pool:
            results = list(pool.map(player.play, personas, range(len(personas))))
    finally:
        stack.close()
    report = {
        "command": command,
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "seconds": round(time.time() - started, 1),
        "summary": summarise(results),
        "answers": {p["id"]: p["answers"] for p in personas},
        "says": {p["id"]: p["company"]["says"] for p in personas},
        "results": results,
    }
    write(report, REPORT)
    if args.record:
        write(report, RECORDED, transcripts=False)
    print(gate_table(report["summary"]))
    print(f"report: {(RECORDED if args.record else REPORT).relative_to(ROOT)}")
    failed = [g["measure"] for g in report["summary"]["gates"] if not g["ok"]]
    return 1 if failed and not args.no_gate else 0


if __name__ == "__main__":
    sys.exit(main())
