"""Both company facts of one message at once (bot.company)."""

from __future__ import annotations

from bot.company import CompanyFacts, extract_company_facts
from bot.sectors import Sector

# --- both at once -------------------------------------------------------------


def test_extract_company_facts_from_a_first_message():
    facts = extract_company_facts("ik heb een installatiebedrijf met 14 man in Enschede")
    assert facts == CompanyFacts(
        size=14, sector=Sector("installatietechniek", "Installatietechniek")
    )
    assert facts.size_class == "klein"


def test_extract_company_facts_when_nothing_is_said():
    facts = extract_company_facts("goedemorgen")
    assert facts == CompanyFacts(size=None, sector=None)
    assert facts.size_class is None
