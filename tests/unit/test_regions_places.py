"""Place and postcode resolution against the shipped region files (tests/data/places.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.regions import load_regions, place_key, resolve_place
from bot.yamlio import load_yaml

CASES = load_yaml(Path(__file__).resolve().parents[1] / "data" / "places.yml")
REGIONS = load_regions(framework=None)


def test_the_test_set_is_large_and_covers_every_shipped_region():
    found = CASES["found"]
    assert len(found) + len(CASES["ambiguous"]) + len(CASES["unknown"]) >= 100
    covered = set(found.values())
    shipped = {r.id for r in REGIONS if not r.is_fallback}
    assert shipped <= covered, f"no resolution cases for {shipped - covered}"


@pytest.mark.parametrize("text,region", sorted(CASES["found"].items()))
def test_found(text: str, region: str):
    res = resolve_place(text, REGIONS)
    assert (res.status, res.region_ids) == ("found", [region]), res


@pytest.mark.parametrize("text,regions", sorted(CASES["ambiguous"].items()))
def test_ambiguous(text: str, regions: list[str]):
    res = resolve_place(text, REGIONS)
    assert res.status == "ambiguous", res
    assert sorted(res.region_ids) == sorted(regions)
    assert {m.region_id for m in res.matches} == set(regions)


@pytest.mark.parametrize("text", CASES["unknown"])
def test_unknown(text: str):
    res = resolve_place(text, REGIONS)
    assert (res.status, res.region_ids) == ("unknown", []), res
    assert REGIONS.region_for(res) is REGIONS.fallback


def test_spelling_variants_give_one_canonical_place():
    names = {
        resolve_place(t, REGIONS).place
        for t in ["Den Bosch", "'s-Hertogenbosch", "s hertogenbosch", "  DEN   BOSCH "]
    }
    assert names == {"'s-Hertogenbosch"}


def test_village_reports_its_municipality():
    res = resolve_place("we zitten in Rosmalen", REGIONS)
    assert (res.place, res.municipality) == ("Rosmalen", "'s-Hertogenbosch")


def test_postcode_is_normalised_and_reported():
    assert resolve_place("7511ab", REGIONS).postcode == "7511 AB"
    assert resolve_place("postcode 7511", REGIONS).postcode == "7511"
    unknown = resolve_place("2511", REGIONS)
    assert (unknown.status, unknown.postcode) == ("unknown", "2511")


def test_postcode_narrows_an_ambiguous_name():
    assert resolve_place("7551 Hengelo", REGIONS).region_ids == ["twente"]
    assert resolve_place("7255 Hengelo", REGIONS).region_ids == ["achterhoek"]


def test_a_year_in_a_sentence_is_not_a_postcode():
    res = resolve_place("we bestaan sinds 2001 en zitten in Enschede", REGIONS)
    assert (res.region_ids, res.postcode) == (["twente"], None)


def test_ambiguous_place_is_named_as_typed():
    assert resolve_place("bergen", REGIONS).place == "Bergen"


def test_every_listed_municipality_and_postcode_range_resolves_to_its_region():
    for region in REGIONS:
        for muni in region.municipalities:
            res = resolve_place(muni.name, REGIONS)
            assert region.id in res.region_ids, (muni.name, res)
        for lo, hi in region.postcodes:
            for number in (lo, hi):
                assert resolve_place(str(number), REGIONS).region_ids == [region.id]


def test_place_key_ignores_case_accents_hyphens_and_apostrophes():
    assert place_key("'s-Hertogenbosch") == place_key("S HERTOGENBOSCH") == "s hertogenbosch"
    assert place_key("Sint Odiliënberg") == "sint odilienberg"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_resolution_never_fails_and_is_consistent(text: str):
    res = resolve_place(text, REGIONS)
    assert res.status in {"found", "ambiguous", "unknown"}
    expected_count = {
        "found": lambda n: n == 1,
        "ambiguous": lambda n: n >= 2,
        "unknown": lambda n: n == 0,
    }
    assert expected_count[res.status](len(res.region_ids)), res
    assert all(REGIONS.get(r) for r in res.region_ids)


@pytest.mark.parametrize(
    "text",
    [
        "het kost me maanden om iemand op te leiden",
        "wat valt er nog te leiden",
        "ze zijn niet te houden",
    ],
)
def test_a_verb_after_te_is_not_a_place(text):
    assert resolve_place(text, load_regions()).status == "unknown"


def test_a_place_after_te_still_counts():
    found = resolve_place("wij zijn gevestigd te leiden", load_regions())
    assert found.status == "found" and found.place == "Leiden"
