"""The production stack (scripts/production.py): PostgreSQL, Redis, two Rasa servers and two
action servers behind nginx, all real.

- 100 conversations whose messages alternate between the two Rasa servers; one Rasa
  server is killed (SIGKILL) mid-way and started again. Every conversation must end
  with the same first answer as an undisturbed run of its script, every message must
  be in its tracker exactly once, and every consenting conversation must reach the
  coach's webhook exactly once (the others never).
- Through nginx: the page and the channels are served, Rasa's HTTP API is not, a
  disallowed origin gets no CORS headers, and a client that floods gets a friendly 429.

A client whose connection breaks does what a careful page does: before sending again
it reads the conversation (on the other server) to see whether the message arrived.

Runs when TEST_POSTGRES_URL and TEST_REDIS_URL are set and nginx is installed
(.ci/run sees to all three).
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.e2e.stack import ROOT, buttons, start_production_stack, texts
from tests.e2e.test_conversation_e2e import _answer_for

sys.path.insert(0, str(ROOT / "scripts"))
import production  # noqa: E402

pytestmark = pytest.mark.e2e

PG = os.environ.get("TEST_POSTGRES_URL")
REDIS = os.environ.get("TEST_REDIS_URL")
CONVERSATIONS = 100
WORKERS = 6
KILL_AFTER = 35  # conversations finished before the first Rasa server is killed
OPENINGS = [
    "ik kan geen monteurs vinden en de oude garde gaat met pensioen",
    "nieuwe mensen zijn pas na een half jaar echt productief",
    "mijn beste mensen vertrekken naar de concurrent",
    "we willen met ai aan de slag maar niemand heeft er tijd voor",
]
TOKEN = "production-test-token"


@pytest.fixture(scope="module")
def prod(tmp_path_factory):
    if not (PG and REDIS):
        pytest.skip("TEST_POSTGRES_URL and TEST_REDIS_URL not set (.ci/run sets them)")
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx not installed (.ci/run installs it)")
    stack, close = start_production_stack(
        tmp_path_factory.mktemp("production"),
        PG,
        REDIS,
        TOKEN,
        requests_per_minute=60,
        burst=5,
        extra_env={"LEERPUNT_ALLOWED_ORIGINS": "https://www.regio-voorbeeld.nl"},
    )
    try:
        yield stack
    finally:
        close()


class Client:
    """One conversation's messages, alternating between the Rasa servers."""

    def __init__(self, prod: production.Production, sender: str) -> None:
        self.prod = prod
        self.sender = sender
        self.seq = 0
        self.http = requests.Session()
        self.retries = 0

    def say(self, text: str, metadata: dict | None = None) -> list[dict]:
        seq, self.seq = self.seq, self.seq + 1
        tag = f"{self.sender}:{seq}"
        body = {
            "sender": self.sender,
            "message": text,
            "metadata": {**(metadata or {}), "seq": tag},
        }
        for attempt in range(120):
            server = (seq + attempt) % 2
            try:
                r = self.http.post(
                    f"{self.prod.rasa_url(server)}/webhooks/rest/webhook", json=body, timeout=60
                )
                if r.status_code < 500:
                    r.raise_for_status()
                    return r.json()
            except requests.ConnectionError:
                pass
            except requests.Timeout:
                # A live server that holds a message this long is a fault (it was a lock
                # that never freed: channels/lock_store.py); say where, with its log.
                log = self.prod.logs / f"rasa-{server + 1}.log"
                tail = log.read_text(errors="replace").splitlines()[-20:] if log.exists() else []
                raise AssertionError(
                    f"message {tag} unanswered after 60 s on rasa-{server + 1}:\n" + "\n".join(tail)
                ) from None
            self.retries += 1
            # It may have arrived before the connection broke: look before sending again.
            answered = self.answered(tag, (server + 1) % 2)
            if answered is not None:
                return answered
            time.sleep(0.5)
        raise AssertionError(f"message {tag} not answered by either server")

    def tracker(self, server: int) -> dict:
        r = self.http.get(
            f"{self.prod.rasa_url(server)}/conversations/{self.sender}/tracker",
            params={"token": TOKEN},
            timeout=30,
        )
        r.raise_for_status()
        return r.json()

    def answered(self, tag: str, server: int) -> list[dict] | None:
        try:
            events = self.tracker(server)["events"]
        except requests.RequestException:
            return None
        for i, event in enumerate(events):
            if event.get("event") == "user" and (event.get("metadata") or {}).get("seq") == tag:
                replies = []
                for later in events[i + 1 :]:
                    if later.get("event") == "user":
                        break
                    if later.get("event") == "action" and later.get("name") == "action_listen":
                        return replies
                    if later.get("event") == "bot":
                        data = later.get("data") or {}
                        replies.append(
                            {"text": later.get("text"), **{k: v for k, v in data.items() if v}}
                        )
                return None  # still being answered: wait and look again
        return None


def play(prod, n: int) -> dict:
    """One whole conversation: intake to the first answer, then yes or no to the coach."""
    client = Client(prod, f"prod-{n}-{uuid.uuid4().hex[:10]}")
    replies = client.say(OPENINGS[n % len(OPENINGS)], {"regio": "twente", "bron": "website"})
    turns = [texts(replies)]
    for _ in range(16):
        if "Eerste stap" in texts(replies):
            break
        replies = client.say(_answer_for(replies, free_text=n % 3 != 0))
        turns.append(texts(replies))
    summary = texts(replies)
    consent = n % 2 == 0
    done = ""
    if "Eerste stap" in summary:
        if consent:
            client.say("/bevestigen")
            client.say(f"Tester {n}")
            client.say(f"Testbedrijf {n}")
            client.say(f"tester{n}@voorbeeld-bedrijf.nl")
            done = texts(client.say("/bevestigen"))
        else:
            done = texts(client.say("/ontkennen"))
    return {
        "n": n,
        "sender": client.sender,
        "summary": summary,
        "buttons": [b["payload"] for b in buttons(replies)],
        "consent": consent,
        "done": done,
        "sent": client.seq,
        "retries": client.retries,
        "turns": turns,
    }


