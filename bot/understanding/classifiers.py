"""Theme and answer classifiers on the sentence encoder's vectors.

Both are one-vs-rest logistic regressions, trained with scikit-learn (already a Rasa
dependency) and stored as plain numpy arrays (``.npz``, no pickle), so applying them
needs only numpy. Training is deterministic: fixed folds, a fixed solver, no sampling.

- :class:`ThemeModel`: for each theme the probability that a first message is about it;
  per-theme thresholds chosen on out-of-fold predictions of the training corpus.
- :class:`AnswerModel`: per dimension a *polarity* head (does the answer show the
  dimension present or absent?) and a *mention* head (does the answer speak about the
  dimension at all?), and one *partial* head for all dimensions (does the answer say
  "partly", graded op weg?). Features: the n-grams, the vector, the vector again when the
  answer holds a negation (so a negation can turn a phrase around), and a few cue flags.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.language import normalize
from bot.understanding.corpus import LEVELS, AnswerExample, ThemeExample

FOLDS = 3
SURE_THEME = 0.7  # a second theme from the classifier needs this probability
# A dimension the question did not ask about is read from an answer only at this mention
# probability: on the training corpus' 5-fold CV that gave precision 0.87 (recall 0.17);
# at the tuned thresholds precision was 0.48. Claiming less beats claiming wrong.
SURE_OTHER_DIMENSION = 0.95
C = 4.0  # inverse L2 strength of the answer heads (5-fold CV on the training corpora)
# Theme heads: chosen by training on all theme corpora but one (each by another writer)
# and testing on the one left out (scripts/theme_cross_writer.py); the encoder's vector
# weighs half as much as the n-grams. With four corpora C 16 gave mean F1 0.872 against
# 0.838 at C=4 and full weight; with eight, C 32 with a second theme from 0.7 and a pattern
# veto of 0.3 gave combined 0.919, against 0.912 for C 16, 0.6 and 0.1 (C 8: lower;
# vector weight 0.7: lower).
THEME_C = 32.0
THEME_VECTOR_WEIGHT = 0.5
# A phrase pattern's theme counts unless the classifier all but rules it out: the same
# four-writer test gave 0.882 combined with a veto of 0.1, 0.859 with every pattern hit;
# eight writers: 0.3 (see THEME_C).
PATTERN_VETO = 0.3

_NEGATION = re.compile(
    r"\b(niet|geen|nooit|nauwelijks|amper|zelden|niks|niets|nergens|niemand|weinig"
    r"|nee|nop|helaas|totaal niet|geen idee)\b"
)
_HEDGE = re.compile(
    r"\b(soms|af en toe|beetje|wisselend|hangt ervan af|niet altijd|meestal niet|wel eens|weleens"
    r"|nu en dan|van tijd tot tijd|een enkele keer|heel soms|incidenteel|sporadisch"
    r"|hangt er ?(van )?af|ligt er ?aan|verschilt|wisselt|deels|gedeeltelijk|min of meer"
    r"|niet iedereen|niet structureel|als er tijd is|als het rustig is|als het uitkomt)\b"
)
_YES_START = re.compile(
    r"^(ja|jawel|jazeker|zeker|zeer|absoluut|klopt|yes|jep|jup|tuurlijk|natuurlijk)\b"
)
_NO_START = re.compile(r"^(nee|neen|nope|nop|niet|nooit|geen)\b")


def hedged(text: str) -> bool:
    """Whether an answer hedges ("soms", "af en toe", "niet altijd", "wisselend")."""
    return bool(_HEDGE.search(normalize(text)))


def _cues(text: str) -> list[float]:
    said = normalize(text)
    return [
        float(bool(_NEGATION.search(said))),
        float(bool(_HEDGE.search(said))),
        float(bool(_YES_START.search(said))),
        float(bool(_NO_START.search(said))),
    ]


class Ngrams:
    """Tf-idf of character (2-5, within words) and word (1-2) n-grams.

    The encoder knows meaning; n-grams know the owners' own spellings and typos
    ("perssoneel", "gin mensen"). Fitted on the training corpus, stored as
    vocabularies plus idf weights.
    """

    def __init__(
        self,
        char_vocab: dict[str, int],
        char_idf: np.ndarray,
        word_vocab: dict[str, int],
        word_idf: np.ndarray,
    ) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, vocabulary=char_vocab
        )
        self.char.idf_ = char_idf
        self.word = TfidfVectorizer(
            analyzer="word", ngram_range=(1, 2), sublinear_tf=True, vocabulary=word_vocab
        )
        self.word.idf_ = word_idf
        self._char_ngrams = self.char.build_analyzer()
        self._word_ngrams = self.word.build_analyzer()

    @classmethod
    def fit(cls, texts: Sequence[str]) -> Ngrams:
        from sklearn.feature_extraction.text import TfidfVectorizer

        said = [normalize(t) for t in texts]
        char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
        ).fit(said)
        word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True).fit(said)
        return cls(dict(char.vocabulary_), char.idf_, dict(word.vocabulary_), word.idf_)

    @property
    def size(self) -> int:
        """How many columns :meth:`transform` gives."""
        return len(self.char.vocabulary) + len(self.word.vocabulary)

    def transform(self, texts: Sequence[str]):
        """The tf-idf rows of ``texts``, as sklearn's ``TfidfVectorizer.transform`` gives
        them (sublinear tf, idf, each part at unit length), without its per-call overhead:
        half the time for one message, and this runs on every message."""
        from scipy.sparse import csr_matrix

        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        parts = (
            (self.char.vocabulary, self.char.idf_, self._char_ngrams, 0),
            (self.word.vocabulary, self.word.idf_, self._word_ngrams, len(self.char.vocabulary)),
        )
        for row, text in enumerate(texts):
            said = normalize(text)
            for vocab, idf, ngrams, offset in parts:
                counts: dict[int, int] = {}
                for gram in ngrams(said):
                    j = vocab.get(gram)
                    if j is not None:
                        counts[j] = counts.get(j, 0) + 1
                if not counts:
                    continue
                index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
                weights = (1.0 + np.log(tf)) * idf[index]
                weights /= np.linalg.norm(weights)
                rows += [row] * len(index)
                cols += (index + offset).tolist()
                vals += weights.tolist()
        return csr_matrix((vals, (rows, cols)), shape=(len(texts), self.size), dtype=np.float64)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        out = {}
        for name, vec in (("char", self.char), ("word", self.word)):
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            out[f"{prefix}_{name}_terms"] = np.array(terms, dtype=str)
            out[f"{prefix}_{name}_idf"] = np.asarray(vec.idf_, dtype=np.float64)
        return out

    @classmethod
    def from_arrays(cls, data, prefix: str) -> Ngrams:
        vocab = {
            name: {str(term): i for i, term in enumerate(data[f"{prefix}_{name}_terms"])}
            for name in ("char", "word")
        }
        return cls(
            vocab["char"], data[f"{prefix}_char_idf"], vocab["word"], data[f"{prefix}_word_idf"]
        )


def theme_features(ngrams: Ngrams, texts: Sequence[str], vectors: np.ndarray):
    from scipy.sparse import csr_matrix, hstack

    return hstack([ngrams.transform(texts), csr_matrix(vectors)]).tocsr()


def answer_features(ngrams: Ngrams, texts: Sequence[str], vectors: np.ndarray):
    from scipy.sparse import csr_matrix, hstack

    cues = np.array([_cues(t) for t in texts], dtype=np.float32).reshape(len(texts), 4)
    negated = cues[:, :1]
    return hstack(
        [
            ngrams.transform(texts),
            csr_matrix(vectors),
            csr_matrix(negated * vectors),
            csr_matrix(cues),
        ]
    ).tocsr()


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _folds(n: int) -> list[np.ndarray]:
    return [np.arange(i, n, FOLDS) for i in range(FOLDS)]


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():  # one class only: a constant
        return np.zeros(x.shape[1], dtype=np.float32), (8.0 if y[0] else -8.0)
    # The dual problem is the same fit, twice as fast when there are more n-grams than
    # examples (always, here).
    model = LogisticRegression(
        C=c,
        class_weight="balanced",
        solver="liblinear",
        max_iter=1000,
        dual=x.shape[0] < x.shape[1],
    )
    model.fit(x, y)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _out_of_fold(x: np.ndarray, y: np.ndarray, c: float = C) -> np.ndarray:
    probs = np.zeros(len(y), dtype=np.float32)
    for test in _folds(len(y)):
        train = np.setdiff1d(np.arange(len(y)), test)
        w, b = _fit(x[train], y[train], c)
        probs[test] = _sigmoid(x[test] @ w + b)
    return probs


def _f1(y: np.ndarray, pred: np.ndarray) -> float:
    tp = float(np.sum(pred & (y == 1)))
    fp = float(np.sum(pred & (y == 0)))
    fn = float(np.sum(~pred & (y == 1)))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def _best_threshold(
    x: np.ndarray, y: np.ndarray, min_precision: float | None = None, c: float = C
) -> float:
    """The threshold with the best out-of-fold F1 (or most hits at ``min_precision``)."""
    probs = _out_of_fold(x, y, c)
    best = (-1.0, 0.5)
    for t in np.arange(0.3, 0.91, 0.05):
        pred = probs >= t
        if min_precision is not None:
            tp = float(np.sum(pred & (y == 1)))
            precision = tp / max(1.0, float(np.sum(pred)))
            value = tp if precision >= min_precision else -1.0
        else:
            value = _f1(y, pred)
        if value > best[0]:
            best = (value, float(round(t, 2)))
    return best[1]


def _store(obj, prefix: str) -> dict[str, np.ndarray]:
    """The fields named in ``obj._STORED`` as arrays under ``{prefix}_{key}`` (npz keys)."""
    return {
        f"{prefix}_{key}": np.array(value) if isinstance(value, tuple) else value
        for name, key in obj._STORED
        for value in [getattr(obj, name)]
    }


def _stored(cls, data, prefix: str) -> dict:
    """The constructor arguments :func:`_store` wrote; name tuples come back as ``str``."""
    out = {}
    for name, key in cls._STORED:
        value = data[f"{prefix}_{key}"]
        out[name] = tuple(str(v) for v in value) if value.dtype.kind in "US" else value
    return out


@dataclass
class Heads:
    """Parallel one-vs-rest heads: weights (k, f), biases (k,), thresholds (k,)."""

    ids: tuple[str, ...]
    weights: np.ndarray
    biases: np.ndarray
    thresholds: np.ndarray

    def __post_init__(self) -> None:
        self._columns = np.ascontiguousarray(self.weights.T)  # (f, k): fast sparse @ dense

    def probabilities(self, features) -> np.ndarray:
        return _sigmoid(np.asarray(features @ self._columns) + self.biases)

    _STORED = (("ids", "ids"), ("weights", "w"), ("biases", "b"), ("thresholds", "t"))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return _store(self, prefix)

    @classmethod
    def from_arrays(cls, data, prefix: str) -> Heads:
        return cls(**_stored(cls, data, prefix))


def _train_heads(
    ids: Sequence[str],
    x: np.ndarray,
    targets: dict[str, np.ndarray],
    rows: dict[str, np.ndarray] | None = None,
    min_precision: float | None = None,
    threshold: float | None = None,
    c: float = C,
) -> Heads:
    """One head per id; its threshold is ``threshold``, else chosen out of fold."""
    weights, biases, thresholds = [], [], []
    for head in ids:
        xs = x if rows is None else x[rows[head]]
        y = targets[head]
        if threshold is not None:
            t = threshold
        else:
            t = _best_threshold(xs, y, min_precision, c) if len(y) >= 2 * FOLDS else 0.5
        w, b = _fit(xs, y, c)
        weights.append(w)
        biases.append(b)
        thresholds.append(t)
    return Heads(
        tuple(ids),
        np.stack(weights),
        np.array(biases, dtype=np.float32),
        np.array(thresholds, dtype=np.float32),
    )


@dataclass
class ThemeModel:
    ngrams: Ngrams
    heads: Heads

    @classmethod
    def train(
        cls, examples: Sequence[ThemeExample], theme_ids: Sequence[str], vectors: np.ndarray
    ) -> ThemeModel:
        texts = [ex.text for ex in examples]
        ngrams = Ngrams.fit(texts)
        targets = {t: np.array([int(t in ex.themes) for ex in examples]) for t in theme_ids}
        x = theme_features(ngrams, texts, vectors * THEME_VECTOR_WEIGHT)
        return cls(ngrams, _train_heads(theme_ids, x, targets, c=THEME_C))

    def probabilities(self, texts: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        return self.heads.probabilities(
            theme_features(self.ngrams, texts, vectors * THEME_VECTOR_WEIGHT)
        )

    def predict(self, texts: Sequence[str], vectors: np.ndarray) -> list[list[str]]:
        return [self.themes_of(row) for row in self.probabilities(texts, vectors)]

    def themes_of(self, row: np.ndarray) -> list[str]:
        """Themes above their threshold that are the message's most likely one or clear
        (``SURE_THEME``): most first messages carry one worry; a second one must be clear."""
        top = float(row.max()) if len(row) else 0.0
        hits = [
            (p, t)
            for t, p, th in zip(self.heads.ids, row, self.heads.thresholds, strict=True)
            if p >= th and (p >= SURE_THEME or p == top)
        ]
        return [t for _, t in sorted(hits, reverse=True)]


LEVEL_C = 4.0  # inverse L2 strength of the level head (graded files left out in turn)


@dataclass
class LevelHead:
    """Which level an answer shows on the dimension asked: one softmax over the levels.

    Features: the answer features plus which dimension was asked, so that "dat moet uit
    de winst komen" can weigh otherwise for a budget question than for another. Trained on
    the graded answers only (their writers graded the asked dimension)."""

    levels: tuple[str, ...]
    dimensions: tuple[str, ...]
    weights: np.ndarray  # (levels, features)
    biases: np.ndarray  # (levels,)

    @staticmethod
    def features(ngrams: Ngrams, texts: Sequence[str], vectors: np.ndarray, asked, dims):
        from scipy.sparse import csr_matrix, hstack

        onehot = np.zeros((len(texts), len(dims)), dtype=np.float32)
        for i, dim in enumerate(asked):
            if dim in dims:
                onehot[i, dims.index(dim)] = 1.0
        return hstack([answer_features(ngrams, texts, vectors), csr_matrix(onehot)]).tocsr()

    @classmethod
    def train(cls, ngrams: Ngrams, graded: Sequence[AnswerExample], vectors, dims) -> LevelHead:
        from sklearn.linear_model import LogisticRegression

        levels = tuple(lv for lv in LEVELS if any(ex.level == lv for ex in graded))
        x = cls.features(
            ngrams, [ex.text for ex in graded], vectors, [ex.asked for ex in graded], list(dims)
        )
        y = np.array([levels.index(ex.level) for ex in graded])
        model = LogisticRegression(C=LEVEL_C, class_weight="balanced", max_iter=3000)
        model.fit(x, y)
        return cls(
            levels, tuple(dims), model.coef_.astype(np.float32), model.intercept_.astype(np.float32)
        )

    def probabilities(self, ngrams: Ngrams, texts: Sequence[str], vectors, asked) -> np.ndarray:
        x = self.features(ngrams, texts, vectors, asked, list(self.dimensions))
        z = np.asarray(x @ self.weights.T) + self.biases
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    _STORED = (("levels", "levels"), ("dimensions", "dims"), ("weights", "w"), ("biases", "b"))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return _store(self, prefix)

    @classmethod
    def from_arrays(cls, data, prefix: str) -> LevelHead:
        return cls(**_stored(cls, data, prefix))


@dataclass(frozen=True)
class DimensionReading:
    """What one answer says about one dimension, by the classifier."""

    dimension_id: str
    polarity: str  # 'positive' | 'negative'
    probability: float  # of 'positive'
    mention: float  # probability that the answer speaks about the dimension at all
    partial: float = 0.0  # probability that the answer says "partly" (op weg); per answer


PARTIAL = "partial"


@dataclass
class AnswerModel:
    """Per dimension a polarity and a mention head, and one *partial* head for all.

    The partial head tells an answer that says "partly, sometimes, for some" (graded
    ``op_weg``) from one that says yes or no (``sterk``, ``aandachtspunt``); those words
    are much the same whatever the question, so one head learns them from all graded
    answers. Graded answers also train the polarity heads (sterk positive,
    aandachtspunt negative), not the mention heads: their writers graded only the
    dimension asked, so "not labelled" does not mean "not about it" there.
    """

    ngrams: Ngrams
    polarity: Heads
    mention: Heads
    partial: Heads | None = None
    level: LevelHead | None = None

    @classmethod
    def train(
        cls,
        examples: Sequence[AnswerExample],
        dimension_ids: Sequence[str],
        vectors: np.ndarray,
        graded: Sequence[AnswerExample] = (),
        graded_vectors: np.ndarray | None = None,
    ) -> AnswerModel:
        every = [*examples, *graded]
        texts = [ex.text for ex in every]
        if graded:
            assert graded_vectors is not None and len(graded_vectors) == len(graded)
            vectors = np.vstack([vectors, graded_vectors])
        ngrams = Ngrams.fit(texts)
        x = answer_features(ngrams, texts, vectors)
        rows = {
            d: np.array([i for i, ex in enumerate(every) if d in ex.labels], dtype=int)
            for d in dimension_ids
        }
        pol_targets = {
            d: np.array([int(every[i].labels[d] == "positive") for i in rows[d]])
            for d in dimension_ids
        }
        polarity = _train_heads(dimension_ids, x, pol_targets, rows=rows, threshold=0.5)
        plain = np.arange(len(examples))
        mention_targets = {
            d: np.array([int(d in ex.labels) for ex in examples]) for d in dimension_ids
        }
        mention = _train_heads(dimension_ids, x[plain], mention_targets, min_precision=0.9)
        partial = None
        if graded:
            graded_rows = np.arange(len(examples), len(every))
            target = np.array([int(ex.level == "op_weg") for ex in graded])
            partial = _train_heads(
                (PARTIAL,), x, {PARTIAL: target}, rows={PARTIAL: graded_rows}, threshold=0.5
            )
        level = None
        if graded:
            level = LevelHead.train(ngrams, graded, vectors[len(examples) :], dimension_ids)
        return cls(ngrams, polarity, mention, partial, level)

    def levels(self, texts: Sequence[str], vectors: np.ndarray, asked: Sequence[str]):
        """Per answer the probability of each level on the dimension asked (None: no head)."""
        if self.level is None:
            return None
        return self.level.probabilities(self.ngrams, texts, vectors, asked)

    def read(self, texts: Sequence[str], vectors: np.ndarray) -> list[dict[str, DimensionReading]]:
        x = answer_features(self.ngrams, texts, vectors)
        pol = self.polarity.probabilities(x)
        men = self.mention.probabilities(x)
        par = (
            self.partial.probabilities(x)[:, 0]
            if self.partial is not None
            else np.zeros(len(texts))
        )
        out = []
        for prow, mrow, partial in zip(pol, men, par, strict=True):
            out.append(
                {
                    d: DimensionReading(
                        d,
                        "positive" if p >= 0.5 else "negative",
                        float(p),
                        float(m),
                        float(partial),
                    )
                    for d, p, m in zip(self.polarity.ids, prow, mrow, strict=True)
                }
            )
        return out

    def mentioned(self, reading: dict[str, DimensionReading], at_least: float = 0.0) -> list[str]:
        """Dimensions the answer speaks about, by the mention heads' thresholds (or ``at_least``)."""
        limits = dict(zip(self.mention.ids, self.mention.thresholds, strict=True))
        return [d for d, r in reading.items() if r.mention >= max(limits[d], at_least)]


@dataclass
class Models:
    key: str
    themes: ThemeModel
    answers: AnswerModel

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            key=np.array(self.key),
            **self.themes.ngrams.arrays("theme"),
            **self.themes.heads.arrays("theme"),
            **self.answers.ngrams.arrays("answer"),
            **self.answers.polarity.arrays("pol"),
            **self.answers.mention.arrays("men"),
            **(self.answers.partial.arrays("par") if self.answers.partial else {}),
            **(self.answers.level.arrays("lvl") if self.answers.level else {}),
        )
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Models:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                str(data["key"]),
                ThemeModel(Ngrams.from_arrays(data, "theme"), Heads.from_arrays(data, "theme")),
                AnswerModel(
                    Ngrams.from_arrays(data, "answer"),
                    Heads.from_arrays(data, "pol"),
                    Heads.from_arrays(data, "men"),
                    Heads.from_arrays(data, "par") if "par_ids" in data else None,
                    LevelHead.from_arrays(data, "lvl") if "lvl_levels" in data else None,
                ),
            )
