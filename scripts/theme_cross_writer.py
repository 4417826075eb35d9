"""Themes across writers: train on all theme corpora but one, test on the one left out.

Each file in ``data/understanding/themes*.yml`` was written by another writer, so leaving
one out asks what the held-out set asks (text by someone the model never read) without
touching the held-out set. This is where the theme classifier's settings were chosen
(``bot/understanding/classifiers.py``: THEME_C, THEME_VECTOR_WEIGHT, SURE_THEME,
PATTERN_VETO); ``tests/heldout/`` is only for the final figure
(``scripts/bench_understanding.py``).

    .venv/bin/python scripts/theme_cross_writer.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import engine  # noqa: E402
from bot.framework import load_framework  # noqa: E402
from bot.understanding import classifiers, corpus  # noqa: E402
from bot.understanding.encoder import get_encoder  # noqa: E402


def micro(gold: list[tuple[str, ...]], found: list[list[str]]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for g, f in zip(gold, found, strict=True):
        tp += len(set(g) & set(f))
        fp += len(set(f) - set(g))
        fn += len(set(g) - set(f))
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, tp + fn)
    return precision, recall, 2 * tp / max(1, 2 * tp + fp + fn)


def main() -> int:
    fw = load_framework()
    ids = list(fw.themes)
    enc = get_encoder()
    files = list(corpus.THEME_FILES)
    data = {f: corpus.load_theme_examples((f,), known=set(ids)) for f in files}
    vectors = {f: enc.encode([e.text for e in data[f]]) for f in files}
    rows = []
    for left_out in files:
        train = [e for f in files if f != left_out for e in data[f]]
        model = classifiers.ThemeModel.train(
            train, ids, np.vstack([vectors[f] for f in files if f != left_out])
        )
        texts = [e.text for e in data[left_out]]
        probs = model.probabilities(texts, vectors[left_out])
        by_model = [model.themes_of(row) for row in probs]
        by_patterns = [engine.detect_themes(fw, t) for t in texts]
        combined = [
            [t for t in pats if row[ids.index(t)] >= classifiers.PATTERN_VETO]
            + [t for t in found if t not in pats]
            for pats, found, row in zip(by_patterns, by_model, probs, strict=True)
        ]
        gold = [e.themes for e in data[left_out]]
        rows.append(
            (left_out.name, len(texts), micro(gold, by_patterns), micro(gold, by_model),
             micro(gold, combined))
        )  # fmt: skip
    print("| left out | messages | patterns F1 | classifier F1 | combined P | R | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, n, pat, cls, comb in rows:
        print(f"| {name} | {n} | {pat[2]:.3f} | {cls[2]:.3f} | {comb[0]:.3f} | {comb[1]:.3f} "
              f"| {comb[2]:.3f} |")  # fmt: skip
    mean = [float(np.mean([r[k][2] for r in rows])) for k in (2, 3, 4)]
    print(f"\nmean F1: patterns {mean[0]:.3f}, classifier {mean[1]:.3f}, combined {mean[2]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
