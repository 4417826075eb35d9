"""Company size and sector from free text (bot.company).

The realistic cases live in ``tests/data/company_sizes.yml`` and
``tests/data/sectors.yml``; every case must pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.company import (
    MAX_HEADCOUNT,
    CompanyFacts,
    Sector,
    detect_sector,
    dutch_number,
    extract_company_facts,
    load_sectors,
    parse_company_size,
    sector_label,
    size_class,
)
from bot.yamlio import ConfigError, load_yaml

DATA = Path(__file__).resolve().parents[1] / "data"
SIZE_CASES = load_yaml(DATA / "company_sizes.yml")["cases"]
SECTOR_CASES = load_yaml(DATA / "sectors.yml")["cases"]

REQUIRED_SECTOR_IDS = {
    "bouw", "installatietechniek", "metaal_en_techniek", "zorg_en_welzijn", "horeca",
    "retail", "groothandel_en_logistiek", "transport", "agrarisch_en_groen",
    "voedingsindustrie", "maakindustrie", "ict", "zakelijke_dienstverlening",
    "onderwijs_en_kinderopvang", "schoonmaak_en_facilitair", "autobranche",
    "kappers_en_schoonheid", "bakkerij_en_ambacht", "energie", "overheid_en_non_profit",
    "overig",
}  # fmt: skip


def _sector_id(text: str) -> str | None:
    sector = detect_sector(text)
    return sector.id if sector else None


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
    """Dutch spelling of 1..999 with diaeresis, written independently of bot.company."""
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


# --- sectors -----------------------------------------------------------------


def test_sector_data_set_is_big_enough():
    assert len(SECTOR_CASES) >= 60


@pytest.mark.parametrize("case", SECTOR_CASES, ids=[c["text"][:40] for c in SECTOR_CASES])
def test_detect_sector(case):
    assert _sector_id(case["text"]) == case["expected"]


def test_sector_accuracy_is_complete():
    wrong = [
        (c["text"], c["expected"], got)
        for c in SECTOR_CASES
        if (got := _sector_id(c["text"])) != c["expected"]
    ]
    accuracy = 1 - len(wrong) / len(SECTOR_CASES)
    assert not wrong, f"sector accuracy {accuracy:.1%}; wrong: {wrong}"


def test_shipped_sectors_load_and_cover_the_expected_ids():
    sectors = load_sectors()
    ids = [s.id for s in sectors]
    assert len(ids) == len(set(ids))
    assert REQUIRED_SECTOR_IDS <= set(ids)
    assert all(s.label and len(s.label) <= 60 for s in sectors)
    assert {c["expected"] for c in SECTOR_CASES} - {None} <= set(ids)


def test_every_sector_is_detected_by_at_least_one_test_case():
    assert {c["expected"] for c in SECTOR_CASES} - {None} == REQUIRED_SECTOR_IDS


def test_sector_equality_is_by_id_and_label():
    assert detect_sector("ik heb een kapsalon") == Sector(
        "kappers_en_schoonheid", "Kappers en schoonheid"
    )


def test_load_sectors_reports_schema_problems(tmp_path):
    path = tmp_path / "sectors.yml"
    path.write_text("sectors:\n  - id: Bouw Sector\n    label: Bouw\n    woorden: [bouw]\n")
    with pytest.raises(ConfigError) as info:
        load_sectors(path)
    messages = {(p, m) for _, p, m in info.value.problems}
    assert all(f == str(path) for f, _, _ in info.value.problems)
    assert any(p == "sectors[0]" and "woorden" in m for p, m in messages)
    assert any(p == "sectors[0].id" for p, _ in messages)


def test_load_sectors_reports_duplicate_ids(tmp_path):
    path = tmp_path / "sectors.yml"
    path.write_text(
        "sectors:\n"
        "  - {id: bouw, label: Bouw, words: [bouw]}\n"
        "  - {id: bouw, label: Bouwbedrijven, words: [aannemer]}\n"
    )
    with pytest.raises(ConfigError) as info:
        load_sectors(path)
    assert info.value.problems == [
        (str(path), "sectors[1].id", "id 'bouw' is used twice (first at sectors[0])")
    ]


def test_load_sectors_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_sectors(tmp_path / "nope.yml")


def test_custom_sector_list_is_used(tmp_path):
    path = tmp_path / "sectors.yml"
    path.write_text("sectors:\n  - {id: zeilmakerij, label: Zeilmakerij, words: [zeilmaker]}\n")
    sectors = load_sectors(path)
    assert detect_sector("wij zijn een zeilmakerij", sectors) == Sector(
        "zeilmakerij", "Zeilmakerij"
    )
    assert detect_sector("bouwbedrijf", sectors) is None


# --- sector labels -----------------------------------------------------------


def test_sector_label_uses_the_detected_label():
    assert sector_label("ons bouwbedrijfje") == "Bouw"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "wij zijn een <b>zeilmakerij</b> aan de haven. we maken zeilen",
            "Zeilmakerij aan de haven",
        ),
        ("  ik heb een   escaperoom  ", "Escaperoom"),
        ("<script>alert(1)</script>uitvaartonderneming", "Alert(1) uitvaartonderneming"),
        ("", ""),
    ],
)
def test_sector_label_falls_back_to_cleaned_own_words(text, expected):
    assert sector_label(text) == expected


def test_sector_label_is_short_and_without_markup():
    text = "we verhuren <i>springkussens</i> en " + "partytenten voor feesten " * 10
    label = sector_label(text)
    assert len(label) <= 60
    assert "<" not in label and ">" not in label
    assert label.startswith("We verhuren springkussens en partytenten")
    assert not label.endswith(" ")


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
