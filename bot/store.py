"""The one database setup of the product (outbox, usage figures, consent records).

SQLite under ``var/`` by default so that ``make run`` needs nothing installed;
PostgreSQL in production through ``LEERPUNT_DATABASE_URL``
(e.g. ``postgresql+psycopg2://user:pw@host/leerpunt``).
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine

from bot import PROJECT_DIR, settings

metadata = MetaData()


def database_url() -> str:
    """URL of the product database: ``LEERPUNT_DATABASE_URL`` or SQLite in ``var/``."""
    url = settings.get().database_url
    if url:
        return url
    var = PROJECT_DIR / "var"
    var.mkdir(exist_ok=True)
    return f"sqlite:///{var / 'leerpunt.db'}"


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """A shared engine per URL. Stores call ``ensure_tables`` before first use."""
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, future=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
    else:
        engine = create_engine(url, pool_pre_ping=True, future=True)
    return engine


def ensure_tables(engine: Engine) -> None:
    """Create every table registered on ``metadata`` that does not exist yet."""
    metadata.create_all(engine, checkfirst=True)
