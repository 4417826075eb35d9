"""Free-text signals: lemma matching, separable verbs, typos, negation and hedging."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.engine import score_text
from bot.framework import load_framework
from bot.signals import PatternError, compile_pattern, find, one_typo_apart, stem

FW = load_framework()


def polarity(text: str, dim: str) -> str | None:
    hit = score_text(FW, text).get(dim)
    return hit.polarity if hit else None


@pytest.mark.parametrize(
    "text",
    [
        "we laten nieuwe jongens meelopen",
        "nieuwkomers lopen mee met een ervaren collega",
        "de nieuwe liep een maand mee met onze beste monteur",
    ],
)
def test_shadowing_counts_for_learning_from_each_other(text):
    assert polarity(text, "leren_van_elkaar") == "positive"


@pytest.mark.parametrize(
    "text",
    [
        "ze lopen niet echt mee met anderen",
        "meelopen gebeurt eigenlijk nooit",
        "nieuwe mensen lopen nauwelijks mee",
        "ze lopen zelden mee",
    ],
)
def test_negated_shadowing_counts_against(text):
    assert polarity(text, "leren_van_elkaar") == "negative"


def test_hedging_weakens_but_keeps_direction():
    plain = score_text(FW, "nieuwe mensen lopen mee")["leren_van_elkaar"].score
    hedged = score_text(FW, "nieuwe mensen lopen soms mee")["leren_van_elkaar"].score
    assert 50 < hedged < plain


def test_negated_negative_signal_counts_for():
    assert polarity("fouten worden bij ons niet afgestraft", "ruimte_en_veiligheid") == "positive"
    assert polarity("fouten worden bij ons afgestraft", "ruimte_en_veiligheid") == "negative"


def test_no_time_for_training_counts_against_policy():
    assert polarity("we hebben geen tijd voor opleidingen", "ontwikkelbeleid") == "negative"


def test_negation_stays_in_its_own_clause():
    hits = score_text(FW, "we hebben geen inwerkplan maar ze lopen wel mee met een collega")
    assert hits["ontwikkelbeleid"].polarity == "negative"
    assert hits["leren_van_elkaar"].polarity == "positive"


def test_not_only_is_not_a_negation():
    assert (
        polarity("ze lopen niet alleen mee, ze krijgen ook een maatje", "leren_van_elkaar")
        == "positive"
    )


def test_typo_in_a_long_word_is_tolerated():
    assert polarity("we hebben een inwerkprogamma voor iedereen", "ontwikkelbeleid") == "positive"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("enschede", "enschede", True),
        ("enschede", "enschde", True),  # a letter left out
        ("enschde", "enschede", True),
        ("enschede", "enschedee", True),  # a letter too many
        ("restaurant", "restaurnat", True),  # two neighbours swapped
        ("inwerkprogramma", "inwerkprogremma", True),  # one letter replaced, 7+ letters
        ("vieren", "voeren", False),  # one letter replaced in a short word: another word
        ("enschede", "anschede", False),  # never the first letter
        ("enschede", "nschede", False),
        ("restaurant", "rsetaurnat", False),  # two typos
        ("enschede", "enschedeee", False),
        ("abcd", "badc", False),
    ],
)
def test_one_typo_apart_is_the_one_typo_rule(a, b, expected):
    """The one typo rule of signals, sectors (bot.sectors) and places (bot.regions.places)."""
    assert one_typo_apart(a, b) is expected
    assert one_typo_apart(b, a) is expected


def test_unrelated_text_gives_no_hits():
    assert score_text(FW, "het weer is mooi en de koffie is lekker") == {}
    assert score_text(FW, "") == {}


def test_only_requested_dimensions_are_scored():
    text = "we hebben een inwerkplan en ze lopen mee met een collega"
    assert set(score_text(FW, text, ["ontwikkelbeleid"])) == {"ontwikkelbeleid"}


def test_hit_carries_the_clause_as_evidence():
    hit = score_text(FW, "Eerlijk gezegd: we hebben geen inwerkplan.")["ontwikkelbeleid"]
    assert "geen inwerkplan" in hit.matches[0] and 0 < hit.confidence <= 1


def test_stem_joins_verb_forms():
    assert stem("leert") == stem("leren") == stem("geleerd")
    assert stem("werkt") == stem("werken") == stem("gewerkt")


def test_pattern_words_may_be_in_any_order_within_a_small_window():
    assert find("ervaren collega", "een collega die heel ervaren is") is not None
    assert find("ervaren collega", "ervaren zijn ze niet, maar een collega helpt") is None


@pytest.mark.parametrize("raw", ["", "fo*ut", "a||b", "*"])
def test_malformed_patterns_are_refused(raw):
    with pytest.raises(PatternError):
        compile_pattern(raw)


def test_benchmark_stays_above_the_agreed_floor():
    """Regression guard: macro precision >= 0.8 and recall >= 0.7 on the labelled set."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    import bench_signals

    result = bench_signals.evaluate(FW, bench_signals.load_labelled())
    assert result.n_answers >= 160
    assert result.macro_precision >= 0.8, result.errors
    assert result.macro_recall >= 0.7, result.errors
