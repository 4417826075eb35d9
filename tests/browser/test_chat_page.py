"""The chat page and the widget in headless Chromium, against Rasa's real socket.io channel.

The bot is scripted (``fake_rasa.py``) but the channel is Rasa's own code, so
event names, payload shapes, session rooms and metadata handling are real.
"""

from __future__ import annotations

import json

import pytest

from tests.browser.harness import HostSite, run_scenario

pytestmark = pytest.mark.browser


def _explain(result: dict) -> str:
    return json.dumps(
        {k: result.get(k) for k in ("error", "failedStep", "pageErrors", "consoleErrors", "axe")},
        indent=1,
        ensure_ascii=False,
    )[:4000]


def test_campaign_link_conversation_reload_and_outage(web, fake_rasa, control, region_id):
    """LinkedIn link -> buttons, chart, reload, keyboard reply, lost connection: one conversation."""
    link = f"/chat?regio={region_id}&bron=linkedin&campagne=najaar&evil=%3Cscript%3Ex%3C/script%3E"
    steps = [
        {"open": link},
        {"expect_bot": "Goedendag"},
        {"expect_bot": "Waar loopt u tegenaan"},
        {"click": "Personeel vinden"},
        {"expect_bot": "eerste beeld"},
        {"expect_image": "Grafiek"},
        {"expect_bot": "coach"},
        {"axe": True},
        {"screenshot": "chat-page-with-chart.png"},
        {"reload": True},
        {"key_reply": "Ja, graag"},
        {"expect_bot": "Fijn!"},
        {"type": "Wij zoeken monteurs <b>nu</b>"},
        {"expect_bot": "U schreef: Wij zoeken monteurs <b>nu</b>"},
        {"outage": 3000},
        {"expect_status": "Verbinding verbroken"},
        {"type": "Bent u er nog?"},
        {"expect_user_pending": True},
        {"expect_bot": "U schreef: Bent u er nog\\?", "timeout": 30000},
        {"expect_status": "Weer verbonden"},
        {"type": "grafiek"},
        {"expect_image": "^Profielgrafiek: sterk in leren van elkaar$"},
        {"axe": True},
        {"screenshot": "chat-page-end.png"},
    ]
    result = run_scenario(web.url, steps, control_url=control.url)
    assert result["ok"], _explain(result)

    messages = fake_rasa.messages()
    # One conversation throughout: reload and outage kept the session id.
    assert len(result["sessionIds"]) == 1
    assert {m["session_id"] for m in messages} == set(result["sessionIds"])
    # The start payload went once, first, with the link's values as metadata.
    assert [m["message"] for m in messages].count("/groeten") == 1
    assert messages[0]["message"] == "/groeten"
    expected = {"regio": region_id, "bron": "linkedin", "campagne": "najaar"}
    assert all(m["metadata"] == expected for m in messages), messages
    # Buttons send their payload, not their title.
    sent = [m["message"] for m in messages]
    assert '/kies_thema{"thema": "personeelstekort"}' in sent
    assert "/affirm" in sent
    # The message typed during the outage arrived after it, exactly once.
    assert sent.count("Bent u er nog?") == 1


def test_a_too_long_message_is_kept_with_a_note_not_cut(web, fake_rasa, region_id):
    """Over 1,000 characters: a friendly note, the text stays in the box; shortened, it goes."""
    long_text = "We zoeken al maanden naar monteurs en vinden ze niet. " * 25  # 1,350 characters
    steps = [
        {"open": f"/chat?regio={region_id}"},
        {"expect_bot": "Waar loopt u tegenaan"},
        {"type_kept": long_text.strip()},
        {"expect_status": "1349 tekens; er passen er 1000 in één bericht"},
        {"screenshot": "too-long-note.png"},
        {"axe": True},
        {"type": "We zoeken al maanden naar monteurs."},
        {"expect_bot": "U schreef: We zoeken al maanden naar monteurs\\."},
        {"expect_status": "^$"},
    ]
    result = run_scenario(web.url, steps)
    assert result["ok"], _explain(result)
    sent = [m["message"] for m in fake_rasa.messages()]
    assert "We zoeken al maanden naar monteurs." in sent
    assert not any(len(m) > 1000 for m in sent)


def test_widget_on_region_site(web, fake_rasa, region_id):
    """One element + one script tag on another site; the site's ?bron= wins; bad values drop."""
    html = f"""<!doctype html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Regio website</title></head><body><main><h1>Ondernemers in de regio</h1>
<p>Welkom op onze website.</p></main>
<div id="leerpunt-chat"></div>
<script src="{web.url}/widget.js" async data-regio="{region_id}" data-bron="website"
 data-campagne="voorjaar" data-color="#ffd400" data-launcher-text="Stel uw vraag"></script>
</body></html>"""
    site = HostSite(html)
    steps = [
        {"open": f"{site.url}/ondernemers?bron=linkedin&campagne=%3Cimg%3E"},
        {"launcher": True},
        {"expect_bot": "Waar loopt u tegenaan"},
        {"click": "Mensen houden"},
        {"expect_image": "Grafiek"},
        {"axe": True},
        {"reload": True},
        {"type": "Nog een vraag"},
        {"expect_bot": "U schreef: Nog een vraag"},
        {"screenshot": "widget-on-region-site.png"},
    ]
    try:
        result = run_scenario(web.url, steps, widget=True)
    finally:
        site.close()
    assert result["ok"], _explain(result)
    messages = fake_rasa.messages()
    assert len({m["session_id"] for m in messages}) == 1
    # bron from the page address beats data-bron; the malicious campagne falls back to data-.
    expected = {"regio": region_id, "bron": "linkedin", "campagne": "voorjaar"}
    assert all(m["metadata"] == expected for m in messages), messages
