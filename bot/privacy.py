"""Deleting conversations: after a withdrawal, and after the retention period.

The chat's conversations live in Rasa's SQL tracker store (table ``events``).
A withdrawal is recorded here first and carried out by the handoff worker a
little later, once the current chat turn has been saved: deleting inside the
turn would let Rasa write the events straight back. Retention removes every
conversation event older than ``LEERPUNT_RETENTION_DAYS``.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot import PROJECT_DIR, settings
from bot.store import ensure_tables, get_engine, metadata

log = logging.getLogger(__name__)

DELETE_AFTER_SECONDS = 20.0  # a chat turn is long saved by then

deletion_requests = sa.Table(
    "conversation_deletion_requests",
    metadata,
    sa.Column("conversation_id", sa.String(255), primary_key=True),
    sa.Column("requested_at", sa.Float, nullable=False),
)


def tracker_store_url() -> str:
    """SQLAlchemy URL of Rasa's tracker store (env ``LEERPUNT_TRACKER_DB_URL``, as endpoints.yml)."""
    url = settings.get().tracker_db_url
    return url or f"sqlite:///{PROJECT_DIR / 'var' / 'tracker.db'}"


@lru_cache(maxsize=4)
def _tracker_engine(url: str) -> Engine:
    return sa.create_engine(url, future=True)


def request_deletion(
    conversation_id: str, engine: Engine | None = None, now: float | None = None
) -> None:
    """Remember that this conversation must be deleted (idempotent)."""
    engine = engine or get_engine()
    ensure_tables(engine)
    with engine.begin() as conn:
        exists = conn.execute(
            sa.select(deletion_requests.c.conversation_id).where(
                deletion_requests.c.conversation_id == conversation_id
            )
        ).first()
        if not exists:
            conn.execute(
                deletion_requests.insert().values(
                    conversation_id=conversation_id, requested_at=now or time.time()
                )
            )


def _delete_events(tracker_url: str, where) -> int:
    engine = _tracker_engine(tracker_url)
    events = sa.Table("events", sa.MetaData(), autoload_with=engine)
    with engine.begin() as conn:
        return conn.execute(events.delete().where(where(events))).rowcount or 0


def delete_conversation(conversation_id: str, tracker_url: str | None = None) -> int:
    """Delete a conversation's events now; return how many. Only outside a chat turn (the CLI)."""
    tracker_url = tracker_url or tracker_store_url()
    if not sa.inspect(_tracker_engine(tracker_url)).has_table("events"):
        return 0
    removed = _delete_events(tracker_url, lambda t: t.c.sender_id == conversation_id)
    log.info("withdrawn conversation deleted at once (%d events)", removed)
    return removed


def process_deletions(
    engine: Engine | None = None, tracker_url: str | None = None, now: float | None = None
) -> int:
    """Delete the conversations whose deletion was requested long enough ago; return how many."""
    engine = engine or get_engine()
    ensure_tables(engine)
    tracker_url = tracker_url or tracker_store_url()
    cutoff = (now or time.time()) - DELETE_AFTER_SECONDS
    with engine.connect() as conn:
        due = list(
            conn.execute(
                sa.select(deletion_requests.c.conversation_id).where(
                    deletion_requests.c.requested_at <= cutoff
                )
            ).scalars()
        )
    if not due or not sa.inspect(_tracker_engine(tracker_url)).has_table("events"):
        return 0
    for conversation_id in due:
        removed = _delete_events(tracker_url, lambda t, c=conversation_id: t.c.sender_id == c)
        with engine.begin() as conn:
            conn.execute(
                deletion_requests.delete().where(
                    deletion_requests.c.conversation_id == conversation_id
                )
            )
        log.info("withdrawn conversation deleted (%d events)", removed)
    return len(due)


def purge_old_conversations(
    days: float, tracker_url: str | None = None, now: float | None = None
) -> int:
    """Delete conversation events older than ``days``; return the number of events removed."""
    tracker_url = tracker_url or tracker_store_url()
    if not sa.inspect(_tracker_engine(tracker_url)).has_table("events"):
        return 0
    cutoff = (now or time.time()) - days * 86400
    removed = _delete_events(tracker_url, lambda t: t.c.timestamp < cutoff)
    if removed:
        log.info("retention: %d conversation events older than %s days deleted", removed, days)
    return removed
