"""What the Rasa adapter reads from the tracker: the chat link's values and the transcript.

Framework and regions are loaded once, when the action server imports this
module; a broken region file therefore stops start-up, never a conversation.
"""

from __future__ import annotations

from datetime import datetime, timezone

from rasa_sdk import Tracker

from bot.app import content
from bot.app.content import max_questions  # noqa: F401  (the tests ask how many questions)
from bot.app.state import MAX_MESSAGE_CHARS
from bot.web.links import FIXED_SOURCES, ID_PATTERN

FRAMEWORK = content.framework()
REGIONS = content.regions()


def link_metadata(metadata: dict | None) -> dict[str, str]:
    """Region, source and campaign from a chat link, keeping only known, well-formed values."""
    metadata = metadata if isinstance(metadata, dict) else {}
    out: dict[str, str] = {}
    region = str(metadata.get("regio") or "").strip().lower()
    if region and REGIONS.get(region):
        out["region"] = region
    allowed = set(FIXED_SOURCES)
    for r in REGIONS.all():
        allowed.update(r.campaign_sources)
    source = str(metadata.get("bron") or "").strip().lower()
    if source in allowed:
        out["source"] = source
    campaign = str(metadata.get("campagne") or "").strip().lower()
    if ID_PATTERN.match(campaign):
        out["campaign"] = campaign
    return out


def is_button_payload(text: str) -> bool:
    return text.startswith("/")


def transcript(tracker: Tracker) -> list[dict]:
    """Who said what and when, from the tracker events (button payloads as their titles)."""
    out = []
    last_buttons: dict[str, str] = {}
    for event in tracker.events:
        kind = event.get("event")
        at = datetime.fromtimestamp(event.get("timestamp") or 0, tz=timezone.utc).isoformat()
        if kind == "bot" and event.get("text"):
            out.append({"speaker": "assistent", "text": event["text"], "at": at})
            buttons = (event.get("data") or {}).get("buttons") or []
            last_buttons = {b.get("payload"): b.get("title") for b in buttons}
        elif kind == "user":
            text = event.get("text") or ""
            if is_button_payload(text):
                text = last_buttons.get(text) or ""
            if text:
                out.append({"speaker": "ondernemer", "text": text[:MAX_MESSAGE_CHARS], "at": at})
    return out
