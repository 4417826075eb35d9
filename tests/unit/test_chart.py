"""The profile chart: a small, deterministic PNG readable on a phone."""

from __future__ import annotations

import base64
import io

from PIL import Image

from bot.chart import chart_data_uri, chart_rows_from_profile, profile_chart_png
from bot.handoff.sample import sample_profile

ROWS = [
    ("Het werk zelf als leerbron", 72, "sterk"),
    ("Ruimte en veiligheid om te leren", 45, "op weg"),
    ("Leren van elkaar", 20, "aandachtspunt"),
    ("De leidinggevende als coach", None, "onbekend"),
    ("Ontwikkelbeleid", 60, "op weg"),
    ("Eigen regie van medewerkers", 100, "sterk"),
    ("Verbinding met buiten", None, "onbekend"),
    ("Leren zichtbaar maken", 0, "aandachtspunt"),
]


def test_chart_is_a_small_png_wide_enough_for_a_phone():
    png = profile_chart_png(ROWS)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) < 60_000
    image = Image.open(io.BytesIO(png))
    assert 600 <= image.width <= 800
    assert image.height > image.width  # one tall column: scrolls on a phone, no tiny text


def test_chart_is_deterministic():
    assert profile_chart_png(ROWS) == profile_chart_png(ROWS)


def test_chart_shows_the_scores():
    other = [(label, (50 if score is None else score), "op weg") for label, score, _ in ROWS]
    assert profile_chart_png(ROWS) != profile_chart_png(other)


def test_all_unknown_and_out_of_range_scores_still_render():
    rows = [(f"Dimensie {i}", None, "onbekend") for i in range(8)]
    rows[0] = ("Te hoog", 250, "sterk")
    assert profile_chart_png(rows).startswith(b"\x89PNG")


def test_data_uri_wraps_the_same_png():
    uri = chart_data_uri(ROWS)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == profile_chart_png(ROWS)


def test_rows_from_profile_follow_dimension_order():
    profile = sample_profile()
    rows = chart_rows_from_profile(profile)
    assert len(rows) == 8
    assert rows[2] == ("Leren van elkaar", 72, "sterk")


def test_alt_text_names_every_dimension_with_its_level():
    from bot.chart import alt_text

    text = alt_text(ROWS)
    assert text.startswith("Jouw bedrijf op acht punten.")
    for label, score, level in ROWS:
        assert f"{label}: {'nog onbekend' if score is None else level}" in text


def test_chart_text_is_large_enough_on_a_phone():
    from bot.chart import TEXT_PT, WIDTH_PX

    # shown 266 px wide on a 360 px phone (measured in the browser test): every text is TEXT_PT
    smallest_px = TEXT_PT * 100 / 72
    assert smallest_px * 266 / WIDTH_PX >= 12
