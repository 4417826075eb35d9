"""Benchmark the theme and answer classifiers on the held-out sets, with gates.

Held-out data (``tests/heldout/``) was written by someone who saw only the domain brief,
never the training corpora or the phrase patterns, and is never used for tuning.

- Themes of first messages (``tests/heldout/themes.yml``): micro-F1 of the phrase
  patterns alone, the classifier alone and both combined (what the product uses).
- Answers (``tests/heldout/answers.yml``): polarity on the asked dimension (the
  product's reading, phrase signals plus classifier; the phrase signals alone for
  comparison), and precision/recall of the other dimensions it says an answer is about.
- Cost: time added per message (themes + answer reading, warm, distinct texts), memory
  added by encoder and classifiers (resident set), and training time.

    .venv/bin/python scripts/bench_understanding.py [--record] [--show-errors]

Without --record the report goes to results/; --record writes docs/benchmarks/.
Exits 1 when a gate fails.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import PROJECT_DIR, engine  # noqa: E402
from bot.framework import load_framework  # noqa: E402
from bot.yamlio import load_yaml  # noqa: E402

HELDOUT = PROJECT_DIR / "tests" / "heldout"
COMMAND = ".venv/bin/python scripts/bench_understanding.py --record"
GATES = {
    "themes_micro_f1": 0.93,
    "themes_gain_over_patterns": 0.08,
    "asked_polarity_accuracy": 0.92,
    "other_dimensions_precision": 0.85,
    "added_ms_p95_max": 15.0,
    "added_rss_mb_max": 250.0,
    "training_seconds_max": 60.0,
}


# What an action server adds by loading the encoder and the stored classifiers, measured in a
# fresh process as the server starts (not after training here: memory freed by training is
# not all given back to the system, which would count it twice).
_LOADED_RSS = """
import sys; sys.path.insert(0, ROOT)
from bot import engine
from bot.framework import load_framework
engine.score_text(load_framework(), "warm up de taalverwerking")
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
base = rss()
from bot.understanding import service
service.warm_up()
print(rss() - base)
"""


def loaded_rss_mb() -> float:
    code = _LOADED_RSS.replace("ROOT", repr(str(Path(__file__).resolve().parents[1])))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    return float(done.stdout.strip().splitlines()[-1])


def micro_f1(gold: list[set[str]], predicted: list[set[str]]) -> dict:
    tp = sum(len(g & p) for g, p in zip(gold, predicted, strict=True))
    fp = sum(len(p - g) for g, p in zip(gold, predicted, strict=True))
    fn = sum(len(g - p) for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--record", action="store_true", help="write the report to docs/benchmarks/"
    )
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    fw = load_framework()
    engine.score_text(fw, "warm up de taalverwerking")  # spaCy load is not the encoder's cost
    from bot.understanding import service
    from bot.understanding.encoder import get_encoder

    start = time.perf_counter()
    service.train(fw)  # stored where the action server loads it from (models/understanding)
    training_seconds = time.perf_counter() - start
    added_rss = loaded_rss_mb()
    service.reset()
    service.warm_up()

    themes = load_yaml(HELDOUT / "themes.yml")["messages"]
    answers = load_yaml(HELDOUT / "answers.yml")["answers"]
    gold = [set(m.get("themes") or []) for m in themes]
    texts = [m["text"] for m in themes]
    by_patterns = [set(engine.detect_themes(fw, t)) for t in texts]
    by_classifier = [set(service.classify_themes(t)) for t in texts]
    combined = [set(service.detect_themes(fw, t)) for t in texts]
    theme_result = {
        "messages": len(themes),
        "patterns": micro_f1(gold, by_patterns),
        "classifier": micro_f1(gold, by_classifier),
        "combined": micro_f1(gold, combined),
    }
    errors = [
        f"theme: {t!r} gold={sorted(g)} got={sorted(p)}"
        for t, g, p in zip(texts, gold, combined, strict=True)
        if g != p
    ]

    asked_right = asked_right_patterns = asked_mixed = asked_mixed_right = 0
    other_tp = other_fp = other_fn = 0
    for item in answers:
        text, asked, labels = item["text"], item["asked"], item["labels"]
        hits = service.score_answer(fw, text, asked)
        phrase = engine.score_text(fw, text)
        got = hits.get(asked)
        # The side of 50 the score lands on: an answer read as in between ("mixed", 35-65)
        # still leans one way, and the level the entrepreneur sees follows the score.
        side = (
            None
            if got is None or got.score == 50
            else ("positive" if got.score > 50 else "negative")
        )
        if got is not None and got.polarity == "mixed":
            asked_mixed += 1
            asked_mixed_right += side == labels[asked]
        if side == labels[asked]:
            asked_right += 1
        elif args.show_errors:
            errors.append(
                f"asked {asked}: {text!r} gold={labels[asked]} got={got.score if got else None}"
            )
        if asked in phrase and phrase[asked].polarity == labels[asked]:
            asked_right_patterns += 1
        gold_other = {(d, p) for d, p in labels.items() if d != asked}
        got_other = {
            (d, h.polarity) for d, h in hits.items() if d != asked and h.polarity != "mixed"
        }
        other_tp += len(gold_other & got_other)
        other_fp += len(got_other - gold_other)
        other_fn += len(gold_other - got_other)
        if args.show_errors:
            errors += [f"other: {text!r} wrongly {d}={p}" for d, p in got_other - gold_other]
    answer_result = {
        "answers": len(answers),
        "asked_polarity_accuracy": round(asked_right / len(answers), 3),
        "asked_polarity_accuracy_patterns_only": round(asked_right_patterns / len(answers), 3),
        "asked_read_as_mixed": asked_mixed,
        "asked_mixed_on_the_gold_side": asked_mixed_right,
        "other_dimensions_precision": round(other_tp / (other_tp + other_fp), 3)
        if other_tp + other_fp
        else 0.0,
        "other_dimensions_recall": round(other_tp / (other_tp + other_fn), 3)
        if other_tp + other_fn
        else 0.0,
        "other_dimensions_found": other_tp + other_fp,
    }

    # Cost per message: what the classifiers add to a turn (the phrase patterns ran before
    # too): encode a fresh text (no cache hit), classify its themes, read it as an answer.
    enc = get_encoder()
    timings = []
    for i, item in enumerate(answers + themes):
        text = f"{item['text']} ({i})"
        t0 = time.perf_counter()
        service.classify_themes(text)
        service.read(text, item.get("asked"))
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p50, p95 = timings[len(timings) // 2], timings[int(len(timings) * 0.95)]
    cost = {
        "added_ms_p50": round(p50, 2),
        "added_ms_p95": round(p95, 2),
        "added_rss_mb": round(added_rss, 1),
        "training_seconds": round(training_seconds, 1),
        "encoder": enc.name,
        "cores": os.cpu_count(),
    }

    measured = {
        "themes_micro_f1": theme_result["combined"]["f1"],
        "themes_gain_over_patterns": round(
            theme_result["combined"]["f1"] - theme_result["patterns"]["f1"], 3
        ),
        "asked_polarity_accuracy": answer_result["asked_polarity_accuracy"],
        "other_dimensions_precision": answer_result["other_dimensions_precision"],
        "added_ms_p95_max": cost["added_ms_p95"],
        "added_rss_mb_max": cost["added_rss_mb"],
        "training_seconds_max": cost["training_seconds"],
    }
    failures = [
        k
        for k, limit in GATES.items()
        if (measured[k] > limit if k.endswith("_max") else measured[k] < limit)
    ]
    report = {
        "date": date.today().isoformat(),
        "command": COMMAND,
        "themes": theme_result,
        "answers": answer_result,
        "cost": cost,
        "gates": GATES,
        "measured": measured,
        "failed": failures,
    }
    out_dir = PROJECT_DIR / ("docs/benchmarks" if args.record else "results")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "understanding.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    )
    (out_dir / "understanding.md").write_text(render(report))
    print(render(report))
    if args.show_errors:
        print("\n".join(errors))
    return 1 if failures else 0


def render(r: dict) -> str:
    t, a, c, m = r["themes"], r["answers"], r["cost"], r["measured"]
    rows = "\n".join(
        f"| {name} | {t[name]['precision']} | {t[name]['recall']} | {t[name]['f1']} |"
        for name in ("patterns", "classifier", "combined")
    )
    gates = "\n".join(
        f"| {k} | {m[k]} | {'≤' if k.endswith('_max') else '≥'} {v} | "
        f"{'FAIL' if k in r['failed'] else 'pass'} |"
        for k, v in r["gates"].items()
    )
    return f"""# Understanding: themes and answers on held-out text

