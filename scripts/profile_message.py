"""Where one message's time goes: the Rasa server and the action server, sampled by
py-spy while one client plays whole intakes against the embedded default.

    .venv/bin/python scripts/profile_message.py [--intakes 20] [--rate 250] [--record]

Starts the embedded default (tests/e2e/stack.py), plays one warm-up intake (not
sampled: first-use imports and model loads), then attaches py-spy (a dev dependency)
to the Rasa server and the action server and plays ``--intakes`` intakes the way
scripts/bench_load.py's single client does. Only busy samples count (py-spy leaves out
idle threads), so a bucket's milliseconds per message are its CPU time, not the time a
message waits for the other process. Writes results/profile.md (--record:
docs/benchmarks/profile.md; with --without-speedups, profile-before.md) with the raw stacks beside it in results/.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_load import Level, Product  # noqa: E402

from tests.e2e.stack import VENV_BIN, start_stack  # noqa: E402

OUT = ROOT / "results"
RECORD = ROOT / "docs" / "benchmarks"

# (bucket, a frame that marks it), first match wins, read from the leaf up.
RASA_BUCKETS = [
    ("action answer checked (jsonschema)", "_validate_action_result ("),
    ("action call: request built, answer read", "run (rasa/core/actions/action.py"),
    ("NLU: encoder, classifier", "parse_message (rasa/core/processor.py"),
    ("policies: next action", "_predict_next_with_tracker ("),
    ("tracker store: read", "fetch_tracker"),
    ("tracker store: write", "save_tracker ("),
    ("REST channel, Sanic, rest", ""),
]
ACTION_BUCKETS = [
    ("themes of a message", "detect_themes ("),
    ("answer scoring (encoder, classifiers, phrases)", "score_answer ("),
    ("profile scoring", "score_profile ("),
    ("dialogue: the rest", "respond (bot/app/dialogue.py"),
    ("tracker from JSON, events to JSON, Sanic", ""),
]


def py_spy() -> str:
    found = shutil.which("py-spy") or str(VENV_BIN / "py-spy")
    if not Path(found).exists():
        sys.exit("py-spy is missing: run scripts/setup.sh (it is a dev dependency)")
    return found


def sample(pid: int, rate: int, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [py_spy(), "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw"]
        + ["--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def buckets(raw: Path, marks: list[tuple[str, str]], root_frame: str) -> dict[str, int]:
    """Samples per bucket, among stacks that pass through ``root_frame``."""
    counts: collections.Counter[str] = collections.Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        frames = stack.split(";")
        if not any(root_frame in f for f in frames):
            continue
        for name, mark in marks:
            if not mark or any(mark in f for f in frames):
                counts[name] += int(n)
                break
    return dict(counts)


def render(report: dict) -> str:
    lines = [
        "# Where one message's time goes"
        + ("" if report["speedups"] else ": Rasa as it is (before channels/speedups.py)"),
        "",
        f"- Command: `{report['command']}`",
        f"- Date: {report['date']}; {report['cores']} CPU cores; {report['messages']} messages "
        f"of {report['intakes']} intakes, one client, sampled at {report['rate']} Hz",
        f"- Per-message time seen by the client: p50 {report['p50_ms']:.1f} ms",
        "- Busy CPU time per message of each server, by what it was doing (py-spy samples;",
        "  time spent waiting for the other server or the disk is not in these rows).",
        "",
    ]
    for server in ("rasa", "actions"):
        rows = report[server]
        total = sum(rows.values())
        lines += [
            f"## {'Rasa server' if server == 'rasa' else 'Action server'}: "
            f"{total:.1f} ms per message",
            "",
            "| doing | ms per message | share |",
            "|---|---:|---:|",
        ]
        for name, ms in sorted(rows.items(), key=lambda kv: -kv[1]):
            lines.append(f"| {name} | {ms:.1f} | {ms / max(total, 1e-9):.0%} |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intakes", type=int, default=20)
    parser.add_argument("--rate", type=int, default=250)
    parser.add_argument(
        "--without-speedups", action="store_true", help="Rasa as it is (channels/speedups.py off)"
    )
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    if args.without_speedups:
        os.environ["LEERPUNT_RASA_SPEEDUPS"] = "false"  # the stack's servers inherit it
    OUT.mkdir(exist_ok=True)
    raws = {name: OUT / f"profile-{name}.raw" for name in ("rasa", "actions")}
    with tempfile.TemporaryDirectory(prefix="leerpunt-profile-") as tmp:
        stack = start_stack(Path(tmp))
        try:
            product = Product(stack.rasa_url, stack.token, [])
            product.conversation(Level(1), threading.Lock())  # warm-up, not sampled
            samplers = [sample(stack.processes[name].pid, args.rate, raws[name]) for name in raws]
            time.sleep(1.0)  # py-spy attached
            level, lock = Level(1), threading.Lock()
            for _ in range(args.intakes):
                product.conversation(level, lock)
            for proc in samplers:
                proc.send_signal(signal.SIGINT)
            for proc in samplers:
                proc.wait(60)
        finally:
            stack.close()
    summary = level.summary()
    per_message = 1000.0 / args.rate / max(1, level.messages)
    report = {
        "command": ".venv/bin/python " + " ".join(["scripts/profile_message.py", *sys.argv[1:]]),
        "date": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "cores": os.cpu_count(),
        "speedups": not args.without_speedups,
        "rate": args.rate,
        "intakes": args.intakes,
        "messages": level.messages,
        "p50_ms": summary["p50_ms"],
        "rasa": {
            k: v * per_message
            for k, v in buckets(raws["rasa"], RASA_BUCKETS, "handle_message (").items()
        },
        "actions": {
            k: v * per_message
            for k, v in buckets(raws["actions"], ACTION_BUCKETS, "webhook (").items()
        },
    }
    text = render(report)
    name = "profile-before.md" if args.without_speedups else "profile.md"
    out = RECORD if args.record else OUT
    (out / name).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if level.errors == [] else 1


if __name__ == "__main__":
    sys.exit(main())
