"""Intents across writers: how the NLU model does on messages of a writer it never saw.

    .venv/bin/python scripts/intent_cross_writer.py [--record]

``data/intents_blind/`` holds intent examples from helper sessions that read only the
product brief and each intent's one-line meaning (never data/nlu). For every writer W:
train on data/nlu alone and test on W's messages; then train on data/nlu plus every
other blind writer and test on W again. Lines already in data/nlu (or in two intents)
are left out of both. The first figure is what a stranger meets today; the second says
whether more writers' data helps a writer not among them.

Writes results/intents-cross-writer.md (--record: docs/benchmarks/).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.understanding import corpus  # noqa: E402

BLIND = ROOT / "data" / "intents_blind"
RASA = ROOT / ".venv" / "bin" / "rasa"


def run(train_files: list[Path], test_file: Path, work: Path) -> dict:
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    for i, f in enumerate(train_files):
        shutil.copy(f, data / f"{i}-{f.name}")
    subprocess.run(
        [str(RASA), "train", "nlu", "--nlu", str(data), "--config", "config.yml",
         "--out", str(work / "model"), "--fixed-model-name", "m"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [str(RASA), "test", "nlu", "--nlu", str(test_file), "--model",
         str(work / "model" / "m.tar.gz"), "--out", str(work / "res")],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    report = json.loads((work / "res" / "intent_report.json").read_text())
    return {
        "accuracy": report["accuracy"],
        "macro_f1": report["macro avg"]["f1-score"],
        "n": report["macro avg"]["support"],
        "lowest": sorted(
            (k, v["f1-score"])
            for k, v in report.items()
            if isinstance(v, dict)
            and "support" in v
            and k not in ("macro avg", "weighted avg", "micro avg")
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    writers = sorted(BLIND.glob("*.yml"))
    known = corpus.nlu_lines()
    nlu = sorted((ROOT / "data" / "nlu").glob("*.yml"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for w in writers:
            test = work / f"test-{w.name}"
            test.write_text(corpus.blind_intents_nlu([w], known), encoding="utf-8")
            alone = run(nlu, test, work / "alone")
            others = [o for o in writers if o != w]
            extra = work / "others.yml"
            extra.write_text(
                corpus.blind_intents_nlu(others, known | {corpus.norm_line(t) for t in _texts(w)}),
                encoding="utf-8",
            )
            plus = run(nlu + [extra], test, work / "plus") if others else None
            rows.append((w.stem, alone, plus))
    lines = [
        "# Intents across writers",
        "",
        f"Command: `.venv/bin/python scripts/intent_cross_writer.py --record` ({date.today()}).",
        "Each blind writer's messages (data/intents_blind/) tested on a model that never saw them.",
        "",
        "| writer left out | messages | data/nlu alone: accuracy | macro F1 | plus the other writers: accuracy | macro F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, alone, plus in rows:
        p = f"{plus['accuracy']:.3f} | {plus['macro_f1']:.3f}" if plus else "– | –"
        lines.append(
            f"| {name} | {alone['n']} | {alone['accuracy']:.3f} | {alone['macro_f1']:.3f} | {p} |"
        )
    lines += ["", "Lowest intents (data/nlu alone), per writer:", ""]
    for name, alone, _ in rows:
        worst = sorted(alone["lowest"], key=lambda kv: kv[1])[:5]
        lines.append(f"- {name}: " + ", ".join(f"{k} {v:.2f}" for k, v in worst))
    out = ROOT / ("docs/benchmarks" if args.record else "results") / "intents-cross-writer.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


def _texts(path: Path) -> list[str]:
    return [
        str(t)
        for exs in yaml.safe_load(path.read_text(encoding="utf-8"))["intents"].values()
        for t in exs
    ]


if __name__ == "__main__":
    raise SystemExit(main())
