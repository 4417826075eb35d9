"""The production stack on one machine: two Rasa servers and two action servers behind nginx.

    .venv/bin/python scripts/production.py up         # what `make production` runs
    .venv/bin/python scripts/production.py nginx-conf  # print the rendered nginx config

Processes (each one a Debian package or this repository's code, nothing else):

- PostgreSQL: Rasa's tracker store (``endpoints.production.yml``) and the outbox
  (``LEERPUNT_DATABASE_URL``); Redis: Rasa's lock store, so a conversation may move
  between Rasa servers from one message to the next.
- ``--rasa`` Rasa servers (default 2) on 127.0.0.1 only, so their HTTP API (which
  reads and rewrites conversations) is never reachable from outside this machine;
- ``--actions`` action servers (default 2), which nginx spreads the Rasa servers' action
  calls over (an internal port on 127.0.0.1);
- the chat page (``python -m bot.web``) and the handoff worker;
- nginx on the public port, rendered from ``deploy/nginx.conf.j2``: the page, the
  widget and the REST and socket.io channels, sticky by client for socket.io, with a
  per-client request limit; nothing else of Rasa.

Secrets come only from the environment; ``up`` stops with the list of what is missing.
``deploy/compose.yml`` describes the same stack as containers (``docs/production.md``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import requests

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
TEMPLATE = ROOT / "deploy" / "nginx.conf.j2"
# What a client that sends too fast sees (in the REST channel's own shape).
TOO_MANY_TEXT = (
    "Je stuurt wel heel veel berichten achter elkaar. "
    "Wacht even een minuutje, dan praten we verder."
)
# Secrets the stack will not start without (docs/production.md says what each is).
REQUIRED_SECRETS = (
    "RASA_AUTH_TOKEN",
    "LEERPUNT_CONTACT_HASH_KEY",
    "POSTGRES_PASSWORD",
)
REQUIRED_SETTINGS = (
    "POSTGRES_HOST",
    "POSTGRES_PORT",
    "POSTGRES_DB",
    "POSTGRES_USER",
    "REDIS_HOST",
    "REDIS_PORT",
)


@dataclass
class Plan:
    """Where everything listens; the defaults are what `make production` uses."""

    run_dir: Path = ROOT / "var" / "production"
    public_listen: str = "8080"
    rasa_ports: list[int] = field(default_factory=lambda: [5005, 5006])
    action_ports: list[int] = field(default_factory=lambda: [5055, 5056])
    actions_port: int = 5050  # nginx's internal port in front of the action servers
    web_port: int = 8081
    requests_per_minute: int = 120
    burst: int = 40
    model: Path = ROOT / "models" / "current.tar.gz"

    @property
    def public_port(self) -> int:
        return int(self.public_listen.rsplit(":", 1)[-1])


def render_nginx(plan: Plan, *, daemon: bool = False, compose: bool = False) -> str:
    """The nginx config of this plan; ``compose``: for deploy/compose.yml's service names."""
    template = jinja2.Template(TEMPLATE.read_text(encoding="utf-8"), autoescape=False)
    if compose:
        rasa = [f"rasa-{i + 1}:5005" for i in range(len(plan.rasa_ports))]
        actions = [f"actions-{i + 1}:5055" for i in range(len(plan.action_ports))]
        web, actions_listen, run_dir = "web:8080", str(plan.actions_port), Path("/tmp")
    else:
        rasa = [f"127.0.0.1:{port}" for port in plan.rasa_ports]
        actions = [f"127.0.0.1:{port}" for port in plan.action_ports]
        web, actions_listen = f"127.0.0.1:{plan.web_port}", f"127.0.0.1:{plan.actions_port}"
        run_dir = plan.run_dir
    return template.render(
        daemon=daemon,
        worker_processes=1 if not compose else "auto",
        run_dir=run_dir,
        public_listen=plan.public_listen,
        rasa_servers=rasa,
        action_servers=actions,
        actions_listen=actions_listen,
        web_server=web,
        requests_per_minute=plan.requests_per_minute,
        burst=plan.burst,
        too_many_text=TOO_MANY_TEXT,
    )


def missing_settings(env: dict[str, str]) -> list[str]:
    return [name for name in REQUIRED_SECRETS + REQUIRED_SETTINGS if not env.get(name)]


def wait_http(url: str, seconds: float, proc: subprocess.Popen | None, log: Path) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {proc.returncode}; see {log}")
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s; see {log}")


