"""The pure scoring of scripts/bench_personas.py: coverage, accuracy, the confusion table,
reading the chart's alt text and the check that a claimed strength quotes the persona."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import bench_personas as bench  # noqa: E402

PAIRS = [
    ("sterk", "sterk"),
    ("sterk", "op_weg"),
    ("op_weg", "onbekend"),
    ("aandachtspunt", "aandachtspunt"),
    ("aandachtspunt", "sterk"),
]


def test_level_words_of_the_bot_become_the_gold_vocabulary():
    assert bench.level_id("op weg") == "op_weg"
    assert bench.level_id("Sterk") == "sterk"
    assert bench.level_id("nog onbekend") == "onbekend"
    assert bench.level_id(None) == "onbekend"


def test_coverage_counts_only_real_levels():
    assert bench.coverage(PAIRS) == pytest.approx(4 / 5)
    assert bench.coverage([("sterk", "onbekend")]) == 0.0
    assert bench.coverage([]) == 0.0


def test_accuracy_is_over_the_rated_levels_only():
    assert bench.accuracy(PAIRS) == pytest.approx(2 / 4)
    assert bench.accuracy([("sterk", "onbekend")]) is None


def test_confusion_and_error_distance():
    table = bench.confusion(PAIRS)
    assert table["sterk"] == {"sterk": 1, "op_weg": 1, "aandachtspunt": 0, "onbekend": 0}
    assert table["op_weg"]["onbekend"] == 1
    assert table["aandachtspunt"]["sterk"] == 1
    assert bench.error_steps(PAIRS) == {"adjacent": 1, "two_steps": 1}


def test_levels_are_read_from_the_chart_alt_text():
    alt = (
        "Jouw bedrijf op acht punten. Het werk zelf leert je wat: op weg; "
        "Van elkaar leren: nog onbekend; Kijken buiten de deur: sterk."
    )
    labels = {
        "Het werk zelf leert je wat": "werk_als_leerbron",
        "Van elkaar leren": "leren_van_elkaar",
        "Kijken buiten de deur": "verbinding_buiten",
    }
    assert bench.levels_from_alt(alt, labels) == {
        "werk_als_leerbron": "op_weg",
        "leren_van_elkaar": "onbekend",
        "verbinding_buiten": "sterk",
    }


TYPED = [
    "het werk is heel afwisselend, elke dag andere klanten",
    "we hebben bijna elk jaar een bbl-leerling",
]


def test_a_strength_quoting_what_was_typed_is_backed():
    whole = "Het werk is afwisselend. (Je vertelde: “het werk is heel afwisselend, elke dag andere klanten”)"
    cut = "Het werk is afwisselend. (Je vertelde: “het werk is heel afwisselend, elke da…”)"
    assert bench.unbacked_strengths([whole, cut], TYPED, []) == []


def test_a_strength_without_a_quote_or_with_words_never_typed_is_unbacked():
    bare = "Leren is bij jullie goed geregeld, met een inwerkplan."
    invented = "Jullie halen kennis van buiten. (Je vertelde: “via scholen, stagiairs en andere ondernemers”)"
    half_word = "Het werk is afwisselend. (Je vertelde: “het werk is heel afwissel”)"
    found = bench.unbacked_strengths([bare, invented, half_word], TYPED, [])
    assert [f["reason"].split(":")[0] for f in found] == [
        "no quote",
        "not typed or clicked",
        "not typed or clicked",
    ]


def test_a_chosen_button_must_be_one_the_persona_clicked():
    line = "Je mensen leren veel van elkaar. (Je koos: “Ja, dat gebeurt vanzelf”)"
    assert bench.unbacked_strengths([line], TYPED, ["Ja, dat gebeurt vanzelf"]) == []
    assert len(bench.unbacked_strengths([line], TYPED, ["Soms, als er tijd is"])) == 1


def test_the_answer_goes_to_the_main_dimension_then_the_next_untold_one():
    weights = {"leren_van_elkaar": 1.0, "ontwikkelbeleid": 0.6, "leren_zichtbaar": 0.3}
    assert bench.answer_dimension(weights, []) == "leren_van_elkaar"
    assert bench.answer_dimension(weights, ["leren_van_elkaar"]) == "ontwikkelbeleid"
    told = ["leren_van_elkaar", "ontwikkelbeleid"]
    assert bench.answer_dimension(weights, told) == "leren_van_elkaar"  # 0.3 is too little
    tie = {"werk_als_leerbron": 0.7, "eigen_regie": 0.7}
    assert bench.answer_dimension(tie, []) == "werk_als_leerbron"


def test_gates():
    rows = bench.gate_results(
        {
            "coverage": 0.81,
            "accuracy": 0.89,
            "median_intake_questions": 6,
            "unbacked_strengths": 1,
        }
    )
    assert {r["measure"]: r["ok"] for r in rows} == {
        "coverage": True,
        "accuracy": False,
        "median_intake_questions": True,
        "unbacked_strengths": False,
    }


def test_company_facts_that_differ_are_named():
    sector_ids = {
        "bouwbedrijf": "bouw",
        "Bouw": "bouw",
        "Horeca": "horeca",
        "Transport": "transport",
        "transport en logistiek": "groothandel_en_logistiek",
        "Transportbedrijf in Tiel, 60 man": "transport",
    }.get
    persona = {
        "size": 35,
        "sector": "bouwbedrijf",
        "place": "Doetinchem",
        "says": "Aannemer in de Achterhoek (Doetinchem), 35 mensen",
    }
    right = {"company_size": 35, "sector": "Bouw", "location": "Achterhoek"}
    assert bench.fact_mismatches(persona, right, sector_ids) == []
    wrong = {"company_size": 61, "sector": "Horeca", "location": "Leiden"}
    assert bench.fact_mismatches(persona, wrong, sector_ids) == [
        "size 61, is 35",
        "sector 'Horeca', is 'bouwbedrijf'",
        "place 'Leiden', is 'Doetinchem'",
    ]
    transport = {
        "size": 60,
        "sector": "transport en logistiek",
        "place": "Tiel",
        "says": "Transportbedrijf in Tiel, 60 man",
    }
    said = {"company_size": 60, "sector": "Transport", "location": "Tiel"}
    assert bench.fact_mismatches(transport, said, sector_ids) == []
