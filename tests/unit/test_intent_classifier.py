"""The Rasa intent classifier: a linear SVM on n-grams and the sentence vector."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.intent_classifier import EncoderIntentClassifier
from components.sentence_featurizer import SentenceEncoderFeaturizer

EXAMPLES = {
    "groeten": ["hoi", "hallo", "goedemorgen", "dag allemaal", "hey daar", "goeiedag"],
    "bedanken": ["dank je", "bedankt", "dankjewel", "thanks", "top, dank", "merci"],
    "vraag_kosten": [
        "wat kost dit",
        "moet ik betalen",
        "is het gratis",
        "hoe duur is een coach",
        "kost het geld",
        "wat zijn de kosten",
    ],
}


def _messages(texts, intents=None):
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    messages = [
        Message(data={TEXT: t, **({INTENT: i} if intents else {})})
        for t, i in zip(texts, intents or [None] * len(texts), strict=True)
    ]
    tokenizer.process(messages)
    SentenceEncoderFeaturizer(
        SentenceEncoderFeaturizer.get_default_config(), ExecutionContext(None, node_name="sef")
    ).process(messages)
    return messages


def _training_data():
    texts, intents = [], []
    for intent, said in EXAMPLES.items():
        texts += said
        intents += [intent] * len(said)
    return TrainingData(_messages(texts, intents))


def _classifier(storage, resource, **config):
    return EncoderIntentClassifier.create(
        {**EncoderIntentClassifier.get_default_config(), **config},
        storage,
        resource,
        ExecutionContext(None, node_name="eic"),
    )


@pytest.fixture
def trained(tmp_path):
    storage, resource = LocalModelStorage(tmp_path), Resource("eic")
    classifier = _classifier(storage, resource)
    classifier.train(_training_data())
    return classifier, storage, resource


def test_unseen_phrasings_get_the_right_intent(trained):
    classifier, _, _ = trained
    messages = _messages(["goedemiddag", "hartelijk bedankt", "wat gaat me dat kosten"])
    classifier.process(messages)
    assert [m.get(INTENT)["name"] for m in messages] == ["groeten", "bedanken", "vraag_kosten"]


def test_ranking_is_a_distribution_best_first(trained):
    classifier, _, _ = trained
    [message] = classifier.process(_messages(["is het gratis"]))
    ranking = message.get("intent_ranking")
    confidences = [r["confidence"] for r in ranking]
    assert {r["name"] for r in ranking} == set(EXAMPLES)
    assert confidences == sorted(confidences, reverse=True)
    assert np.isclose(sum(confidences), 1.0)
    assert message.get(INTENT) == ranking[0]
    assert ranking[0]["name"] == "vraag_kosten" and ranking[0]["confidence"] > 0.5


def test_stored_and_loaded_it_predicts_the_same(trained):
    classifier, storage, resource = trained
    loaded = EncoderIntentClassifier.load(
        EncoderIntentClassifier.get_default_config(),
        storage,
        resource,
        ExecutionContext(None, node_name="eic"),
    )
    texts = ["dag hoor", "wat kost het", "bedankt", ""]
    assert np.allclose(
        classifier.confidences(_messages(texts)), loaded.confidences(_messages(texts))
    )


def test_training_twice_gives_the_same_model(tmp_path):
    runs = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        classifier = _classifier(LocalModelStorage(tmp_path / name), Resource("eic"))
        classifier.train(_training_data())
        runs.append(classifier.confidences(_messages(["goedemorgen", "kost dat wat"])))
    assert np.array_equal(runs[0], runs[1])


def test_message_without_a_sentence_vector_still_gets_an_intent(trained):
    classifier, _, _ = trained
    message = Message(data={TEXT: "bedankt"})  # no featurizer ran: n-grams only
    classifier.process([message])
    assert message.get(INTENT)["name"] == "bedanken"


def test_an_untrained_classifier_leaves_messages_alone(tmp_path):
    classifier = EncoderIntentClassifier.load(
        EncoderIntentClassifier.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("nothing"),
        ExecutionContext(None, node_name="eic"),
    )
    [message] = classifier.process(_messages(["hoi"]))
    assert message.get(INTENT) is None


def test_two_intents_give_two_rows(tmp_path):
    texts = EXAMPLES["groeten"] + EXAMPLES["bedanken"]
    intents = ["groeten"] * 6 + ["bedanken"] * 6
    classifier = _classifier(LocalModelStorage(tmp_path), Resource("eic"))
    classifier.train(TrainingData(_messages(texts, intents)))
    [hello, thanks] = classifier.process(_messages(["hallo daar", "dank u wel"]))
    assert hello.get(INTENT)["name"] == "groeten" and thanks.get(INTENT)["name"] == "bedanken"


@pytest.mark.parametrize("config", [{"C": 0}, {"temperature": -1}, {"vector_weight": -0.5}])
def test_bad_settings_are_refused(config):
    with pytest.raises(ValueError):
        EncoderIntentClassifier.validate_config(config)


def test_emoji_are_read_as_the_words_they_stand_for():
    from bot.language import with_emoji_words

    assert with_emoji_words("👍🏽") == "prima"
    assert with_emoji_words("ok 👌") == "ok prima"
    assert with_emoji_words("🤷‍♂️") == "geen idee"
    assert with_emoji_words("geen emoji") == "geen emoji"


def test_the_place_flag_is_set_for_a_town_alone():
    from components.intent_classifier import _is_place

    assert _is_place("Zwolle") and _is_place("in Enschede")
    assert not _is_place("we zitten met 12 man in Zwolle")
    assert not _is_place("geen idee")
