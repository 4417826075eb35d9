"""The intake: greeting, the first worry, company facts and the adaptive questions.

The intake form's question slots are named after the framework's question ids;
which question comes next is decided by ``bot.engine.next_question``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import context as ctx
from bot import company, engine, usage
from bot.regions import resolve_place

logger = logging.getLogger(__name__)

SOURCES = {"website", "linkedin", "nieuwsbrief", "flyer", "qr", "email", "evenement", "partner"}
_CAMPAIGN = re.compile(r"^[a-z0-9_-]{1,40}$")
_SKIP_WORDS = re.compile(r"^\s*(sla (het |die |deze )?over|skip|weet (ik )?niet|geen idee|pas)\s*[.!]*\s*$", re.I)


def _record(event: str, tracker: Tracker) -> None:
    try:
        usage.record(event, tracker.get_slot("region"), tracker.get_slot("source"))
    except Exception:  # usage figures must never break a conversation
        logger.exception("usage figure not recorded")


def _is_skip(tracker: Tracker) -> bool:
    return ctx.latest_intent(tracker) == ctx.SKIP_INTENT or bool(_SKIP_WORDS.match(ctx.latest_text(tracker)))


def _prefilled(tracker: Tracker, slot: str) -> bool:
    """True when ``slot`` was filled in passing (not as the answer to its own question)."""
    return tracker.get_slot("requested_slot") != slot


def _skip_button(tracker: Tracker) -> dict:
    return {"title": ctx.say(tracker, "button.skip"), "payload": "/weet_niet"}


def link_metadata(metadata: dict | None) -> dict[str, str]:
    """Region, source and campaign from a chat link, keeping only known, well-formed values."""
    metadata = metadata if isinstance(metadata, dict) else {}
    out: dict[str, str] = {}
    region = str(metadata.get("regio") or "").strip().lower()
    if region and ctx.REGIONS.get(region):
        out["region"] = region
    allowed = set(SOURCES)
    for r in ctx.REGIONS.all():
        allowed.update(r.campaign_sources)
    source = str(metadata.get("bron") or "").strip().lower()
    if source in allowed:
        out["source"] = source
    campaign = str(metadata.get("campagne") or "").strip().lower()
    if _CAMPAIGN.match(campaign):
        out["campaign"] = campaign
    return out


class ActionSessionStart(Action):
    """Starts a session and keeps the link's region, source and campaign (checked)."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        found = link_metadata(tracker.get_slot("session_started_metadata"))
        events += [SlotSet(slot, value) for slot, value in found.items()]
        try:
            usage.record("gesprek_gestart", found.get("region"), found.get("source") or "website")
        except Exception:
            logger.exception("usage figure not recorded")
        events.append(ActionExecuted("action_listen"))
        return events


class ActionGreet(Action):
    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=ctx.say(tracker, "greeting"))
        dispatcher.utter_message(
            text=ctx.say(tracker, "greeting.hint"),
            buttons=ctx.theme_buttons(say_other=ctx.say(tracker, "button.other")),
        )
        return []


def facts_from_text(text: str, tracker: Tracker, known: dict[str, Any] | None = None) -> dict[str, Any]:
    """Company facts mentioned in passing ("12 man in Enschede"), for slots not yet filled."""
    known = known or {}
    filled = lambda slot: known.get(slot) is not None or tracker.get_slot(slot) is not None  # noqa: E731
    out: dict[str, Any] = {}
    if not text or ctx.is_button_payload(text):
        return out
    if not filled("company_size"):
        size = company.parse_company_size(text)
        if size:
            out["company_size"] = size
    if not filled("sector"):
        sector = company.detect_sector(text)
        if sector:
            out["sector"] = sector.label
    if not filled("location"):
        found = resolve_place(text, ctx.REGIONS)
        if found.status == "found":
            out["location"] = found.place or found.postcode
            out["region"] = found.region_ids[0]
        elif found.status == "ambiguous" and found.place:
            out["location"] = found.place  # the region question offers the candidates
            out["region"] = None
            out["region_options"] = found.region_ids
    return out


class ActionCaptureChallenge(Action):
    """Takes the first thing the entrepreneur tells: themes, worry, facts said in passing."""

    def name(self) -> str:
        return "action_capture_challenge"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = ctx.latest_text(tracker)
        theme = ctx.latest_entity(tracker, "thema")
        slots: dict[str, Any] = {}
        if theme in ctx.FRAMEWORK.themes:
            themes = sorted(set(ctx.themes_of(tracker)) | {theme}, key=list(ctx.FRAMEWORK.themes).index)
            slots["themes"] = themes
            slots.setdefault("challenge", tracker.get_slot("challenge") or ctx.FRAMEWORK.themes[theme].label)
        elif theme == "anders":
            pass  # the form asks in their own words
        elif text and not ctx.is_button_payload(text):
            themes = engine.detect_themes(ctx.FRAMEWORK, text)
            if themes:
                slots["themes"] = themes
            slots["challenge"] = text
            slots.update(facts_from_text(text, tracker))
        if len(text) >= ctx.MAX_MESSAGE_CHARS:
            dispatcher.utter_message(text=ctx.say(tracker, "faq.too_long"))
        if slots.get("themes"):
            labels = ", ".join(ctx.FRAMEWORK.themes[t].label.lower() for t in slots["themes"])
            dispatcher.utter_message(text=ctx.say(tracker, "capture.ack") + " " + ctx.say(tracker, "capture.ack_themes", themes=labels))
            dispatcher.utter_message(text=ctx.say(tracker, "capture.plan"))
        return [SlotSet(k, v) for k, v in slots.items()]


