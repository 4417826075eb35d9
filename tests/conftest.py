"""Fixtures shared by several test files (one owner each).

- ``stack``: the real product on free ports, for the end-to-end and browser tests.
- ``outbox_db_url``: an empty outbox database, SQLite and (when set) PostgreSQL.
- ``smtp``: a real local SMTP server that keeps what it receives.
- ``regions_dir``: a folder with the fallback region and one valid region.
"""

import os
from pathlib import Path

import pytest

from tests.helpers.net import LOCALHOST, free_port
from tests.helpers.regions import make_regions_dir


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The real product (Rasa, actions, worker, SMTP, webhook receiver) on free ports."""
    from tests.e2e.stack import MODEL, start_stack

    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}; run `make train` (make test does this first)")
    s = start_stack(tmp_path_factory.mktemp("stack"))
    yield s
    s.close()


def _postgres_param():
    url = os.environ.get("TEST_POSTGRES_URL")
    return pytest.param(
        url, id="postgres", marks=pytest.mark.skipif(not url, reason="TEST_POSTGRES_URL not set")
    )


@pytest.fixture(params=["sqlite", _postgres_param()])
def outbox_db_url(request, tmp_path) -> str:
    """The URL of an empty outbox database: a fresh SQLite file, or PostgreSQL when
    TEST_POSTGRES_URL is set (shared between tests, so its outbox tables are emptied)."""
    from bot.handoff.outbox import contact_use_table, delivery_table, handoff_table
    from bot.store import ensure_tables, get_engine

    url = f"sqlite:///{tmp_path / 'outbox.db'}" if request.param == "sqlite" else request.param
    engine = get_engine(url)
    ensure_tables(engine)
    with engine.begin() as conn:
        conn.execute(delivery_table.delete())
        conn.execute(handoff_table.delete())
        conn.execute(contact_use_table.delete())
    engine.dispose()
    return url


@pytest.fixture()
def smtp():
    """A real SMTP server on a free port: ``(sink, SmtpSettings)``; ``sink.messages`` is what came."""
    from bot.devmail import MemorySink
    from bot.devmail import start as start_smtp
    from bot.handoff.mail import SmtpSettings

    sink = MemorySink()
    controller = start_smtp(free_port(), handler=sink)
    yield sink, SmtpSettings(host=LOCALHOST, port=controller.port, timeout=5)
    controller.stop()


@pytest.fixture()
def regions_dir(tmp_path: Path) -> Path:
    return make_regions_dir(tmp_path)
