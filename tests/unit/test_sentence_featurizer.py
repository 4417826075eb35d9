"""The Rasa dense featurizer adds the encoder's vector as a sentence feature."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.understanding.encoder import get_encoder
from components.sentence_featurizer import SentenceEncoderFeaturizer


def _featurizer(tmp_path, **config):
    storage = LocalModelStorage(tmp_path)
    return SentenceEncoderFeaturizer.create(
        {**SentenceEncoderFeaturizer.get_default_config(), **config},
        storage,
        Resource("sef"),
        ExecutionContext(None, node_name="sef"),
    )


def _tokenized(*texts):
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    messages = [Message(data={TEXT: t}) for t in texts]
    tokenizer.process(messages)
    return messages


def test_sentence_feature_is_the_encoders_vector(tmp_path):
    messages = _tokenized("we vinden geen monteurs", "ja")
    _featurizer(tmp_path).process(messages)
    sequence, sentence = messages[0].get_dense_features(TEXT)
    assert sequence is None
    assert sentence.features.shape == (1, 512)
    expected = get_encoder().encode(["we vinden geen monteurs"])[0]
    # scaled to unit size per dimension (the encoder's vectors have unit length)
    assert np.allclose(sentence.features[0], expected * np.sqrt(512), atol=1e-4)
    assert np.isclose(np.linalg.norm(sentence.features[0]), np.sqrt(512), rtol=1e-3)


def test_an_explicit_scale_is_used(tmp_path):
    messages = _tokenized("we vinden geen monteurs")
    _featurizer(tmp_path, scale=1.0).process(messages)
    _, sentence = messages[0].get_dense_features(TEXT)
    assert np.allclose(sentence.features[0], get_encoder().encode(["we vinden geen monteurs"])[0])


def test_a_scale_below_zero_is_refused():
    with pytest.raises(ValueError, match="scale"):
        SentenceEncoderFeaturizer.validate_config({"scale": -1})


def test_training_data_and_token_features(tmp_path):
    messages = _tokenized("hoi daar")
    _featurizer(tmp_path, token_features=True).process_training_data(TrainingData(messages))
    sequence, sentence = messages[0].get_dense_features(TEXT)
    assert sequence.features.shape == (2, 512)
    assert sentence.features.shape == (1, 512)


def test_message_without_text_gets_nothing(tmp_path):
    message = Message(data={"intent": "groeten"})
    _featurizer(tmp_path).process([message])
    assert message.get_dense_features(TEXT) == (None, None)


def test_an_empty_or_blank_message_gets_a_zero_vector(tmp_path):
    # DIET fails on a message without a feature it was trained with ("" from the chat).
    messages = [Message(data={TEXT: ""}), *_tokenized("   ", "hallo")]
    _featurizer(tmp_path).process(messages)
    for message in messages[:2]:
        _, sentence = message.get_dense_features(TEXT)
        assert sentence.features.shape == (1, 512) and not sentence.features.any()
    assert messages[2].get_dense_features(TEXT)[1].features.any()
