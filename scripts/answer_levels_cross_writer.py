"""Answer levels across writers: train on all graded answer files but one, test on it.

Each ``data/understanding/answers_graded*.yml`` was written blind by another writer and
grades every answer on the dimension asked (sterk, op_weg, aandachtspunt). Leaving one
file out asks what a new entrepreneur asks: is the level of words the model never read
right? Scored with the product's own code (``service.score_answer`` and
``engine.level_for``), so the figure is the level the profile would show for that answer.
This is where ``PARTIAL_FROM`` (bot/understanding/service.py) was chosen; the held-out sets
in ``tests/heldout/`` are not read.

    .venv/bin/python scripts/answer_levels_cross_writer.py [--partial-from 0.4 0.5 0.6]
      [--record]

"none" trains without any graded file (the answer model before graded data), as the
baseline for each file.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import engine  # noqa: E402
from bot.framework import load_framework  # noqa: E402
from bot.understanding import classifiers, corpus, service  # noqa: E402
from bot.understanding.encoder import get_encoder  # noqa: E402

OUT = ROOT / "docs" / "benchmarks" / "answer-levels-cross-writer.md"


def levels(fw, examples) -> list[str]:
    found = []
    for ex in examples:
        hits = service.score_answer(fw, ex.text, ex.asked)
        hit = hits.get(ex.asked or "")
        found.append(service.LEVEL_ID.get(engine.level_for(hit.score if hit else None), "onbekend"))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partial-from", type=float, nargs="*", default=[service.PARTIAL_FROM])
    parser.add_argument("--record", action="store_true", help=f"write {OUT.relative_to(ROOT)}")
    args = parser.parse_args()
    fw = load_framework()
    dims = list(fw.dimensions)
    enc = get_encoder()
    plain = corpus.load_answer_examples(known=set(dims))
    plain_vectors = enc.encode([e.text for e in plain])
    files = list(corpus.GRADED_FILES)
    graded = {f: corpus.load_graded_examples((f,), known=set(dims)) for f in files}
    vectors = {f: enc.encode([e.text for e in graded[f]]) for f in files}
    themes = service.models().themes
    lines = []
    totals: dict[tuple[str, float], list[int]] = {}
    for left_out in files:
        for trained_on in ("none", "others"):
            others = [f for f in files if f != left_out] if trained_on == "others" else []
            model = classifiers.AnswerModel.train(
                plain,
                dims,
                plain_vectors,
                [e for f in others for e in graded[f]],
                np.vstack([vectors[f] for f in others]) if others else None,
            )
            service._models = classifiers.Models("cross-writer", themes, model)
            for threshold in args.partial_from:
                service.PARTIAL_FROM = threshold
                service._reading.cache_clear()
                service._levels.cache_clear()
                gold = [e.level for e in graded[left_out]]
                found = levels(fw, graded[left_out])
                right = sum(g == f for g, f in zip(gold, found, strict=True))
                rated = sum(f != "onbekend" for f in found)
                confusion = Counter(zip(gold, found, strict=True))
                key = (trained_on, threshold)
                totals.setdefault(key, [0, 0])
                totals[key][0] += right
                totals[key][1] += len(gold)
                per_level = ", ".join(
                    f"{lv} {confusion[(lv, lv)]}/{sum(g == lv for g in gold)}"
                    for lv in corpus.LEVELS
                )
                line = (
                    f"| {left_out.name} | {trained_on} | {threshold:.2f} | "
                    f"{right / len(gold):.3f} | {rated}/{len(gold)} | {per_level} |"
                )
                lines.append(line)
                print(line, flush=True)
    service.reset()
    summary = [f"| {on} | {t:.2f} | {r / n:.3f} |" for (on, t), (r, n) in sorted(totals.items())]
    print("\n".join(summary))
    if args.record:
        OUT.write_text(
            "\n".join(
                [
                    "# Answer levels across writers",
                    "",
                    f"- Command: `.venv/bin/python scripts/answer_levels_cross_writer.py "
                    f"--partial-from {' '.join(str(t) for t in args.partial_from)} --record`",
                    f"- Date: {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
                    "- Each graded file left out in turn; 'none' = trained without graded "
                    "answers, 'others' = with the other graded files. Level = what the "
                    "profile shows for that one answer on the dimension asked.",
                    "",
                    "| left out | trained on | partial from | level accuracy | rated "
                    "| right per gold level |",
                    "|---|---|---:|---:|---:|---|",
                    *lines,
                    "",
                    "## Over all files",
                    "",
                    "| trained on | partial from | level accuracy |",
                    "|---|---:|---:|",
                    *summary,
                    "",
                ]
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
