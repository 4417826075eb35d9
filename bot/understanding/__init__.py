"""Understanding the entrepreneur's own words with a sentence encoder.

- :mod:`bot.understanding.encoder` owns the encoder: loaded once per process,
  batch encoding and a cache, behind the small :class:`Encoder` interface.
- :mod:`bot.understanding.corpus` reads the labelled training corpora.
- :mod:`bot.understanding.classifiers` trains and applies the theme and answer
  classifiers (logistic regression on the encoder's vectors), stored as plain
  arrays keyed by a content hash.
- :mod:`bot.understanding.service` is what the rest of the product calls:
  themes of a message and what an answer says about each dimension, combining
  the classifiers with the framework's phrase patterns.
"""
