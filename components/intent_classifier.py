"""The NLU intent classifier: a linear SVM on n-grams and the sentence encoder's vector.

Registered with Rasa's default recipe as an intent classifier, in place of DIET. Its
features are the tf-idf character and word n-grams of ``bot.understanding.classifiers``
(the owners' own spellings and typos) and the dense sentence feature that
``SentenceEncoderFeaturizer`` put on the message (the meaning), scaled back to unit
length and weighed by ``vector_weight``.

Why not DIET: on the same 5 folds of data/nlu a linear SVM on these features reaches
macro F1 0.94 against DIET's 0.90 with the same sentence feature, trains in a few
seconds and needs no TensorFlow at prediction time.

Confidence is the softmax of the SVM's decision values times ``temperature``. With 4,
out-of-fold predictions at 0.7 or more (what the dialogue acts upon) were right 98.5%
of the time and made up 86% of all predictions.

Stored as plain numpy arrays (``.npz``, no pickle); training is deterministic.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.language import with_emoji_words
from bot.understanding.classifiers import Ngrams

logger = logging.getLogger(__name__)

FILE = "intent_svm.npz"
# Columns after the n-grams and the vector: 1.0 when the whole message is a known place
# ("Utrecht", "in Zwolle"), which the n-grams of a name never seen in training miss.
FLAGS = 1


def _is_place(text: str) -> bool:
    """Is the whole message a place name of the regions (a town, a municipality)?"""
    from bot.regions.loader import load_regions
    from bot.regions.places import place_key

    key = place_key(re.sub(r"^\s*(in|uit|te|bij|rond|regio)\s+", "", text or "", flags=re.I))
    if not key or len(key) > 40:
        return False
    try:
        return key in load_regions().places.names
    except Exception:  # a broken region file must not stop understanding
        logger.debug("EncoderIntentClassifier: regions unavailable for the place flag")
        return False


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class EncoderIntentClassifier(IntentClassifier, GraphComponent):
    """Intents from n-grams plus the sentence vector, by a one-vs-rest linear SVM."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # C and vector_weight: 5-fold CV on data/nlu (C 1 and weight 0.5: macro F1 0.943;
        # weight 0.7: 0.940; C 2: 0.941). temperature: see the module docstring.
        return {"C": 1.0, "vector_weight": 0.5, "temperature": 4.0, "ranking_length": 10}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        ngrams: Ngrams | None = None,
        coef: np.ndarray | None = None,
        intercept: np.ndarray | None = None,
        classes: list[str] | None = None,
        flags: int = FLAGS,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.ngrams = ngrams
        self.coef = coef
        self.intercept = intercept
        self.classes = classes or []
        self.flags = flags

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EncoderIntentClassifier:
        return cls(config, model_storage, resource)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        for key in ("C", "temperature"):
            if key in config and float(config[key]) <= 0:
                raise ValueError(f"EncoderIntentClassifier: {key} must be positive")
        if float(config.get("vector_weight", 0.5)) < 0:
            raise ValueError("EncoderIntentClassifier: vector_weight must not be negative")

    # -- features ------------------------------------------------------------------

    def _features(self, messages: list[Message], width: int):
        """N-grams beside the sentence vectors, ``width`` columns for the vectors (a
        message without a vector, or with one of another size, gets zeros there), then
        the place flag. Emoji are read as words first ("👍" as "prima")."""
        from scipy.sparse import csr_matrix, hstack

        assert self.ngrams is not None
        dense = np.zeros((len(messages), width), dtype=np.float64)
        for i, message in enumerate(messages):
            row = self._vector(message)
            if row is not None and len(row) == width:
                dense[i] = row
        texts = [m.get(TEXT) or "" for m in messages]
        parts = [self.ngrams.transform([with_emoji_words(t) for t in texts])]
        if width:
            parts.append(csr_matrix(dense * float(self.config["vector_weight"])))
        if self.flags:
            parts.append(csr_matrix(np.array([[float(_is_place(t))] for t in texts])))
        return hstack(parts).tocsr()

    @staticmethod
    def _vector(message: Message) -> np.ndarray | None:
        """The pipeline's dense sentence feature at unit length (None when there is none)."""
        _, sentence = message.get_dense_features(TEXT)
        if sentence is None:
            return None
        row = np.asarray(sentence.features, dtype=np.float64).reshape(-1)
        norm = float(np.linalg.norm(row))
        return row / norm if norm > 0 else row

    # -- training ------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.svm import LinearSVC

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = sorted({e.get(INTENT) for e in examples})
        if len(labels) < 2:
            logger.debug("EncoderIntentClassifier: fewer than two intents, nothing to train")
            return self._resource
        self.ngrams = Ngrams.fit([with_emoji_words(e.get(TEXT)) for e in examples])
        self.flags = FLAGS
        vectors = [self._vector(e) for e in examples]
        width = max((len(v) for v in vectors if v is not None), default=0)
        x = self._features(examples, width)
        y = np.array([labels.index(e.get(INTENT)) for e in examples])
        svm = LinearSVC(C=float(self.config["C"]), random_state=0, max_iter=10000).fit(x, y)
        coef, intercept = svm.coef_, svm.intercept_
        if len(labels) == 2:  # sklearn keeps one row for two classes: make it two
            coef, intercept = np.vstack([-coef, coef]), np.concatenate([-intercept, intercept])
        self.coef, self.intercept, self.classes = coef, intercept, labels
        self.persist()
        return self._resource

    def persist(self) -> None:
        assert self.ngrams is not None and self.coef is not None and self.intercept is not None
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez_compressed(
                model_dir / FILE,
                coef=self.coef,
                intercept=self.intercept,
                classes=np.array(self.classes, dtype=str),
                flags=np.array(self.flags),
                **self.ngrams.arrays("intent"),
            )

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EncoderIntentClassifier:
        try:
            with model_storage.read_from(resource) as model_dir:
                with np.load(model_dir / FILE, allow_pickle=False) as data:
                    return cls(
                        config,
                        model_storage,
                        resource,
                        Ngrams.from_arrays(data, "intent"),
                        data["coef"],
                        data["intercept"],
                        [str(c) for c in data["classes"]],
                        int(data["flags"]) if "flags" in data.files else 0,
                    )
        except (ValueError, FileNotFoundError):
            logger.debug("EncoderIntentClassifier: no trained model stored, starting untrained")
            return cls(config, model_storage, resource)

    # -- prediction ----------------------------------------------------------------

    def confidences(self, messages: list[Message]) -> np.ndarray:
        assert self.coef is not None and self.intercept is not None
        assert self.ngrams is not None
        width = self.coef.shape[1] - self.ngrams.size - self.flags
        scores = self._features(messages, width) @ self.coef.T + self.intercept
        scores = np.asarray(scores) * float(self.config["temperature"])
        scores -= scores.max(axis=1, keepdims=True)
        weights = np.exp(scores)
        return weights / weights.sum(axis=1, keepdims=True)

    def process(self, messages: list[Message]) -> list[Message]:
        if self.coef is None or not messages:
            return messages
        probabilities = self.confidences(messages)
        length = int(self.config.get("ranking_length") or LABEL_RANKING_LENGTH)
        for message, row in zip(messages, probabilities, strict=True):
            order = np.argsort(-row, kind="stable")
            ranking = [
                {INTENT_NAME_KEY: self.classes[i], PREDICTED_CONFIDENCE_KEY: float(row[i])}
                for i in order[:length]
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
