"""Dutch language handling: the one place that loads spaCy for Dutch.

Uses the trained ``nl_core_news_sm`` model when it is installed; otherwise
``spacy.blank("nl")`` with the lookup lemmatizer from ``spacy-lookups-data``.
Which one is in use is logged once at load time.
"""

from __future__ import annotations

import logging
import re
import sys
import unicodedata
from functools import lru_cache

logger = logging.getLogger(__name__)

MODEL_NAME = "nl_core_news_sm"


def _import_spacy():
    """Import spaCy without letting thinc import TensorFlow (15 s, unused here).

    thinc probes for TensorFlow at import time; Rasa installs it, but our Dutch
    pipeline never needs it. The block is lifted right after the import, so a
    later ``import tensorflow`` elsewhere in the process still works.
    """
    if "tensorflow" in sys.modules:
        import spacy

        return spacy
    sys.modules["tensorflow"] = None  # makes `import tensorflow` fail fast
    try:
        import spacy
    finally:
        if sys.modules.get("tensorflow", 0) is None:
            del sys.modules["tensorflow"]
    return spacy


@lru_cache(maxsize=1)
def get_nlp():
    """Return the Dutch spaCy pipeline (cached for the process)."""
    spacy = _import_spacy()

    try:
        nlp = spacy.load(MODEL_NAME, exclude=["ner", "parser"])
        logger.info("Dutch language: using spaCy model %s", MODEL_NAME)
        return nlp
    except OSError:
        pass
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    logger.info(
        "Dutch language: %s not installed, using spacy.blank('nl') with lookup lemmatizer",
        MODEL_NAME,
    )
    return nlp


def language_backend() -> str:
    """Name of the pipeline in use: the model name or 'blank-nl+lookups'."""
    nlp = get_nlp()
    return MODEL_NAME if nlp.meta.get("name") == "core_news_sm" else "blank-nl+lookups"


_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lower-case, strip accents and collapse whitespace: 'Één  Medewerker' -> 'een medewerker'."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("`", "'")
    return _SPACES.sub(" ", text.lower()).strip()


# Emoji an owner sends as a whole reply, as the words they stand for, so that a model
# that learned "prima" also reads "👌" (and the skin-tone or variation marks do not
# split one emoji into unknown pieces).
EMOJI_WORDS = {
    "👍": "prima",
    "👌": "prima",
    "✅": "prima",
    "✔": "prima",
    "🙂": "prima",
    "👎": "nee",
    "❌": "nee",
    "🙅": "nee",
    "🤔": "geen idee",
    "🤷": "geen idee",
    "🙏": "bedankt",
    "👋": "hoi",
    "😡": "boos",
    "🤬": "boos",
    "🖕": "boos",
    "😂": "haha",
    "🤣": "haha",
}
_EMOJI_MARKS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0f\u200d\u2640\u2642]")


def with_emoji_words(text: str) -> str:
    """The text with every known emoji replaced by its word: "👍🏽" -> " prima "."""
    text = _EMOJI_MARKS.sub("", text or "")
    for emoji, word in EMOJI_WORDS.items():
        if emoji in text:
            text = text.replace(emoji, f" {word} ")
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def lemmas(text: str) -> tuple[str, ...]:
    """Lower-cased lemmas of the words in ``text`` (punctuation dropped)."""
    doc = get_nlp()(normalize(text))
    out = []
    for tok in doc:
        if tok.is_punct or tok.is_space:
            continue
        lemma = (tok.lemma_ or tok.text).lower()
        out.append(normalize(lemma))
    return tuple(out)


def tokens(text: str) -> tuple[str, ...]:
    """Lower-cased surface words of ``text`` (punctuation dropped)."""
    doc = get_nlp()(normalize(text))
    return tuple(t.text for t in doc if not (t.is_punct or t.is_space))
