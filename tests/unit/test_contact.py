"""One rule for e-mail addresses and phone numbers: the chat, the schemas and yamlio agree."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from bot import PACKAGE_DIR
from bot.contact import PHONE_PATTERN, find_phone, is_email, is_phone, normalise_phone
from bot.yamlio import schema_problems

GOOD_EMAILS = [
    "jan@devries-installatie.nl",
    "a.b+c@example.org",
    "o'brien@sub.example.co.uk",
    "x_y%z@a-b.nl",
    "JAN@EXAMPLE.ORG",
]
BAD_EMAILS = [
    "jan",
    "jan@",
    "jan@devries",
    "@example.org",
    "jan@@example.org",
    "jan de@example.org",
    "jan@example.o",
    "jan@exa_mple.org",
    "jan&co@example.org",
    "jan<x>@example.org",
    "jan@example.org\n",
    " jan@example.org",
    "",
]
GOOD_PHONES = [
    "06-12345678",
    "0612345678",
    "+31 6 1234 5678",
    "0031 53 123 4567",
    "+31 6 00000000",
    "053-1234567",
    "+44 20 7946 0958",
    "00 31 6 1234 5678",
    "+31 (0)6 12345678",
]
BAD_PHONES = [
    "12345",
    "(053) 123 45 67",
    "0031612345678901",
    "06-1234567",
    "+31 6 1234 5678 9999",
    "06 12345678-",
    "-0612345678",
    "06.12.34.56.78",
    "tel 0612345678",
    "+ 31612345678",
    "++31612345678",
    "0612345678\n",
    "06 1234 5678 ",
    "１２３４５６７８９０",
    "",
]


def _schema(name: str) -> dict:
    return json.loads((PACKAGE_DIR / name).read_text(encoding="utf-8"))


def _phone_patterns(node) -> list[str]:
    """The pattern of every ``phone`` property anywhere in a schema."""
    found = []
    if isinstance(node, dict):
        phone = (
            node.get("properties", {}).get("phone")
            if isinstance(node.get("properties"), dict)
            else None
        )
        if isinstance(phone, dict) and "pattern" in phone:
            found.append(phone["pattern"])
        for value in node.values():
            found += _phone_patterns(value)
    elif isinstance(node, list):
        for value in node:
            found += _phone_patterns(value)
    return found


def _schema_phone_patterns() -> dict[str, str]:
    regions = _phone_patterns(_schema("regions/schema.json"))
    profile = _phone_patterns(_schema("handoff/profile.schema.json"))
    assert len(regions) == 1 and len(profile) == 1
    return {"regions": regions[0], "profile": profile[0]}


@pytest.mark.parametrize("value", GOOD_EMAILS)
def test_good_emails(value):
    assert is_email(value)


@pytest.mark.parametrize("value", BAD_EMAILS)
def test_bad_emails(value):
    assert not is_email(value)


@pytest.mark.parametrize("value", GOOD_PHONES)
def test_good_phones(value):
    assert is_phone(value)


@pytest.mark.parametrize("value", BAD_PHONES)
def test_bad_phones(value):
    assert not is_phone(value)


def test_the_schemas_carry_the_phone_rule_as_their_pattern():
    assert _schema_phone_patterns() == {"regions": PHONE_PATTERN, "profile": PHONE_PATTERN}


@pytest.mark.parametrize("schema_name", ["regions", "profile"])
@pytest.mark.parametrize("value", GOOD_PHONES + BAD_PHONES)
def test_schema_phone_pattern_and_python_agree(schema_name, value):
    schema = {"type": "string", "pattern": _schema_phone_patterns()[schema_name]}
    if value.endswith("\n"):
        # JSON Schema patterns are searched with Python's re, whose $ also matches before a
        # final newline; YAML and the chat never produce one (the chat cleans white space).
        value = value.rstrip("\n") + "x"
    assert jsonschema.Draft7Validator(schema).is_valid(value) == is_phone(value)


@pytest.mark.parametrize("value", GOOD_EMAILS + BAD_EMAILS)
def test_yamlio_email_format_and_python_agree(value):
    problems = schema_problems(value, {"type": "string", "format": "email"}, "test")
    assert (not problems) == is_email(value)


def _old_chat_phone(text: str) -> str | None:
    """The chat's rule before it moved to bot.contact (for ASCII digits), to prove it is unchanged."""
    phone = re.search(r"(\+|00)?[0-9][0-9 \-()]{8,17}[0-9]", text)
    if phone and 10 <= len(re.sub(r"[^0-9]", "", phone.group(0))) <= 13:
        return re.sub(r"\s+", " ", phone.group(0)).strip()
    return None


@pytest.mark.parametrize(
    "text",
    [
        "06-12345678",
        "bel me op 06 1234 5678 na vijven",
        "+31 6 1234 5678",
        "0031 53 123 4567",
        "mijn nummer: (053) 123 45 67.",
        "12345",
        "06-1234567",
        "06 1234 5678 9999 0000",
        "0031612345678901234",
        "00 31 6 12 34 56 78",
        "2024 was een goed jaar, 15 mensen",
        "tel 06-123",
        "+31 (0)6 12345678",
        "06-12345678 of 06-87654321",
        "1234567890123",
        "12345678901234",
    ],
)
def test_find_phone_is_the_chats_old_rule(text):
    assert find_phone(text) == _old_chat_phone(text)


def test_normalise_phone_keeps_what_was_typed_but_white_space():
    assert normalise_phone("  +31 6  1234   5678 ") == "+31 6 1234 5678"
