"""Two Rasa instances behind one product, sharing a real PostgreSQL tracker store and
a real Redis lock store (endpoints.production.yml): a conversation can move between
instances at every message and carries on where it was.

Runs when TEST_POSTGRES_URL and TEST_REDIS_URL are set (.ci/run starts both servers).
"""

from __future__ import annotations

import os
import subprocess
import uuid
from urllib.parse import urlsplit

import pytest
import requests

from tests.e2e.stack import MODEL, VENV_BIN, texts, wait_http
from tests.helpers.net import free_port

pytestmark = pytest.mark.e2e

PG = os.environ.get("TEST_POSTGRES_URL")
REDIS = os.environ.get("TEST_REDIS_URL")


@pytest.fixture(scope="module")
def two_instances(stack):
    if not (PG and REDIS):
        pytest.skip("TEST_POSTGRES_URL and TEST_REDIS_URL not set (.ci/run sets them)")
    pg, redis = urlsplit(PG), urlsplit(REDIS)
    env = {
        **stack.env,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{stack.actions_port}/webhook",
        "POSTGRES_HOST": pg.hostname,
        "POSTGRES_PORT": str(pg.port or 5432),
        "POSTGRES_DB": pg.path.lstrip("/"),
        "POSTGRES_USER": pg.username or "",
        "POSTGRES_PASSWORD": pg.password or "",
        "REDIS_HOST": redis.hostname,
        "REDIS_PORT": str(redis.port or 6379),
    }
    ports = [free_port(), free_port()]
    procs = []
    # One after the other: two model loads at once on a 2-core runner, beside the
    # stack's own servers, once left one instance silent past the deadline.
    for port in ports:
        log_path = stack.tmp / "logs" / f"rasa-pg-{port}.log"
        procs.append(
            subprocess.Popen(
                [
                    str(VENV_BIN / "rasa"),
                    "run",
                    "--model",
                    str(MODEL),
                    "--port",
                    str(port),
                    "--endpoints",
                    "endpoints.production.yml",
                    "--credentials",
                    "credentials.yml",
                ],
                cwd=str(MODEL.parent.parent),
                env=env,
                stdout=log_path.open("ab"),
                stderr=subprocess.STDOUT,
            )
        )
        wait_http(f"http://127.0.0.1:{port}/", 300, log_path, procs[-1])
    yield [f"http://127.0.0.1:{p}" for p in ports]
    for proc in procs:
        proc.terminate()
        proc.wait(30)


def test_conversation_moves_between_instances(two_instances):
    sender = f"multi-{uuid.uuid4().hex}"

    def talk(i: int, text: str) -> str:
        r = requests.post(
            f"{two_instances[i % 2]}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        r.raise_for_status()
        return texts(r.json())

    first = talk(0, "ik kan geen lassers vinden, we zijn een metaalbedrijf")
    assert "hoeveel mensen" in first.lower()
    second = talk(1, "we zijn met 18 man")  # the other instance knows the size was asked
    assert "hoeveel mensen" not in second.lower() and "?" in second
    said = talk(0, "Almelo")
    assert "?" in said and "plaats" not in said.lower()
    for i in range(1, 12):
        said = talk(i, "/weet_niet")
        if "Eerste stap" in said:
            break
    assert "Eerste stap" in said
