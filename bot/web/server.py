"""The web server of the chat: page, embeddable widget, static assets, share image.

A small aiohttp app (aiohttp comes with Rasa). The page talks to Rasa's
socket.io channel directly from the browser; this server only serves files and
puts the configuration (Rasa URL, checked link values) into the page. All
assets, including the socket.io client installed from npm at set-up, are served
from here: nothing is loaded from a CDN.

Routes: ``/`` and ``/chat`` (page), ``/widget.js``, ``/static/...``,
``/og-image.png``, ``/healthz``.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import io
import json
import mimetypes
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from bot import settings
from bot.web.links import RegionInfo, allowed_sources, clean_link_params, known_regions

STATIC_DIR = Path(__file__).resolve().parent / "static"
DEFAULT_RASA_URL = settings.DEFAULT_RASA_URL

PAGE_TITLE = "Leerpunt – even sparren over je personeel"
PAGE_DESCRIPTION = (
    "Personeel vinden, houden of laten groeien? Vertel het Leerpunt in een paar minuten "
    "en krijg meteen een eerste antwoord. Wil je verder, dan helpt een coach uit je regio."
)
OG_IMAGE_ALT = "Leerpunt: chat over personeel voor ondernemers in het mkb"
_COMPRESSIBLE = {".js", ".css", ".svg", ".html", ".json", ".map"}


@dataclass
class WebConfig:
    """Settings of the web server."""

    rasa_url: str = DEFAULT_RASA_URL
    socket_path: str = "/socket.io/"
    public_url: str | None = None  # e.g. https://chat.example.org; else taken from the request
    init_payload: str = "/groeten"  # sent (unseen) when a conversation starts
    regions: dict[str, RegionInfo] = field(default_factory=dict)


@dataclass(frozen=True)
class Asset:
    """A static file held in memory with its gzip variant."""

    body: bytes
    gz: bytes | None
    content_type: str
    etag: str


def _load_asset(path: Path) -> Asset:
    body = path.read_bytes()
    gz = gzip.compress(body, 9, mtime=0) if path.suffix in _COMPRESSIBLE else None
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
        ctype += "; charset=utf-8"
    return Asset(body, gz, ctype, '"' + hashlib.sha256(body).hexdigest()[:20] + '"')


def _asset_response(request: web.Request, asset: Asset, cache: str) -> web.Response:
    headers = {"ETag": asset.etag, "Cache-Control": cache, "Vary": "Accept-Encoding"}
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers=headers)
    body = asset.body
    if asset.gz is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        body = asset.gz
        headers["Content-Encoding"] = "gzip"
    headers["Content-Type"] = asset.content_type
    headers["X-Content-Type-Options"] = "nosniff"
    return web.Response(body=body, headers=headers)


@lru_cache(maxsize=1)
def make_og_image() -> bytes:
    """The 1200x630 share image (Open Graph) as PNG, drawn with Pillow."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1200, 630), (11, 83, 94))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle((80, 150, 1120, 500), radius=36, fill=(255, 255, 255))
    big = ImageFont.load_default(size=84)
    mid = ImageFont.load_default(size=46)
    small = ImageFont.load_default(size=34)
    draw.text((80, 50), "Leerpunt", font=big, fill=(255, 255, 255))
    draw.text((130, 200), "Personeel vinden, houden", font=mid, fill=(20, 20, 20))
    draw.text((130, 262), "of laten groeien?", font=mid, fill=(20, 20, 20))
    draw.text((130, 350), "Een eerste antwoord in een paar minuten,", font=small, fill=(60, 60, 60))
    draw.text((130, 400), "daarna een coach uit je regio.", font=small, fill=(60, 60, 60))
    draw.text((80, 540), "Chat voor ondernemers in het mkb", font=small, fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _origins(url: str) -> list[str]:
    """HTTP and WebSocket origins of ``url`` for the Content-Security-Policy."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    ws = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{ws}://{parts.netloc}"]


def _json_for_script(data: dict) -> str:
    """JSON that is safe inside a <script type=application/json> element."""
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


class ChatSite:
    """Request handlers with their loaded assets and settings."""

    def __init__(self, config: WebConfig):
        self.config = config
        self.page_template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
        self.widget_template = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
        self.og_image = Asset(make_og_image(), None, "image/png", '"og-1"')
        self.assets: dict[str, Asset] = {}
        rasa = _origins(config.rasa_url)
        self.csp = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {' '.join(rasa)}; base-uri 'none'; form-action 'none'; "
            "object-src 'none'"
        )

    def _base(self, request: web.Request) -> str:
        if self.config.public_url:
            return self.config.public_url.rstrip("/")
        return f"{request.scheme}://{request.host}"

    async def page(self, request: web.Request) -> web.Response:
        """The chat page, with only whitelisted link values in it."""
        params = clean_link_params(request.query, self.config.regions)
        region = self.config.regions.get(params.regio) if params.regio else None
        base = self._base(request)
        query = params.query()
        config = {
            "rasaUrl": self.config.rasa_url,
            "socketPath": self.config.socket_path,
            "initPayload": self.config.init_payload,
            "metadata": params.metadata(),
            "regionName": region.name if region else None,
            "mode": "page",
        }
        values = {
            "title": PAGE_TITLE,
            "description": PAGE_DESCRIPTION,
            "og_title": f"Leerpunt {region.name}" if region else "Leerpunt",
            "og_image": f"{base}/og-image.png",
            "og_image_alt": OG_IMAGE_ALT,
            "og_url": f"{base}/chat" + (f"?{query}" if query else ""),
        }
        body = self.page_template
        for key, value in values.items():
            body = body.replace("{{" + key + "}}", html.escape(value, quote=True))
        body = body.replace("{{config_json}}", _json_for_script(config))
        response = web.Response(
            text=body,
            content_type="text/html",
            charset="utf-8",
            headers={
                "Cache-Control": "no-cache",
                "Content-Security-Policy": self.csp,
                "Referrer-Policy": "strict-origin-when-cross-origin",
                "X-Content-Type-Options": "nosniff",
            },
        )
        response.enable_compression()
        return response

    async def widget(self, request: web.Request) -> web.Response:
        """The embeddable widget, with the whitelist of link values built in."""
        asset = self.assets.get("\0widget")
        if asset is None:
            allowed = {
                "regions": {
                    rid: list(allowed_sources(self.config.regions, rid))
                    for rid in sorted(self.config.regions)
                },
                "sources": list(allowed_sources(self.config.regions, None)),
                "initPayload": self.config.init_payload,
                "socketPath": self.config.socket_path,
                "rasaUrl": self.config.rasa_url,
            }
            text = self.widget_template.replace("/*ALLOWED*/null", _json_for_script(allowed))
            raw = text.encode("utf-8")
            asset = Asset(
                raw,
                gzip.compress(raw, 9, mtime=0),
                "application/javascript; charset=utf-8",
                '"' + hashlib.sha256(raw).hexdigest()[:20] + '"',
            )
            self.assets["\0widget"] = asset
        response = _asset_response(request, asset, "public, max-age=300")
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    async def static(self, request: web.Request) -> web.Response:
        """Files under ``static/`` (read once, then served from memory)."""
        rel = request.match_info["path"]
        path = (STATIC_DIR / rel).resolve()
        if STATIC_DIR not in path.parents or not path.is_file():
            raise web.HTTPNotFound()
        asset = self.assets.get(rel)
        if asset is None:
            asset = _load_asset(path)
            self.assets[rel] = asset
        response = _asset_response(request, asset, "public, max-age=3600")
        # The widget loads these from other sites (stylesheet inside its shadow root).
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    async def og(self, request: web.Request) -> web.Response:
        """The share image."""
        return _asset_response(request, self.og_image, "public, max-age=86400")

    async def healthz(self, request: web.Request) -> web.Response:
        """Liveness check: the server answers and the page template is loaded."""
        vendor_ok = (STATIC_DIR / "vendor" / "socket.io.min.js").is_file()
        status = 200 if vendor_ok else 503
        return web.json_response(
            {"status": "ok" if vendor_ok else "vendor files missing: run npm ci"}, status=status
        )


def create_app(config: WebConfig | None = None) -> web.Application:
    """The aiohttp application; regions are read once here."""
    config = config or WebConfig()
    if not config.regions:
        config.regions = known_regions()
    site = ChatSite(config)
    app = web.Application()
    app.router.add_get("/", site.page)
    app.router.add_get("/chat", site.page)
    app.router.add_get("/widget.js", site.widget)
    app.router.add_get("/og-image.png", site.og)
    app.router.add_get("/healthz", site.healthz)
    app.router.add_get("/static/{path:.+}", site.static)
    return app


def config_from_env(**overrides: object) -> WebConfig:
    """Settings from ``LEERPUNT_RASA_URL`` / ``LEERPUNT_PUBLIC_URL`` plus explicit overrides."""
    env = settings.get()
    config = WebConfig(rasa_url=env.rasa_url, public_url=env.public_url)
    for key, value in overrides.items():
        if value is not None:
            setattr(config, key, value)
    return config
