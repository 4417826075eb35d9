"""The real Rasa server started as scripts/run.sh starts it: CORS only for the allowed origins.

``rasa run --cors`` gets the output of ``python -m bot origins``; Sanic-CORS then answers
an allowed origin with ``Access-Control-Allow-Origin`` and a disallowed one with no CORS
header at all, so a browser on another site gets nothing back. No model is needed for
this (the server starts in seconds without one).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import requests

from tests.e2e.stack import ROOT, VENV_BIN, wait_http
from tests.helpers.net import LOCALHOST, free_port

ALLOWED = "https://regio.example.org"
DISALLOWED = "https://elders.example.com"


@pytest.fixture(scope="module")
def rasa_url(tmp_path_factory):
    env = {
        **os.environ,
        "LEERPUNT_ALLOWED_ORIGINS": f"{ALLOWED},http://localhost:8080",
        "ACTION_ENDPOINT_URL": f"http://{LOCALHOST}:{free_port()}/webhook",  # endpoints.yml; unused
    }
    env.pop("LEERPUNT_PUBLIC_URL", None)
    origins = subprocess.run(
        [sys.executable, "-m", "bot", "origins"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert ALLOWED in origins and "*" not in origins
    port = free_port()
    log_path = tmp_path_factory.mktemp("rasa") / "rasa.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(VENV_BIN / "rasa"), "run", "-i", LOCALHOST, "--port", str(port)]
            + ["--enable-api", "--auth-token", "cors-test-token", "--cors", *origins]
            + ["--credentials", "credentials.yml", "--model", str(log_path.parent / "none")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://{LOCALHOST}:{port}"
    try:
        wait_http(f"{url}/", 60, log_path)
        yield url
    finally:
        proc.terminate()
        proc.wait(20)


def _preflight(url: str, origin: str) -> requests.Response:
    return requests.options(
        url,
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
        timeout=10,
    )


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/model/parse", "/status"])
def test_an_allowed_origin_gets_cors_headers(rasa_url, path):
    response = _preflight(rasa_url + path, ALLOWED)
    assert response.headers.get("Access-Control-Allow-Origin") == ALLOWED


@pytest.mark.parametrize("path", ["/webhooks/rest/webhook", "/model/parse", "/status", "/"])
def test_a_disallowed_origin_gets_no_cors_headers(rasa_url, path):
    for response in (
        _preflight(rasa_url + path, DISALLOWED),
        requests.get(rasa_url + path, headers={"Origin": DISALLOWED}, timeout=10),
    ):
        cors = [h for h in response.headers if h.lower().startswith("access-control-")]
        assert cors == [], (path, response.headers)


def test_the_socket_io_handshake_answers_only_allowed_origins(rasa_url):
    url = f"{rasa_url}/socket.io/?EIO=4&transport=polling"
    allowed = requests.get(url, headers={"Origin": ALLOWED}, timeout=10)
    other = requests.get(url, headers={"Origin": DISALLOWED}, timeout=10)
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED
    assert "Access-Control-Allow-Origin" not in other.headers
