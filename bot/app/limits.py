"""Abuse limits on the messages of one conversation: how many in all, and how fast.

Counted in the conversation's own state (``dialogue["limits"]``: the number of
messages answered and the times of the last minute's), so a check costs no
database round trip. A message over a limit gets one friendly line and changes
nothing. The limits are settings (``LEERPUNT_MESSAGES_PER_CONVERSATION``,
``LEERPUNT_MESSAGES_PER_MINUTE``). Rasa starts a new session, with new counts,
after the session expiry of ``domain.yml``.
"""

from __future__ import annotations

from bot import settings

from .state import Conversation

RATE_WINDOW_SECONDS = 60.0
MESSAGES_TEXT = "limit.messages"
RATE_TEXT = "limit.rate"


def message_refused(conv: Conversation, now: float) -> str | None:
    """The text key to answer a message over a limit with; None (and counted) when it is not."""
    config = settings.get()
    counts = conv.dialogue.get("limits")
    counts = counts if isinstance(counts, dict) else {}
    answered = int(counts.get("n") or 0)
    recent = [
        t
        for t in counts.get("recent") or []
        if isinstance(t, (int, float)) and t > now - RATE_WINDOW_SECONDS
    ]
    if answered >= config.messages_per_conversation:
        return MESSAGES_TEXT
    if len(recent) >= config.messages_per_minute:
        return RATE_TEXT
    recent.append(round(now, 3))
    conv.dialogue["limits"] = {
        "n": answered + 1,
        "recent": recent[-config.messages_per_minute :],
    }
    return None
