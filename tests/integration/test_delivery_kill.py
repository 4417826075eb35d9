"""A worker killed with SIGKILL mid-delivery loses nothing and duplicates nothing.

The worker runs as a real subprocess (``python -m bot.handoff worker``). The
receiver holds the first request; we kill -9 the worker while it waits, start
a new one, and check that every handoff reached the idempotent receiver and
the SMTP server once per idempotency key.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from bot import PROJECT_DIR
from bot.handoff.outbox import HandoffOutbox, Target
from bot.handoff.receiver import WebhookReceiver
from bot.handoff.sample import sample_profile

SECRET_ENV = "TEST_KILL_SECRET"
SECRET = "s3cr3t-voor-kill-test"


def start_worker(db_url: str, smtp_port: int, lease: float) -> subprocess.Popen:
    env = dict(
        os.environ,
        PYTHONPATH=str(PROJECT_DIR),
        LEERPUNT_DATABASE_URL=db_url,
        LEERPUNT_SMTP_HOST="127.0.0.1",
        LEERPUNT_SMTP_PORT=str(smtp_port),
        LEERPUNT_DELIVERY_BACKOFF_SECONDS="0.05",
        LEERPUNT_LOG_LEVEL="WARNING",
        **{SECRET_ENV: SECRET},
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.handoff",
            "worker",
            "--interval",
            "0.05",
            "--lease",
            str(lease),
            "--timeout",
            "20",
        ],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.time() + seconds
    while not condition():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_worker_killed_while_the_receiver_holds_the_request(outbox_db_url, smtp):
    sink, smtp_settings = smtp
    arrived, release = threading.Event(), threading.Event()

    def hold_first(n: int, _key: str):
        if n == 1:
            arrived.set()
            release.wait(20)  # the worker is killed while it waits for this answer
        return None

    receiver = WebhookReceiver(SECRET, fault=hold_first).start()
    workers: list[subprocess.Popen] = []
    try:
        outbox = HandoffOutbox(outbox_db_url, handoffs_per_contact_hour=1000)  # one sample contact
        n = 6
        refs = [
            outbox.enqueue(
                sample_profile(f"conv-kill-{i}"),
                [Target.webhook(receiver.url, SECRET_ENV), Target.email("coach@example.org")],
            )
            for i in range(n)
        ]
        workers.append(start_worker(outbox_db_url, smtp_settings.port, lease=3.0))
        wait_for(arrived.is_set, 30, "the first webhook request")
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait(10)
        assert workers[0].returncode == -signal.SIGKILL
        stuck = [d for d in outbox.deliveries() if d["state"] == "delivering"]
        assert stuck, "the killed worker should have left a claimed delivery behind"
        release.set()

        workers.append(start_worker(outbox_db_url, smtp_settings.port, lease=3.0))
        wait_for(
            lambda: all(d["state"] == "delivered" for d in outbox.deliveries()),
            30,
            "all deliveries to be delivered",
        )
    finally:
        release.set()
        for proc in workers:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(10)
        receiver.stop()

    accepted = receiver.state.accepted
    assert len(accepted) == n, "a handoff was lost"
    assert sorted(r.reference for r in accepted.values()) == sorted(refs)
    assert receiver.state.duplicates <= 1  # only the held request can come twice
    assert receiver.state.bad_signatures == 0
    per_id = sink.by_message_id()
    assert len(per_id) == n and set(per_id.values()) == {1}
    output = b"".join(p.stdout.read() for p in workers if p.stdout)
    for personal in (b"Ans de Vries", b"ans@example.org", b"Korenbloem"):
        assert personal not in output
