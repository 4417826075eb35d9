"""An in-process chat with ``bot.app.dialogue``, the way the Rasa adapter drives it.

State makes the same round trip as in production: slots in, ``changes`` out.
A message's intent is given by the test (what the NLU would say); button
payloads carry their own. The chat keeps its own clock: each message comes
``pace`` seconds after the one before, as a person types (the message limits
of ``bot.app.limits`` count per minute).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from bot.app import content, dialogue
from bot.app.state import Conversation, Message, Reply


@dataclass
class Chat:
    sender: str = "test-chat"
    link: dict = field(default_factory=dict)
    slots: dict[str, Any] = field(default_factory=dict)
    turns: list[list[Reply]] = field(default_factory=list)
    transcript: list[dict] = field(default_factory=list)  # what the tracker would give
    pace: float = 5.0  # seconds between two messages
    clock: float = 1_750_000_000.0  # the time of the last message

    def __post_init__(self) -> None:
        for key, value in self.link.items():
            self.slots[key] = value

    def say(
        self, text: str, intent: str | None = None, confidence: float = 0.95, **entities: str
    ) -> list[Reply]:
        match = re.match(r"^/(\w+)(\{.*\})?$", text)
        if match and intent is None:
            intent, confidence = match.group(1), 1.0
            entities = {**json.loads(match.group(2) or "{}"), **entities}
        ids = set(content.all_question_ids())
        conv = Conversation.from_slots(json.loads(json.dumps(self.slots)), ids)
        self.clock += self.pace
        now = self.clock
        replies = dialogue.respond(
            conv,
            Message.of(text, intent, confidence if intent else 0.0, entities),
            dialogue.Env(self.sender, lambda: self.transcript, dict(self.link), now=lambda: now),
        )
        for slot, value in conv.changes(ids).items():
            self.slots[slot] = value
        self.turns.append(replies)
        return replies

    @property
    def said(self) -> str:
        return "\n".join(r.text for r in self.turns[-1]) if self.turns else ""

    @property
    def buttons(self) -> list[dict]:
        return [b for r in self.turns[-1] for b in r.buttons] if self.turns else []

    @property
    def phase(self) -> str:
        return (self.slots.get("dialogue") or {}).get("phase") or "start"

    @property
    def pending(self) -> str | None:
        return (self.slots.get("dialogue") or {}).get("pending")


# ---- helpers for the scenario tests (walking a chat to a point in the conversation) ----

SKIP = "/weet_niet"


def option(option_id: str) -> str:
    """The payload of an answer button."""
    return f'/vertellen{{"optie":"{option_id}"}}'


def theme(theme_id: str) -> str:
    """The payload of a theme button."""
    return f'/vertellen{{"thema":"{theme_id}"}}'


def conversation_of(chat: Chat) -> Conversation:
    """The chat's state as the dialogue would read it now (a copy)."""
    return Conversation.from_slots(
        json.loads(json.dumps(chat.slots)), set(content.all_question_ids())
    )


def text_of(chat: Chat, key: str, **values: Any) -> str:
    """What the assistant says for text ``key`` in the chat's region as it is now."""
    return content.say(conversation_of(chat), key, **values)


def to_facts(chat: Chat, first_theme: str = "inwerken") -> Chat:
    """Greeted, and a theme chosen by button: the company size is asked next."""
    chat.say("hallo", intent="groeten")
    chat.say(theme(first_theme))
    assert chat.pending == "company_size", chat.said
    return chat


def to_questions(
    chat: Chat,
    first_theme: str = "inwerken",
    size: str = "12",
    sector: str = "wij zijn een installatiebedrijf",
    place: str = "Enschede",
) -> Chat:
    """Through the company facts: the first framework question is asked next."""
    to_facts(chat, first_theme)
    for answer in (size, sector, place):
        chat.say(answer, intent="vertellen", confidence=0.9)
    assert (chat.pending or "").startswith("q_"), chat.said
    return chat


def answer_questions(chat: Chat, answers: dict[str, str] | None = None) -> list[str]:
    """Answer the framework questions as they come (an option from ``answers``, else skip);
    the ids asked, in order."""
    answers = answers or {}
    asked: list[str] = []
    while (chat.pending or "").startswith("q_"):
        asked.append(chat.pending)
        chat.say(option(answers[chat.pending]) if chat.pending in answers else SKIP)
        assert len(asked) <= 20, "the intake never ends"
    return asked


def to_coach_offer(chat: Chat, answers: dict[str, str] | None = None, **facts: str) -> Chat:
    """Through the intake to the advice and the coach offer (in Twente unless told otherwise)."""
    to_questions(chat, **facts)
    answer_questions(chat, answers)
    assert chat.phase == "consent", chat.said
    return chat


def to_read_back(chat: Chat, contact: str = "jan@devries-installatie.nl", **facts: str) -> Chat:
    """Consent given and the contact details typed: the read-back is shown next."""
    to_coach_offer(chat, **facts)
    chat.say("/bevestigen")
    chat.say("Jan de Vries", intent="vertellen", confidence=0.9)
    chat.say("Installatiebedrijf De Vries", intent="vertellen", confidence=0.9)
    chat.say(contact, intent="vertellen", confidence=0.9)
    assert chat.phase == "readback", chat.said
    return chat
