"""A fictional, complete handoff profile for tests, the benchmark and the docs.

Names and addresses are invented and use reserved example domains.
"""

from __future__ import annotations

from bot.handoff.consent import consent_record
from bot.handoff.profile import build_profile

SAMPLE_DIMENSION_LABELS = {
    "werk_als_leerbron": "Het werk zelf als leerbron",
    "ruimte_en_veiligheid": "Ruimte en veiligheid om te leren",
    "leren_van_elkaar": "Leren van elkaar",
    "leidinggevende": "De leidinggevende als coach",
    "ontwikkelbeleid": "Ontwikkelbeleid",
    "eigen_regie": "Eigen regie van medewerkers",
    "verbinding_buiten": "Verbinding met buiten",
    "leren_zichtbaar": "Leren zichtbaar maken",
}


def sample_profile(conversation_id: str = "demo-conversation-1", **overrides) -> dict:
    """A valid profile; keyword arguments replace top-level fields."""
    fields = {
        "conversation_id": conversation_id,
        "region": {"id": "twente", "name": "Twente"},
        "source": {"bron": "linkedin", "campagne": "voorjaar-vakmanschap"},
        "contact": {
            "name": "Ans de Vries",
            "email": "ans@example.org",
            "phone": "06 1234 5678",
            "preferred_contact": "telefoon",
            "best_time": "dinsdagochtend",
        },
        "company": {
            "name": "Bakkerij De Korenbloem",
            "sector": "bakkerij",
            "size": 14,
            "place": "Enschede",
        },
        "themes": [
            {"id": "inwerken", "label": "Nieuwe mensen snel op weg helpen"},
            {"id": "personeelstekort", "label": "Personeel vinden"},
        ],
        "challenge": "Nieuwe mensen haken na een paar weken af, ik heb geen tijd om ze in te werken.",
        "dimensions": [
            {
                "id": "leren_van_elkaar",
                "score": 72,
                "level": "sterk",
                "evidence": ["Mijn oudste bakker neemt nieuwe mensen altijd mee."],
                "confidence": 0.7,
            },
            {
                "id": "ontwikkelbeleid",
                "score": 25,
                "level": "aandachtspunt",
                "evidence": ["Een inwerkplan hebben we niet, dat gaat op gevoel."],
                "confidence": 0.6,
            },
            {
                "id": "leidinggevende",
                "score": 50,
                "level": "op weg",
                "evidence": [],
                "confidence": 0.4,
            },
        ],
        "dimension_labels": SAMPLE_DIMENSION_LABELS,
        "levers": [
            {
                "id": "meerjarig_beleid",
                "label": "Beleid voor de lange termijn",
                "reason": "Er is geen vaste aanpak voor inwerken.",
                "first_steps": [
                    "Maak met je oudste bakker een checklist voor de eerste twee weken.",
                    "Geef elke nieuwkomer een vaste buddy.",
                ],
            },
        ],
        "instruments": [
            {
                "id": "twente-scholingscheque",
                "name": "Scholingscheque Twente",
                "link": "https://example.org/scholingscheque",
            },
        ],
        "strengths": ["Ervaren collega's nemen nieuwe mensen mee."],
        "consent": consent_record("Twente", "privacy@example.org", given_at="2024-10-15T12:03:00Z"),
        "transcript": [
            {
                "speaker": "assistent",
                "text": "Waar loop je tegenaan met je personeel?",
                "at": "2024-10-15T12:00:00Z",
            },
            {
                "speaker": "ondernemer",
                "text": "Nieuwe mensen haken na een paar weken af, ik heb geen tijd om ze in te werken.",
                "at": "2024-10-15T12:00:30Z",
            },
        ],
        "created_at": "2024-10-15T12:00:00Z",
    }
    fields.update(overrides)
    return build_profile(**fields)
