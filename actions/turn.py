"""The one Rasa action of the dialogue: every message goes to ``bot.app.dialogue``.

Rasa classifies the message and keeps the state in slots; which question comes
next, what counts as an answer and what needs a confirmation is decided in
plain Python (``bot/app``), so no policy can send the assistant round in a
circle and every message gets exactly one answer.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import context as ctx
from bot.app import content, dialogue
from bot.app.handoff import record_usage
from bot.app.state import Conversation, Message

logger = logging.getLogger(__name__)


def message_of(tracker: Tracker) -> Message:
    latest = tracker.latest_message or {}
    intent = latest.get("intent") or {}
    entities: dict[str, str] = {}
    for ent in latest.get("entities") or []:
        if ent.get("entity") and ent.get("value") is not None:
            entities.setdefault(str(ent["entity"]), str(ent["value"]))
    return Message.of(
        latest.get("text"), intent.get("name"), intent.get("confidence") or 0.0, entities
    )


class ActionSessionStart(Action):
    """Starts a session and keeps the link's region, source and campaign (checked)."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        found = ctx.link_metadata(tracker.get_slot("session_started_metadata"))
        events += [SlotSet(slot, value) for slot, value in found.items()]
        record_usage("gesprek_gestart", found.get("region"), found.get("source"))
        events.append(ActionExecuted("action_listen"))
        return events


class ActionTurn(Action):
    """Answers one message of the entrepreneur, whatever it is."""

    def name(self) -> str:
        return "action_turn"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        ids = set(content.all_question_ids())
        conv = Conversation.from_slots(tracker.current_slot_values(), ids)
        env = dialogue.Env(
            conversation_id=tracker.sender_id,
            transcript=lambda: ctx.transcript(tracker),
            link=ctx.link_metadata(tracker.get_slot("session_started_metadata")),
        )
        try:
            replies = dialogue.respond(conv, message_of(tracker), env)
        except Exception:  # a bug must cost one answer, never the conversation
            logger.exception("turn failed; the conversation continues")
            dispatcher.utter_message(text=content.say(conv, "error.turn"))
            return []
        for reply in replies:
            kwargs: dict[str, Any] = {"buttons": reply.buttons} if reply.buttons else {}
            if reply.image:
                # As custom data, so that the alt text and the caption travel with the image
                # (Rasa's own image message has room for neither); the page shows one bubble.
                # Rasa's socket.io channel emits a custom message's keys as arguments: "data".
                data = {"image": reply.image, "alt": reply.alt or reply.text, "caption": reply.text}
                dispatcher.utter_message(json_message={"data": data}, **kwargs)
                continue
            dispatcher.utter_message(text=reply.text, **kwargs)
        return [SlotSet(slot, value) for slot, value in conv.changes(ids).items()]
