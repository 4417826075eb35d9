"""Scoring, lever ranking and the adaptive question picker."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import (
    LEVEL_UNKNOWN,
    Answer,
    DimensionScore,
    Profile,
    Said,
    detect_themes,
    level_for,
    next_question,
    rank_levers,
    score_profile,
    strengths,
    strong_points,
)
from bot.framework import load_framework

FW = load_framework()
QUESTIONS = list(FW.questions.values())
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def button(qid: str, oid: str) -> Answer:
    return Answer(qid, option_id=oid)


def option_answers() -> st.SearchStrategy[Answer]:
    return st.sampled_from(QUESTIONS).flatmap(
        lambda q: st.one_of(
            st.sampled_from(q.options).map(lambda o: Answer(q.id, option_id=o.id)),
            st.just(Answer(q.id, skipped=True)),
        )
    )


def any_answers() -> st.SearchStrategy[Answer]:
    texts = st.sampled_from(
        [
            "ze lopen mee met een ervaren collega",
            "geen idee eigenlijk",
            "nee",
            "soms",
            "fouten worden hier afgestraft",
            "we hebben geen inwerkplan",
            "",
        ]
    )
    free = st.tuples(st.sampled_from(QUESTIONS), texts).map(lambda t: Answer(t[0].id, text=t[1]))
    return st.one_of(option_answers(), free)


# --------------------------------------------------------------------------- profile


def test_without_answers_every_dimension_stays_unknown():
    profile = score_profile(FW, ["inwerken"], [])
    assert set(profile.dimensions) == set(FW.dimensions)
    for ds in profile.dimensions.values():
        assert (ds.score, ds.level, ds.evidence, ds.confidence) == (None, LEVEL_UNKNOWN, [], 0.0)


def test_skipped_and_dont_know_answers_give_no_evidence():
    answers = [Answer("q_nieuwe_mensen", skipped=True), button("q_fouten", "weet_niet")]
    profile = score_profile(FW, [], answers)
    assert all(ds.score is None for ds in profile.dimensions.values())


def test_button_answer_scores_its_dimensions_with_the_label_as_evidence():
    profile = score_profile(FW, [], [button("q_nieuwe_mensen", "zelf_uitzoeken")])
    ds = profile.dimensions["leren_van_elkaar"]
    assert ds.score is not None and ds.level == "aandachtspunt"
    assert any("Zoekt het vooral zelf uit" in e for e in ds.evidence)
    assert profile.dimensions["eigen_regie"].score is None


def test_free_text_answer_is_scored_and_quoted():
    text = "nieuwe mensen lopen mee met een ervaren collega"
    profile = score_profile(FW, [], [Answer("q_nieuwe_mensen", text=text)])
    ds = profile.dimensions["leren_van_elkaar"]
    assert ds.level == "sterk" and text in ds.evidence


def test_short_free_text_reply_counts_as_the_matching_button():
    by_text = score_profile(FW, [], [Answer("q_tijd_en_geld", text="Nee")])
    by_button = score_profile(FW, [], [button("q_tijd_en_geld", "eigenlijk_niet")])
    assert (
        by_text.dimensions["ontwikkelbeleid"].score == by_button.dimensions["ontwikkelbeleid"].score
    )


def test_answers_to_unknown_questions_are_ignored():
    profile = score_profile(FW, [], [button("q_bestaat_niet", "ja")])
    assert all(ds.score is None for ds in profile.dimensions.values())


@SETTINGS
@given(st.lists(any_answers(), max_size=12))
def test_scores_and_confidence_stay_in_range(answers):
    for ds in score_profile(FW, [], answers).dimensions.values():
        assert ds.score is None or 0 <= ds.score <= 100
        assert 0.0 <= ds.confidence <= 1.0
        assert ds.level == level_for(ds.score)
        assert (ds.score is None) == (not ds.evidence)


@SETTINGS
@given(st.lists(any_answers(), max_size=10), st.data())
def test_adding_a_positive_answer_never_lowers_that_dimension(answers, data):
    positive = [
        (q, o, d) for q in QUESTIONS for o in q.options for d, s in o.scores.items() if s > 50
    ]
    q, o, dim = data.draw(st.sampled_from(positive))
    before = score_profile(FW, [], answers).dimensions[dim].score
    after = score_profile(FW, [], [*answers, Answer(q.id, option_id=o.id)]).dimensions[dim].score
    assert after is not None and after > 50 or before is not None
    if before is not None:
        assert after >= before


@SETTINGS
@given(st.lists(any_answers(), max_size=10), st.data())
def test_adding_a_negative_answer_never_raises_that_dimension(answers, data):
    negative = [
        (q, o, d) for q in QUESTIONS for o in q.options for d, s in o.scores.items() if s < 50
    ]
    q, o, dim = data.draw(st.sampled_from(negative))
    before = score_profile(FW, [], answers).dimensions[dim].score
    after = score_profile(FW, [], [*answers, Answer(q.id, option_id=o.id)]).dimensions[dim].score
    if before is not None:
        assert after <= before


def test_three_lukewarm_answers_do_not_make_a_strength():
    answers = [
        button("q_van_elkaar", "als_er_tijd_is"),
        button("q_nieuwe_mensen", "verschilt"),
        Answer("q_x", text="soms lopen ze mee"),
    ]
    assert score_profile(FW, [], answers).dimensions["leren_van_elkaar"].level != "sterk"


# --------------------------------------------------------------------------- picker


@SETTINGS
@given(
    st.lists(st.sampled_from(list(FW.themes)), max_size=3, unique=True),
    st.integers(min_value=0, max_value=16),
    st.randoms(use_true_random=False),
)
def test_picker_never_repeats_and_stops_within_the_limit(themes, limit, rnd):
    answers: list[Answer] = []
    for _ in range(30):
        qid = next_question(FW, themes, answers, max_questions=limit)
        if qid is None:
            break
        assert qid not in {a.question_id for a in answers}
        q = FW.questions[qid]
        answers.append(
            Answer(qid, skipped=True)
            if rnd.random() < 0.2
            else Answer(qid, option_id=rnd.choice(q.options).id)
        )
    else:
        pytest.fail("picker did not stop")
    assert len(answers) <= limit


def test_picker_starts_with_what_matters_for_the_theme():
    assert next_question(FW, ["inwerken"], []) == "q_nieuwe_mensen"
    assert next_question(FW, ["innovatie"], []) in {
        "q_fouten",
        "q_buiten_de_deur",
        "q_ruimte_in_drukte",
        "q_zelf_aanpakken",
        "q_afwisseling",
    }


def test_picker_stops_early_once_the_theme_dimensions_are_covered():
    answers: list[Answer] = []
    while (qid := next_question(FW, ["inwerken"], answers, max_questions=16)) is not None:
        answers.append(Answer(qid, option_id=FW.questions[qid].options[0].id))
    assert len(answers) < 16
    profile = score_profile(FW, ["inwerken"], answers)
    for dim in ("leren_van_elkaar", "ontwikkelbeleid"):
        assert profile.dimensions[dim].confidence >= 0.6


def test_picker_without_themes_still_asks():
    assert next_question(FW, [], []) is not None


def test_picker_uses_a_region_question_list():
    subset = [FW.questions["q_buiten_de_deur"], FW.questions["q_fouten"]]
    first = next_question(FW, ["personeelstekort"], [], questions=subset)
    assert first == "q_buiten_de_deur"
    second = next_question(
        FW, ["personeelstekort"], [button(first, "regelmatig")], questions=subset
    )
    assert second in {None, "q_fouten"}


# --------------------------------------------------------------------------- levers


def _profile(scores: dict[str, int]) -> Profile:
    dims = {
        d: DimensionScore(
            d, scores.get(d), level_for(scores.get(d)), [], 0.7 if d in scores else 0.0
        )
        for d in FW.dimensions
    }
    return Profile(dims)


def test_weak_onboarding_policy_ranks_a_policy_lever_first():
    unsaid = _profile({d: 85 for d in FW.dimensions} | {"ontwikkelbeleid": 15})
    said = Said("words", "ze moeten het maar zelf uitzoeken, een plan hebben we niet", False)
    profile = Profile(
        {
            **unsaid.dimensions,
            "ontwikkelbeleid": replace(unsaid.dimensions["ontwikkelbeleid"], said=(said,)),
        }
    )
    advice = rank_levers(FW, profile, ["inwerken"], company_size=12)
    assert advice[0].lever_id in {"meerjarig_beleid", "leervoorzieningen"}
    assert FW.dimensions["ontwikkelbeleid"].weak_phrase in advice[0].reason
    # the same low score that nobody said anything about is not claimed as a weakness
    plain = rank_levers(FW, unsaid, ["inwerken"], company_size=12)
    assert plain[0].lever_id == advice[0].lever_id
    assert not any(a.reason.startswith("Je gaf aan") for a in plain)


def test_each_lever_has_its_own_reason():
    said = Said("button", "Nauwelijks, ieder doet zijn ding", False)
    base = _profile({d: 20 for d in FW.dimensions})
    profile = Profile({d: replace(s, said=(said,)) for d, s in base.dimensions.items()})
    for themes in ([], ["inwerken"], ["personeelstekort", "behoud"]):
        reasons = [a.reason for a in rank_levers(FW, profile, themes, n=3)]
        assert len(set(reasons)) == 3, reasons


@pytest.mark.parametrize(
    "size,klass", [(4, "micro"), (25, "klein"), (120, "middel"), (250, "groot"), (5000, "groot")]
)
def test_steps_fit_the_company_size(size, klass):
    advice = rank_levers(FW, _profile({}), ["groei"], company_size=size, n=8)
    assert len(advice) == 8
    for item in advice:
        assert item.steps and all(klass in s.sizes for s in item.steps)
        assert item.reason.endswith(".")


@pytest.mark.parametrize("size", [250, 1000, 100_000])
def test_a_firm_of_250_or_more_gets_the_steps_of_a_firm_of_50_to_249(size):
    """Before 'groot' existed the engine put 250+ in 'middel'; the shipped steps keep that."""
    profile = _profile({})
    assert rank_levers(FW, profile, ["groei"], company_size=size, n=8) == rank_levers(
        FW, profile, ["groei"], company_size=120, n=8
    )


def test_rank_levers_returns_n_distinct_levers_with_a_reason():
    advice = rank_levers(FW, _profile({}), [], n=3)
    assert len({a.lever_id for a in advice}) == 3
    assert all(a.reason and a.label == FW.levers[a.lever_id].label for a in advice)


def test_strengths_name_what_goes_well():
    profile = _profile({"leren_van_elkaar": 90, "eigen_regie": 40})
    said = Said("button", "Ja, dat gebeurt vanzelf", True)
    backed = Profile(
        {
            **profile.dimensions,
            "leren_van_elkaar": replace(profile.dimensions["leren_van_elkaar"], said=(said,)),
        }
    )
    assert strengths(FW, backed) == [FW.dimensions["leren_van_elkaar"].strong_text]
    assert strengths(FW, _profile({})) == []


def test_a_strength_is_claimed_only_from_what_the_entrepreneur_said_or_chose():
    # 90 on a dimension that no answer spoke about directly: not claimed
    assert strengths(FW, _profile({"leren_van_elkaar": 90})) == []
    # a button mainly about another dimension raises this one's score, but is no claim
    q = FW.questions["q_nieuwe_mensen"]  # leren_van_elkaar 1.0, ontwikkelbeleid 0.6
    profile = score_profile(FW, [], [Answer(q.id, "vast_plan")])
    assert profile.dimensions["ontwikkelbeleid"].level == "sterk"
    assert profile.dimensions["ontwikkelbeleid"].said == ()
    assert [d.dimension_id for d, _ in strong_points(profile)] == []
    # the question's own dimension, by button or by own words, is
    chosen = score_profile(FW, [], [Answer(q.id, "meelopen")])
    [(dim, said)] = strong_points(chosen)
    assert (dim.dimension_id, said.kind, said.quote) == (
        "leren_van_elkaar",
        "button",
        "Loopt mee met een ervaren collega",
    )


# --------------------------------------------------------------------------- themes


@pytest.mark.parametrize(
    "text,theme",
    [
        ("ik kan geen mensen vinden", "personeelstekort"),
        ("vacatures staan maanden open", "personeelstekort"),
        ("personeel is niet aan te komen", "personeelstekort"),
        ("we werken steeds meer met zzp'ers omdat er niemand reageert", "personeelstekort"),
        ("de jongens lopen weg naar de concurrent", "behoud"),
        ("goeie mensen vertrekken na een jaar", "behoud"),
        ("het duurt maanden voor een nieuwe kracht productief is", "inwerken"),
        ("we willen zij-instromers aannemen uit de horeca", "zij_instroom"),
        ("de oude garde gaat met pensioen", "kennisbehoud"),
        ("alle kennis zit in het hoofd van twee oudere monteurs", "kennisbehoud"),
        ("moeten we iets met ai of robots", "innovatie"),
        ("alles wordt digitaal en we lopen achter", "innovatie"),
        ("veel ziekteverzuim en iedereen loopt op zn tandvlees", "werkdruk"),
        ("ik wil een goede werkgever zijn", "leiderschap"),
        ("we willen groeien naar een tweede vestiging", "groei"),
        ("persooneel vinden is een ramp", "personeelstekort"),
    ],
)
def test_detect_themes_from_informal_dutch(text, theme):
    assert theme in detect_themes(FW, text)


def test_detect_themes_orders_by_strength_and_ignores_small_talk():
    assert detect_themes(FW, "goedemorgen, mooi weer vandaag") == []
    found = detect_themes(
        FW, "vacatures staan open, geen sollicitanten, en iemand gaat met pensioen"
    )
    assert found[0] == "personeelstekort" and "kennisbehoud" in found
