"""Load benchmark: whole intakes against the product and a bare Rasa assistant, same run.

    .venv/bin/python scripts/bench_load.py [--clients 1 20] [--intakes-per-client 3]
      [--intakes-alone 10] [--production] [--record]

The product is started as the embedded default (``tests/e2e/stack.py``: action server,
Rasa server with the SQLite tracker store, handoff worker; message limits lifted, since
one machine plays all the clients). The bare assistant is Rasa's own ``rasa init``
project, trained once and kept in ``var/bench/bare-rasa`` (keyed by the Rasa version).

Each client plays whole conversations one after the other, over the REST channel, and
reads the conversation's tracker after every message (as a page that shows state would).
A product intake answers what the bot asks (the tracker's pending question): opening,
company facts, six free-text answers, no to the coach; a bare conversation sends the
same number of messages from the mood bot's own examples. Per-message time is the REST
call; throughput counts messages per second over the whole level.

Ratios (issue 14): at 20 clients p95 at most 2x bare and throughput at least 0.5x bare;
at 1 client p50 at most 1.5x bare. Writes results/load.md and .json (--record:
docs/benchmarks/load.md and .json).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.stack import VENV_BIN, start_production_stack, start_stack, wait_http  # noqa: E402
from tests.helpers.net import free_port  # noqa: E402

OPENING = "we kunnen geen monteurs vinden en de jongens die we hebben lopen na een jaar weg"
COMPANY = {
    "company_size": "we zijn met 14 man",
    "sector": "installatiebedrijf",
    "location": "Hengelo",
}
ANSWERS = [
    "ze lopen de eerste weken mee met een ervaren collega",
    "soms, als het rustig is, verder komt het er niet van",
    "ja, elke klus is anders, ze moeten veel zelf uitzoeken",
    "nee eigenlijk niet, daar is geen tijd voor",
    "af en toe een cursus als de leverancier iets nieuws heeft",
    "fouten bespreken we gewoon in de keet, niemand krijgt op zijn kop",
    "niet echt, ik ben zelf de hele dag op pad",
]
BARE_MESSAGES = ["hi", "I am sad", "no", "very sad", "yes", "great", "hello", "I am happy",
                 "perfect", "bye", "good morning", "not good", "indeed", "goodbye"]  # fmt: skip
MAX_MESSAGES = 24
GATES = {"p95_ratio_20_max": 2.0, "throughput_ratio_20_min": 0.5, "p50_ratio_1_max": 1.5}
OUT = ROOT / "results"
RECORD = ROOT / "docs" / "benchmarks"


@dataclass
class Level:
    clients: int
    latencies: list[float] = field(default_factory=list)
    messages: int = 0
    conversations: int = 0
    completed: int = 0  # conversations that came to their end (product: the advice given)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict:
        lat = sorted(self.latencies)

        def pct(p: float) -> float:
            return round(lat[min(len(lat) - 1, int(len(lat) * p))] * 1000, 1) if lat else 0.0

        return {
            "clients": self.clients,
            "conversations": self.conversations,
            "completed": self.completed,
            "messages": self.messages,
            "p50_ms": pct(0.5),
            "p95_ms": pct(0.95),
            "throughput_msg_s": round(self.messages / self.seconds, 2) if self.seconds else 0.0,
            "messages_per_conversation": round(self.messages / max(1, self.conversations), 1),
            "errors": len(self.errors),
        }


class Target:
    """A Rasa server to talk to, and how a conversation with it goes."""

    name = ""

    def __init__(self, url: str, token: str, pids: list[int], api_url: str = "") -> None:
        self.url, self.token, self.pids = url, token, pids
        self.api_url = api_url or url  # Rasa's HTTP API (not served through nginx)
        self.session = threading.local()

    def http(self) -> requests.Session:
        if not hasattr(self.session, "s"):
            self.session.s = requests.Session()
        return self.session.s

    def send(self, sender: str, text: str) -> tuple[list[dict], float]:
        start = time.perf_counter()
        r = self.http().post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=120,
        )
        took = time.perf_counter() - start
        r.raise_for_status()
        return r.json(), took

    def tracker(self, sender: str) -> dict:
        r = self.http().get(
            f"{self.api_url}/conversations/{sender}/tracker",
            params={"include_events": "NONE", "token": self.token},
            timeout=120,
        )
        r.raise_for_status()
        return r.json()

    def first(self) -> str:
        raise NotImplementedError

    def finished(self, tracker: dict) -> bool:
        return True

    def next(self, n: int, replies: list[dict], tracker: dict) -> str | None:
        raise NotImplementedError

    def conversation(self, level: Level, lock: threading.Lock) -> None:
        sender = f"load-{self.name}-{uuid.uuid4().hex[:10]}"
        text: str | None = self.first()
        n = 0
        while text is not None and n < MAX_MESSAGES:
            try:
                replies, took = self.send(sender, text)
                tracker = self.tracker(sender)
            except requests.RequestException as exc:
                with lock:
                    level.errors.append(f"{type(exc).__name__}: {exc}"[:200])
                return
            n += 1
            with lock:
                level.latencies.append(took)
                level.messages += 1
            text = self.next(n, replies, tracker)
        with lock:
            level.conversations += 1
            level.completed += int(text is None and self.finished(tracker))


class Product(Target):
    name = "leerpunt"

    def finished(self, tracker: dict) -> bool:
        slots = tracker.get("slots") or {}
        return bool(slots.get("summary_shown"))

    def first(self) -> str:
        return OPENING

    def next(self, n: int, replies: list[dict], tracker: dict) -> str | None:
        dialogue = (tracker.get("slots") or {}).get("dialogue") or {}
        phase, pending = dialogue.get("phase"), dialogue.get("pending")
        if dialogue.get("confirm"):
            return "/ontkennen"
        if phase in ("handed_off", "stopped") or (phase == "advised" and not pending):
            return None
        if pending in COMPANY:
            return COMPANY[pending]
        if pending and pending.startswith("q_"):
            return ANSWERS[n % len(ANSWERS)]
        if pending == "region":
            buttons = [b for r in replies for b in r.get("buttons") or []]
            return buttons[0]["payload"] if buttons else "Twente"
        if pending in ("consent", "other_place"):
            return "/ontkennen"
        return "/weet_niet"


class Bare(Target):
    name = "bare"
    length = 13  # set to the product's mean conversation length before the bare run

    def first(self) -> str:
        return BARE_MESSAGES[0]

    def next(self, n: int, replies: list[dict], tracker: dict) -> str | None:
        return BARE_MESSAGES[n % len(BARE_MESSAGES)] if n < self.length else None


def run_level(target: Target, clients: int, per_client: int) -> Level:
    level, lock = Level(clients), threading.Lock()

    def client(_: int) -> None:
        for _ in range(per_client):
            target.conversation(level, lock)

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    level.seconds = time.perf_counter() - start
    return level


def rss_mb(pids: list[int]) -> float:
    """Resident memory of the processes and their children, in MB."""
    total, seen, todo = 0.0, set(), list(pids)
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            todo += [int(c) for c in children]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return round(total, 1)


def bare_project() -> Path:
    """``rasa init``'s project, trained once per Rasa version."""
    import rasa

    home = ROOT / "var" / "bench" / f"bare-rasa-{rasa.__version__}"
    if list((home / "models").glob("*.tar.gz")):
        return home
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)  # rasa init wants the directory to exist
    log = home.parent / "bare-rasa-init.log"
    with log.open("w") as fh:
        subprocess.run(
            [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(home)],
            cwd=home.parent,
            stdout=fh,
            stderr=subprocess.STDOUT,
            check=True,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
        )
    return home


