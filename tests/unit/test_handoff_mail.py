"""The coach e-mail: content, escaping of what the entrepreneur typed, MIME structure."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.handoff.mail import (
    build_handoff_message,
    build_operator_message,
    build_withdrawn_message,
    message_id_for,
)
from bot.handoff.mail_content import HTML_TEMPLATE, TEMPLATE_DIR, TEXT_TEMPLATE, render_email
from bot.handoff.profile import validate_profile
from bot.handoff.sample import sample_profile

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _evil_profile() -> dict:
    profile = sample_profile()
    profile["challenge"] = EVIL
    profile["contact"]["name"] = "Ans <b>de Vries</b>"
    profile["company"]["name"] = "Bakkerij & Zn <i>"
    profile["company"]["place"] = 'Enschede"><script>'
    profile["transcript"][1]["text"] = EVIL
    profile["dimensions"][2]["evidence"] = [EVIL]
    profile["strengths"] = [EVIL]
    profile["contact"]["best_time"] = "</li><script>"
    profile["source"]["campagne"] = "<svg onload=alert(1)>"
    return profile


def test_everything_typed_is_escaped_in_html():
    _subject, _text, html = render_email(_evil_profile())
    assert "<script" not in html
    assert "<img src=x" not in html
    assert "<b>de Vries" not in html
    assert "<svg" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Bakkerij &amp; Zn &lt;i&gt;" in html


def test_script_in_a_quote_and_a_name_is_escaped_in_html_and_kept_in_text():
    profile = sample_profile()
    profile["contact"]["name"] = "<script>alert('naam')</script>"
    profile["dimensions"][0]["evidence"] = ['Hij zei: "<script>x()</script>" & ging']
    _subject, text, html = render_email(profile)
    assert "<script" not in html
    assert "<li>Naam: &lt;script&gt;alert(&#x27;naam&#x27;)&lt;/script&gt;</li>" in html
    assert "<q>Hij zei: &quot;&lt;script&gt;x()&lt;/script&gt;&quot; &amp; ging</q>" in html
    assert "Naam: <script>alert('naam')</script>\n" in text
    assert '      "Hij zei: "<script>x()</script>" & ging"\n' in text


def test_both_parts_come_from_shipped_templates():
    for name in (TEXT_TEMPLATE, HTML_TEMPLATE):
        assert (TEMPLATE_DIR / name).is_file(), name
    _subject, text, html = render_email(sample_profile(transcript=[]))
    assert text.endswith("VOLLEDIG GESPREK\n(geen gesprek opgeslagen)\n")
    assert html.endswith(
        '<table style="border-collapse:collapse;width:100%">\n</table></body></html>'
    )


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>&\"'ab /=;"), min_size=1, max_size=40))
def test_typed_text_adds_no_markup_to_html(typed):
    def html_with(text: str) -> str:
        profile = sample_profile(conversation_id="c")
        profile["reference"] = "LP-22222"
        profile["challenge"] = text
        profile["transcript"][1]["text"] = text
        return render_email(profile)[2]

    html = html_with(typed)
    neutral = html_with("x")
    assert html.count("<") == neutral.count("<")
    assert html.count(">") == neutral.count(">")
    assert escape(typed) in html


def test_text_has_what_a_coach_needs_before_calling():
    subject, text, html = render_email(sample_profile())
    assert "Bakkerij De Korenbloem" in subject and "LP-" in subject
    for needle in (
        "Ans de Vries",
        "06 1234 5678",
        "dinsdagochtend",
        "14 medewerkers",
        "bakkerij",
        "Enschede",
        "ik heb geen tijd om ze in te werken",
        "Mijn oudste bakker neemt nieuwe mensen altijd mee.",
        "Aandachtspunten",
        "Geef elke nieuwkomer een vaste buddy.",
        "Scholingscheque Twente",
        "VOLLEDIG GESPREK",
        "[14:00] Ondernemer:",
    ):
        assert needle in text, needle
    assert "cid:profielgrafiek" in html


def test_header_injection_is_impossible():
    profile = sample_profile()
    profile["company"]["name"] = "Evil\r\nBcc: victim@example.org"
    subject, _text, _html = render_email(profile)
    assert "\n" not in subject and "\r" not in subject
    msg = build_handoff_message(profile, "coach@example.org", "lp-1")
    assert msg["Bcc"] is None


def test_message_has_text_html_inline_chart_and_valid_json_attachment():
    profile = sample_profile()
    raw = bytes(build_handoff_message(profile, "coach@example.org", "lp-abc"))
    msg = message_from_bytes(raw, policy=policy.default)
    types = [part.get_content_type() for part in msg.walk()]
    assert {"text/plain", "text/html", "image/png", "application/json"} <= set(types)
    image = next(p for p in msg.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == "<profielgrafiek>"
    attachment = next(p for p in msg.walk() if p.get_content_type() == "application/json")
    assert attachment.get_filename() == f"profiel-{profile['reference']}.json"
    attached = json.loads(attachment.get_content())
    validate_profile(attached)
    assert attached == profile
    assert msg["Message-ID"] == message_id_for("lp-abc")


def test_message_id_is_derived_from_the_idempotency_key(monkeypatch):
    monkeypatch.setenv("LEERPUNT_MAIL_FROM", "Leerpunt Twente <handoff@leerpunt.example.org>")
    assert message_id_for("lp-abc") == "<lp-abc@leerpunt.example.org>"
    assert message_id_for("lp-abc") == message_id_for("lp-abc")
    assert message_id_for("lp-abc") != message_id_for("lp-abd")


def test_withdrawn_and_operator_mails_carry_the_reference_only():
    profile = sample_profile()
    notice = bytes(build_withdrawn_message(profile["reference"], "coach@example.org", "k:w"))
    report = bytes(
        build_operator_message(
            {
                "reference": profile["reference"],
                "event": "x",
                "channel": "webhook",
                "error": "HTTP 500",
            },
            "ops@example.org",
            "k:g",
        )
    )
    for raw in (notice, report):
        assert profile["reference"].encode() in raw
        for personal in ("Ans", "Korenbloem", "ans@example.org", "1234"):
            assert personal.encode() not in raw
