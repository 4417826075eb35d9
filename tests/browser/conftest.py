"""Fixtures for the browser tests: skip without Chromium, start the servers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.browser.harness import (
    CHROMIUM,
    ROOT,
    ControlServer,
    FakeRasa,
    WebServer,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_ready() -> None:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (apt-get install -y chromium chromium-driver)")
    assert shutil.which("node"), "node is not on PATH"
    assert (ROOT / "node_modules" / "playwright-core").is_dir(), "run `npm ci` first"
    assert (ROOT / "bot/web/static/vendor/socket.io.min.js").is_file(), "run `npm ci` first"


@pytest.fixture(scope="session")
def region_id() -> str:
    """A region the page accepts in a link: a shipped one (twente if present)."""
    from bot.web.links import known_regions

    regions = known_regions()
    if not regions:
        pytest.fail("no region files found: the link tests need at least one region")
    return "twente" if "twente" in regions else sorted(regions)[0]


@pytest.fixture()
def fake_rasa(browser_ready: None, tmp_path) -> Iterator[FakeRasa]:
    rasa = FakeRasa(tmp_path)
    rasa.start()
    yield rasa
    rasa.stop()


@pytest.fixture()
def control(fake_rasa: FakeRasa) -> Iterator[ControlServer]:
    server = ControlServer(fake_rasa)
    yield server
    server.close()


@pytest.fixture()
def web(fake_rasa: FakeRasa, tmp_path) -> Iterator[WebServer]:
    server = WebServer(fake_rasa.url, tmp_path)
    yield server
    server.close()
