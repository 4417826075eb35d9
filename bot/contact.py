"""What counts as an e-mail address and a phone number: the one owner of both rules.

Used by the chat (``bot.app.handoff.parse_contact``), by the ``email`` format of
every JSON schema (``bot.yamlio``) and, as the same regular expressions, by the
``pattern`` of the phone fields in ``bot/regions/schema.json`` and
``bot/handoff/profile.schema.json`` (a unit test checks that they agree).
"""

from __future__ import annotations

import re

# Local part: letters, digits and . _ % + ' -; domain: labels of letters, digits and -,
# ending in a top-level domain of two or more letters.
EMAIL_PATTERN = r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"

# A phone number: an optional + or 00, then 10 to 13 digits in all, written with spaces,
# dashes or brackets in between, starting and ending with a digit. The look-ahead counts
# the digits, so a JSON schema can carry the whole rule as its pattern.
PHONE_PATTERN = r"^(?=(?:[^0-9]*[0-9]){10,13}[^0-9]*$)(\+|00)?[0-9][0-9 ()-]{8,17}[0-9]$"

_EMAIL = re.compile(EMAIL_PATTERN)
_PHONE = re.compile(PHONE_PATTERN)
# A phone number inside a longer answer ("bel me op 06-12345678 na vijven").
_PHONE_IN_TEXT = re.compile(r"(\+|00)?[0-9][0-9 ()-]{8,17}[0-9]")


def is_email(value: object) -> bool:
    """True for a string that is an e-mail address (the whole string)."""
    return isinstance(value, str) and _EMAIL.fullmatch(value) is not None


def is_phone(value: object) -> bool:
    """True for a string that is a phone number (the whole string)."""
    return isinstance(value, str) and _PHONE.fullmatch(value) is not None


def normalise_phone(value: str) -> str:
    """A phone number as it is stored: as typed, with runs of white space made one space."""
    return re.sub(r"\s+", " ", value).strip()


def normalise_address(value: str) -> str:
    """One spelling per address, for counting: an e-mail address in lower case; a phone
    number as its digits, with +31 or 0031 written as 0 (``06-1234 5678`` = ``+31612345678``)."""
    value = value.strip()
    if "@" in value:
        return value.lower()
    digits = re.sub(r"[^0-9+]", "", value)
    digits = re.sub(r"^(\+|00)31", "0", digits)
    return digits.replace("+", "00")


def find_phone(text: str) -> str | None:
    """The phone number in an answer, normalised; None when its first candidate is none."""
    found = _PHONE_IN_TEXT.search(text)
    if found is None:
        return None
    number = normalise_phone(found.group(0))
    return number if is_phone(number) else None
