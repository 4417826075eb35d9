"""Both company facts from one message: the headcount and the sector.

The rules live with their owners: :mod:`bot.headcount` (how many people, size class)
and :mod:`bot.sectors` (which sector). This module only combines them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.headcount import parse_company_size, size_class
from bot.sectors import Sector, detect_sector

__all__ = ["CompanyFacts", "extract_company_facts"]


@dataclass(frozen=True)
class CompanyFacts:
    """What a first free-text message says about the firm."""

    size: int | None
    sector: Sector | None

    @property
    def size_class(self) -> str | None:
        """Size class of ``size`` (see :func:`bot.headcount.size_class`)."""
        return size_class(self.size)


def extract_company_facts(text: str, sectors: Iterable[Sector] | None = None) -> CompanyFacts:
    """Size and sector from one message: 'ik heb een installatiebedrijf met 14 man'."""
    return CompanyFacts(
        size=parse_company_size(text),
        sector=detect_sector(text, None if sectors is None else tuple(sectors)),
    )
