"""Use cases of the handoff: contact details, the profile, submitting, withdrawing.

Nothing personal is asked, stored or sent before an explicit yes to the consent
text; the profile goes to the durable outbox, which delivers it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from bot import usage
from bot.contact import find_phone, is_email
from bot.handoff import consent
from bot.handoff.consent import CONSENT_TEXT_VERSION, consent_record
from bot.handoff.outbox import HandoffOutbox, targets_from_region
from bot.handoff.profile import build_profile
from bot.handoff.withdrawal import WithdrawResult, withdraw_consent
from bot.regions import Region

from . import advice, content
from .state import UNKNOWN, Conversation

logger = logging.getLogger(__name__)

_TYPO_DOMAINS = {
    "gmial.com": "gmail.com",
    "gmai.com": "gmail.com",
    "gmail.co": "gmail.com",
    "gamil.com": "gmail.com",
    "gmail.nl": "gmail.com",
    "hotmial.com": "hotmail.com",
    "hotmal.com": "hotmail.com",
    "hotmail.con": "hotmail.com",
    "outlok.com": "outlook.com",
    "kpnmial.nl": "kpnmail.nl",
    "ziggo.nll": "ziggo.nl",
}


def record_usage(event: str, region: str | None, source: str | None) -> None:
    """Count an event for the usage figures; a failing counter never breaks a conversation."""
    try:
        usage.record(event, region, source or "website")
    except Exception:
        logger.exception("usage figure not recorded")


def withdraw_contact(region: Region) -> str:
    return (
        region.handoff.email or HandoffOutbox().operator_email or "de organisatie achter deze chat"
    )


def region_contact(conv: Conversation) -> str:
    """Where the entrepreneur reaches the region outside the chat (as in the consent text)."""
    return withdraw_contact(content.region_of(conv))


def earlier_handoff(conv: Conversation, conversation_id: str) -> str | None:
    """The reference of this conversation's handoff, if it has one (also after a restart)."""
    reference = conv.get("handoff_reference")
    if reference:
        return str(reference)
    found = HandoffOutbox().references_for_conversation(conversation_id)
    return found[0] if found else None


def consent_question(conv: Conversation) -> str:
    """The short question; ``consent_details_of`` tells the rest when asked."""
    region = content.region_of(conv)
    return consent.consent_question(region.name, withdraw_contact(region))


def consent_details_of(conv: Conversation) -> str:
    region = content.region_of(conv)
    return consent.consent_details(region.name, withdraw_contact(region))


def record_consent(conv: Conversation) -> None:
    """The explicit yes, with time, text version and exactly the text shown (the question,
    and its details when they were asked for), before anything personal is asked."""
    region = content.region_of(conv)
    shown = consent_question(conv)
    if conv.dialogue.get("consent_details"):
        shown += "\n" + consent_details_of(conv)
    conv.set("handoff_consent", True)
    conv.set(
        "consent_record",
        consent_record(
            region.name, withdraw_contact(region), version=CONSENT_TEXT_VERSION, shown=shown
        ),
    )


def refuse_consent(conv: Conversation) -> None:
    conv.set("handoff_consent", False)
    conv.forget_personal()


def clean(text: str, limit: int) -> str:
    text = re.sub(r"<[^>]*>", "", text or "")
    return re.sub(r"\s+", " ", text).strip()[:limit]


def parse_contact(text: str) -> dict[str, Any]:
    """E-mail address or phone number from an answer; {'error': suggestion|''} when neither."""
    text = clean(text, 200)
    email = re.search(r"[^\s<>,;:]+@[^\s<>,;:]+", text)
    if email:
        address = email.group(0).strip(".").lower()
        local, _, domain = address.partition("@")
        if domain in _TYPO_DOMAINS:
            return {"error": f"{local}@{_TYPO_DOMAINS[domain]}"}
        if is_email(address):
            return {"email": address}
        return {"error": ""}
    phone = find_phone(text)
    if phone:
        return {"phone": phone}
    return {"error": ""}


def parse_name(text: str) -> str | None:
    """A person's name from an answer ("ik ben Jan de Vries" -> "Jan de Vries"), or None."""
    name = clean(text, 80)
    name = re.sub(r"^(ik ben|mijn naam is|ik heet|dit is|naam:?)\s+", "", name, flags=re.I).strip(
        " .!"
    )
    if len(name) < 2 or not re.search(r"[A-Za-zÀ-ÿ]", name) or "@" in name or len(name.split()) > 6:
        return None
    return name


