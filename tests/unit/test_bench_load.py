"""The pure parts of scripts/bench_load.py: percentiles, ratios, gates and how an intake
answers what the product asks."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import bench_load as bench  # noqa: E402


def _tracker(phase="intake", pending=None, confirm=None):
    return {"slots": {"dialogue": {"phase": phase, "pending": pending, "confirm": confirm}}}


def test_summary_percentiles_and_throughput():
    level = bench.Level(2, latencies=[i / 1000 for i in range(1, 101)], messages=100)
    level.conversations, level.seconds = 10, 4.0
    s = level.summary()
    assert (s["p50_ms"], s["p95_ms"]) == (51.0, 96.0)
    assert s["throughput_msg_s"] == 25.0 and s["messages_per_conversation"] == 10.0


def test_an_empty_level_does_not_divide_by_zero():
    s = bench.Level(1).summary()
    assert s["p50_ms"] == 0.0 and s["throughput_msg_s"] == 0.0


def test_ratios_and_gates():
    product = {1: {"p50_ms": 60.0}, 20: {"p95_ms": 900.0, "throughput_msg_s": 12.0}}
    bare = {1: {"p50_ms": 30.0}, 20: {"p95_ms": 500.0, "throughput_msg_s": 30.0}}
    r = bench.ratios(product, bare)
    assert r == {"p95_ratio_20": 1.8, "throughput_ratio_20": 0.4, "p50_ratio_1": 2.0}
    verdicts = {label: ok for label, _, _, ok in bench.gate_rows(r)}
    assert list(verdicts.values()) == [True, False, False]


def test_ratios_without_a_level_are_left_out():
    assert bench.ratios({1: {"p50_ms": 5.0}}, {}) == {}


def test_the_intake_answers_what_is_pending():
    p = bench.Product("http://x", "t", [])
    assert p.next(1, [], _tracker(pending="company_size")) == bench.COMPANY["company_size"]
    assert p.next(2, [], _tracker(pending="q_fouten")) in bench.ANSWERS
    region = [{"buttons": [{"title": "Twente", "payload": '/kies_regio{"regio":"twente"}'}]}]
    assert p.next(3, region, _tracker(pending="region")) == region[0]["buttons"][0]["payload"]
    assert p.next(4, [], _tracker(pending="consent")) == "/ontkennen"
    assert p.next(5, [], _tracker(confirm="stop")) == "/ontkennen"
    assert p.next(6, [], _tracker(phase="advised")) is None
    assert p.next(7, [], _tracker(phase="handed_off")) is None


def test_a_bare_conversation_has_the_set_length():
    b = bench.Bare("http://x", "t", [])
    b.length = 3
    assert [b.next(n, [], {}) for n in (1, 2, 3)] == [
        bench.BARE_MESSAGES[1],
        bench.BARE_MESSAGES[2],
        None,
    ]


def test_rss_of_a_missing_process_is_zero():
    assert bench.rss_mb([999_999_999]) == 0.0


def test_tracker_reads_go_to_the_api_while_messages_go_through_nginx():
    p = bench.Product("http://nginx", "t", [], api_url="http://rasa-1")
    assert (p.url, p.api_url) == ("http://nginx", "http://rasa-1")
    assert bench.Product("http://rasa", "t", []).api_url == "http://rasa"


def test_the_production_level_is_reported_beside_the_others():
    level = {"clients": 1, "conversations": 1, "completed": 1, "messages": 12, "p50_ms": 40.0,
             "p95_ms": 60.0, "throughput_msg_s": 20.0, "messages_per_conversation": 12.0,
             "errors": 0}  # fmt: skip
    report = {
        "command": "c", "date": "d", "cores": 2, "python": "3.10",
        "levels": {"leerpunt": [level], "production": [{**level, "p50_ms": 55.5}], "bare": []},
        "memory_mb": {}, "ratios": {},
    }  # fmt: skip
    text = bench.render(report)
    assert "| production | 1 |" in text and "| 55.5 |" in text
