"""The sentence encoder's cache, the classifiers' storage and what the service reads."""

from __future__ import annotations

import numpy as np
import pytest

from bot import engine
from bot.framework import load_framework
from bot.understanding import classifiers, corpus, service
from bot.understanding.encoder import CachedEncoder, get_encoder


class CountingEncoder:
    """A deterministic stand-in that records how often it was asked (cache behaviour only)."""

    name = "counting"
    dim = 4

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return np.array([[len(t), t.count("a"), 1.0, 0.0] for t in texts], dtype=np.float32)


def test_cache_encodes_each_text_once_and_keeps_order():
    inner = CountingEncoder()
    enc = CachedEncoder(inner, size=10)
    first = enc.encode(["aa", "b", "aa"])
    assert inner.calls == [["aa", "b"]]
    second = enc.encode(["b", "aa", "ccc"])
    assert inner.calls == [["aa", "b"], ["ccc"]]
    assert first[0].tolist() == second[1].tolist() == [2.0, 2.0, 1.0, 0.0]
    assert second.shape == (3, 4)


def test_cache_is_bounded():
    inner = CountingEncoder()
    enc = CachedEncoder(inner, size=2)
    enc.encode(["a", "b", "c"])
    enc.encode(["a"])
    assert inner.calls[-1] == ["a"]  # evicted, so encoded again
    assert enc.encode([]).shape == (0, 4)


def test_real_encoder_gives_normalised_vectors_and_batches_like_singles():
    enc = get_encoder()
    batch = enc.inner.encode(["we vinden geen monteurs", "hoi"])
    single = enc.inner.encode(["we vinden geen monteurs"])
    assert batch.shape == (2, enc.dim)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-3)
    assert float(batch[0] @ single[0]) > 0.999


@pytest.fixture(scope="module")
def models():
    return service.models()


def test_models_round_trip_through_npz(models, tmp_path):
    path = tmp_path / "m.npz"
    models.save(path)
    again = classifiers.Models.load(path)
    texts = ["de jonge jongens lopen na een jaar weer weg", "mijn mensen mogen fouten maken"]
    vectors = get_encoder().encode(texts)
    assert np.allclose(
        models.themes.probabilities(texts, vectors), again.themes.probabilities(texts, vectors)
    )
    assert models.answers.read(texts, vectors) == again.answers.read(texts, vectors)
    asked = ["leren_van_elkaar", "ruimte_en_veiligheid"]
    levels = models.answers.levels(texts, vectors, asked)
    assert levels is not None and np.allclose(levels.sum(axis=1), 1.0)
    assert np.allclose(levels, again.answers.levels(texts, vectors, asked))


def test_model_key_follows_the_corpus(monkeypatch, tmp_path):
    before = service.model_key()
    extra = tmp_path / "themes_extra.yml"
    extra.write_text("messages:\n  - text: hoi\n    themes: []\n", encoding="utf-8")
    monkeypatch.setattr(corpus, "THEME_FILES", (*corpus.THEME_FILES, extra))
    assert service.model_key() != before


def test_themes_add_what_the_phrases_miss(models):
    fw = load_framework()
    text = "ik kan gewoon geen timmerlui vinden en de jonge jongens die ik wel heb lopen na een jaar weer weg"
    found = service.detect_themes(fw, text)
    assert {"personeelstekort", "behoud"} <= set(found)
    assert service.detect_themes(fw, "") == []


def test_asked_dimension_always_read_and_polarity_follows_negation(models):
    fw = load_framework()
    yes = service.score_answer(
        fw, "ja, dat bespreken we altijd samen en daar leren we van", "ruimte_en_veiligheid"
    )
    no = service.score_answer(
        fw,
        "nee, dan wordt er flink geschreeuwd en niemand durft nog iets te zeggen",
        "ruimte_en_veiligheid",
    )
    assert yes["ruimte_en_veiligheid"].polarity == "positive"
    assert no["ruimte_en_veiligheid"].polarity == "negative"
    assert no["ruimte_en_veiligheid"].score < 50 < yes["ruimte_en_veiligheid"].score


