"""How the fuzzers judge a conversation: their own reading, not the bot's.

Used by scripts/fuzz_conversations.py (real servers) and tests/dialogue/test_invariants.py
(in-process): a restart, a deletion or a consent only counts as asked for when the user
clicked the button or typed a plain yes; the bot's texts are recognised by every region's
wording of their text keys.
"""

from __future__ import annotations

import re
from functools import cache

from bot.framework import load_framework
from bot.regions import effective_texts, load_regions

USER_YES = re.compile(
    r"^\s*(ja+|jep|jawel|jazeker|ok(e|ey|é|ay)?|prima|zeker|klopt|doe maar|yes|goed|is goed|"
    r"natuurlijk|graag|mag( wel)?|👍)(\b|\s|[,.!]|$)",
    re.I,
)
DONE_KEYS = {
    "restart": ("restart",),
    "stop": ("stop",),
    "withdraw": ("withdraw.done", "withdraw.nothing"),
}
CONFIRM_KEYS = ("confirm.restart", "confirm.stop", "confirm.withdraw")


def said_yes(message: str) -> bool:
    return message == "/bevestigen" or bool(USER_YES.match(message))


def normalise(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@cache
def markers(*keys: str) -> tuple[str, ...]:
    """The opening (up to a placeholder, at most 40 characters) of every region's wording of ``keys``."""
    fw = load_framework()
    out = set()
    for region in [None, *load_regions().all()]:
        texts = effective_texts(region, fw.texts)
        for key in keys:
            opening = normalise(texts.get(key, "")).split("{")[0][:40]
            if opening:
                out.add(opening)
    return tuple(sorted(out))


def done(texts: list[str]) -> str | None:
    """'restart', 'stop' or 'withdraw' when one of the bot's ``texts`` says it was done."""
    for text in map(normalise, texts):
        for what, keys in DONE_KEYS.items():
            if text.startswith(markers(*keys)):
                return what
    return None


def asks_confirmation(texts: list[str]) -> bool:
    return any(normalise(t).startswith(markers(*CONFIRM_KEYS)) for t in texts)
