"""Everything the entrepreneur may say in between: questions about the chat,
help, stop, restart, out-of-scope, insults, other languages, and the fallback.
After a detour inside a form the form repeats its question."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import context as ctx
from actions.intake import ActionCaptureChallenge, link_metadata
from bot import engine

_ANSWER_KEYS = {
    "vraag_uitleg": "faq.vraag_uitleg",
    "vraag_privacy": "faq.vraag_privacy",
    "vraag_wie": "faq.vraag_wie",
    "vraag_kosten": "faq.vraag_kosten",
    "hulp": "faq.hulp",
    "groeten": "faq.groeten",
    "bedanken": "faq.bedanken",
    "afscheid": "faq.afscheid",
    "buiten_scope": "faq.buiten_scope",
    "belediging": "faq.belediging",
    "andere_taal": "faq.andere_taal",
}


class ActionDetour(Action):
    """Answers a side question; inside a question it explains why that question is asked."""

    def name(self) -> str:
        return "action_detour"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        intent = ctx.latest_intent(tracker)
        requested = tracker.get_slot("requested_slot")
        question = ctx.questions_for(tracker).get(requested) if requested else None
        if not ctx.latest_text(tracker):
            dispatcher.utter_message(text=ctx.say(tracker, "faq.empty"))
        elif intent == "vraag_uitleg" and question is not None:
            dim_id = max(question.dimensions, key=question.dimensions.get)
            dim = ctx.FRAMEWORK.dimensions[dim_id]
            dispatcher.utter_message(
                text=ctx.say(tracker, "faq.vraag_uitleg_question", dimension=dim.label.lower(), explanation=dim.explanation)
            )
        else:
            dispatcher.utter_message(text=ctx.say(tracker, _ANSWER_KEYS.get(intent or "", "faq.hulp")))
        return []


class ActionStop(Action):
    def name(self) -> str:
        return "action_stop"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=ctx.say(tracker, "stop"))
        personal = ["contact_name", "company_name", "contact_email", "contact_phone", "handoff_consent", "consent_record"]
        return [SlotSet(s, None) for s in personal] + [SlotSet("requested_slot", None)]


class ActionRestartConversation(Action):
    """Forgets the conversation's slots and starts over with the greeting."""

    def name(self) -> str:
        return "action_restart_conversation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        keep = {s: tracker.get_slot(s) for s in ("source", "campaign")}
        dispatcher.utter_message(text=ctx.say(tracker, "restart"))
        dispatcher.utter_message(text=ctx.say(tracker, "greeting"))
        dispatcher.utter_message(
            text=ctx.say(tracker, "greeting.hint"),
            buttons=ctx.theme_buttons(say_other=ctx.say(tracker, "button.other")),
        )
        # What came with the link (checked) survives; what was said in the chat does not.
        from_link = link_metadata(tracker.get_slot("session_started_metadata"))
        events: list[EventType] = [AllSlotsReset()]
        events += [SlotSet(k, v) for k, v in keep.items() if v]
        if from_link.get("region"):
            events.append(SlotSet("region", from_link["region"]))
        return events


class ActionFallback(Action):
    """Did not understand: say so and offer the main topics as buttons."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = ctx.latest_text(tracker)
        if text and not ctx.is_button_payload(text) and engine.detect_themes(ctx.FRAMEWORK, text):
            # The words say what worries them even if the intent was unclear: start the intake.
            events = await ActionCaptureChallenge().run(dispatcher, tracker, domain)
            return events + [FollowupAction("intake_form")]
        buttons = ctx.theme_buttons(include_other=False)[:5]
        buttons.append({"title": ctx.say(tracker, "button.restart"), "payload": "/opnieuw"})
        dispatcher.utter_message(text=ctx.say(tracker, "fallback"), buttons=buttons)
        return []