def test_a_reply_without_content_is_not_about_the_question(models):
    assert not service.speaks_about("", "leidinggevende")
    assert not service.speaks_about("hmm", None)


@pytest.mark.parametrize(
    ("text", "dimension"),
    [
        (
            "de nieuwe krachten draaien mee met een ervaren collega, maar een vaste aanpak is er niet",
            "leren_van_elkaar",
        ),
        ("soms, als het rustig is, verder komt het er niet van", "leren_van_elkaar"),
        (
            "er is een opleidingsbudget en een plan, alleen schiet het er door de drukte bij in",
            "ontwikkelbeleid",
        ),
    ],
)
def test_an_answer_partly_yes_partly_no_lands_in_between(models, text, dimension):
    fw = load_framework()
    hit = service.score_answer(fw, text, dimension)[dimension]
    assert hit.polarity == "mixed"
    assert engine.level_for(hit.score) == engine.LEVEL_ON_THE_WAY, hit.score


def test_a_plain_answer_is_not_mixed(models):
    fw = load_framework()
    text = "ja, iedereen leert hier van elkaar, elke dag weer"
    assert service.mixed_reading(text, "leren_van_elkaar") is None
    assert service.score_answer(fw, text, "leren_van_elkaar")["leren_van_elkaar"].score >= 70


def test_an_answer_in_own_words_is_not_asked_about_again(models):
    fw = load_framework()
    said = "nieuwe mensen lopen de eerste weken mee met een ervaren collega, die legt alles uit"
    answers = [engine.Answer("q_nieuwe_mensen", text=said)]
    hit = service.score_answer(fw, said, "leren_van_elkaar")["leren_van_elkaar"]
    assert hit.confidence >= engine.COVERED_FROM
    nxt = engine.next_question(
        fw, ["inwerken"], answers, max_questions=5, read_text=service.score_answer
    )
    assert nxt is not None and nxt != "q_van_elkaar"
    assert engine.main_dimension(fw.questions[nxt]) != "leren_van_elkaar"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # Sentences the mention head did not take as being about the question (written
        # for this test, in the style of the development personas).
        (
            "q_gesprekken",
            "Elk half jaar drinken we samen koffie buiten de zaak en dan vraag ik waar ze naartoe willen.",
        ),
        (
            "q_fouten",
            "Dan zoeken we samen uit hoe het kwam, en daarna gaan we gewoon weer door met het werk.",
        ),
    ],
)
def test_a_sentence_typed_in_reply_counts_as_an_answer_to_the_question(models, question, said):
    fw = load_framework()
    main = engine.main_dimension(fw.questions[question])
    hit = service.score_answer(fw, said, main)[main]
    assert hit.confidence >= engine.COVERED_FROM
    answers = [engine.Answer(question, text=said)]
    for _ in range(5):  # no second question on the same thing while others are unknown
        nxt = engine.next_question(
            fw, ["behoud"], answers, max_questions=8, read_text=service.score_answer
        )
        assert nxt is not None
        assert engine.main_dimension(fw.questions[nxt]) != main, answers
        answers.append(engine.Answer(nxt, skipped=True))


def test_the_level_vote_keeps_a_score_inside_the_level_it_chose(models, monkeypatch):
    fw = load_framework()
    said = "dan krijgt hij de wind van voren en daarmee is het klaar"
    hit = service.score_answer(fw, said, "ruimte_en_veiligheid")["ruimte_en_veiligheid"]
    levels = service._levels(said, "ruimte_en_veiligheid")
    probs = dict(zip(models.answers.level.levels, levels, strict=True))
    # Whatever the vote chose, the score says the same level (what the profile shows).
    level = {"sterk": engine.LEVEL_STRONG, "op_weg": engine.LEVEL_ON_THE_WAY}.get(
        max(probs, key=lambda lv: probs[lv]), engine.LEVEL_ATTENTION
    )
    monkeypatch.setattr(service, "LEVEL_VOTE", 0.0)  # the head alone decides
    service._levels.cache_clear()
    alone = service._level_vote(said, "ruimte_en_veiligheid", hit)
    assert engine.level_for(alone.score) == level
    assert hit.score < 50  # a telling-off after a mistake is no room to try


