"""What the fuzzers count as the user's own yes: their own reading, not the bot's.

Used by scripts/fuzz_conversations.py (real servers) and tests/dialogue/test_invariants.py
(in-process), so that a restart, a deletion or a consent only counts as asked for when the
user clicked the button or typed a plain yes.
"""

from __future__ import annotations

import re

USER_YES = re.compile(r"^\s*(ja+|jep|jawel|jazeker|ok(e|ey|é|ay)?|prima|zeker|klopt|doe maar|yes|goed|is goed|"
                      r"natuurlijk|graag|mag( wel)?|👍)(\b|\s|[,.!]|$)", re.I)


def said_yes(message: str) -> bool:
    return message == "/bevestigen" or bool(USER_YES.match(message))
