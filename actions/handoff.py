"""The coach offer, consent, contact details and the handoff itself.

Nothing personal is asked, stored or sent before an explicit yes to the consent
text; the profile is written to the durable outbox, which delivers it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import context as ctx
from actions.summary import advice_for
from bot import company, privacy, usage
from bot.handoff.consent import CONSENT_TEXT_VERSION, consent_record, consent_text, withdraw
from bot.handoff.outbox import HandoffOutbox, Target
from bot.handoff.profile import build_profile
from bot.regions import coach_for

logger = logging.getLogger(__name__)

PERSONAL_SLOTS = ["contact_name", "company_name", "contact_email", "contact_phone"]
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^(\+|00)?[0-9][0-9 ()-]{8,17}$")
_TYPO_DOMAINS = {
    "gmial.com": "gmail.com", "gmai.com": "gmail.com", "gmail.co": "gmail.com", "gamil.com": "gmail.com",
    "gmail.nl": "gmail.com", "hotmial.com": "hotmail.com", "hotmal.com": "hotmail.com",
    "hotmail.con": "hotmail.com", "outlok.com": "outlook.com", "kpnmial.nl": "kpnmail.nl",
    "ziggo.nll": "ziggo.nl",
}


def coach_of(tracker: Tracker):
    """The region's coach for this firm's sector (the sector slot holds its Dutch label)."""
    label = tracker.get_slot("sector")
    sector = company.detect_sector(label) if label and label != ctx.UNKNOWN else None
    return coach_for(ctx.region_of(tracker), sector.id if sector else None)


def withdraw_contact(region) -> str:
    return region.handoff.email or HandoffOutbox().operator_email or "de organisatie achter deze chat"


class ActionOfferCoach(Action):
    def name(self) -> str:
        return "action_offer_coach"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        region = ctx.region_of(tracker)
        coach = coach_of(tracker)
        if coach is None:
            dispatcher.utter_message(text=ctx.say(tracker, "coach_offer.no_coach"))
            dispatcher.utter_message(text=ctx.say(tracker, "closing"))
            return [SlotSet("handoff_consent", False)]
        dispatcher.utter_message(
            text=ctx.say(tracker, "coach_offer", coach_role=coach.role.capitalize(), coach_name=coach.name,
                         coach_org=coach.organisation)
        )
        dispatcher.utter_message(
            text=consent_text(region.name, withdraw_contact(region)),
            buttons=[
                {"title": ctx.say(tracker, "button.yes_coach"), "payload": "/bevestigen"},
                {"title": ctx.say(tracker, "button.no_coach"), "payload": "/ontkennen"},
            ],
        )
        return []


class ActionConsentYes(Action):
    """Records the explicit yes (time and text version) before anything personal is asked."""

    def name(self) -> str:
        return "action_consent_yes"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        region = ctx.region_of(tracker)
        if coach_of(tracker) is None:
            dispatcher.utter_message(text=ctx.say(tracker, "coach_offer.no_coach"))
            return [SlotSet("handoff_consent", False)]
        record = consent_record(region.name, withdraw_contact(region), version=CONSENT_TEXT_VERSION)
        dispatcher.utter_message(text=ctx.say(tracker, "consent.yes_ack"))
        return [SlotSet("handoff_consent", True), SlotSet("consent_record", record)]


class ActionConsentNo(Action):
    def name(self) -> str:
        return "action_consent_no"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=ctx.say(tracker, "consent.no"))
        dispatcher.utter_message(text=ctx.say(tracker, "closing"))
        return [SlotSet("handoff_consent", False), SlotSet("consent_record", None)] + [
            SlotSet(s, None) for s in PERSONAL_SLOTS
        ]


class _AskContact(Action):
    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=ctx.say(tracker, f"ask.{self.slot}"))
        return []


class ActionAskContactName(_AskContact):
    slot = "contact_name"


class ActionAskCompanyName(_AskContact):
    slot = "company_name"


class ActionAskContactEmail(_AskContact):
    slot = "contact_email"


def _clean(text: str, limit: int) -> str:
    text = re.sub(r"<[^>]*>", "", text or "")
    return re.sub(r"\s+", " ", text).strip()[:limit]


def parse_contact(text: str) -> dict[str, Any]:
    """E-mail address or phone number from an answer; {'error': suggestion|''} when neither."""
    text = _clean(text, 200)
    email = re.search(r"[^\s<>,;:]+@[^\s<>,;:]+", text)
    if email:
        address = email.group(0).strip(".").lower()
        local, _, domain = address.partition("@")
        if domain in _TYPO_DOMAINS:
            return {"error": f"{local}@{_TYPO_DOMAINS[domain]}"}
        if _EMAIL.match(address):
            return {"email": address}
        return {"error": ""}
    digits = re.sub(r"[^\d+]", "", text)
    phone = re.search(r"(\+|00)?\d[\d \-()]{8,17}\d", text)
    if phone and 10 <= len(re.sub(r"\D", "", digits)) <= 13:
        return {"phone": re.sub(r"\s+", " ", phone.group(0)).strip()}
    return {"error": ""}


class ValidateHandoffForm(FormValidationAction):
    def name(self) -> str:
        return "validate_handoff_form"

    async def validate_contact_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        name = _clean(str(value or ""), 80)
        if len(name) < 2 or not re.search(r"[A-Za-zÀ-ÿ]", name) or ctx.is_button_payload(name):
            dispatcher.utter_message(text=ctx.say(tracker, "contact.invalid_name"))
            return {"contact_name": None}
        return {"contact_name": name}

    async def validate_company_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        name = _clean(str(value or ""), 120)
        if not name or ctx.is_button_payload(name):
            dispatcher.utter_message(text=ctx.say(tracker, "contact.invalid_company"))
            return {"company_name": None}
        return {"company_name": name}

    async def validate_contact_email(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> dict:
        found = parse_contact(str(value or ""))
        if "email" in found:
            return {"contact_email": found["email"]}
        if "phone" in found:
            return {"contact_email": "", "contact_phone": found["phone"]}
        message = ctx.say(tracker, "contact.invalid_email")
        if found.get("error"):
            message += f' Bedoel je misschien {found["error"]}?'
        dispatcher.utter_message(text=message)
        return {"contact_email": None}


def _contact_lines(tracker: Tracker) -> list[str]:
    lines = [f"Naam: {tracker.get_slot('contact_name')}", f"Bedrijf: {tracker.get_slot('company_name')}"]
    if tracker.get_slot("contact_email"):
        lines.append(f"E-mail: {tracker.get_slot('contact_email')}")
    if tracker.get_slot("contact_phone"):
        lines.append(f"Telefoon: {tracker.get_slot('contact_phone')}")
    facts = [
        ("Aantal mensen", tracker.get_slot("company_size")),
        ("Branche", tracker.get_slot("sector")),
        ("Plaats", tracker.get_slot("location")),
    ]
    lines += [f"{label}: {value}" for label, value in facts if value not in (None, ctx.UNKNOWN)]
    lines.append("Plus je vraag, de samenvatting met tips en ons gesprek.")
    return lines


class ActionReadBack(Action):
    def name(self) -> str:
        return "action_read_back"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        coach = coach_of(tracker)
        intro = ctx.say(tracker, "readback.intro", coach_name=coach.name if coach else "", coach_org=coach.organisation if coach else "")
        dispatcher.utter_message(
            text=intro + "\n" + "\n".join(_contact_lines(tracker)) + "\n\n" + ctx.say(tracker, "readback.question"),
            buttons=[
                {"title": ctx.say(tracker, "button.send"), "payload": "/bevestigen"},
                {"title": ctx.say(tracker, "button.change"), "payload": "/ontkennen"},
            ],
        )
        return []


class ActionCorrectContact(Action):
    def name(self) -> str:
        return "action_correct_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(text=ctx.say(tracker, "correct.ack"))
        return [SlotSet(s, None) for s in PERSONAL_SLOTS]


def targets_for(region) -> list[Target]:
    targets = []
    if region.handoff.webhook is not None:
        targets.append(Target.webhook(region.handoff.webhook.url, region.handoff.webhook.secret_env))
    if region.handoff.email:
        targets.append(Target.email(region.handoff.email))
    return targets


def profile_from(tracker: Tracker) -> dict:
    """The handoff profile of this conversation (consent must already be recorded)."""
    advice = advice_for(tracker)
    region = advice["region"]
    fw = ctx.FRAMEWORK
    email = tracker.get_slot("contact_email") or None
    phone = tracker.get_slot("contact_phone") or None
    size = tracker.get_slot("company_size")
    unknown = lambda v: None if v in (None, "", ctx.UNKNOWN) else v  # noqa: E731
    return build_profile(
        conversation_id=tracker.sender_id,
        region={"id": region.id, "name": region.name},
        source={"bron": tracker.get_slot("source") or "website", "campagne": tracker.get_slot("campaign")},
        contact={"name": tracker.get_slot("contact_name"), "email": email, "phone": phone,
                 "preferred_contact": "email" if email else "telefoon"},
        company={"name": tracker.get_slot("company_name"), "sector": unknown(tracker.get_slot("sector")),
                 "size": size if isinstance(size, int) else None, "place": unknown(tracker.get_slot("location"))},
        themes=[{"id": t, "label": fw.themes[t].label} for t in advice["themes"]],
        challenge=tracker.get_slot("challenge") or "",
        dimensions=[
            {"id": d, "label": fw.dimensions[d].label, "score": s.score, "level": s.level,
             "evidence": list(s.evidence)[:5], "confidence": round(s.confidence, 2)}
            for d, s in advice["profile"].dimensions.items()
        ],
        levers=[
            {"id": lv.lever_id, "label": lv.label, "reason": lv.reason, "first_steps": [s.text for s in lv.steps]}
            for lv in advice["levers"]
        ],
        instruments=[{"id": i.id, "name": i.name, "link": i.link} for i in advice["instruments"]],
        strengths=advice["strengths"],
        consent=tracker.get_slot("consent_record"),
        transcript=ctx.transcript(tracker),
    )


class ActionSubmitHandoff(Action):
    def name(self) -> str:
        return "action_submit_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        region = ctx.region_of(tracker)
        coach = coach_of(tracker)
        if not tracker.get_slot("handoff_consent") or not tracker.get_slot("consent_record") or coach is None:
            dispatcher.utter_message(text=ctx.say(tracker, "consent.no"))
            return [SlotSet(s, None) for s in PERSONAL_SLOTS]
        profile = profile_from(tracker)
        reference = HandoffOutbox().enqueue(profile, targets_for(region), conversation_id=tracker.sender_id)
        logger.info("handoff %s queued for region %s", reference, region.id)
        try:
            usage.record("overdracht_bevestigd", region.id, tracker.get_slot("source") or "website")
        except Exception:
            logger.exception("usage figure not recorded")
        dispatcher.utter_message(
            text=ctx.say(tracker, "submit.done", reference=reference, coach_name=coach.name,
                         office_hours=coach.office_hours or region.office_hours or "op werkdagen")
        )
        return [SlotSet("handoff_reference", reference)]


class ActionWithdraw(Action):
    """Takes back a handoff: deletes it, asks the coach to delete theirs, forgets the details."""

    def name(self) -> str:
        return "action_withdraw"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        result = withdraw(tracker.get_slot("handoff_reference") or tracker.sender_id)
        privacy.request_deletion(tracker.sender_id)
        if result.found:
            dispatcher.utter_message(text=ctx.say(tracker, "withdraw.done", reference=", ".join(result.references)))
        else:
            dispatcher.utter_message(text=ctx.say(tracker, "withdraw.nothing"))
        forget = PERSONAL_SLOTS + ["handoff_consent", "consent_record", "handoff_reference", "challenge"]
        return [SlotSet(s, None) for s in forget]
