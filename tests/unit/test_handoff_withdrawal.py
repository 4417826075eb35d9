"""Withdrawal: one function for the chat and the CLI; the CLI also deletes the tracker events at once."""

from __future__ import annotations

import ast
import threading
import time

import pytest
import sqlalchemy as sa

from bot import PACKAGE_DIR, privacy, store
from bot.app import handoff as app_handoff
from bot.handoff import cli, withdrawal, worker
from bot.handoff.outbox import HandoffOutbox, Target
from bot.handoff.sample import sample_profile

EMAIL = Target.email("coach@example.org")


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Product database and Rasa SQL tracker store (table ``events``) as real SQLite files."""
    db_url = f"sqlite:///{tmp_path / 'leerpunt.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("LEERPUNT_DATABASE_URL", db_url)
    monkeypatch.setenv("LEERPUNT_TRACKER_DB_URL", tracker_url)
    store.get_engine.cache_clear()
    engine = sa.create_engine(tracker_url, future=True)
    meta = sa.MetaData()
    events = sa.Table(
        "events",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255)),
        sa.Column("type_name", sa.String(255)),
        sa.Column("timestamp", sa.Float),
        sa.Column("data", sa.Text),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        for sender in ("conv-1", "conv-1", "conv-1", "conv-other"):
            conn.execute(
                events.insert().values(
                    sender_id=sender, type_name="user", timestamp=time.time(), data="{}"
                )
            )
    yield HandoffOutbox(), engine, events
    store.get_engine.cache_clear()


def _senders(engine, events) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(sa.select(events.c.sender_id)).scalars())


def _requested(outbox: HandoffOutbox) -> list[str]:
    with outbox.engine.connect() as conn:
        return list(conn.execute(sa.select(privacy.deletion_requests.c.conversation_id)).scalars())


def test_cli_withdraw_by_reference_deletes_handoff_and_tracker_events(env, capsys):
    outbox, engine, events = env
    ref = outbox.enqueue(sample_profile("conv-1"), [EMAIL], conversation_id="conv-1")

    assert cli.main(["withdraw", ref.lower()]) == 0

    assert outbox.get(ref) is None
    assert _senders(engine, events) == ["conv-other"]
    assert _requested(outbox) == ["conv-1"]  # a turn still in flight is deleted by the worker too
    out = capsys.readouterr().out
    assert ref in out and "3 conversation event(s) deleted" in out


def test_cli_withdraw_by_conversation_id(env):
    outbox, engine, events = env
    ref = outbox.enqueue(sample_profile("conv-1"), [EMAIL], conversation_id="conv-1")

    assert cli.main(["withdraw", "conv-1"]) == 0

    assert outbox.get(ref) is None
    assert _senders(engine, events) == ["conv-other"]


def test_cli_withdraw_of_a_conversation_without_handoff_still_deletes_it(env, capsys):
    _, engine, events = env
    assert cli.main(["withdraw", "conv-other"]) == 0
    assert _senders(engine, events) == ["conv-1", "conv-1", "conv-1"]
    assert "no handoff" in capsys.readouterr().out


def test_cli_withdraw_of_something_unknown_fails(env, capsys):
    _, engine, events = env
    assert cli.main(["withdraw", "LP-ZZZZZ"]) == 1
    assert "nothing found" in capsys.readouterr().err
    assert len(_senders(engine, events)) == 4


def test_chat_and_cli_call_the_same_withdrawal(env, monkeypatch):
    calls = []

    def fake(key, conversation_id=None, **kwargs):
        calls.append((key, conversation_id, kwargs.get("delete_now", False)))
        return withdrawal.WithdrawResult(["LP-AAAAA"], 1)

    monkeypatch.setattr(app_handoff, "withdraw_consent", fake)
    monkeypatch.setattr(cli, "withdraw_consent", fake)
    conv = type(
        "Conv", (), {"get": lambda self, key: "LP-AAAAA" if key == "handoff_reference" else None}
    )()
    app_handoff.withdraw_all(conv, "conv-1")
    cli.main(["withdraw", "LP-AAAAA"])
    assert calls == [("LP-AAAAA", "conv-1", False), ("LP-AAAAA", None, True)]


def test_the_chat_path_only_requests_the_deletion(env):
    outbox, engine, events = env
    ref = outbox.enqueue(sample_profile("conv-1"), [EMAIL], conversation_id="conv-1")

    result = withdrawal.withdraw_consent(ref, "conv-1")

    assert result.references == [ref] and result.events_deleted == 0
    assert len(_senders(engine, events)) == 4  # Rasa would write the running turn straight back
    assert _requested(outbox) == ["conv-1"]


def _imports(module_path) -> set[str]:
    tree = ast.parse(module_path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_consent_no_longer_imports_the_outbox():
    imported = _imports(PACKAGE_DIR / "handoff" / "consent.py")
    assert not imported & {"bot.handoff.outbox", "bot.handoff.withdrawal", "bot.handoff"}


# -- the worker: withdrawals within seconds, the retention purge at start and then daily ---------


def _run_worker_briefly(monkeypatch, seconds: float = 0.5) -> dict[str, int]:
    counts = {"deletions": 0, "purges": 0}
    monkeypatch.setattr(worker, "DELETION_INTERVAL", 0.02)
    w = worker.Worker(HandoffOutbox(), worker_id="test")
    monkeypatch.setattr(
        w, "process_deletions", lambda: counts.__setitem__("deletions", counts["deletions"] + 1)
    )
    monkeypatch.setattr(
        w, "purge_expired", lambda: counts.__setitem__("purges", counts["purges"] + 1)
    )
    stop = threading.Event()
    thread = threading.Thread(target=w.run, kwargs={"interval": 0.01, "stop": stop})
    thread.start()
    time.sleep(seconds)
    stop.set()
    thread.join(5)
    return counts


def test_worker_purges_once_at_start_and_then_daily(env, monkeypatch):
    counts = _run_worker_briefly(monkeypatch)
    assert counts["purges"] == 1
    assert counts["deletions"] >= 3


def test_worker_purge_interval_comes_from_the_settings(env, monkeypatch):
    monkeypatch.setenv("LEERPUNT_RETENTION_PURGE_HOURS", str(0.05 / 3600))
    counts = _run_worker_briefly(monkeypatch)
    assert counts["purges"] >= 3
