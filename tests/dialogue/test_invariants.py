"""The dialogue's promises, checked on thousands of random conversations in-process.

Replies come from the blind-written fuzzer pool (tests/fuzz/replies.yml) and the
buttons the bot offers; the "NLU" is deliberately unreliable: each typed reply
gets a random intent with a random confidence, so the rules must hold even when
the classifier is wrong. The real-server version is scripts/fuzz_conversations.py.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.dialogue.chat import Chat
from tests.fuzz.judge import asks_confirmation, done, said_yes

POOL = yaml.safe_load(
    (Path(__file__).parents[1] / "fuzz" / "replies.yml").read_text(encoding="utf-8")
)["replies"]
INTENTS = [
    "vertellen",
    "bevestigen",
    "ontkennen",
    "weet_niet",
    "groeten",
    "afscheid",
    "bedanken",
    "vraag_uitleg",
    "vraag_privacy",
    "vraag_wie",
    "vraag_kosten",
    "wil_mens",
    "opnieuw",
    "stoppen",
    "hulp",
    "buiten_scope",
    "belediging",
    "andere_taal",
    "gegevens_intrekken",
    "nlu_fallback",
]
# For conversations of answers the NLU errs, but not towards leaving: a typed "ja" after a
# mistaken "start over?" would rightly start over.
ANSWER_INTENTS = [
    "vertellen",
    "bevestigen",
    "ontkennen",
    "weet_niet",
    "nlu_fallback",
    "vraag_uitleg",
    "groeten",
]
LEAVING_BUTTONS = {"/opnieuw", "/stoppen", "/gegevens_intrekken"}


@pytest.fixture(autouse=True)
def _own_database(tmp_path, monkeypatch):
    monkeypatch.setenv("LEERPUNT_DATABASE_URL", f"sqlite:///{tmp_path / 'leerpunt.db'}")


def _play(seed: int, answering: bool) -> list[str]:
    rng = random.Random(seed)
    replies = [r["text"] for r in POOL if r["kind"] == "answer" or not answering]
    link = rng.choice([{}, {"region": "twente"}, {"region": "groningen"}, {"region": "zeeland"}])
    chat = Chat(sender=f"inv-{seed}", link=link)
    problems: list[str] = []
    asked: list[set[str]] = []
    last: list = []
    message = "/groeten"
    summary_at = None
    had_consent = False
    for i in range(28 if answering else 18):
        if message.startswith("/"):
            out = chat.say(message)
        else:
            intent = rng.choice(ANSWER_INTENTS if answering else INTENTS)
            out = chat.say(
                message, intent=intent, confidence=rng.choice([0.3, 0.5, 0.75, 0.9, 0.99])
            )
        texts = [r.text for r in out]
        if not any(texts):
            problems.append(f"{i}: no reply to {message!r}")
        if any(c > 1 for c in Counter(texts).values()):
            problems.append(f"{i}: a message twice in one turn after {message!r}")
        questions = {r.text for r in out if r.buttons or r.text.endswith("?")}
        asked.append(questions)
        if len(asked) >= 3 and asked[-1] & asked[-2] & asked[-3]:
            problems.append(
                f"{i}: asked three times in a row: {sorted(asked[-1] & asked[-2] & asked[-3])[0][:60]}"
            )
        what = done(texts)
        if what and not (
            message in LEAVING_BUTTONS
            or (asks_confirmation([r.text for r in last]) and said_yes(message))
        ):
            problems.append(f"{i}: {what} without confirmation after {message!r}")
        consent = chat.slots.get("handoff_consent") is True
        if consent and not had_consent and not said_yes(message):
            problems.append(f"{i}: consent recorded without a yes after {message!r}")
        had_consent = consent
        if summary_at is None and any("Eerste stap" in t for t in texts):
            summary_at = i
        last = out
        offered = [b["payload"] for r in out for b in r.buttons]
        if answering:
            offered = [p for p in offered if p not in LEAVING_BUTTONS and p != "/ontkennen"]
        message = rng.choice(offered) if offered and rng.random() < 0.3 else rng.choice(replies)
    if answering and summary_at is None:
        problems.append("no summary after 25 answering replies")
    return problems


@pytest.mark.parametrize("block", range(2))
def test_random_conversations_keep_every_promise(block):
    problems = {}
    for seed in range(block * 120, (block + 1) * 120):
        found = _play(seed, answering=False)
        if found:
            problems[seed] = found
    assert not problems, dict(list(problems.items())[:5])


def test_conversations_of_answers_reach_the_summary():
    problems = {seed: p for seed in range(100) if (p := _play(10_000 + seed, answering=True))}
    assert not problems, dict(list(problems.items())[:5])
