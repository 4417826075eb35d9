"""The sites whose pages may talk to the Rasa server: the CORS origins of ``rasa run --cors``.

The chat page and the widget run in the browser on other origins than the Rasa
server; the browser lets their requests through only when Rasa answers with an
``Access-Control-Allow-Origin`` header for that origin. The origins are
``LEERPUNT_ALLOWED_ORIGINS`` (default: the page of ``make run``), the origin of
``LEERPUNT_PUBLIC_URL`` and each region's ``website`` (where it embeds the chat).
``python -m bot origins`` prints them for ``scripts/run.sh``.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from bot.settings import Settings


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, in lower case; None for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins(config: Settings, region_websites: Iterable[str | None] = ()) -> list[str]:
    """Every allowed origin once, in the order: setting, public URL, region websites."""
    found = list(config.allowed_origins)
    for url in [config.public_url, *region_websites]:
        origin = origin_of(url) if url else None
        if origin:
            found.append(origin)
    return list(dict.fromkeys(found))


def configured_origins() -> list[str]:
    """The allowed origins of this installation (settings and region files)."""
    from bot import settings
    from bot.regions import load_regions

    return allowed_origins(settings.get(), (r.website for r in load_regions().all()))
