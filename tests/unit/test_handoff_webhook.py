"""Webhook signing, verification and how answers of a real local receiver are classified."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.handoff.cli import main as cli_main
from bot.handoff.webhook import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    encode_body,
    make_session,
    post_event,
    sign,
    verify_signature,
)
from tests.helpers.webhook import RecordingReceiver, down_url


@given(st.binary(max_size=2000), st.text(min_size=1, max_size=64))
def test_signature_round_trip(body, secret):
    header = sign(body, secret)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify_signature(body, secret, header)


@given(st.binary(min_size=1, max_size=200))
def test_changed_body_or_wrong_secret_fails(body):
    header = sign(body, "geheim")
    assert not verify_signature(body + b" ", "geheim", header)
    assert not verify_signature(body, "ander-geheim", header)
    assert not verify_signature(body, "geheim", None)
    assert not verify_signature(body, "geheim", header.replace("sha256=", "sha1="))


def test_known_vector():
    # hmac.new(b"key", b"The quick brown fox jumps over the lazy dog", sha256)
    assert sign(b"The quick brown fox jumps over the lazy dog", "key") == (
        "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )


@pytest.fixture()
def receiver():
    """A real local receiver that answers 200 to everything until a test says otherwise."""
    with RecordingReceiver(status=200) as rec:
        yield rec


def test_post_sends_signed_body_and_headers(receiver):
    envelope = {"event": "handoff.created", "idempotency_key": "lp-1", "profile": {"a": "é"}}
    outcome = post_event(make_session(), receiver.url, envelope, "geheim", "lp-1")
    assert outcome.ok
    headers, body = receiver.requests[0].headers, receiver.requests[0].body
    assert body == encode_body(envelope) and json.loads(body) == envelope
    assert verify_signature(body, "geheim", headers[SIGNATURE_HEADER])
    assert headers[IDEMPOTENCY_HEADER] == "lp-1"
    assert headers[TIMESTAMP_HEADER].isdigit()


@pytest.mark.parametrize(
    ("status", "ok", "permanent"),
    [
        (200, True, False),
        (204, True, False),
        (400, False, True),
        (404, False, True),
        (410, False, True),
        (408, False, False),
        (429, False, False),
        (500, False, False),
        (503, False, False),
        (302, False, False),
    ],
)
def test_status_codes_are_classified(receiver, status, ok, permanent):
    receiver.status = status
    outcome = post_event(make_session(), receiver.url, {"event": "x"}, "s", "k")
    assert (outcome.ok, outcome.permanent) == (ok, permanent)
    if not ok:
        assert str(status) in outcome.error


def test_slow_receiver_times_out_as_retryable(receiver):
    receiver.delay = 1.0
    outcome = post_event(make_session(), receiver.url, {"event": "x"}, "s", "k", timeout=(1, 0.2))
    assert not outcome.ok and not outcome.permanent and "timeout" in outcome.error


def test_receiver_down_is_retryable():
    outcome = post_event(make_session(), down_url("/"), {"e": 1}, "s", "k")
    assert not outcome.ok and not outcome.permanent and outcome.error == "webhook connection failed"


def test_cli_verify_signature(tmp_path, monkeypatch, capsys):
    body = encode_body({"event": "handoff.created", "idempotency_key": "k"})
    path = tmp_path / "body.json"
    path.write_bytes(body)
    monkeypatch.setenv("RECEIVER_SECRET", "geheim")
    args = ["verify-signature", "--secret-env", "RECEIVER_SECRET", "--signature"]
    assert cli_main(args + [sign(body, "geheim"), str(path)]) == 0
    assert cli_main(args + [sign(body, "fout"), str(path)]) == 1
    assert "INVALID" in capsys.readouterr().out
    monkeypatch.delenv("RECEIVER_SECRET")
    assert cli_main(args + [sign(body, "geheim"), str(path)]) == 2
