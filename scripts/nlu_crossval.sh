#!/usr/bin/env bash
# NLU cross-validation with the quality gate the project holds itself to:
# macro F1 >= 0.90 and no intent below F1 0.80.
#
# Usage: scripts/nlu_crossval.sh [OUT_DIR] [FOLDS]
#   OUT_DIR defaults to results/nlu_cv (ignored by git), FOLDS to 5.
#   Set SKIP_TRAIN=1 to only re-check an existing OUT_DIR/intent_report.json.
# Prints a markdown table of per-intent F1 (ready for docs/benchmarks/nlu.md)
# and the most frequent confusions; exits 1 when the gate is not met.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT_DIR="${1:-results/nlu_cv}"
FOLDS="${2:-5}"
RASA="${RASA:-.venv/bin/rasa}"
PYTHON="${PYTHON:-.venv/bin/python}"
MIN_MACRO_F1="${MIN_MACRO_F1:-0.90}"
MIN_INTENT_F1="${MIN_INTENT_F1:-0.80}"

if [[ "${SKIP_TRAIN:-0}" != "1" ]]; then
  rm -rf "$OUT_DIR"
  TF_CPP_MIN_LOG_LEVEL=2 "$RASA" test nlu --nlu data/nlu --config config.yml \
    --cross-validation --folds "$FOLDS" --out "$OUT_DIR"
fi

"$PYTHON" - "$OUT_DIR" "$MIN_MACRO_F1" "$MIN_INTENT_F1" <<'PY'
"""Summarise Rasa's cross-validation intent report and apply the gate."""
import json
import sys
from collections import Counter
from pathlib import Path

out_dir, min_macro, min_intent = Path(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
report = json.loads((out_dir / "intent_report.json").read_text(encoding="utf-8"))
skip = {"accuracy", "macro avg", "weighted avg", "micro avg"}
intents = {k: v for k, v in report.items() if k not in skip and isinstance(v, dict)}

print("| intent | precision | recall | F1 | examples |")
print("|---|---:|---:|---:|---:|")
for name, row in sorted(intents.items(), key=lambda kv: kv[1]["f1-score"]):
    print(f"| {name} | {row['precision']:.3f} | {row['recall']:.3f} | "
          f"{row['f1-score']:.3f} | {row['support']} |")
macro = report["macro avg"]["f1-score"]
print(f"| **macro avg** | {report['macro avg']['precision']:.3f} | "
      f"{report['macro avg']['recall']:.3f} | **{macro:.3f}** | "
      f"{report['macro avg']['support']} |")
if "accuracy" in report:
    print(f"\naccuracy: {report['accuracy']:.3f}")

confusions = Counter()
errors_file = out_dir / "intent_errors.json"
if errors_file.exists():
    for err in json.loads(errors_file.read_text(encoding="utf-8")):
        confusions[(err["intent"], err["intent_prediction"]["name"])] += 1
if confusions:
    print("\nmost frequent confusions (true -> predicted: count)")
    for (true, pred), n in confusions.most_common(12):
        print(f"- {true} -> {pred}: {n}")

low = {k: v["f1-score"] for k, v in intents.items()
       if k != "nlu_fallback" and v["f1-score"] < min_intent}
ok = macro >= min_macro and not low
print(f"\ngate: macro F1 {macro:.3f} (>= {min_macro}), "
      f"intents below {min_intent}: {sorted(low) or 'none'} -> {'PASS' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
PY