def start_bare(tmp: Path) -> tuple[subprocess.Popen, str, str]:
    home = bare_project()
    port, token = free_port(), "bare-token"
    log = tmp / "bare-rasa.log"
    proc = subprocess.Popen(
        [
            str(VENV_BIN / "rasa"),
            "run",
            "--enable-api",
            "--auth-token",
            token,
            "--port",
            str(port),
            "--model",
            "models",
        ],  # fmt: skip
        cwd=home,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    url = f"http://127.0.0.1:{port}"
    wait_http(f"{url}/status?token={token}", 300, log, proc)
    return proc, url, token


def start_production(tmp: Path, pg: str, redis_url: str):
    """scripts/production.py's stack (tests/e2e/stack.py), with nginx's per-client limit
    lifted: every client here is 127.0.0.1."""
    token = "bench-token"
    stack, close = start_production_stack(tmp, pg, redis_url, token, 1_000_000, 10_000)
    pids = [p.pid for p in stack.processes.values()]
    return Product(stack.public_url, token, pids, api_url=stack.rasa_url(0)), close


def ratios(product: dict[int, dict], bare: dict[int, dict]) -> dict:
    out = {}
    if 20 in product and 20 in bare:
        out["p95_ratio_20"] = round(product[20]["p95_ms"] / max(0.1, bare[20]["p95_ms"]), 2)
        out["throughput_ratio_20"] = round(
            product[20]["throughput_msg_s"] / max(0.01, bare[20]["throughput_msg_s"]), 2
        )
    if 1 in product and 1 in bare:
        out["p50_ratio_1"] = round(product[1]["p50_ms"] / max(0.1, bare[1]["p50_ms"]), 2)
    return out


def gate_rows(r: dict) -> list[tuple[str, float, str, bool]]:
    rows = []
    if "p95_ratio_20" in r:
        rows.append(
            ("p95 at 20 clients, x bare", r["p95_ratio_20"], "<= 2.0", r["p95_ratio_20"] <= 2.0)
        )
        rows.append(("throughput at 20 clients, x bare", r["throughput_ratio_20"], ">= 0.5",
                     r["throughput_ratio_20"] >= 0.5))  # fmt: skip
    if "p50_ratio_1" in r:
        rows.append(
            ("p50 at 1 client, x bare", r["p50_ratio_1"], "<= 1.5", r["p50_ratio_1"] <= 1.5)
        )
    return rows


def render(report: dict) -> str:
    lines = [
        "# Load: whole intakes, the product against a bare Rasa assistant",
        "",
        f"- Command: `{report['command']}`",
        f"- Date: {report['date']}; {report['cores']} CPU cores; Python {report['python']}",
        "- Product: the embedded default (action server, Rasa with the SQLite tracker store,",
        "  handoff worker); bare: `rasa init`'s assistant. Each message over REST, the tracker",
        "  read after every message; clients and servers share the same cores.",
        "- production (with --production): scripts/production.py's stack, PostgreSQL tracker",
        "  store, Redis lock store, two Rasa and two action servers, each message through nginx",
        "  (per-client limit lifted); not a gate, the same clients for comparison.",
        "",
        "| target | clients | conversations | completed | messages | msg/conv | p50 ms | p95 ms "
        "| msg/s | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in ("leerpunt", "production", "bare"):
        for s in report["levels"].get(name, []):
            lines.append(
                f"| {name} | {s['clients']} | {s['conversations']} | {s['completed']} | {s['messages']} | "
                f"{s['messages_per_conversation']} | {s['p50_ms']} | {s['p95_ms']} | "
                f"{s['throughput_msg_s']} | {s['errors']} |"
            )
    lines += ["", "Resident memory after the run (servers and their children):", ""]
    for name, mb in report["memory_mb"].items():
        lines.append(f"- {name}: {mb} MB")
    lines += [
        "",
        "## Ratios (gates of issue 14)",
        "",
        "| measure | value | gate | |",
        "|---|---:|---:|---|",
    ]
    for label, value, gate, ok in gate_rows(report["ratios"]):
        lines.append(f"| {label} | {value} | {gate} | {'pass' if ok else 'FAIL'} |")
    return "\n".join(lines) + "\n"


def play_levels(target: Target, args: argparse.Namespace) -> list[dict]:
    """One warm-up conversation (not counted), then every level of clients."""
    target.conversation(Level(1), threading.Lock())
    rows = []
    for clients in args.clients:
        level = run_level(target, clients, per_client(args, clients))
        rows.append(level.summary())
        print(target.name, rows[-1], flush=True)
    return rows


def per_client(args: argparse.Namespace, clients: int) -> int:
    return args.intakes_alone if clients == 1 else args.intakes_per_client


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--intakes-per-client", type=int, default=3)
    parser.add_argument(
        "--intakes-alone", type=int, default=10, help="intakes of the single client (1 client)"
    )
    parser.add_argument(
        "--production",
        action="store_true",
        help="also the production stack through nginx (needs TEST_POSTGRES_URL, "
        "TEST_REDIS_URL and nginx, as .ci/run provides)",
    )
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    if args.production and not (
        os.environ.get("TEST_POSTGRES_URL") and os.environ.get("TEST_REDIS_URL")
    ):
        parser.error("--production needs TEST_POSTGRES_URL and TEST_REDIS_URL")
    command = " ".join(["scripts/bench_load.py", *sys.argv[1:]])
    levels: dict[str, list[dict]] = {}
    memory: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="leerpunt-load-") as tmp_name:
        tmp = Path(tmp_name)
        stack = start_stack(tmp / "product")
        try:
            product = Product(
                stack.rasa_url, stack.token, [p.pid for p in stack.processes.values()]
            )
            levels["leerpunt"] = play_levels(product, args)
            memory["leerpunt (rasa, actions, worker)"] = rss_mb(product.pids)
        finally:
            stack.close()
        if args.production:
            prod, close = start_production(
                tmp / "production", os.environ["TEST_POSTGRES_URL"], os.environ["TEST_REDIS_URL"]
            )
            try:
                prod.name = "production"
                levels["production"] = play_levels(prod, args)
                memory["production (2 rasa, 2 actions, worker, web, nginx)"] = rss_mb(prod.pids)
            finally:
                close()
        mean_length = sum(s["messages"] for s in levels["leerpunt"]) / max(
            1, sum(s["conversations"] for s in levels["leerpunt"])
        )
        proc, url, token = start_bare(tmp)
        try:
            bare = Bare(url, token, [proc.pid])
            bare.length = max(1, round(mean_length))
            levels["bare"] = play_levels(bare, args)
            memory["bare rasa"] = rss_mb([proc.pid])
        finally:
            proc.terminate()
            proc.wait(30)
    by = {name: {s["clients"]: s for s in rows} for name, rows in levels.items()}
    report = {
        "command": f".venv/bin/python {command}",
        "date": f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC",
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "levels": levels,
        "memory_mb": memory,
        "ratios": ratios(by["leerpunt"], by["bare"]),
    }
    out = RECORD if args.record else OUT
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (out / "load.md").write_text(render(report), encoding="utf-8")
    print(render(report))
    failed = [row for row in gate_rows(report["ratios"]) if not row[3]]
    errors = sum(s["errors"] for rows in levels.values() for s in rows)
    unfinished = sum(
        s["conversations"] - s["completed"]
        for name in ("leerpunt", "production")
        for s in levels.get(name, [])
    )
    return 1 if failed or errors or unfinished else 0


if __name__ == "__main__":
    sys.exit(main())
