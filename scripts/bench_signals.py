"""Benchmark free-text scoring against the hand-labelled answers.

For every answer in tests/data/labelled_answers.yml (development set) and
tests/data/labelled_answers_holdout.yml (held out, never tuned on), ``bot.engine.score_text``
predicts (dimension, polarity) pairs. A prediction is correct when the label has
that dimension with that polarity. Prints per-dimension precision and recall and
their macro averages, and writes docs/benchmarks/signals.md.

Run: .venv/bin/python scripts/bench_signals.py [--no-write] [--show-errors]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import PROJECT_DIR  # noqa: E402
from bot.engine import score_text  # noqa: E402
from bot.framework import Framework, load_framework  # noqa: E402
from bot.language import get_nlp, language_backend  # noqa: E402
from bot.yamlio import load_yaml  # noqa: E402

LABELLED = PROJECT_DIR / "tests" / "data" / "labelled_answers.yml"
HOLDOUT = PROJECT_DIR / "tests" / "data" / "labelled_answers_holdout.yml"
REPORT = PROJECT_DIR / "docs" / "benchmarks" / "signals.md"
COMMAND = ".venv/bin/python scripts/bench_signals.py"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0


@dataclass
class Result:
    per_dimension: dict[str, Counts]
    errors: list[str]
    n_answers: int
    seconds: float

    @property
    def macro_precision(self) -> float:
        return sum(c.precision for c in self.per_dimension.values()) / len(self.per_dimension)

    @property
    def macro_recall(self) -> float:
        return sum(c.recall for c in self.per_dimension.values()) / len(self.per_dimension)


def load_labelled(path: Path = LABELLED) -> list[dict]:
    return load_yaml(path)["answers"]


def evaluate(fw: Framework, answers: list[dict]) -> Result:
    """Score every answer and count hits per dimension."""
    counts = {d: Counts() for d in fw.dimensions}
    errors: list[str] = []
    get_nlp()  # loading spaCy is not part of the scoring time
    start = time.perf_counter()
    for item in answers:
        text, labels = item["text"], item["labels"]
        predicted = {d: h.polarity for d, h in score_text(fw, text).items()}
        for dim, polarity in predicted.items():
            if labels.get(dim) == polarity:
                counts[dim].tp += 1
            else:
                counts[dim].fp += 1
                errors.append(f"FP {dim} {polarity}: {text}")
        for dim, polarity in labels.items():
            if predicted.get(dim) != polarity:
                counts[dim].fn += 1
                errors.append(f"FN {dim} {polarity}: {text}")
    return Result(counts, errors, len(answers), time.perf_counter() - start)


def _table(result: Result) -> list[str]:
    lines = ["| dimension | precision | recall | tp | fp | fn |", "|---|---|---|---|---|---|"]
    for dim, c in result.per_dimension.items():
        lines.append(f"| `{dim}` | {c.precision:.2f} | {c.recall:.2f} | {c.tp} | {c.fp} | {c.fn} |")
    lines.append(
        f"| **macro** | **{result.macro_precision:.2f}** | **{result.macro_recall:.2f}** | | | |"
    )
    return lines


def render(results: dict[str, tuple[Path, Result]]) -> str:
    lines = [
        "# Free-text signal benchmark",
        "",
        f"- date: {dt.date.today().isoformat()}",
        f"- command: `{COMMAND}`",
        f"- language backend: {language_backend()}",
        "",
        "A prediction is a (dimension, polarity) pair from `bot.engine.score_text`; it is",
        "correct when the hand label has the same dimension and polarity. The development",
        "set was used while writing the signals (generic fixes only, no copied phrases), so",
        "its figures are optimistic; the held-out set was written afterwards and never used",
        "for tuning.",
    ]
    for name, (path, result) in results.items():
        rel = path.relative_to(PROJECT_DIR)
        per = 1000 * result.seconds / max(1, result.n_answers)
        lines += [
            "",
            f"## {name}: `{rel}` ({result.n_answers} answers, {per:.1f} ms per answer)",
            "",
        ]
        lines += _table(result)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--show-errors", action="store_true", help="list false positives/negatives")
    args = parser.parse_args(argv)
    fw = load_framework()
    results: dict[str, tuple[Path, Result]] = {}
    for name, path in (("Development set", LABELLED), ("Held-out set", HOLDOUT)):
        if not path.exists():
            continue
        result = evaluate(fw, load_labelled(path))
        results[name] = (path, result)
        print(f"\n{name} ({result.n_answers} answers)")
        print(f"{'dimension':24} precision recall")
        for dim, c in result.per_dimension.items():
            print(f"{dim:24} {c.precision:9.2f} {c.recall:6.2f}")
        print(f"{'macro':24} {result.macro_precision:9.2f} {result.macro_recall:6.2f}")
        if args.show_errors:
            print("\n".join(result.errors))
    if not args.no_write:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(render(results), encoding="utf-8")
        print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
