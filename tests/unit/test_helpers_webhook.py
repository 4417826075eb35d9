"""The tests' webhook receiver records everything and, without a chosen status, is the real one."""

from __future__ import annotations

from bot.handoff.webhook import make_session, post_event
from tests.helpers.webhook import RecordingReceiver, down_url


def test_without_a_status_it_checks_like_the_product_receiver_and_records_every_request():
    envelope = {"event": "handoff.created", "idempotency_key": "k1", "reference": "LP-1"}
    with RecordingReceiver("geheim") as receiver:
        for _ in range(2):
            assert post_event(make_session(), receiver.url, envelope, "geheim", "k1").ok
        assert not post_event(make_session(), receiver.url, envelope, "fout", "k1").ok
    assert [r.json() for r in receiver.requests] == [envelope] * 3
    assert receiver.keys["k1"] == 3
    assert list(receiver.state.accepted) == ["k1"]
    assert (receiver.state.duplicates, receiver.state.bad_signatures) == (1, 1)


def test_a_chosen_status_answers_everything_unchecked():
    with RecordingReceiver(status=503) as receiver:
        outcome = post_event(make_session(), receiver.url, {"event": "x"}, "s", "k")
    assert not outcome.ok and "503" in outcome.error
    assert receiver.keys["k"] == 1 and receiver.state.requests == 0


def test_down_url_refuses_connections():
    outcome = post_event(make_session(), down_url(), {"event": "x"}, "s", "k")
    assert outcome.error == "webhook connection failed"