def contact_lines(conv: Conversation) -> list[str]:
    lines = []
    if conv.get("contact_name"):
        lines.append(f"Naam: {conv.get('contact_name')}")
    if conv.get("company_name"):
        lines.append(f"Bedrijf: {conv.get('company_name')}")
    if conv.get("contact_email"):
        lines.append(f"E-mail: {conv.get('contact_email')}")
    if conv.get("contact_phone"):
        lines.append(f"Telefoon: {conv.get('contact_phone')}")
    facts = [
        ("Aantal mensen", conv.get("company_size")),
        ("Branche", conv.get("sector")),
        ("Plaats", conv.get("location")),
    ]
    lines += [f"{label}: {value}" for label, value in facts if value not in (None, UNKNOWN, "")]
    lines.append("Plus je vraag, de samenvatting met tips en ons gesprek.")
    return lines


def profile_of(conv: Conversation, conversation_id: str, transcript: list[dict]) -> dict:
    """The handoff profile of this conversation (consent must already be recorded)."""
    data = advice.advice_for(conv)
    region = data["region"]
    fw = content.framework()
    email = conv.get("contact_email") or None
    phone = conv.get("contact_phone") or None
    unknown = lambda v: None if v in (None, "", UNKNOWN) else v  # noqa: E731
    return build_profile(
        conversation_id=conversation_id,
        region={"id": region.id, "name": region.name},
        source={"bron": conv.get("source") or "website", "campagne": conv.get("campaign")},
        contact={
            "name": conv.get("contact_name") or "(niet opgegeven)",
            "email": email,
            "phone": phone,
            "preferred_contact": "email" if email else "telefoon",
        },
        company={
            "name": conv.get("company_name") or "(niet opgegeven)",
            "sector": unknown(conv.get("sector")),
            "size": conv.company_size,
            "place": unknown(conv.get("location")),
        },
        themes=[{"id": t, "label": fw.themes[t].label} for t in data["themes"]],
        challenge=conv.get("challenge") or "",
        dimensions=[
            {
                "id": d,
                "label": fw.dimensions[d].label,
                "score": s.score,
                "level": s.level,
                "evidence": list(s.evidence)[:5],
                "confidence": round(s.confidence, 2),
            }
            for d, s in data["profile"].dimensions.items()
        ],
        levers=[
            {
                "id": lv.lever_id,
                "label": lv.label,
                "reason": lv.reason,
                "first_steps": [s.text for s in lv.steps],
            }
            for lv in data["levers"]
        ],
        instruments=[{"id": i.id, "name": i.name, "link": i.link} for i in data["instruments"]],
        strengths=data["strengths"],
        consent=conv.get("consent_record"),
        transcript=transcript,
    )


def submit(
    conv: Conversation, conversation_id: str, transcript: Callable[[], list[dict]]
) -> str | None:
    """Queue the consented handoff; its reference, or None when consent or coach is missing.

    Raises ``HandoffLimitReached`` (nothing queued) when the conversation has a handoff
    already or the contact address had its handoffs for this hour.
    """
    region = content.region_of(conv)
    if (
        not conv.get("handoff_consent")
        or not conv.get("consent_record")
        or content.coach_of(conv) is None
    ):
        return None
    hook = region.handoff.webhook
    targets = targets_from_region(
        {
            "webhook": {"url": hook.url, "secret_env": hook.secret_env} if hook else None,
            "email": region.handoff.email,
        }
    )
    reference = HandoffOutbox().enqueue(
        profile_of(conv, conversation_id, transcript()), targets, conversation_id=conversation_id
    )
    logger.info("handoff %s queued for region %s", reference, region.id)
    record_usage("overdracht_bevestigd", conv.get("region"), conv.get("source"))
    conv.set("handoff_reference", reference)
    return reference


def withdraw_all(conv: Conversation, conversation_id: str) -> WithdrawResult:
    """Take everything back: the handoff (the coach is asked to delete theirs) and the conversation."""
    return withdraw_consent(conv.get("handoff_reference") or conversation_id, conversation_id)
