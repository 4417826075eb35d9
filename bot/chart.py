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


# Drawn for a phone: the chat shows the image about 280 px wide on a 360 px screen, so
# every text is at least 30 px in the 640 px image (12 px or more as shown).
WIDTH_PX = 640
TEXT_PT = 22  # 30.6 px at 100 dpi: 12.7 px when the chat shows the image 266 px wide
TITLE = "Jouw bedrijf op acht punten"
LEGEND = (("sterk", "sterk"), ("op weg", "op weg"), ("aandachtspunt", "aandachtspunt"))
ROW_PX = 118  # label, its bar right under it, then clear space before the next label


def alt_text(dimensions: Sequence[tuple[str, int | None, str]]) -> str:
    """What the chart shows, in words: each dimension with its level."""
    parts = [
        f"{label}: {UNKNOWN_TEXT if score is None else LEVEL_TEXT.get(level, level)}"
        for label, score, level in dimensions
    ]
    return f"{TITLE}. " + "; ".join(parts) + "."


@lru_cache(maxsize=32)
def _render(rows: tuple[tuple[str, int | None, str], ...]) -> bytes:
    # Cached: rendering takes ~0.2 s and the same profile is drawn for chat, mail and resends.
    n = max(1, len(rows))
    head_px, foot_px = 118, 24
    height_px = head_px + ROW_PX * n + foot_px
    fig = Figure(figsize=(WIDTH_PX / 100, height_px / 100), dpi=100)
    # One data unit per row; the axes span the rows, the head holds title and legend.
    ax = fig.add_axes((0.03, foot_px / height_px, 0.94, ROW_PX * n / height_px))
    ax.set_xlim(0, 100)
    ax.set_ylim(n - 0.5, -0.5)
    ax.axis("off")
    fig.text(
        0.03,
        1 - 14 / height_px,
        TITLE,
        fontsize=TEXT_PT + 2,
        fontweight="bold",
        va="top",
        ha="left",
        color="#212121",
    )
    x = 0.03
    for level, text in LEGEND:  # one line: a coloured square before each level's name
        fig.text(
            x,
            1 - 70 / height_px,
            "■",
            fontsize=TEXT_PT,
            va="top",
            ha="left",
            color=LEVEL_COLOURS[level],
        )
        fig.text(
            x + 0.05,
            1 - 70 / height_px,
            text,
            fontsize=TEXT_PT,
            va="top",
            ha="left",
            color="#212121",
        )
        x += 0.1 + 0.026 * len(text)
    for i, (label, score, level) in enumerate(rows):
        title = textwrap.shorten(str(label), width=34, placeholder="…")
        ax.text(0, i - 0.1, title, fontsize=TEXT_PT, va="bottom", ha="left", color="#212121")
        ax.barh(i + 0.17, 100, height=0.4, color="#eeeeee", align="center")
        if score is None:
            ax.text(
                2,
                i + 0.17,
                UNKNOWN_TEXT,
                fontsize=TEXT_PT,
                va="center",
                ha="left",
                color="#555555",
                style="italic",
            )
            continue
        value = max(0, min(100, int(score)))
        colour = LEVEL_COLOURS.get(level, LEVEL_COLOURS["op weg"])
        ax.barh(i + 0.17, value, height=0.4, color=colour, align="center")
        caption = f"{value} {LEVEL_TEXT.get(level, '')}".strip()
        inside = value >= 60
        ax.text(
            value - 2 if inside else value + 2,
            i + 0.17,
            caption,
            fontsize=TEXT_PT,
            va="center",
            ha="right" if inside else "left",
            color="white" if inside and level != "op weg" else "#212121",
            fontweight="bold",
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
