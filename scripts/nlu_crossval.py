"""NLU cross-validation (5 folds) with a pass mark, keeping the intent report in the repo.

Runs ``rasa test nlu --cross-validation`` on data/nlu with config.yml, copies the
intent report to docs/benchmarks/nlu-intent-report.json and fails when macro F1
is below 0.95 or any intent is below 0.90 (the understanding issue's gates).

    .venv/bin/python scripts/nlu_crossval.py [--folds 5] [--record]

Without --record (as in ``make test``) the report goes to results/ only, so a test
run leaves the work tree clean; --record updates docs/benchmarks/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks" / "nlu-intent-report.json"
SUMMARY = ROOT / "docs" / "benchmarks" / "nlu.md"
FOLD_SEED = 42
MACRO_F1_MIN = 0.95
INTENT_F1_MIN = 0.90
TARGET_MACRO_F1, TARGET_INTENT_F1 = 0.95, 0.90  # what the understanding issue asks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--record", action="store_true", help="write the report to docs/benchmarks/"
    )
    args = parser.parse_args()
    out = ROOT / "results" / "nlu-crossval"
    report_file, summary_file = (
        (REPORT, SUMMARY) if args.record else (out / "report.json", out / "nlu.md")
    )
    shutil.rmtree(out, ignore_errors=True)
    # Rasa draws its folds with numpy's global random state and no seed; seeding it
    # makes the folds (and with the classifier's fixed seed the whole report) repeatable.
    argv = [
        "rasa",
        "test",
        "nlu",
        "--nlu",
        "data/nlu",
        "--config",
        "config.yml",
        "--cross-validation",
        "--folds",
        str(args.folds),
        "--out",
        str(out),
    ]
    launcher = (
        (
            "import sys, numpy; numpy.random.seed(SEED); sys.argv = ARGV; "
            "from rasa.__main__ import main; main()"
        )
        .replace("SEED", str(FOLD_SEED))
        .replace("ARGV", repr(argv))
    )
    cmd = [sys.executable, "-c", launcher]
    log = ROOT / "var" / "log" / "nlu-crossval.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as fh:
        done = subprocess.run(
            cmd,
            cwd=ROOT,
            stdout=fh,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
        )
    if done.returncode != 0:
        print(f"rasa test nlu failed (exit {done.returncode}); see {log}")
        return 1
    report = json.loads((out / "intent_report.json").read_text())
    report_file.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n")
    intents = {
        k: v
        for k, v in report.items()
        if isinstance(v, dict)
        and "f1-score" in v
        and k not in {"macro avg", "weighted avg", "micro avg"}
    }
    macro = report["macro avg"]["f1-score"]
    rows = sorted(intents.items(), key=lambda kv: kv[1]["f1-score"])
    lines = [
        "# NLU cross-validation",
        "",
        f"Measured {date.today().isoformat()} with `.venv/bin/python scripts/nlu_crossval.py` "
        f"({args.folds} folds drawn with seed {FOLD_SEED}, config.yml, data/nlu; CI runs the same). "
        "Full report: `nlu-intent-report.json`.",
        "",
        "The served model also learns from `data/intents_blind/` (other writers' words, left "
        "out here so that each can be tested on a model that never read it: "
        "`intents-cross-writer.md`).",
        "",
        f"Macro F1: **{macro:.3f}** (pass mark {MACRO_F1_MIN}); every intent must reach {INTENT_F1_MIN}.",
        "",
        f"Target of the understanding issue: macro F1 >= {TARGET_MACRO_F1} "
        f"({'reached' if macro >= TARGET_MACRO_F1 else 'NOT reached'}) and no intent below "
        f"{TARGET_INTENT_F1} ({'reached' if rows[0][1]['f1-score'] >= TARGET_INTENT_F1 else 'NOT reached'}"
        f": lowest {rows[0][0]} {rows[0][1]['f1-score']:.3f}).",
        "",
        "| intent | precision | recall | F1 | examples |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {k} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1-score']:.3f} | {v['support']} |"
        for k, v in rows
    ]
    summary_file.write_text("\n".join(lines) + "\n")
    low = [(k, v["f1-score"]) for k, v in rows if v["f1-score"] < INTENT_F1_MIN]
    print(
        f"macro F1 {macro:.3f}; lowest: "
        + ", ".join(f"{k} {v['f1-score']:.2f}" for k, v in rows[:3])
    )
    if macro < MACRO_F1_MIN or low:
        print(
            f"FAILED: macro F1 must be >= {MACRO_F1_MIN} and no intent below {INTENT_F1_MIN}: {low}"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
