"""Campaign links: which region, source and campaign a visitor came from.

A link such as ``/chat?regio=twente&bron=linkedin&campagne=najaar`` opens the
chat with region and source set. Every value is checked against a whitelist:
an unknown or malicious value is dropped, never echoed into the page or passed
on to Rasa. The same rules build links for ``python -m bot links make``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bot import PACKAGE_DIR, settings

# Sources any region may use; a region adds its own in ``campaign_sources``.
FIXED_SOURCES: tuple[str, ...] = (
    "website",
    "linkedin",
    "nieuwsbrief",
    "mail",
    "qr",
    "evenement",
    "brancheorganisatie",
    "partner",
)
ID_PATTERN = re.compile(r"^[a-z0-9_-]{1,40}$")
DEFAULT_BASE_URL = "http://localhost:8080"


@dataclass(frozen=True)
class RegionInfo:
    """What the web layer needs to know of a region."""

    id: str
    name: str
    campaign_sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkParams:
    """Checked link values; ``None`` where the link gave nothing usable."""

    regio: str | None = None
    bron: str | None = None
    campagne: str | None = None

    def metadata(self) -> dict[str, str]:
        """The values as Rasa message metadata (only those that are set)."""
        return {k: v for k, v in self.__dict__.items() if v}

    def query(self) -> str:
        """The values as a URL query string (empty when nothing is set)."""
        return urlencode(self.metadata())


def _sources_of(raw: Any) -> tuple[str, ...]:
    """Campaign sources from a region: strings or mappings with an ``id``."""
    out: list[str] = []
    for item in raw or ():
        value = item.get("id") if isinstance(item, Mapping) else getattr(item, "id", item)
        if isinstance(value, str) and ID_PATTERN.match(value):
            out.append(value)
    return tuple(out)


def _region_info(region: Any) -> RegionInfo | None:
    def get(key: str, default: Any = None) -> Any:
        return (
            region.get(key, default)
            if isinstance(region, Mapping)
            else getattr(region, key, default)
        )

    region_id = get("id")
    if not isinstance(region_id, str) or not ID_PATTERN.match(region_id):
        return None
    name = get("name") or get("display_name") or region_id
    return RegionInfo(region_id, str(name), _sources_of(get("campaign_sources")))


def _regions_from_files(directory: Path) -> list[Any]:
    """Fallback while ``bot.regions`` has no loader: the raw YAML of each region file."""
    from bot.yamlio import load_yaml

    found = []
    for path in sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml")):
        data = load_yaml(path)
        if isinstance(data, Mapping) and "id" in data:
            found.append(data)
    return found


def known_regions() -> dict[str, RegionInfo]:
    """All regions by id, from ``bot.regions.load_regions()`` or the region files."""
    try:
        from bot.regions import load_regions
    except ImportError:
        directory = settings.get().regions_dir or PACKAGE_DIR / "regions"
        raw: Iterable[Any] = _regions_from_files(directory)
    else:
        loaded = load_regions()
        if hasattr(loaded, "all"):
            raw = loaded.all()
        elif isinstance(loaded, Mapping):
            raw = loaded.values()
        else:
            raw = loaded
    regions = {}
    for region in raw:
        info = _region_info(region)
        if info:
            regions[info.id] = info
    return regions


def allowed_sources(regions: Mapping[str, RegionInfo], regio: str | None) -> tuple[str, ...]:
    """The fixed sources plus the campaign sources of ``regio`` (if it is known)."""
    extra = regions[regio].campaign_sources if regio is not None and regio in regions else ()
    return FIXED_SOURCES + tuple(s for s in extra if s not in FIXED_SOURCES)


def _norm(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value or None


def clean_link_params(query: Mapping[str, Any], regions: Mapping[str, RegionInfo]) -> LinkParams:
    """Keep only whitelisted ``regio``, ``bron`` and ``campagne`` values from ``query``."""
    regio = _norm(query.get("regio"))
    if regio not in regions:
        regio = None
    bron = _norm(query.get("bron"))
    if bron not in allowed_sources(regions, regio):
        bron = None
    campagne = _norm(query.get("campagne"))
    if campagne is not None and not ID_PATTERN.match(campagne):
        campagne = None
    return LinkParams(regio, bron, campagne)


class LinkError(ValueError):
    """A link cannot be made from the given values; the message says what is allowed."""


def make_link(
    regions: Mapping[str, RegionInfo],
    regio: str,
    bron: str,
    campagne: str | None = None,
    base_url: str = DEFAULT_BASE_URL,
) -> str:
    """The chat link for a campaign; raise ``LinkError`` on a value the page would drop."""
    params = clean_link_params({"regio": regio, "bron": bron, "campagne": campagne}, regions)
    if params.regio is None:
        known = ", ".join(sorted(regions)) or "(no region files found)"
        raise LinkError(f"unknown region {regio!r}; known regions: {known}")
    if params.bron is None:
        allowed = ", ".join(allowed_sources(regions, params.regio))
        raise LinkError(f"unknown source {bron!r} for region {params.regio}; allowed: {allowed}")
    if campagne and params.campagne is None:
        raise LinkError(f"campaign {campagne!r} must be 1-40 characters from a-z, 0-9, '-' and '_'")
    return f"{base_url.rstrip('/')}/chat?{params.query()}"


def write_qr(link: str, path: str | Path) -> Path:
    """Write a QR code PNG for ``link`` (error correction M, readable when printed small)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(link)
    qr.make(fit=True)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    qr.make_image(fill_color="black", back_color="white").save(str(path))
    return path
