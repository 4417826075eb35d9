"""The chat page server: whitelisted link values, Open Graph, assets, widget."""

from __future__ import annotations

import asyncio
import gzip
import json
import re

import pytest
from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDict

from bot.web.links import RegionInfo
from bot.web.server import STATIC_DIR, WebConfig, create_app

REGIONS = {
    "twente": RegionInfo("twente", "Twente", ("flyer",)),
    "zeeland": RegionInfo("zeeland", "Zeeland", ()),
}


def fetch(path: str, headers: dict | None = None, **config) -> tuple[int, CIMultiDict, bytes]:
    """GET ``path`` from a fresh app; return status, headers, body as sent (maybe gzipped).

    Without an explicit Accept-Encoding the request asks for an uncompressed body.
    """
    headers = {"Accept-Encoding": "identity", **(headers or {})}

    async def go():
        app = create_app(WebConfig(regions=dict(REGIONS), **config))
        async with TestClient(TestServer(app)) as client:
            res = await client.get(path, headers=headers, auto_decompress=False)
            return res.status, CIMultiDict(res.headers), await res.read()

    return asyncio.run(go())


def page_config(body: bytes) -> dict:
    match = re.search(rb'<script type="application/json" id="leerpunt-config">(.*?)</script>', body)
    assert match, "config block missing"
    return json.loads(match.group(1))


def test_link_values_reach_the_page_as_metadata():
    status, _, body = fetch("/chat?regio=twente&bron=linkedin&campagne=najaar")
    assert status == 200
    cfg = page_config(body)
    assert cfg["metadata"] == {"regio": "twente", "bron": "linkedin", "campagne": "najaar"}
    assert cfg["regionName"] == "Twente"
    assert b'lang="nl"' in body


def test_region_campaign_source_is_allowed_only_with_its_region():
    _, _, body = fetch("/chat?regio=twente&bron=flyer")
    assert page_config(body)["metadata"] == {"regio": "twente", "bron": "flyer"}
    _, _, body = fetch("/chat?regio=zeeland&bron=flyer")
    assert page_config(body)["metadata"] == {"regio": "zeeland"}


@pytest.mark.parametrize(
    "query",
    [
        "regio=%3Cscript%3Ealert(1)%3C/script%3E&bron=linkedin",
        "regio=twente&bron=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E",
        "regio=twente&campagne=%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E",
        "regio=onbekend&bron=tiktok&campagne=" + "a" * 41,
    ],
)
def test_unknown_or_malicious_values_are_dropped_never_echoed(query):
    status, _, body = fetch(f"/chat?{query}")
    assert status == 200
    text = body.decode()
    for needle in ("alert(1)", "onerror", "onbekend", "tiktok", "a" * 41):
        assert needle not in text
    meta = page_config(body)["metadata"]
    assert set(meta) <= {"regio", "bron", "campagne"}
    assert all(re.fullmatch(r"[a-z0-9_-]{1,40}", v) for v in meta.values())


def test_open_graph_in_dutch_with_an_absolute_png():
    _, _, body = fetch("/chat?regio=twente&bron=linkedin", public_url="https://chat.example.org")
    text = body.decode()
    assert '<meta property="og:title" content="Leerpunt Twente">' in text
    assert 'og:description" content="Personeel vinden' in text
    assert '<meta property="og:image" content="https://chat.example.org/og-image.png">' in text
    assert 'og:url" content="https://chat.example.org/chat?regio=twente&amp;bron=linkedin"' in text
    status, headers, png = fetch("/og-image.png")
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert png.startswith(b"\x89PNG") and png[16:24] == (1200).to_bytes(4, "big") + (630).to_bytes(
        4, "big"
    )


def test_page_is_compressed_for_phones():
    status, headers, body = fetch("/chat", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert b"leerpunt-config" in gzip.decompress(body)


def test_page_has_a_strict_csp_that_allows_the_rasa_server():
    _, headers, _ = fetch("/", rasa_url="https://rasa.example.org")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "https://rasa.example.org" in csp and "wss://rasa.example.org" in csp
    assert "img-src 'self' data:" in csp


def test_rasa_url_and_start_payload_are_injected():
    _, _, body = fetch("/", rasa_url="http://rasa.local:5005", init_payload="/begin")
    cfg = page_config(body)
    assert cfg["rasaUrl"] == "http://rasa.local:5005"
    assert cfg["initPayload"] == "/begin"
    assert cfg["socketPath"] == "/socket.io/"


def test_widget_carries_the_whitelist():
    status, headers, body = fetch("/widget.js")
    assert status == 200 and headers["Content-Type"].startswith("application/javascript")
    assert b"/*ALLOWED*/null" not in body
    allowed = json.loads(re.search(rb"\}\)\((\{.*\})\);\s*$", body).group(1))
    assert allowed["regions"]["twente"][-1] == "flyer"
    assert "flyer" not in allowed["regions"]["zeeland"]
    assert "linkedin" in allowed["sources"]


def test_static_assets_are_gzipped_and_cacheable():
    status, headers, body = fetch("/static/chat.js", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (STATIC_DIR / "chat.js").read_bytes()
    status, _, _ = fetch("/static/chat.js", {"If-None-Match": headers["ETag"]})
    assert status == 304


def test_no_file_outside_static_is_served():
    assert fetch("/static/../server.py")[0] == 404
    assert fetch("/static/%2e%2e/server.py")[0] == 404
    assert fetch("/static/nope.js")[0] == 404


def test_healthz_reports_missing_vendor_files(monkeypatch, tmp_path):
    import bot.web.server as server

    assert fetch("/healthz")[0] == (
        200 if (STATIC_DIR / "vendor" / "socket.io.min.js").is_file() else 503
    )
    monkeypatch.setattr(server, "STATIC_DIR", tmp_path)
    (tmp_path / "index.html").write_text("x")
    (tmp_path / "widget.js").write_text("x")
    assert fetch("/healthz")[0] == 503
