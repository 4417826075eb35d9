"""The first answer: strengths, levers with a first step, the chart and the region's offer."""

from __future__ import annotations

import base64
import re

from actions import context as ctx
from actions.summary import ActionSummary
from bot import chart, usage
from tests.actions.conftest import say

FW = ctx.FRAMEWORK
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _message_starting(out, title: str) -> str:
    found = [t for t in out.texts if t.startswith(title)]
    assert len(found) == 1, f"expected one message starting with {title!r}, got {out.texts}"
    return found[0]


def test_summary_with_answers_in_a_region(run):
    out = run(ActionSummary(), "summary_twente")

    assert out.events == [{**out.events[0], "event": "slot", "name": "summary_shown", "value": True}]
    assert len(out.events) == 1
    assert out.texts[0] == say("summary_twente", "summary.intro")

    # both answers about learning from each other were strong: that is what goes well
    strengths = _message_starting(out, say("summary_twente", "summary.strengths_title"))
    assert FW.dimensions["leren_van_elkaar"].strong_text in strengths

    levers = _message_starting(out, say("summary_twente", "summary.levers_title"))
    numbered = re.findall(r"^(\d)\. (.+?): ", levers, flags=re.M)
    assert [n for n, _ in numbered] == ["1", "2", "3"]
    lever_labels = {lv.label for lv in FW.levers.values()}
    assert {label for _, label in numbered} <= lever_labels
    first_steps = re.findall(r"Eerste stap: (.+)$", levers, flags=re.M)
    assert len(first_steps) == 3
    all_steps = {s.text for lv in FW.levers.values() for s in lv.steps}
    assert set(first_steps) <= all_steps

    images = [m for m in out.messages if m.get("image")]
    assert len(images) == 1
    assert images[0]["text"] == say("summary_twente", "summary.chart_caption")
    prefix = "data:image/png;base64,"
    assert images[0]["image"].startswith(prefix)
    assert base64.b64decode(images[0]["image"][len(prefix):]).startswith(PNG_SIGNATURE)

    offer = _message_starting(out, say("summary_twente", "summary.region_title"))
    assert "Twente" in offer.splitlines()[0]
    offered = re.findall(r"^• (.+?): ", offer, flags=re.M)
    twente = {i.name for i in ctx.REGIONS.get("twente").instruments}
    assert 1 <= len(offered) <= 3
    assert set(offered) <= twente


def test_summary_is_counted_without_personal_data(run):
    run(ActionSummary(), "summary_twente")

    assert [(t.region, t.source, t.samenvatting) for t in usage.totals()] == [("twente", "linkedin", 1)]


def test_summary_without_answers_says_so_and_shows_the_national_offer(run):
    out = run(ActionSummary(), "summary_national_no_answers")

    assert say("summary_national_no_answers", "summary.no_strengths") in out.texts
    assert not any(t.startswith(say("summary_national_no_answers", "summary.strengths_title")) for t in out.texts)
    assert out.text.count("Eerste stap:") >= 1
    offer = _message_starting(out, say("summary_national_no_answers", "summary.region_title"))
    national = {i.name for i in ctx.REGIONS.fallback.instruments}
    assert set(re.findall(r"^• (.+?): ", offer, flags=re.M)) <= national
    assert out.slots == {"summary_shown": True}


def test_summary_stands_without_the_chart(run, monkeypatch):
    def broken(rows):
        raise RuntimeError("no renderer")

    monkeypatch.setattr(chart, "chart_data_uri", broken)

    out = run(ActionSummary(), "summary_twente")

    assert not any(m.get("image") for m in out.messages)
    assert out.text.count("Eerste stap:") == 3
    assert out.slots == {"summary_shown": True}