class _AskAction(Action):
    slot = ""
    text_key = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def buttons(self, tracker: Tracker) -> list[dict]:
        return [_skip_button(tracker)]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=ctx.say(tracker, self.text_key), buttons=self.buttons(tracker))
        return []


class ActionAskThemes(_AskAction):
    slot, text_key = "themes", "ask.themes"

    def buttons(self, tracker: Tracker) -> list[dict]:
        return ctx.theme_buttons(include_other=False)


class ActionAskCompanySize(_AskAction):
    slot, text_key = "company_size", "ask.company_size"


class ActionAskSector(_AskAction):
    slot, text_key = "sector", "ask.sector"


class ActionAskLocation(_AskAction):
    slot, text_key = "location", "ask.location"


class ActionAskRegion(Action):
    def name(self) -> str:
        return "action_ask_region"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        options = [r for r in (ctx.REGIONS.get(i) for i in tracker.get_slot("region_options") or []) if r]
        buttons = [{"title": r.name, "payload": f'/vertellen{{"regio":"{r.id}"}}'} for r in options]
        buttons.append(_skip_button(tracker))
        place = tracker.get_slot("location") or ""
        dispatcher.utter_message(text=ctx.say(tracker, "ask.region", place=place), buttons=buttons)
        return []


class AskQuestionAction(Action):
    """Asks one framework (or region-added) question with its button answers."""

    question_id = ""

    def name(self) -> str:
        return f"action_ask_{self.question_id}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        question = ctx.questions_for(tracker).get(self.question_id)
        if question is None:  # region dropped it meanwhile; the form moves on
            return [SlotSet(self.question_id, {"skipped": True})]
        buttons = [
            {"title": o.label, "payload": f'/vertellen{{"optie":"{o.id}"}}'} for o in question.options
        ]
        buttons.append({"title": "Weet ik niet", "payload": "/weet_niet"})
        dispatcher.utter_message(text=ctx.question_text(tracker, question), buttons=buttons)
        return []


# One ask action per question id: rasa_sdk registers every Action subclass. Kept in a
# dict because __subclasses__() holds weak references: an unreferenced class can be
# garbage-collected before the action server scans for it.
ASK_QUESTION_ACTIONS = {
    _qid: type(f"AskQuestion_{_qid}", (AskQuestionAction,), {"question_id": _qid})
    for _qid in sorted(ctx.all_question_ids())
}


