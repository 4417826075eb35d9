"""The state of one conversation, and the message that moves it on.

A ``Conversation`` is built from the tracker's slots and written back to them;
its fields *are* the slot names that outside tools read (``themes``, ``region``,
``contact_name``, ``q_<id>`` answers, ...). What only the dialogue needs (phase,
pending question, how often it was asked) lives in the ``dialogue`` slot.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

UNKNOWN = "onbekend"
MAX_MESSAGE_CHARS = 2000

# Phases of a conversation; each has a defined next step for any message.
START, INTAKE, CONSENT, CONTACT, READBACK, ADVISED, HANDED_OFF, STOPPED = (
    "start",
    "intake",
    "consent",
    "contact",
    "readback",
    "advised",
    "handed_off",
    "stopped",
)

FACT_SLOTS = [
    "challenge",
    "themes",
    "company_size",
    "sector",
    "location",
    "region",
    "region_options",
]
PERSONAL_SLOTS = ["contact_name", "company_name", "contact_email", "contact_phone"]
HANDOFF_SLOTS = ["handoff_consent", "consent_record", "handoff_reference"]
LINK_SLOTS = ["source", "campaign"]
STATE_SLOTS = (
    FACT_SLOTS
    + PERSONAL_SLOTS
    + HANDOFF_SLOTS
    + LINK_SLOTS
    + ["summary_shown", "requested_slot", "dialogue"]
)


@dataclass(frozen=True)
class Message:
    """One message of the entrepreneur, as the NLU read it."""

    text: str
    intent: str | None = None
    confidence: float = 0.0
    entities: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        text: str | None,
        intent: str | None = None,
        confidence: float = 0.0,
        entities: dict[str, str] | None = None,
    ) -> Message:
        return cls(
            (text or "").strip()[:MAX_MESSAGE_CHARS],
            intent,
            float(confidence or 0.0),
            dict(entities or {}),
        )

    @property
    def from_button(self) -> bool:
        """Button payloads ("/bevestigen", '/vertellen{"optie":"x"}') are exact: no guessing."""
        return self.text.startswith("/")

    @property
    def button_intent(self) -> str | None:
        match = re.match(r"^/(\w+)", self.text)
        return match.group(1) if match else None

    @property
    def words(self) -> str:
        """The typed text, or '' for a button payload."""
        return "" if self.from_button else self.text


@dataclass
class Conversation:
    """Everything the dialogue knows about one conversation (plain, JSON-able values)."""

    slots: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, dict] = field(
        default_factory=dict
    )  # q_<id> -> {option,label}|{text,option?}|{skipped}
    initial: str = field(default="{}", repr=False)  # the snapshot this turn started from (JSON)

    # ---- construction -------------------------------------------------------------
    @classmethod
    def from_slots(cls, slots: dict[str, Any], question_ids: set[str]) -> Conversation:
        conv = cls({k: copy.deepcopy(slots.get(k)) for k in STATE_SLOTS})
        dialogue = conv.slots.get("dialogue")
        if not isinstance(dialogue, dict):
            dialogue = {}
        conv.slots["dialogue"] = dialogue
        order = [q for q in dialogue.get("asked", []) if q in question_ids]
        for qid in order:
            value = slots.get(qid)
            if isinstance(value, dict):
                conv.answers[qid] = copy.deepcopy(value)
        conv.initial = json.dumps(conv.snapshot(), sort_keys=True, default=str)
        return conv

    def snapshot(self) -> dict[str, Any]:
        return {**self.slots, **self.answers}

    def changes(self, question_ids: set[str]) -> dict[str, Any]:
        """Slot values that differ from what the conversation started this turn with."""
        before = json.loads(self.initial)
        now = self.snapshot()
        out = {k: v for k, v in now.items() if before.get(k) != v}
        for qid in question_ids:  # answers that were forgotten (restart) are unset
            if qid in before and qid not in now:
                out[qid] = None
        return out

    # ---- the dialogue's own bookkeeping ---------------------------------------------
    @property
    def dialogue(self) -> dict[str, Any]:
        return self.slots["dialogue"]

    @property
    def phase(self) -> str:
        return self.dialogue.get("phase") or START

    @phase.setter
    def phase(self, value: str) -> None:
        self.dialogue["phase"] = value

    @property
    def pending(self) -> str | None:
        return self.dialogue.get("pending")

    @property
    def attempts(self) -> int:
        return int(self.dialogue.get("attempts") or 0)

    def asking(self, pending: str | None) -> int:
        """Record that ``pending`` is asked now; returns how often in a row (1 or 2)."""
        attempts = self.attempts + 1 if pending and pending == self.pending else 1
        self.dialogue.update(pending=pending, attempts=attempts if pending else 0)
        self.slots["requested_slot"] = pending if pending and not pending.startswith("_") else None
        return attempts

    def clear_pending(self) -> None:
        self.dialogue.update(pending=None, attempts=0)
        self.slots["requested_slot"] = None

    # ---- facts ------------------------------------------------------------------------
    def get(self, slot: str) -> Any:
        return self.slots.get(slot)

    def set(self, slot: str, value: Any) -> None:
        self.slots[slot] = value

    @property
    def themes(self) -> list[str]:
        return list(self.slots.get("themes") or [])

    @property
    def company_size(self) -> int | None:
        value = self.slots.get("company_size")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def answer(self, question_id: str, value: dict) -> None:
        self.answers[question_id] = value
        asked = self.dialogue.setdefault("asked", [])
        if question_id not in asked:
            asked.append(question_id)

    def add_challenge(self, text: str) -> None:
        current = self.slots.get("challenge") or ""
        if text and text not in current:
            self.slots["challenge"] = " ".join(filter(None, [current, text]))[:MAX_MESSAGE_CHARS]

    def forget_personal(self) -> None:
        for slot in PERSONAL_SLOTS + ["consent_record"]:
            self.slots[slot] = None


@dataclass
class Reply:
    """One message of the assistant: text, optional quick-reply buttons and image."""

    text: str
    buttons: list[dict] = field(default_factory=list)
    image: str | None = None
    alt: str | None = None  # what the image shows, in words (screen readers, no images)


def button(title: str, payload: str) -> dict:
    return {"title": title, "payload": payload}
