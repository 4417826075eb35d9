"""The headcount from free text and the size classes (bot.headcount).

The realistic cases live in ``tests/data/company_sizes.yml``; every case must pass.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.framework import SCHEMA_PATH as FRAMEWORK_SCHEMA_PATH
from bot.headcount import (
    MAX_HEADCOUNT,
    SIZE_CLASSES,
    dutch_number,
    parse_company_size,
    size_class,
)
from bot.yamlio import load_yaml

DATA = Path(__file__).resolve().parents[1] / "data"
SIZE_CASES = load_yaml(DATA / "company_sizes.yml")["cases"]


# --- company size ------------------------------------------------------------


def test_size_data_set_is_big_enough():
    assert len(SIZE_CASES) >= 80


@pytest.mark.parametrize("case", SIZE_CASES, ids=[c["text"][:40] for c in SIZE_CASES])
def test_parse_company_size(case):
    assert parse_company_size(case["text"]) == case["expected"]


def test_size_accuracy_is_complete():
    wrong = [
        (c["text"], c["expected"], got)
        for c in SIZE_CASES
        if (got := parse_company_size(c["text"])) != c["expected"]
    ]
    accuracy = 1 - len(wrong) / len(SIZE_CASES)
    assert not wrong, f"size accuracy {accuracy:.1%}; wrong: {wrong}"


_UNITS = ["", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
_TEENS = ["tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien",
          "zeventien", "achttien", "negentien"]  # fmt: skip
_TENS = ["", "", "twintig", "dertig", "veertig", "vijftig", "zestig", "zeventig",
         "tachtig", "negentig"]  # fmt: skip


def _spell(n: int) -> str:
    """Dutch spelling of 1..999 with diaeresis, written independently of bot.headcount."""
    hundreds, rest = divmod(n, 100)
    head = "" if hundreds == 0 else ("honderd" if hundreds == 1 else _UNITS[hundreds] + "honderd")
    if rest == 0:
        tail = ""
    elif rest < 10:
        tail = _UNITS[rest]
    elif rest < 20:
        tail = _TEENS[rest - 10]
    else:
        tens, unit = divmod(rest, 10)
        joint = "ën" if _UNITS[unit].endswith("e") else "en"
        tail = _TENS[tens] if unit == 0 else _UNITS[unit] + joint + _TENS[tens]
    return head + tail


@pytest.mark.parametrize("n", range(1, 1000))
def test_every_dutch_number_word_up_to_999(n):
    word = _spell(n)
    assert parse_company_size("één" if n == 1 else word) == n, word
    assert dutch_number(word.replace("ë", "e")) == n


def test_number_words_are_not_article_or_nonsense():
    assert dutch_number("een") == 1  # the parser, not this helper, rejects the article
    assert dutch_number("tweedrie") is None
    assert parse_company_size("een") is None
    assert parse_company_size("ik heb een bedrijf") is None


@given(st.text())
@settings(max_examples=400, deadline=None)
def test_parse_company_size_never_raises(text):
    result = parse_company_size(text)
    assert result is None or (isinstance(result, int) and 1 <= result <= MAX_HEADCOUNT)


@given(
    st.lists(
        st.one_of(
            st.integers(min_value=-10, max_value=10**9).map(str),
            st.sampled_from(
                "man fte en ik tussen - tot z'n jaar % € + met vijven honderd een of ,".split()
            ),
        ),
        max_size=12,
    ).map(" ".join)
)
@settings(max_examples=200, deadline=None)
def test_parse_company_size_stays_in_range_on_number_soup(text):
    result = parse_company_size(text)
    assert result is None or 1 <= result <= MAX_HEADCOUNT


@pytest.mark.parametrize(
    ("n", "expected"),
    [(None, None), (0, None), (1, "micro"), (9, "micro"), (10, "klein"), (49, "klein"),
     (50, "middel"), (249, "middel"), (250, "groot"), (5000, "groot")],
)  # fmt: skip
def test_size_class_boundaries(n, expected):
    assert size_class(n) == expected


def test_size_classes_are_the_four_eu_classes_smallest_first():
    assert SIZE_CLASSES == ("micro", "klein", "middel", "groot")
    assert [size_class(n) for n in (1, 10, 50, 250)] == list(SIZE_CLASSES)


def test_the_framework_schema_allows_exactly_the_size_classes():
    """Lever steps and stories are tagged with size classes; the schema lists the same names."""
    schema = json.loads(FRAMEWORK_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert tuple(schema["definitions"]["size"]["enum"]) == SIZE_CLASSES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ik ben 59 en heb een loodgietersbedrijf", None),
        ("ik ben 62, we zijn met 8 man", 8),
        ("hij is 64 en gaat volgend jaar stoppen", None),
        ("een jongen van 19 die nu bij ons leert", None),
        ("een vrouw van 45 en verder 6 mensen", 6),
        ("de meeste monteurs zijn boven de 55", None),
        ("gemiddelde leeftijd is 51", None),
        ("onze oudste is 66", None),
        ("ik word 60 en heb 11 man personeel", 11),
        ("wij zijn 14", 14),
        ("we zijn met 23", 23),
    ],
)
def test_an_age_is_not_a_headcount(text, expected):
    assert parse_company_size(text) == expected