class ValidateIntakeForm(FormValidationAction):
    """Validates facts and answers; decides which question is next."""

    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        questions = ctx.questions_for(tracker)
        answers = ctx.answers_from(tracker, questions)
        asked = [a.question_id for a in answers]
        required = ctx.BASE_FACT_SLOTS + asked
        requested = tracker.get_slot("requested_slot")
        if requested in questions and requested not in required:
            required.append(requested)
            return required
        nxt = engine.next_question(
            ctx.FRAMEWORK, ctx.themes_of(tracker), answers, max_questions=ctx.max_questions(),
            questions=list(questions.values()),
        )
        if nxt:
            required.append(nxt)
        return required

    def _reject_once(self, slot: str, tracker: Tracker, dispatcher: CollectingDispatcher, key: str, **kw) -> dict | None:
        """First unusable answer: explain and ask again. Second: accept and move on (None)."""
        if tracker.get_slot("last_rejected") == slot:
            return None
        dispatcher.utter_message(text=ctx.say(tracker, key, **kw))
        return {slot: None, "last_rejected": slot}

    async def validate_themes(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        if _prefilled(tracker, "themes"):
            return {"themes": value}
        theme = ctx.latest_entity(tracker, "thema")
        if theme in ctx.FRAMEWORK.themes:
            return {"themes": [theme], "challenge": tracker.get_slot("challenge") or ctx.FRAMEWORK.themes[theme].label}
        text = ctx.latest_text(tracker)
        if _is_skip(tracker):
            return {"themes": []}
        themes = engine.detect_themes(ctx.FRAMEWORK, text) if not ctx.is_button_payload(text) else []
        slots: dict[str, Any] = {}
        if text and not ctx.is_button_payload(text):
            slots["challenge"] = " ".join(filter(None, [tracker.get_slot("challenge"), text]))[: ctx.MAX_MESSAGE_CHARS]
            slots.update(facts_from_text(text, tracker))
        if themes:
            return {**slots, "themes": themes, "last_rejected": None}
        rejected = self._reject_once("themes", tracker, dispatcher, "ask.themes_retry")
        return {**slots, **rejected} if rejected else {**slots, "themes": [], "last_rejected": None}

    async def validate_company_size(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        if _prefilled(tracker, "company_size"):
            return {"company_size": value}
        if _is_skip(tracker):
            return {"company_size": ctx.UNKNOWN}
        text = ctx.latest_text(tracker)
        size = company.parse_company_size(text)
        if size:
            return {"company_size": size, "last_rejected": None, **facts_from_text(text, tracker, {"company_size": size})}
        return self._reject_once("company_size", tracker, dispatcher, "ask.company_size_retry") or {
            "company_size": ctx.UNKNOWN, "last_rejected": None}

    async def validate_sector(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        if _prefilled(tracker, "sector"):
            return {"sector": value}
        if _is_skip(tracker):
            return {"sector": ctx.UNKNOWN}
        text = ctx.latest_text(tracker)
        label = company.sector_label(text)
        return {"sector": label or ctx.UNKNOWN, **facts_from_text(text, tracker, {"sector": label})}

    async def validate_location(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        if _prefilled(tracker, "location"):
            return {"location": value}
        current_region = tracker.get_slot("region") or ctx.REGIONS.fallback.id
        if _is_skip(tracker):
            return {"location": ctx.UNKNOWN, "region": current_region}
        text = ctx.latest_text(tracker)
        found = resolve_place(text, ctx.REGIONS)
        if found.status == "found":
            return {"location": found.place or found.postcode, "region": found.region_ids[0], "last_rejected": None}
        if found.status == "ambiguous":
            return {"location": found.place or text[:60], "region": None, "region_options": found.region_ids,
                    "last_rejected": None}
        cleaned = re.sub(r"<[^>]*>", "", text)[:60].strip() or ctx.UNKNOWN
        # A short answer is probably a place we do not know; a sentence is not a place at all.
        place = cleaned if len(cleaned.split()) <= 4 else ctx.UNKNOWN
        key = "ask.location_unknown" if place != ctx.UNKNOWN else "ask.location_again"
        rejected = self._reject_once("location", tracker, dispatcher, key, place=cleaned)
        return rejected or {"location": place, "region": current_region, "last_rejected": None}

    async def validate_region(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        if _prefilled(tracker, "region"):
            return {"region": value}
        options = tracker.get_slot("region_options") or []
        chosen = ctx.latest_entity(tracker, "regio") or (value if isinstance(value, str) else "")
        if chosen in ctx.REGIONS.ids:
            return {"region": chosen}
        if _is_skip(tracker):
            return {"region": options[0] if options else ctx.REGIONS.fallback.id}
        text = ctx.latest_text(tracker).lower()
        for region_id in options:
            region = ctx.REGIONS.get(region_id)
            if region and (region.id in text or region.name.lower() in text):
                return {"region": region.id}
        found = resolve_place(text, ctx.REGIONS)
        if found.status == "found":
            return {"region": found.region_ids[0]}
        return {"region": options[0] if options else ctx.REGIONS.fallback.id}

    def validate_question(self, question_id: str, tracker: Tracker, dispatcher: CollectingDispatcher) -> dict:
        """Store one answer as {option, label} / {text, option?} / {skipped}."""
        question = ctx.questions_for(tracker).get(question_id)
        if question is None or _is_skip(tracker):
            return {question_id: {"skipped": True}, "last_rejected": None}
        option_id = ctx.latest_entity(tracker, "optie")
        option = question.option(option_id) if option_id else None
        if option is not None:
            return {question_id: {"option": option.id, "label": option.label}, "last_rejected": None}
        text = ctx.latest_text(tracker)
        if ctx.is_button_payload(text):
            text = ""
        matched = engine.match_option(question, text) if text else None
        signals = engine.score_text(ctx.FRAMEWORK, text) if text else {}
        if matched or signals or len(text.split()) >= 3:
            answer = {"text": text}
            if matched:
                answer["option"] = matched
            return {question_id: answer, "last_rejected": None}
        rejected = self._reject_once(question_id, tracker, dispatcher, "answer.not_understood")
        if rejected:
            return rejected
        return {question_id: {"text": text} if text else {"skipped": True}, "last_rejected": None}

    def __getattr__(self, name: str):
        # rasa_sdk looks up validate_<slot>; question slots are data, so answer generically.
        if name.startswith("validate_q_"):
            question_id = name[len("validate_"):]

            async def _validate(value, dispatcher, tracker, domain):
                return self.validate_question(question_id, tracker, dispatcher)

            return _validate
        raise AttributeError(name)
