"""Conversation deletion after a withdrawal, and the retention period."""

import sqlalchemy as sa

from bot import privacy
from bot.store import get_engine


def _tracker_db(tmp_path, rows):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = sa.create_engine(url, future=True)
    meta = sa.MetaData()
    events = sa.Table(
        "events",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String),
        sa.Column("timestamp", sa.Float),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        for sender, ts in rows:
            conn.execute(events.insert().values(sender_id=sender, timestamp=ts))
    return url, engine, events


def _senders(engine, events):
    with engine.connect() as conn:
        return sorted(conn.execute(sa.select(events.c.sender_id)).scalars())


def test_withdrawn_conversation_is_deleted_after_the_turn_is_saved(tmp_path):
    url, engine, events = _tracker_db(tmp_path, [("a", 100.0), ("a", 101.0), ("b", 100.0)])
    store = get_engine(f"sqlite:///{tmp_path / 'app.db'}")
    privacy.request_deletion("a", store, now=1000.0)
    privacy.request_deletion("a", store, now=1001.0)  # asking twice is fine

    assert privacy.process_deletions(store, url, now=1005.0) == 0  # still inside the turn
    assert _senders(engine, events) == ["a", "a", "b"]

    assert privacy.process_deletions(store, url, now=1000.0 + privacy.DELETE_AFTER_SECONDS + 1) == 1
    assert _senders(engine, events) == ["b"]
    assert privacy.process_deletions(store, url, now=5000.0) == 0  # request is done


def test_retention_removes_only_old_events(tmp_path):
    day = 86400
    url, engine, events = _tracker_db(tmp_path, [("old", 5 * day), ("new", 95 * day)])
    removed = privacy.purge_old_conversations(90, url, now=100 * day)
    assert removed == 1
    assert _senders(engine, events) == ["new"]


def test_no_tracker_table_yet_is_not_an_error(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    store = get_engine(f"sqlite:///{tmp_path / 'app2.db'}")
    privacy.request_deletion("x", store, now=0.0)
    assert privacy.process_deletions(store, url, now=10_000.0) == 0
    assert privacy.purge_old_conversations(1, url) == 0