def test_a_killed_rasa_server_loses_no_message_and_no_handoff(prod):
    # The script of each kind of conversation, played undisturbed first: what every
    # conversation of that kind must end with.
    reference = {k: play(prod, k) for k in range(4 * 3)}  # every opening x free-text mode
    for ref in reference.values():
        assert "Eerste stap" in ref["summary"], "\n---\n".join(ref["turns"])
    done: list[dict] = []
    lock = threading.Lock()
    killed = threading.Event()

    def one(n: int) -> dict:
        result = play(prod, n)
        with lock:
            done.append(result)
        return result

    def killer() -> None:
        while len(done) < KILL_AFTER:
            time.sleep(0.2)
        prod.kill("rasa-1")
        killed.set()
        time.sleep(3)  # messages meant for it meanwhile go to the other server
        prod.start_rasa(0)

    kill_thread = threading.Thread(target=killer, daemon=True)
    kill_thread.start()
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(one, range(12, 12 + CONVERSATIONS)))
    kill_thread.join(300)
    assert killed.is_set()
    assert sum(r["retries"] for r in results) > 0, "the kill hit no message; it tested nothing"

    for r in results:
        ref = reference[r["n"] % 12]
        assert r["summary"] == ref["summary"], (r["n"], r["summary"], ref["summary"])
        assert r["buttons"] == ref["buttons"]
        if r["consent"]:
            assert "LP-" in r["done"], r
        # Every message is in the conversation exactly once, in the order it was sent.
        client = Client(prod, r["sender"])
        events = client.tracker(r["n"] % 2)["events"]
        tags = [(e.get("metadata") or {}).get("seq") for e in events if e.get("event") == "user"]
        assert tags == [f"{r['sender']}:{i}" for i in range(r["sent"])], (r["sender"], tags)

    # Exactly one handoff per consenting conversation, none for the others.
    deadline = time.time() + 60
    wanted = {r["sender"] for r in results if r["consent"]}

    def delivered() -> list[str]:
        return [
            sender
            for item in list(prod.receiver.requests)  # type: ignore[attr-defined]
            if b'"handoff.created"' in item.body
            for sender in [r["sender"] for r in results]
            if sender.encode() in item.body
        ]

    while time.time() < deadline and not wanted <= set(delivered()):
        time.sleep(0.5)
    time.sleep(2)  # a second delivery would arrive by now
    got = delivered()
    assert sorted(got) == sorted(wanted), (len(got), len(wanted))


def test_nginx_serves_the_page_and_the_channel(prod):
    page = requests.get(f"{prod.public_url}/chat", timeout=10)
    assert page.status_code == 200 and "<html" in page.text.lower()
    r = requests.post(
        f"{prod.public_url}/webhooks/rest/webhook",
        json={"sender": f"nginx-{uuid.uuid4().hex}", "message": "hoi"},
        timeout=60,
    )
    assert r.status_code == 200 and texts(r.json())
    poll = requests.get(f"{prod.public_url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert poll.status_code == 200 and '"sid"' in poll.text


@pytest.mark.parametrize(
    "method,path",
    [
        ("GET", "/status"),
        ("GET", "/version"),
        ("GET", "/conversations/someone/tracker"),
        ("POST", "/model/parse"),
        ("PUT", "/model"),
        ("POST", "/conversations/someone/tracker/events"),
    ],
)
def test_the_rasa_http_api_is_not_served_through_nginx(prod, method, path):
    r = requests.request(
        method,
        f"{prod.public_url}{path}",
        params={"token": TOKEN},
        json={"text": "hoi"},
        timeout=10,
    )
    assert r.status_code == 404, (path, r.status_code, r.text[:200])
    assert "rasa" not in r.text.lower()
    # ... while the Rasa server itself, on 127.0.0.1, does serve it with the token.
    assert requests.get(f"{prod.rasa_url(1)}/status", params={"token": TOKEN}, timeout=10).ok


def test_cors_through_nginx_only_for_the_configured_sites(prod):
    url = f"{prod.public_url}/webhooks/rest/webhook"
    headers = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    allowed = requests.options(
        url, headers={**headers, "Origin": "https://www.regio-voorbeeld.nl"}, timeout=10
    )
    assert allowed.headers.get("Access-Control-Allow-Origin") == "https://www.regio-voorbeeld.nl"
    other = requests.options(
        url, headers={**headers, "Origin": "https://kwaadwillend.example"}, timeout=10
    )
    assert not [h for h in other.headers if h.lower().startswith("access-control-")], other.headers


def test_a_flooding_client_gets_a_friendly_line(prod):
    sender = f"flood-{uuid.uuid4().hex}"
    answers = [
        requests.post(
            f"{prod.public_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": "hoi"},
            timeout=60,
        )
        for _ in range(12)
    ]
    refused = [a for a in answers if a.status_code == 429]
    assert refused, [a.status_code for a in answers]
    assert answers[0].status_code == 200
    said = refused[0].json()
    assert said[0]["text"] == production.TOO_MANY_TEXT
    assert refused[0].headers.get("Retry-After") == "60"
