"""Every dialogue test gets its own SQLite database (outbox, usage figures, deletion requests).

Nothing is ever written to the real ``var/`` database, and the settings that change
what the assistant asks or says are the defaults unless a test sets them.
"""

from __future__ import annotations

import pytest

from bot import store


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch) -> str:
    """A fresh SQLite database per test, set before the dialogue touches the store."""
    url = f"sqlite:///{tmp_path / 'leerpunt.db'}"
    monkeypatch.setenv("LEERPUNT_DATABASE_URL", url)
    for name in ("LEERPUNT_MAX_QUESTIONS", "LEERPUNT_OPERATOR_EMAIL", "LEERPUNT_RETENTION_DAYS"):
        monkeypatch.delenv(name, raising=False)
    # get_engine() caches its engine per argument, also for "no URL given": without
    # this an engine made for another database (another test, or var/) would be reused.
    store.get_engine.cache_clear()
    assert str(store.get_engine().url) == url
    yield url
    store.get_engine.cache_clear()
