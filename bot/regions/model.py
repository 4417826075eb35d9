"""Typed, read-only view of a region file (built by :mod:`bot.regions.loader`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Organisation:
    """An organisation behind a region's initiative."""

    name: str
    role: str | None = None
    website: str | None = None


@dataclass(frozen=True)
class Coach:
    """A person a handoff goes to (shipped files hold placeholders on example.org)."""

    role: str
    name: str
    organisation: str
    email: str
    phone: str | None = None
    sectors: tuple[str, ...] = ()
    office_hours: str | None = None


@dataclass(frozen=True)
class Webhook:
    """Where handoffs are POSTed; ``secret_env`` names the env var with the HMAC secret."""

    url: str
    secret_env: str


@dataclass(frozen=True)
class Handoff:
    """How a region receives handoffs: a signed webhook and/or an e-mail address."""

    webhook: Webhook | None = None
    email: str | None = None


@dataclass(frozen=True)
class Instrument:
    """A local offer: voucher, scan, learning community, ... with what it fits."""

    id: str
    kind: str
    name: str
    description: str
    conditions: str | None = None
    link: str | None = None
    themes: tuple[str, ...] = ()
    min_employees: int | None = None
    max_employees: int | None = None

    def fits_size(self, company_size: int | None) -> bool:
        if company_size is None:
            return True
        if self.min_employees is not None and company_size < self.min_employees:
            return False
        return self.max_employees is None or company_size <= self.max_employees


@dataclass(frozen=True)
class RegionStory:
    """A local success story; ``fictional`` unless it cites a public ``source``."""

    id: str
    title: str
    text: str
    fictional: bool
    source: str | None = None
    themes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Dutch marker to show with the story."""
        return "Verzonnen voorbeeld" if self.fictional else "Praktijkvoorbeeld"


@dataclass(frozen=True)
class Municipality:
    """A municipality with other spellings and the villages or towns inside it."""

    name: str
    aliases: tuple[str, ...] = ()
    places: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (place name, its aliases)


@dataclass(frozen=True)
class Region:
    """One region as loaded from ``bot/regions/<id>.yml``. Treat as read-only."""

    id: str
    name: str
    file: Path
    organisations: tuple[Organisation, ...]
    is_fallback: bool = False
    description: str | None = None
    website: str | None = None
    areas: tuple[str, ...] = ()
    municipalities: tuple[Municipality, ...] = ()
    postcodes: tuple[tuple[int, int], ...] = ()
    coaches: tuple[Coach, ...] = ()
    handoff: Handoff = field(default_factory=Handoff)
    office_hours: str | None = None
    greeting: str = ""
    coach_offer: str = ""
    closing: str = ""
    overrides: Mapping[str, str] = field(default_factory=dict)
    replace_words: Mapping[str, str] = field(default_factory=dict)
    excluded_questions: tuple[str, ...] = ()
    added_questions: tuple[Any, ...] = ()  # bot.framework.Question once validated
    added_questions_raw: tuple[Mapping[str, Any], ...] = ()
    instruments: tuple[Instrument, ...] = ()
    stories: tuple[RegionStory, ...] = ()
    campaign_sources: tuple[str, ...] = ()

    @property
    def wording(self) -> dict[str, str]:
        """The region's own greeting, coach offer and closing by text key."""
        return {"greeting": self.greeting, "coach_offer": self.coach_offer, "closing": self.closing}

    def has_postcode(self, number: int) -> bool:
        return any(lo <= number <= hi for lo, hi in self.postcodes)


@dataclass(frozen=True)
class PlaceMatch:
    """One way a place name can be read: which region, which place, which municipality."""

    region_id: str
    place: str
    municipality: str | None = None


@dataclass(frozen=True)
class PlaceResolution:
    """Outcome of :func:`bot.regions.resolve_place`.

    ``status`` is ``found`` (one region), ``ambiguous`` (several; ``matches`` lists them
    so the dialogue can ask which) or ``unknown`` (use the fallback region).
    """

    status: str
    region_ids: list[str]
    place: str | None = None
    postcode: str | None = None
    municipality: str | None = None
    matches: tuple[PlaceMatch, ...] = ()

    @property
    def region_id(self) -> str | None:
        return self.region_ids[0] if self.status == "found" else None
