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
CONSENT_TEXT_VERSION = "2024-10-v1"

CONSENT_TEXTS: dict[str, str] = {
    "2024-10-v1": (
        "Mag ik je gegevens doorgeven aan een coach van {region_name}?\n"
        "Dit gaat er naar de coach: je naam, je e-mailadres en/of telefoonnummer, "
        "hoe en wanneer je bereikt wilt worden, de naam, plaats, sector en grootte van je bedrijf, "
        "wat je me over je personeel vertelde (ook letterlijk, het hele gesprek) "
        "en de samenvatting met tips die je net zag.\n"
        "Waarom: zodat de coach contact met je opneemt over je vraag en niet bij nul hoeft te beginnen. "
        "Niemand anders krijgt het en we gebruiken het niet voor iets anders.\n"
        "Hoe lang: wij bewaren het hooguit {retention_days} dagen, daarna wissen we het.\n"
        "Intrekken: typ hier 'intrekken' met je referentiecode, of mail die code naar {withdraw_contact}. "
        "Dan wissen wij je gegevens en vragen we de coach dat ook te doen.\n"
        "Ga je akkoord? (ja / nee)"
    ),
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
    template = CONSENT_TEXTS[version]
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
) -> dict:
    """The ``consent`` object of a profile, made at the moment the entrepreneur says yes.

    Contains the exact text shown, so the record proves what was agreed to.
    """
    return {
        "given_at": given_at or utc_now_iso(),
        "text_version": version,
        "text": consent_text(region_name, withdraw_contact, version),
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
