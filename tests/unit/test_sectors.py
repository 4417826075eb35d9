"""The sector from free text and the sector list (bot.sectors).

The realistic cases live in ``tests/data/sectors.yml``; every case must pass.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.regions import load_regions
from bot.regions.loader import REGIONS_DIR
from bot.sectors import (
    SECTORS_PATH,
    SECTORS_SCHEMA_PATH,
    Sector,
    detect_sector,
    load_sectors,
    sector_label,
    sectors_schema,
)
from bot.yamlio import ConfigError, load_validated, load_yaml

DATA = Path(__file__).resolve().parents[1] / "data"
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


# --- the schema file and the region files' use of the ids --------------------


def test_the_schema_is_a_json_file_beside_the_sector_list():
    assert SECTORS_SCHEMA_PATH.parent == SECTORS_PATH.parent
    assert sectors_schema() == json.loads(SECTORS_SCHEMA_PATH.read_text(encoding="utf-8"))
    assert load_validated(SECTORS_PATH, sectors_schema())["sectors"]


def test_load_sectors_reports_a_missing_label_and_a_too_short_word(tmp_path):
    path = tmp_path / "sectors.yml"
    path.write_text("version: 0\nsectors:\n  - {id: bouw, words: [b]}\n")
    with pytest.raises(ConfigError) as info:
        load_sectors(path)
    paths = {p for _, p, _ in info.value.problems}
    assert paths == {"version", "sectors[0]", "sectors[0].words[0]"}


def test_region_files_are_checked_against_the_sector_ids(tmp_path):
    """The region loader reports a coach's unknown sector (it reads the ids via load_sectors)."""
    for path in REGIONS_DIR.glob("*.yml"):
        shutil.copy(path, tmp_path / path.name)
    region = tmp_path / "twente.yml"
    text = region.read_text(encoding="utf-8")
    assert "installatietechniek" in text
    region.write_text(text.replace("installatietechniek", "installatie", 1), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_regions(tmp_path)
    assert any(
        f == str(region) and p.startswith("coaches[") and "onbekende branche 'installatie'" in m
        for f, p, m in info.value.problems
    ), info.value.problems


# --- one typo ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("instalatiebedrijf", "installatietechniek"),  # a letter left out
        ("installatiebedrrijf", "installatietechniek"),  # a letter too many
        ("ik heb een restaurnat", "horeca"),  # two letters swapped
        ("installetiebedrijf", "installatietechniek"),  # one letter replaced (long word)
        ("nstallatiebedrijf", None),  # the first letter is never the typo
    ],
)
def test_one_typo_in_a_long_sector_word(text, expected):
    assert _sector_id(text) == expected
