"""The profile chart: one horizontal bar per learning-culture dimension (PNG).

Made to be read on a phone: large Dutch labels above each bar, scores 0-100,
and "nog onbekend" where the chat learned nothing yet. Rendered with the Agg
backend and without metadata, so the same input gives the same bytes.
"""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Sequence
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402 - backend must be chosen first

DimensionBar = tuple[str, "int | None", str]

LEVEL_COLOURS = {
    "sterk": "#2e7d32",
    "op weg": "#f2a900",
    "aandachtspunt": "#c62828",
    "onbekend": "#9e9e9e",
}
UNKNOWN_TEXT = "nog onbekend"
LEVEL_TEXT = {"sterk": "sterk", "op weg": "op weg", "aandachtspunt": "aandachtspunt"}


def profile_chart_png(dimensions: Sequence[tuple[str, int | None, str]]) -> bytes:
    """A PNG bar chart of ``(label, score or None, level)`` per dimension, top to bottom."""
    return _render(tuple((str(label), score, str(level)) for label, score, level in dimensions))


@lru_cache(maxsize=32)
def _render(rows: tuple[tuple[str, int | None, str], ...]) -> bytes:
    # Cached: rendering takes ~0.2 s and the same profile is drawn for chat, mail and resends.
    height = 0.95 * max(1, len(rows)) + 0.8
    fig = Figure(figsize=(6.4, height), dpi=100)
    ax = fig.add_axes((0.03, 0.02, 0.94, 0.96))
    ax.set_xlim(0, 100)
    ax.set_ylim(len(rows) + 0.05, -0.85)
    ax.axis("off")
    for i, (label, score, level) in enumerate(rows):
        title = textwrap.shorten(str(label), width=42, placeholder="…")
        ax.text(0, i - 0.42, title, fontsize=15, va="bottom", ha="left", color="#212121")
        ax.barh(i, 100, height=0.42, color="#eeeeee", align="center")
        if score is None:
            ax.text(
                2,
                i,
                UNKNOWN_TEXT,
                fontsize=13,
                va="center",
                ha="left",
                color="#616161",
                style="italic",
            )
            continue
        value = max(0, min(100, int(score)))
        colour = LEVEL_COLOURS.get(level, LEVEL_COLOURS["op weg"])
        ax.barh(i, value, height=0.42, color=colour, align="center")
        caption = f"{value}  {LEVEL_TEXT.get(level, '')}".strip()
        inside = value >= 55
        ax.text(
            value - 2 if inside else value + 2,
            i,
            caption,
            fontsize=13,
            va="center",
            ha="right" if inside else "left",
            color="white" if inside and level != "op weg" else "#212121",
            fontweight="bold",
        )
    ax.text(
        100,
        len(rows) - 0.2,
        "score van 0 tot 100",
        fontsize=11,
        va="top",
        ha="right",
        color="#616161",
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None}, facecolor="white")
    return _optimise(buffer.getvalue())


def _optimise(png: bytes) -> bytes:
    """Shrink to a 64-colour palette (about a third of the size) with Pillow, a matplotlib dependency."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a matplotlib dependency
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def chart_data_uri(dimensions: Sequence[tuple[str, int | None, str]]) -> str:
    """The chart as ``data:image/png;base64,...`` for the chat page."""
    return "data:image/png;base64," + base64.b64encode(profile_chart_png(dimensions)).decode(
        "ascii"
    )


def chart_rows_from_profile(profile: dict) -> list[tuple[str, int | None, str]]:
    """The chart input for a handoff profile, in the profile's dimension order."""
    return [(d["label"], d.get("score"), d.get("level", "onbekend")) for d in profile["dimensions"]]