def test_a_short_reply_is_not_taken_as_the_answer(models):
    fw = load_framework()
    hit = service.score_answer(fw, "geen idee", "leidinggevende").get("leidinggevende")
    assert hit is None or hit.confidence < engine.COVERED_FROM


def test_the_intake_goes_on_past_the_themes_dimensions(models):
    """What the themes point at comes first, but the coach also needs the rest."""
    fw = load_framework()
    rel = engine.relevance(fw, ["personeelstekort"])
    answers: list[engine.Answer] = []
    asked_dims = []
    for _ in range(5):
        nxt = engine.next_question(fw, ["personeelstekort"], answers, max_questions=5)
        assert nxt is not None
        asked_dims.append(engine.main_dimension(fw.questions[nxt]))
        answers.append(engine.Answer(nxt, option_id=fw.questions[nxt].options[0].id))
    assert rel[asked_dims[0]] >= 0.5
    assert any(rel[d] == 0.0 for d in asked_dims), asked_dims


def test_graded_answers_label_polarity_and_keep_their_level(tmp_path):
    path = tmp_path / "answers_graded_x.yml"
    path.write_text(
        "answers:\n"
        "  - {question: q_fouten, asked: ruimte_en_veiligheid, level: sterk, text: 'we bespreken het'}\n"
        "  - {question: q_fouten, asked: ruimte_en_veiligheid, level: op_weg, text: 'soms'}\n"
        "  - {question: q_fouten, asked: ruimte_en_veiligheid, level: aandachtspunt, text: 'boos'}\n"
        "  - {question: q_fouten, asked: ruimte_en_veiligheid, level: goed, text: 'onbekend niveau'}\n"
        "  - {question: q_x, asked: geen_dimensie, level: sterk, text: 'onbekende dimensie'}\n",
        encoding="utf-8",
    )
    examples = corpus.load_graded_examples((path,), known={"ruimte_en_veiligheid"})
    assert [(e.text, e.labels, e.level) for e in examples] == [
        ("we bespreken het", {"ruimte_en_veiligheid": "positive"}, "sterk"),
        ("soms", {}, "op_weg"),
        ("boos", {"ruimte_en_veiligheid": "negative"}, "aandachtspunt"),
    ]
    assert all(e.asked == "ruimte_en_veiligheid" for e in examples)


def test_the_partial_head_tells_partly_from_yes_and_no(models):
    assert models.answers.partial is not None
    texts = [
        "zo nu en dan, als er een rustige week is",
        "ja, elke ochtend weer, dat hoort er gewoon bij",
        "nee, daar doen we helemaal niks aan",
    ]
    partial = [
        r["leren_van_elkaar"].partial
        for r in models.answers.read(texts, get_encoder().encode(texts))
    ]
    assert partial[0] >= service.PARTIAL_FROM > max(partial[1:])
    fw = load_framework()
    levels = [
        engine.level_for(service.score_answer(fw, t, "leren_van_elkaar")["leren_van_elkaar"].score)
        for t in texts
    ]
    assert levels == [engine.LEVEL_ON_THE_WAY, engine.LEVEL_STRONG, engine.LEVEL_ATTENTION]


def test_ngrams_transform_is_sklearns_tfidf(models):
    from scipy.sparse import hstack

    from bot.language import normalize

    ngrams = models.answers.ngrams
    texts = [
        "",
        "hmm",
        "Wij zoeken al maanden tevergeefs naar monteurs!",
        "qqqq zzzz",
        "ja ja ja ja",
    ]
    said = [normalize(t) for t in texts]
    expected = hstack([ngrams.char.transform(said), ngrams.word.transform(said)]).toarray()
    got = ngrams.transform(texts)
    assert got.shape == expected.shape == (len(texts), ngrams.size)
    assert np.allclose(got.toarray(), expected)
    assert got[1].nnz > 0 and got[0].nnz == 0