class Production:
    """Starts, stops and (for the tests) kills the processes of one production stack."""

    def __init__(self, plan: Plan, env: dict[str, str]) -> None:
        self.plan = plan
        self.env = dict(env)
        self.env.setdefault("RASA_TELEMETRY_ENABLED", "false")
        self.env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        # A Rasa server killed while it holds a conversation's lock frees it after this.
        self.env.setdefault("TICKET_LOCK_LIFETIME", "10")
        self.env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{plan.actions_port}/webhook"
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = plan.run_dir / "log"

    @property
    def public_url(self) -> str:
        return f"http://127.0.0.1:{self.plan.public_port}"

    def rasa_url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.plan.rasa_ports[i]}"

    def _start(self, name: str, args: list[str]) -> subprocess.Popen:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = (self.logs / f"{name}.log").open("ab")
        proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes[name] = proc
        return proc

    def start_actions(self, i: int) -> None:
        port = self.plan.action_ports[i]
        name = f"actions-{i + 1}"
        proc = self._start(
            name,
            [str(VENV_BIN / "rasa"), "run", "actions", "--port", str(port), "--actions", "actions"],
        )
        wait_http(f"http://127.0.0.1:{port}/health", 180, proc, self.logs / f"{name}.log")

    def start_rasa(self, i: int) -> None:
        name = f"rasa-{i + 1}"
        origins = self.cors_origins()
        proc = self._start(
            name,
            [
                str(VENV_BIN / "rasa"),
                "run",
                "--model",
                str(self.plan.model),
                "--interface",
                "127.0.0.1",
                "--port",
                str(self.plan.rasa_ports[i]),
                "--enable-api",
                "--auth-token",
                self.env["RASA_AUTH_TOKEN"],
                "--cors",
                *origins,
                "--endpoints",
                "endpoints.production.yml",
                "--credentials",
                "credentials.yml",
            ],
        )
        token = self.env["RASA_AUTH_TOKEN"]
        wait_http(f"{self.rasa_url(i)}/status?token={token}", 300, proc, self.logs / f"{name}.log")

    def cors_origins(self) -> list[str]:
        out = subprocess.run(
            [sys.executable, "-m", "bot", "origins"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.split()

    def start_web(self) -> None:
        proc = self._start(
            "web",
            [
                sys.executable,
                "-m",
                "bot.web",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.plan.web_port),
                # The page talks to Rasa through nginx, on its own origin.
                "--rasa-url",
                self.env.get("LEERPUNT_PUBLIC_URL") or self.public_url,
            ],
        )
        wait_http(f"http://127.0.0.1:{self.plan.web_port}/healthz", 60, proc, self.logs / "web.log")

    def start_worker(self) -> None:
        self._start("worker", [sys.executable, "-m", "bot", "handoff", "worker"])

    def start_nginx(self) -> None:
        self.plan.run_dir.mkdir(parents=True, exist_ok=True)
        conf = self.plan.run_dir / "nginx.conf"
        conf.write_text(render_nginx(self.plan), encoding="utf-8")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        check = subprocess.run([nginx, "-t", "-c", str(conf)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        proc = self._start("nginx", [nginx, "-c", str(conf)])
        wait_http(f"{self.public_url}/healthz", 30, proc, self.plan.run_dir / "nginx-error.log")

    def up(self) -> None:
        """Everything, in an order where each process finds what it needs."""
        for i in range(len(self.plan.action_ports)):
            self.start_actions(i)
        self.start_web()
        self.start_nginx()  # before Rasa: the action calls go through it
        for i in range(len(self.plan.rasa_ports)):
            self.start_rasa(i)
        self.start_worker()

    def kill(self, name: str) -> None:
        """SIGKILL: no shutdown handler runs, as when a machine or container dies."""
        proc = self.processes.pop(name)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)

    def down(self) -> None:
        for name in reversed(list(self.processes)):
            proc = self.processes.pop(name)
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()


def env_from_database_url(env: dict[str, str]) -> dict[str, str]:
    """Fill POSTGRES_* from LEERPUNT_DATABASE_URL (or the reverse), so one setting does."""
    env = dict(env)
    url = env.get("LEERPUNT_DATABASE_URL", "")
    if url.startswith("postgresql") and not env.get("POSTGRES_HOST"):
        parts = urlsplit(url)
        env.update(
            POSTGRES_HOST=parts.hostname or "",
            POSTGRES_PORT=str(parts.port or 5432),
            POSTGRES_DB=parts.path.lstrip("/"),
            POSTGRES_USER=parts.username or "",
        )
        if parts.password and not env.get("POSTGRES_PASSWORD"):
            env["POSTGRES_PASSWORD"] = parts.password
    elif env.get("POSTGRES_HOST") and not url:
        env["LEERPUNT_DATABASE_URL"] = (
            f"postgresql+psycopg2://{env.get('POSTGRES_USER', '')}:{env.get('POSTGRES_PASSWORD', '')}"
            f"@{env['POSTGRES_HOST']}:{env.get('POSTGRES_PORT', '5432')}/{env.get('POSTGRES_DB', '')}"
        )
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "nginx-conf"])
    parser.add_argument(
        "--compose", action="store_true", help="nginx-conf: for deploy/compose.yml's services"
    )
    parser.add_argument("--listen", default=os.environ.get("LEERPUNT_LISTEN", "8080"))
    parser.add_argument("--rasa", type=int, default=2, help="number of Rasa servers")
    parser.add_argument("--actions", type=int, default=2, help="number of action servers")
    parser.add_argument(
        "--requests-per-minute",
        type=int,
        default=int(os.environ.get("LEERPUNT_REQUESTS_PER_MINUTE", "120")),
        help="channel requests one client address may make a minute (nginx)",
    )
    args = parser.parse_args()
    plan = Plan(
        public_listen=args.listen,
        rasa_ports=[5005 + i for i in range(args.rasa)],
        action_ports=[5055 + i for i in range(args.actions)],
        requests_per_minute=args.requests_per_minute,
    )
    if args.command == "nginx-conf":
        print(render_nginx(plan, compose=args.compose), end="")
        return 0
    env = env_from_database_url(dict(os.environ))
    missing = missing_settings(env)
    if missing:
        print(
            "Not started: set these in the environment first (docs/production.md):\n  "
            + "\n  ".join(missing),
            file=sys.stderr,
        )
        return 2
    stack = Production(plan, env)

    def stop(*_: object) -> None:
        stack.down()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        stack.up()
    except RuntimeError as failed:
        print(f"Not started: {failed}", file=sys.stderr)
        stack.down()
        return 1
    print(
        f"Leerpunt runs on {stack.public_url}/chat ({args.rasa} Rasa, {args.actions} action servers)"
    )
    while all(p.poll() is None for p in stack.processes.values()):
        time.sleep(1)
    gone = [n for n, p in stack.processes.items() if p.poll() is not None]
    print(f"Stopped: {', '.join(gone)} exited; see {plan.run_dir / 'log'}", file=sys.stderr)
    stack.down()
    return 1


if __name__ == "__main__":
    sys.exit(main())