- Date: {r["date"]}; encoder `{c["encoder"]}`; {c["cores"]} CPU cores
- Command: `{r["command"]}`
- Held-out sets: `tests/heldout/` ({t["messages"]} first messages, {a["answers"]} answers), written
  from the domain brief alone by a writer who never saw the training corpora
  (`data/understanding/`) or the phrase patterns; never used for tuning.

## Themes of first messages (micro-averaged)

| reader | precision | recall | F1 |
|---|---:|---:|---:|
{rows}

## Answers

- Polarity on the asked dimension: {a["asked_polarity_accuracy"]} (phrase signals alone:
  {a["asked_polarity_accuracy_patterns_only"]}, where no signal counts as wrong). Right = the
  score lands on the gold side of 50; {a["asked_read_as_mixed"]} answers were read as in
  between (score 35-65, level mostly "op weg"), {a["asked_mixed_on_the_gold_side"]} of them
  on the gold side.
- Other dimensions an answer speaks about: precision {a["other_dimensions_precision"]},
  recall {a["other_dimensions_recall"]} ({a["other_dimensions_found"]} found; right = the
  dimension with the gold polarity)

## Cost (action-server side, per message)

- Time added (themes + answer reading, warm, uncached text): p50 {c["added_ms_p50"]} ms,
  p95 {c["added_ms_p95"]} ms
- Resident memory added by encoder and classifiers: {c["added_rss_mb"]} MB (a fresh
  process loading them as the action server does)
- Training the classifiers: {c["training_seconds"]} s

## Gates

| measure | value | gate | |
|---|---:|---:|---|
{gates}
"""


if __name__ == "__main__":
    sys.exit(main())
