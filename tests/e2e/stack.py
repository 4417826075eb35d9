"""Starts the real product on free ports for end-to-end tests.

Action server, Rasa server (REST + socket.io, HTTP API with a token), handoff
worker, a real SMTP server (aiosmtpd) and a real HTTP receiver for the region
webhooks. Region files are copied so that their webhooks point at the receiver.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.helpers.net import free_port
from tests.helpers.webhook import RecordingReceiver

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
MODEL = ROOT / "models" / "current.tar.gz"
SECRET = "e2e-test-secret"


@dataclass
class Stack:
    tmp: Path
    rasa_port: int
    actions_port: int
    token: str
    receiver: RecordingReceiver
    mails: list = field(default_factory=list)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def talk(self, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
        return rest_talk(self.rasa_url, sender, text, metadata)

    def tracker(self, sender: str) -> dict:
        r = requests.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=30,
        )
        r.raise_for_status()
        return r.json()

    def start(self, name: str, args: list[str]) -> None:
        log = (self.tmp / "logs" / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def stop(self, name: str) -> None:
        proc = self.processes.pop(name, None)
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()

    def start_rasa(self) -> None:
        self.start(
            "rasa",
            [
                str(VENV_BIN / "rasa"),
                "run",
                "--model",
                str(MODEL),
                "--port",
                str(self.rasa_port),
                "--enable-api",
                "--auth-token",
                self.token,
                "--cors",
                "*",
                "--endpoints",
                str(self.tmp / "endpoints.yml"),
                "--credentials",
                "credentials.yml",
            ],
        )
        wait_http(
            f"{self.rasa_url}/status?token={self.token}",
            240,
            self.tmp / "logs" / "rasa.log",
            self.processes["rasa"],
        )

    def logs(self) -> str:
        return "\n".join(
            p.read_text(errors="replace") for p in sorted((self.tmp / "logs").glob("*.log"))
        )

    def close(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        self.receiver.stop()


def rest_talk(rasa_url: str, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
    """One message over Rasa's REST channel; the bot's replies."""
    payload = {"sender": sender, "message": text}
    if metadata:
        payload["metadata"] = metadata
    r = requests.post(f"{rasa_url}/webhooks/rest/webhook", json=payload, timeout=60)
    r.raise_for_status()
    return r.json()


def tracker_slots(rasa_url: str, token: str, sender: str, timeout: float = 60) -> dict:
    """The conversation's slots, through Rasa's HTTP API (no events)."""
    r = requests.get(
        f"{rasa_url}/conversations/{sender}/tracker",
        params={"token": token, "include_events": "NONE"},
        timeout=timeout,
    )
    r.raise_for_status()
    return r.json().get("slots") or {}


def wait_http(url: str, seconds: float, log: Path, proc: subprocess.Popen | None = None) -> None:
    """Wait until url answers; on failure raise with the tail of the server's log.

    With proc given, a server that exits early fails at once, and one that is still
    silent at the deadline gets SIGABRT first: the stack sets PYTHONFAULTHANDLER, so
    its log then ends with every thread's traceback, which shows where it hung.
    """
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        if proc is not None and proc.poll() is not None:
            break
        time.sleep(0.5)
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGABRT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
    tail = log.read_text(errors="replace")[-8000:] if log.exists() else ""
    raise RuntimeError(f"{url} did not come up in {seconds}s\n{tail}")


def _regions_copy(tmp: Path, webhook_url: str) -> tuple[Path, list[str]]:
    src = ROOT / "bot" / "regions"
    dst = tmp / "regions"
    dst.mkdir()
    secret_envs = []
    for path in src.glob("*"):
        if path.suffix not in {".yml", ".yaml", ".json"}:
            continue
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(\n\s+url:\s*)https://[^\s]+", rf"\g<1>{webhook_url}", text)
        secret_envs += re.findall(r"secret_env:\s*([A-Z0-9_]+)", text)
        (dst / path.name).write_text(text, encoding="utf-8")
    return dst, secret_envs


def _harness_env(regions_dir: Path, smtp_port: int) -> dict[str, str]:
    """What every test stack sets: its regions, its SMTP sink, quick retries, and the
    per-conversation limits lifted. The harness types at machine speed and hands off
    hundreds of conversations from one made-up address; the limits themselves are tested
    in tests/dialogue/test_limits.py."""
    return {
        "LEERPUNT_REGIONS_DIR": str(regions_dir),
        "LEERPUNT_SMTP_HOST": "127.0.0.1",
        "LEERPUNT_SMTP_PORT": str(smtp_port),
        "LEERPUNT_MAIL_FROM": "chat@example.org",
        "LEERPUNT_DELIVERY_BACKOFF_SECONDS": "0.5",
        "LEERPUNT_MESSAGES_PER_MINUTE": "100000",
        "LEERPUNT_HANDOFFS_PER_CONTACT_HOUR": "100000",
    }


def start_stack(tmp: Path) -> Stack:
    from aiosmtpd.controller import Controller

    (tmp / "logs").mkdir(parents=True, exist_ok=True)
    # Takes every request (answers 200 without checking) and records it; the tests check it.
    receiver = RecordingReceiver(status=200).start()
    mails: list = []

    class _Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            mails.append({"to": list(envelope.rcpt_tos), "data": envelope.content})
            return "250 OK"

    smtp_port = free_port()
    smtp = Controller(_Handler(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()

    regions_dir, secret_envs = _regions_copy(tmp, receiver.url)
    actions_port, rasa_port = free_port(), free_port()
    (tmp / "endpoints.yml").write_text(
        f"action_endpoint:\n  url: http://127.0.0.1:{actions_port}/webhook\n"
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tmp / 'tracker.db'}\n"
    )
    env = {
        **os.environ,
        **_harness_env(regions_dir, smtp_port),
        "LEERPUNT_DATABASE_URL": f"sqlite:///{tmp / 'leerpunt.db'}",
        "LEERPUNT_TRACKER_DB_URL": f"sqlite:///{tmp / 'tracker.db'}",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONFAULTHANDLER": "1",
        **{name: SECRET for name in secret_envs},
    }
    stack = Stack(tmp, rasa_port, actions_port, "e2e-token", receiver, mails, env=env)
    stack._smtp = smtp  # type: ignore[attr-defined]
    stack.start(
        "actions",
        [
            str(VENV_BIN / "rasa"),
            "run",
            "actions",
            "--port",
            str(actions_port),
            "--actions",
            "actions",
        ],
    )
    stack.start("worker", [sys.executable, "-m", "bot", "handoff", "worker", "--interval", "0.2"])
    wait_http(
        f"http://127.0.0.1:{actions_port}/health",
        120,
        tmp / "logs" / "actions.log",
        stack.processes["actions"],
    )
    stack.start_rasa()
    return stack


def image_of(reply: dict) -> str:
    """The image a reply carries (the chart comes as custom data with its alt text)."""
    custom = reply.get("custom") if isinstance(reply.get("custom"), dict) else {}
    data = custom.get("data") if isinstance(custom.get("data"), dict) else {}
    return reply.get("image") or data.get("image") or ""


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons") or []]


def profile_bodies(receiver: RecordingReceiver) -> list[dict]:
    out = []
    for item in receiver.requests:
        envelope = item.json()
        if envelope.get("event") == "handoff.created":
            out.append(envelope)
    return out


def copy_logs(stack: Stack, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for log in (stack.tmp / "logs").glob("*.log"):
        shutil.copy(log, dest / log.name)


def start_production_stack(
    tmp: Path,
    pg_url: str,
    redis_url: str,
    token: str,
    requests_per_minute: int,
    burst: int,
    extra_env: dict[str, str] | None = None,
):
    """scripts/production.py's stack (PostgreSQL, Redis, two Rasa and two action servers
    behind nginx, page, worker), with a recording webhook receiver and an SMTP sink for
    the regions' coaches. Returns the started ``Production`` (``.receiver`` set) and the
    function that stops it all. The per-conversation limits are lifted: one machine plays
    every client (they are tested in tests/dialogue/test_limits.py); nginx's per-client
    limit is ``requests_per_minute`` with ``burst``."""
    from aiosmtpd.controller import Controller

    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    import production

    tmp.mkdir(parents=True, exist_ok=True)
    receiver = RecordingReceiver(status=200).start()

    class _Sink:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            return "250 OK"

    smtp_port = free_port()
    smtp = Controller(_Sink(), hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    regions_dir, secret_envs = _regions_copy(tmp, receiver.url)
    redis = production.urlsplit(redis_url)
    env = production.env_from_database_url(
        {
            **os.environ,
            "LEERPUNT_DATABASE_URL": pg_url,
            "REDIS_HOST": redis.hostname or "127.0.0.1",
            "REDIS_PORT": str(redis.port or 6379),
            "RASA_AUTH_TOKEN": token,
            "LEERPUNT_CONTACT_HASH_KEY": "a-test-key-of-32-characters-long",
            **_harness_env(regions_dir, smtp_port),
            "PYTHONFAULTHANDLER": "1",
            **(extra_env or {}),
            **{name: SECRET for name in secret_envs},
        }
    )
    assert not production.missing_settings(env), production.missing_settings(env)
    plan = production.Plan(
        run_dir=tmp / "run",
        public_listen=f"127.0.0.1:{free_port()}",
        rasa_ports=[free_port(), free_port()],
        action_ports=[free_port(), free_port()],
        actions_port=free_port(),
        web_port=free_port(),
        requests_per_minute=requests_per_minute,
        burst=burst,
        model=MODEL,
    )
    stack = production.Production(plan, env)
    stack.receiver = receiver  # type: ignore[attr-defined]

    def close() -> None:
        stack.down()
        receiver.stop()
        smtp.stop()

    try:
        stack.up()
    except BaseException:
        close()
        raise
    return stack, close
