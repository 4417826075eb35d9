"""Servers and the Chromium driver for the browser tests.

``FakeRasa`` runs ``fake_rasa.py`` (Rasa's real socket.io channel, scripted bot)
in a subprocess and can take it down for an outage; ``WebServer`` runs
``python -m bot.web``; ``run_scenario`` hands a list of steps to
``run_steps.mjs`` (playwright-core driving /usr/bin/chromium) and returns its
JSON result.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.helpers.net import QuietHandler, free_port, serve_in_thread

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"


def wait_for_port(port: int, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class FakeRasa:
    """``fake_rasa.py`` on a fixed port, restartable (the port stays the same)."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.log = log_dir / "fake_rasa_messages.jsonl"
        self.out = log_dir / "fake_rasa_output.txt"
        self.proc: subprocess.Popen | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self._lock:
            out = self.out.open("a")
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.browser.fake_rasa",
                    "--port",
                    str(self.port),
                    "--log",
                    str(self.log),
                ],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            wait_for_port(self.port, proc=self.proc)

    def stop(self) -> None:
        with self._lock:
            _stop(self.proc)
            self.proc = None

    def outage(self, ms: int) -> None:
        """Stop now; start again after ``ms`` milliseconds (in the background)."""
        self.stop()
        threading.Timer(ms / 1000, self.start).start()

    def messages(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


class ControlServer:
    """``POST /outage?ms=N`` for the browser driver: takes the fake Rasa down for N ms."""

    def __init__(self, rasa: FakeRasa):
        rasa_ref = rasa

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server API
                parts = urlsplit(self.path)
                if parts.path == "/outage":
                    ms = int(parse_qs(parts.query).get("ms", ["2000"])[0])
                    rasa_ref.outage(ms)
                    self.send_response(204)
                else:
                    self.send_response(404)
                self.end_headers()

        self.httpd = serve_in_thread(Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()


class HostSite:
    """A region's own website on another origin (loopback, another port) serving ``html``."""

    def __init__(self, html: str):
        body = html.encode("utf-8")

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server API
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = serve_in_thread(Handler)
        # "localhost" vs the web server's "127.0.0.1": a different origin, as on a real site.
        self.url = f"http://localhost:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()


class WebServer:
    """``python -m bot.web`` in a subprocess."""

    def __init__(self, rasa_url: str, log_dir: Path, env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        out = (log_dir / "web_output.txt").open("a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.web", "--port", str(self.port), "--rasa-url", rasa_url],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        wait_for_port(self.port, proc=self.proc)
        with urllib.request.urlopen(self.url + "/healthz", timeout=5) as res:
            assert res.status == 200, "web server unhealthy: vendor files missing? run npm ci"

    def close(self) -> None:
        _stop(self.proc)


def run_scenario(
    base_url: str,
    steps: list[dict],
    *,
    control_url: str | None = None,
    widget: bool = False,
    timeout: float = 180.0,
    viewport: dict | None = None,
) -> dict:
    """Run ``steps`` in Chromium; return the driver's JSON result (``ok``, ``error``, ...)."""
    scenario = {
        "baseUrl": base_url,
        "steps": steps,
        "artifactsDir": str(ARTIFACTS),
        "controlUrl": control_url,
        "widget": widget,
    }
    if viewport:
        scenario["viewport"] = viewport
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(scenario, fh)
        path = fh.name
    try:
        proc = subprocess.run(
            ["node", str(HERE / "run_steps.mjs"), path],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    finally:
        os.unlink(path)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise AssertionError(f"browser driver gave no result:\n{proc.stdout}\n{proc.stderr}")
    return json.loads(lines[-1])
