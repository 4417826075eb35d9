"""Conversation fuzzer: hundreds of seeded conversations of short replies against the
real Rasa and action servers, flagging every way a conversation can break.

    .venv/bin/python scripts/fuzz_conversations.py [--seed 20261201] [--conversations 300] [--record]

Replies come from ``tests/fuzz/replies.yml`` (written blind, without the bot's data),
sometimes a click on one of the buttons the bot just offered. A third of the
conversations uses only replies that answer something; they must reach the first
answer (the summary) within 25 replies.

Flags: a turn without a reply; one bot message twice in one turn; "Circuit breaker
tripped" in Rasa's log; the same question in three turns in a row; a restart, stop or
deletion the user did not confirm (or state lost without one); consent recorded without
a yes; an answering
conversation without a summary after 25 replies; an HTTP error or the bot's own
error message. Writes results/fuzz.md and .json (with --record: docs/benchmarks/fuzz.md);
exits 1 on any flag.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.stack import rest_talk, tracker_slots  # noqa: E402
from tests.fuzz.judge import asks_confirmation, done, markers, normalise, said_yes  # noqa: E402

POOL = ROOT / "tests" / "fuzz" / "replies.yml"
RECORDED = ROOT / "docs" / "benchmarks" / "fuzz.md"
REPORT = ROOT / "results" / "fuzz.md"
SUMMARY_MARK = "Eerste stap"
SUMMARY_LIMIT = 25
LEAVING_BUTTONS = {"/opnieuw", "/stoppen", "/gegevens_intrekken"}
REGION_LINKS = [
    None,
    None,
    "twente",
    "groningen",
    "zeeland",
    "limburg",
    "regio_zwolle",
    "rotterdam_rijnmond",
]


@dataclass
class Result:
    index: int
    answering: bool
    transcript: list[tuple[str, list[str]]] = field(default_factory=list)
    flags: list[tuple[str, str]] = field(default_factory=list)
    summary_after: int | None = None


class Fuzzer:
    def __init__(self, rasa_url: str, token: str, seed: int):
        self.rasa_url, self.token, self.seed = rasa_url, token, seed
        pool = yaml.safe_load(POOL.read_text(encoding="utf-8"))["replies"]
        self.pool = [r["text"] for r in pool]
        self.answers = [r["text"] for r in pool if r["kind"] == "answer"]

    def talk(self, sender: str, text: str, metadata: dict | None) -> list[dict]:
        return rest_talk(self.rasa_url, sender, text, metadata)

    def slots(self, sender: str) -> dict:
        return tracker_slots(self.rasa_url, self.token, sender, timeout=30)

    def run_one(self, index: int) -> Result:
        rng = random.Random(f"{self.seed}-{index}")
        answering = index % 3 == 0
        res = Result(index, answering)
        sender = f"fuzz-{self.seed}-{index}"
        region = rng.choice(REGION_LINKS)
        metadata = {"regio": region, "bron": "linkedin"} if region else None
        n_replies = SUMMARY_LIMIT + 3 if answering else rng.randint(6, 16)
        questions_seen: list[set[str]] = []
        last_turn: list[dict] = []
        had_challenge = had_consent = False
        # The page opens with /groeten; a shared REST link may start with a reply straight away.
        message = (
            "/groeten"
            if rng.random() < 0.6
            else rng.choice(self.answers if answering else self.pool)
        )
        for i in range(n_replies + 1):
            try:
                replies = self.talk(sender, message, metadata)
                metadata = None
                slots = self.slots(sender)
            except requests.RequestException as exc:
                res.flags.append(("http_error", f"{message!r}: {exc}"))
                break
            texts = [normalise(r.get("text") or "") for r in replies]
            res.transcript.append((message, texts))
            user_turn = i  # replies after the opening message
            if not any(texts) and not any(r.get("image") or r.get("custom") for r in replies):
                res.flags.append(("no_reply", f"turn {i}: {message!r}"))
            dup = [t for t, c in Counter(t for t in texts if t).items() if c > 1]
            if dup:
                res.flags.append(("duplicate_in_turn", f"turn {i}: {dup[0][:80]!r}"))
            if any(t.startswith(markers("error.turn")) for t in texts):
                res.flags.append(("bot_error", f"turn {i}: {message!r}"))
            asked = {
                normalise(r.get("text") or "")
                for r in replies
                if r.get("buttons") or normalise(r.get("text") or "").endswith("?")
            }
            questions_seen.append(asked)
            if len(questions_seen) >= 3:
                thrice = questions_seen[-1] & questions_seen[-2] & questions_seen[-3]
                if thrice:
                    res.flags.append(("asked_three_times", f"turn {i}: {sorted(thrice)[0][:80]!r}"))
            finished = done(texts)
            confirmed = message in LEAVING_BUTTONS or (
                asks_confirmation([r.get("text") or "" for r in last_turn]) and said_yes(message)
            )
            if finished and not confirmed:
                res.flags.append((f"unconfirmed_{finished}", f"turn {i}: {message!r}"))
            consent = slots.get("handoff_consent") is True
            if consent and not had_consent and not said_yes(message):
                res.flags.append(("consent_without_yes", f"turn {i}: {message!r}"))
            had_consent = consent
            challenge = bool(slots.get("challenge") or slots.get("themes"))
            if (
                had_challenge
                and not challenge
                and not (finished in ("restart", "withdraw") and confirmed)
            ):
                res.flags.append(("state_lost", f"turn {i}: {message!r}"))
            had_challenge = challenge
            if res.summary_after is None and any(SUMMARY_MARK in t for t in texts):
                res.summary_after = user_turn
            if answering and res.summary_after is None and user_turn >= SUMMARY_LIMIT:
                res.flags.append(("no_summary", f"after {user_turn} answering replies"))
                break
            last_turn = replies
            if i == n_replies:
                break
            offered = [b["payload"] for r in replies for b in r.get("buttons") or []]
            if answering:
                offered = [p for p in offered if p not in LEAVING_BUTTONS and p != "/ontkennen"]
            if offered and rng.random() < 0.3:
                message = rng.choice(offered)
            else:
                message = rng.choice(self.answers if answering else self.pool)
        return res


def run(
    rasa_url: str, token: str, seed: int, conversations: int, workers: int, rasa_log: Path | None
) -> dict:
    fuzzer = Fuzzer(rasa_url, token, seed)
    started = time.time()
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(fuzzer.run_one, range(conversations)))
    seconds = time.time() - started
    flags = [(r.index, kind, detail) for r in results for kind, detail in r.flags]
    if rasa_log is not None and rasa_log.exists():
        for line in rasa_log.read_text(errors="replace").splitlines():
            if "Circuit breaker tripped" in line:
                flags.append((-1, "circuit_breaker", line.strip()[-120:]))
    turns = sum(len(r.transcript) for r in results)
    answering = [r for r in results if r.answering]
    reached = sorted(r.summary_after for r in answering if r.summary_after is not None)
    return {
        "seed": seed,
        "conversations": conversations,
        "turns": turns,
        "pool_size": len(fuzzer.pool),
        "answering_conversations": len(answering),
        "summary_reached": len(reached),
        "summary_after_median": reached[len(reached) // 2] if reached else None,
        "summary_after_max": reached[-1] if reached else None,
        "flags_by_kind": dict(Counter(kind for _, kind, _ in flags)),
        "flags": [{"conversation": i, "kind": k, "detail": d} for i, k, d in flags],
        "seconds": round(seconds, 1),
        "examples": {str(r.index): r.transcript for r in results if r.flags},
    }


def write_report(report: dict, command: str, path: Path = REPORT) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".json").write_text(
        json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    kinds = report["flags_by_kind"] or {}
    lines = [
        "# Conversation fuzzer",
        "",
        f"Command: `{command}`",
        "",
        f"- seed {report['seed']}, {report['conversations']} conversations, {report['turns']} turns, "
        f"pool of {report['pool_size']} replies written blind (`tests/fuzz/replies.yml`)",
        f"- answering conversations: {report['answering_conversations']}, reached the summary: "
        f"{report['summary_reached']} (median after {report['summary_after_median']} replies, "
        f"max {report['summary_after_max']})",
        f"- run time {report['seconds']} s against the real Rasa and action servers",
        "- the same run on the dialogue before the rewrite: `fuzz-baseline-498dc3f.md`",
        "",
        "| flag | count |",
        "|---|---|",
    ]
    for kind in (
        "no_reply",
        "duplicate_in_turn",
        "circuit_breaker",
        "asked_three_times",
        "unconfirmed_restart",
        "unconfirmed_stop",
        "unconfirmed_withdraw",
        "state_lost",
        "consent_without_yes",
        "no_summary",
        "http_error",
        "bot_error",
    ):
        lines.append(f"| {kind} | {kinds.get(kind, 0)} |")
    if report["flags"]:
        lines += ["", "First flags:", ""] + [
            f"- #{f['conversation']} {f['kind']}: {f['detail']}" for f in report["flags"][:20]
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--conversations", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rasa-url", help="talk to a running Rasa instead of starting the stack")
    parser.add_argument("--token", default="")
    parser.add_argument(
        "--record", action="store_true", help="write the report to docs/benchmarks/"
    )
    args = parser.parse_args()
    command = f".venv/bin/python scripts/fuzz_conversations.py --seed {args.seed} --conversations {args.conversations}"
    stack = None
    if args.rasa_url:
        rasa_url, token, log = args.rasa_url, args.token, None
    else:
        from tests.e2e.stack import start_stack

        stack = start_stack(Path(tempfile.mkdtemp(prefix="leerpunt-fuzz-")))
        rasa_url, token, log = stack.rasa_url, stack.token, stack.tmp / "logs" / "rasa.log"
    try:
        report = run(rasa_url, token, args.seed, args.conversations, args.workers, log)
    finally:
        if stack is not None:
            stack.close()
    write_report(
        report, command + (" --record" if args.record else ""), RECORDED if args.record else REPORT
    )
    print(
        json.dumps(
            {
                k: report[k]
                for k in (
                    "seed",
                    "conversations",
                    "turns",
                    "flags_by_kind",
                    "summary_reached",
                    "answering_conversations",
                    "seconds",
                )
            },
            ensure_ascii=False,
        )
    )
    for flag in report["flags"][:15]:
        print(f"  #{flag['conversation']} {flag['kind']}: {flag['detail']}")
    return 1 if report["flags"] else 0


if __name__ == "__main__":
    sys.exit(main())
