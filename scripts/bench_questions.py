"""How many questions the bot asks from the first message to the first answer.

Plays every conversation in tests/conversations/happy_paths.yml against the
real servers (started on free ports, as in the end-to-end tests): the story's
first message, then its answers in order (button answers pick the first
option; when the story runs out it says "weet ik niet"). Counts bot turns that
ask something until the summary arrives. Writes docs/benchmarks/questions.md.

    .venv/bin/python scripts/bench_questions.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import uuid
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.stack import buttons, start_stack, texts  # noqa: E402

OUT = ROOT / "docs" / "benchmarks" / "questions.md"
SUMMARY_MARK = "Eerste stap"


def user_turns(story: dict) -> list[dict]:
    """The story's user steps up to the coach offer (texts, or intents for button clicks)."""
    turns = []
    for step in story["steps"]:
        if step.get("action") == "action_summary":
            break
        if "intent" in step:
            turns.append(step)
    return turns


def reply_for(step: dict | None, replies: list[dict]) -> str:
    if step is None:
        return "weet ik niet"
    if step.get("user"):
        return step["user"]
    if step["intent"] == "weet_niet":
        return "/weet_niet"
    options = [b["payload"] for b in buttons(replies) if b["payload"].startswith("/vertellen")]
    return options[0] if options else "weet ik niet"


def play(stack, story: dict) -> int:
    sender = f"bench-{uuid.uuid4().hex}"
    turns = [t for t in user_turns(story) if t.get("intent") != "groeten"]
    replies = stack.talk(sender, reply_for(turns[0], []))
    asked = 0
    for i in range(1, 25):
        if SUMMARY_MARK in texts(replies):
            return asked
        asked += 1
        replies = stack.talk(sender, reply_for(turns[i] if i < len(turns) else None, replies))
    raise RuntimeError(f"no summary for story {story['story']!r}")


def main() -> int:
    stories = yaml.safe_load((ROOT / "tests/conversations/happy_paths.yml").read_text())["stories"]
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp))
        try:
            counts = {s["story"]: play(stack, s) for s in stories}
        finally:
            stack.close()
    median = statistics.median(counts.values())
    lines = [
        "# Questions until the first answer",
        "",
        f"Measured {date.today().isoformat()} with `.venv/bin/python scripts/bench_questions.py`: "
        "bot questions from the first message to the summary, per test conversation "
        "(tests/conversations/happy_paths.yml) played against the real servers.",
        "",
        f"Median: **{median}** (target: at most 9). Max: {max(counts.values())}.",
        "",
        "| conversation | questions |",
        "|---|---|",
    ] + [f"| {name} | {n} |" for name, n in counts.items()]
    OUT.write_text("\n".join(lines) + "\n")
    print(f"median {median}, max {max(counts.values())}; written to {OUT.relative_to(ROOT)}")
    return 0 if median <= 9 else 1


if __name__ == "__main__":
    sys.exit(main())
