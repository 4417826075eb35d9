"""Regions: one YAML file per region with its places, coaches, wording and local offer.

``load_regions()`` reads and checks all files once (at start-up); the functions here
answer the questions the dialogue asks of a region: which region is this place in,
what does the region say, which questions does it ask, what does it offer, and
which coach receives the handoff.
"""

from __future__ import annotations

from bot.regions.content import (
    coach_for,
    effective_questions,
    effective_texts,
    framework_texts,
    instruments_for,
    replace_words,
)
from bot.regions.loader import (
    ENV_DIR,
    REGIONS_DIR,
    RegionSet,
    check_directory,
    clear_cache,
    default_directory,
    load_regions,
)
from bot.regions.model import (
    Coach,
    Handoff,
    Instrument,
    Municipality,
    Organisation,
    PlaceMatch,
    PlaceResolution,
    Region,
    RegionStory,
    Webhook,
)
from bot.regions.places import place_key
from bot.yamlio import ConfigError


def resolve_place(text: str, regions: RegionSet | None = None) -> PlaceResolution:
    """Which region a place name, postcode or sentence about the location points to."""
    return (regions or load_regions()).resolve(text)


__all__ = [
    "ENV_DIR",
    "REGIONS_DIR",
    "Coach",
    "ConfigError",
    "Handoff",
    "Instrument",
    "Municipality",
    "Organisation",
    "PlaceMatch",
    "PlaceResolution",
    "Region",
    "RegionSet",
    "RegionStory",
    "Webhook",
    "check_directory",
    "clear_cache",
    "coach_for",
    "default_directory",
    "effective_questions",
    "effective_texts",
    "framework_texts",
    "instruments_for",
    "load_regions",
    "place_key",
    "replace_words",
    "resolve_place",
]
