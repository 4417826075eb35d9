"""Consent for a handoff: the Dutch text the entrepreneur agrees to.

Nothing identifying is stored for a coach or sent before an explicit yes: the
chat shows ``consent_text(...)``, and only after the entrepreneur says yes does
the action call ``consent_record(...)`` and put the result in the profile.
``HandoffOutbox.enqueue`` refuses a profile without that record. Withdrawing
consent is ``bot.handoff.withdrawal``.
"""

from __future__ import annotations

from bot import settings
from bot.handoff.profile import utc_now_iso

# Bump when the wording changes in substance; old versions stay so that a
# stored record can always be shown with the exact text that was agreed to.
# Since 2026-12-v2 the question is short (who, what, why, how to withdraw) and the
# details open on request; the record holds exactly what was shown.
CONSENT_TEXT_VERSION = "2026-12-v2"

_V1_DETAILS = (
    "Dit gaat er naar de coach: je naam, je e-mailadres en/of telefoonnummer, "
    "hoe en wanneer je bereikt wilt worden, de naam, plaats, sector en grootte van je bedrijf, "
    "wat je me over je personeel vertelde (ook letterlijk, het hele gesprek) "
    "en de samenvatting met tips die je net zag.\n"
    "Waarom: zodat de coach contact met je opneemt over je vraag en niet bij nul hoeft te beginnen. "
    "Niemand anders krijgt het en we gebruiken het niet voor iets anders.\n"
    "Hoe lang: wij bewaren het hooguit {retention_days} dagen, daarna wissen we het.\n"
    "Intrekken: typ hier 'intrekken' met je referentiecode, of mail die code naar {withdraw_contact}. "
    "Dan wissen wij je gegevens en vragen we de coach dat ook te doen."
)

CONSENT_SHORT: dict[str, str] = {
    "2026-12-v2": (
        "Mag ik je gegevens doorgeven aan een coach van {region_name}? De coach krijgt je naam, "
        "hoe je bereikbaar bent, je bedrijf en dit gesprek met de tips, en neemt dan contact met "
        "je op. Intrekken kan altijd, ook via {withdraw_contact}. Ga je akkoord?"
    ),
}
CONSENT_DETAILS: dict[str, str] = {"2026-12-v2": _V1_DETAILS}

CONSENT_TEXTS: dict[str, str] = {
    "2024-10-v1": (
        "Mag ik je gegevens doorgeven aan een coach van {region_name}?\n"
        + _V1_DETAILS
        + "\nGa je akkoord? (ja / nee)"
    ),
    # the whole text: the short question and its details
    "2026-12-v2": CONSENT_SHORT["2026-12-v2"] + "\n" + _V1_DETAILS,
}

WITHDRAWN_TEXT = (
    "Je toestemming is ingetrokken. We hebben je gegevens bij ons gewist en de coach "
    "gevraagd ze ook te wissen (referentie {reference})."
)
WITHDRAW_NOT_FOUND_TEXT = (
    "Ik kan geen aanmelding vinden met referentie {reference}. Klopt de code? "
    "Misschien is ze al gewist."
)


def retention_days() -> int:
    """Retention period in days (``settings.retention_days``, env ``LEERPUNT_RETENTION_DAYS``)."""
    return settings.get().retention_days


def consent_text(
    region_name: str,
    withdraw_contact: str,
    version: str = CONSENT_TEXT_VERSION,
    days: int | None = None,
) -> str:
    """The consent question in Dutch, filled in for one region.

    ``withdraw_contact`` is where a person can mail their reference to withdraw
    (the region's or operator's address from the region file).
    """
    return _fill(CONSENT_TEXTS[version], region_name, withdraw_contact, days)


def consent_question(
    region_name: str, withdraw_contact: str, version: str = CONSENT_TEXT_VERSION
) -> str:
    """The short consent question the chat asks (its details open on request)."""
    return _fill(CONSENT_SHORT[version], region_name, withdraw_contact)


def consent_details(
    region_name: str, withdraw_contact: str, version: str = CONSENT_TEXT_VERSION
) -> str:
    """What goes to the coach, why, how long it is kept and how to withdraw."""
    return _fill(CONSENT_DETAILS[version], region_name, withdraw_contact)


def _fill(template: str, region_name: str, withdraw_contact: str, days: int | None = None) -> str:
    return template.format(
        region_name=region_name,
        retention_days=days if days is not None else retention_days(),
        withdraw_contact=withdraw_contact,
    )


def consent_record(
    region_name: str,
    withdraw_contact: str,
    given_at: str | None = None,
    version: str = CONSENT_TEXT_VERSION,
    shown: str | None = None,
) -> dict:
    """The ``consent`` object of a profile, made at the moment the entrepreneur says yes.

    Contains the exact text shown (``shown``: the short question, with its details when
    they were asked for; default the whole text), so the record proves what was agreed to.
    """
    return {
        "given_at": given_at or utc_now_iso(),
        "text_version": version,
        "text": shown or consent_text(region_name, withdraw_contact, version),
    }


def has_consent(profile: dict) -> bool:
    """True when the profile carries a consent record of a known text version."""
    consent = profile.get("consent")
    return (
        isinstance(consent, dict)
        and bool(consent.get("given_at"))
        and consent.get("text_version") in CONSENT_TEXTS
        and bool(consent.get("text"))
    )
