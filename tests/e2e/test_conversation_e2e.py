"""End-to-end: real Rasa and action servers, Dutch over the REST webhook, real
webhook receiver and SMTP server for the handoff."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from bot.handoff.profile import validate_profile
from bot.handoff.webhook import verify_signature
from tests.e2e.stack import SECRET, buttons, image_of, profile_bodies, texts

pytestmark = pytest.mark.e2e

FACT_ANSWERS = {
    "hoeveel mensen": "we zijn met een stuk of 14 man",
    "branche": "installatietechniek",
    "plaats": "Enschede",
    "regio": "Twente",
}


def _answer_for(replies: list[dict], free_text: bool) -> str:
    said = texts(replies).lower()
    for key, answer in FACT_ANSWERS.items():
        if key in said and "?" in said:
            return answer
    options = [b for b in buttons(replies) if "optie" in b["payload"]]
    if free_text or not options:
        return "nieuwe jongens lopen mee met een ervaren collega maar tijd voor cursussen is er niet echt"
    return options[0]["payload"]


def run_intake(
    stack, sender: str, first: str, free_text: bool = True, metadata: dict | None = None
) -> tuple[list[str], list[dict]]:
    """Talk until the first answer (the summary with first steps) arrives; return bot turns."""
    replies = stack.talk(sender, first, metadata)
    turns = [texts(replies)]
    for _ in range(16):
        if "Eerste stap" in texts(replies):
            return turns, replies
        replies = stack.talk(sender, _answer_for(replies, free_text))
        turns.append(texts(replies))
    raise AssertionError("no summary after 16 turns:\n" + "\n---\n".join(turns))


def test_greeting_asks_what_they_run_into(stack):
    replies = stack.talk(f"e2e-{uuid.uuid4().hex}", "hoi")
    assert "waar loop je" in texts(replies).lower()
    titles = [b["title"] for b in buttons(replies)]
    assert len(titles) >= 5


def test_robot_question_is_answered_honestly(stack):
    replies = stack.talk(f"e2e-{uuid.uuid4().hex}", "ben je een robot?")
    assert "digitale assistent" in texts(replies).lower()


def test_gibberish_gets_fallback_with_buttons(stack):
    replies = stack.talk(f"e2e-{uuid.uuid4().hex}", "qwpoeiru zxmcnv")
    said = texts(replies).lower()
    assert "begreep" in said or "waar loop je" in said or "vertel" in said
    assert buttons(replies)


def test_full_conversation_hands_off_once_to_webhook_and_mail(stack):
    sender = f"e2e-{uuid.uuid4().hex}"
    meta = {"regio": "twente", "bron": "linkedin", "campagne": "najaar"}
    turns, replies = run_intake(
        stack,
        sender,
        "ik kan geen monteurs vinden en de oude garde gaat met pensioen",
        metadata=meta,
    )
    summary = texts(replies)
    assert any(image_of(r).startswith("data:image/png;base64,") for r in replies), (
        f"profile chart missing in {[sorted(r) for r in replies]}: {summary}"
    )
    assert "ja" in [b["title"].lower().split(",")[0] for b in buttons(replies)]
    bot_questions = sum(t.count("?") > 0 for t in turns[1:])
    assert bot_questions <= 10, summary

    said = texts(stack.talk(sender, "/bevestigen"))
    assert "naam" in said.lower()
    stack.talk(sender, "Jan de Vries")
    stack.talk(sender, "Installatiebedrijf De Vries")
    wrong = texts(stack.talk(sender, "jan@devries"))
    assert "klopt" in wrong.lower() or "nog eens" in wrong.lower()
    readback = texts(stack.talk(sender, "jan@devries-installatie.nl"))
    assert "Jan de Vries" in readback and "jan@devries-installatie.nl" in readback
    done = texts(stack.talk(sender, "/bevestigen"))
    assert "LP-" in done

    def mine() -> list[dict]:
        return [
            b
            for b in profile_bodies(stack.receiver)
            if b["profile"].get("conversation_id") == sender
        ]

    reference = done[done.index("LP-") :][:8]
    deadline = time.time() + 30
    while time.time() < deadline and not (
        mine() and any(reference.encode() in m["data"] for m in stack.mails)
    ):
        time.sleep(0.3)
    time.sleep(1)  # a duplicate delivery would arrive by now
    bodies = mine()
    assert len(bodies) == 1
    profile = bodies[0]["profile"]
    validate_profile(profile)
    assert profile["region"]["id"] == "twente"
    assert profile["source"] == {"bron": "linkedin", "campagne": "najaar"}
    assert profile["contact"]["email"] == "jan@devries-installatie.nl"
    assert {t["id"] for t in profile["themes"]} >= {"personeelstekort"}
    raw = next(
        item
        for item in stack.receiver.requests
        if b'"handoff.created"' in item.body and sender.encode() in item.body
    )
    assert verify_signature(raw.body, SECRET, raw.headers.get("X-Leerpunt-Signature"))
    assert any(profile["reference"].encode() in m["data"] for m in stack.mails)

    tracker = stack.tracker(sender)
    assert tracker["slots"]["region"] == "twente"
    assert tracker["slots"]["contact_name"] == "Jan de Vries"
    assert tracker["slots"]["handoff_consent"] is True

    logs = stack.logs()
    for personal in ("Jan de Vries", "jan@devries-installatie.nl", "Installatiebedrijf De Vries"):
        assert personal not in logs, f"personal data in logs: {personal}"


def test_refused_consent_stores_nothing_personal(stack):
    sender = f"e2e-{uuid.uuid4().hex}"
    run_intake(
        stack,
        sender,
        "mijn beste mensen lopen weg naar de concurrent",
        free_text=False,
        metadata={"regio": "twente"},
    )
    said = texts(stack.talk(sender, "/ontkennen"))
    assert "geen gegevens" in said.lower()
    slots = stack.tracker(sender)["slots"]
    assert slots["handoff_consent"] is False
    for slot in (
        "contact_name",
        "company_name",
        "contact_email",
        "contact_phone",
        "consent_record",
    ):
        assert slots[slot] is None
    assert not [
        b for b in profile_bodies(stack.receiver) if b["profile"].get("conversation_id") == sender
    ]


def test_detour_inside_intake_continues_where_it_was(stack):
    sender = f"e2e-{uuid.uuid4().hex}"
    stack.talk(sender, "nieuwe mensen zijn pas na een half jaar echt productief")
    before = stack.tracker(sender)["slots"]["requested_slot"]
    assert before
    said = texts(stack.talk(sender, "wat kost dit eigenlijk?"))
    assert "gratis" in said.lower()
    assert stack.tracker(sender)["slots"]["requested_slot"] == before


def test_restart_forgets_the_conversation(stack):
    sender = f"e2e-{uuid.uuid4().hex}"
    stack.talk(sender, "ik kan geen personeel vinden")
    asked = texts(stack.talk(sender, "opnieuw beginnen"))
    assert "opnieuw beginnen?" in asked.lower()  # typed, so it is confirmed first
    said = texts(stack.talk(sender, "ja"))
    assert "waar loop je" in said.lower()
    slots = stack.tracker(sender)["slots"]
    assert slots["themes"] in (None, [])
    assert slots["requested_slot"] is None


def _to_summary_skipping_place(stack, sender: str, region: str) -> tuple[str, list[dict]]:
    greeting = texts(stack.talk(sender, "hoi", {"regio": region, "bron": "website"}))
    replies = stack.talk(sender, "ik kan geen personeel vinden")
    for _ in range(16):
        said = texts(replies)
        if "Eerste stap" in said:
            return greeting, replies
        if "hoeveel mensen" in said.lower():
            replies = stack.talk(sender, "12")
        elif "branche" in said.lower():
            replies = stack.talk(sender, "bouw")
        else:
            replies = stack.talk(sender, "/weet_niet")
    raise AssertionError("no summary")


def test_same_answers_in_two_regions_give_each_regions_greeting_coach_and_offer(stack):
    from actions.context import REGIONS  # the shipped region data the stack also loads
    from bot.regions import coach_for

    results = {}
    for region in ("twente", "groningen"):
        greeting, summary = _to_summary_skipping_place(
            stack, f"e2e-{region}-{uuid.uuid4().hex}", region
        )
        results[region] = (greeting, texts(summary))
    for region, (greeting, summary) in results.items():
        data = REGIONS.get(region)
        assert data.name in greeting or data.greeting.split(".")[0][:30] in greeting
        assert coach_for(data, "bouw").name in summary, f"{region} coach missing"
        assert any(i.name in summary for i in data.instruments), f"{region} instruments missing"
    assert results["twente"][0] != results["groningen"][0]
    twente_coach = coach_for(REGIONS.get("twente"), "bouw").name
    assert twente_coach not in results["groningen"][1]


def test_rasa_restart_between_yes_and_contact_details_loses_nothing(stack):
    sender = f"e2e-{uuid.uuid4().hex}"
    run_intake(
        stack, sender, "onze vakmensen gaan binnenkort met pensioen", metadata={"regio": "twente"}
    )
    assert "naam" in texts(stack.talk(sender, "/bevestigen")).lower()
    stack.stop("rasa")
    stack.start_rasa()
    stack.talk(sender, "Petra Smit")
    stack.talk(sender, "Smit Techniek")
    assert "Petra Smit" in texts(stack.talk(sender, "petra@smit-techniek.nl"))
    assert "LP-" in texts(stack.talk(sender, "/bevestigen"))
    deadline = time.time() + 30
    bodies = []
    while time.time() < deadline and not bodies:
        bodies = [
            b
            for b in profile_bodies(stack.receiver)
            if b["profile"].get("conversation_id") == sender
        ]
        time.sleep(0.3)
    assert len(bodies) == 1
    assert stack.receiver.keys[bodies[0]["idempotency_key"]] == 1


def test_withdrawal_deletes_handoff_and_conversation_and_tells_the_coach(stack):
    import sqlalchemy as sa

    sender = f"e2e-{uuid.uuid4().hex}"
    run_intake(stack, sender, "mijn mensen lopen weg", metadata={"regio": "twente"})
    stack.talk(sender, "/bevestigen")
    stack.talk(sender, "Ali Yilmaz")
    stack.talk(sender, "Yilmaz Bouw")
    stack.talk(sender, "0612345678")
    done = texts(stack.talk(sender, "/bevestigen"))
    reference = done[done.index("LP-") :][:8]
    deadline = time.time() + 30  # the coach has it before the entrepreneur takes it back
    while time.time() < deadline and not any(
        b["profile"].get("conversation_id") == sender for b in profile_bodies(stack.receiver)
    ):
        time.sleep(0.3)
    asked = texts(stack.talk(sender, "verwijder mijn gegevens"))
    assert "wil je dat ik je gegevens" in asked.lower()  # typed, so it is confirmed first
    said = texts(stack.talk(sender, "ja, verwijder alles"))
    assert reference in said
    engine = sa.create_engine(stack.env["LEERPUNT_TRACKER_DB_URL"])
    deadline = time.time() + 60
    count = None
    while time.time() < deadline:
        with engine.connect() as conn:
            count = conn.execute(
                sa.text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": sender}
            ).scalar()
        notices = [i.json() for i in stack.receiver.requests if b"handoff.withdrawn" in i.body]
        if count == 0 and any(reference in json.dumps(n) for n in notices):
            break
        time.sleep(1)
    assert count == 0, "conversation still in the tracker store"
    notice = next(n for n in notices if reference in json.dumps(n))
    assert "Ali Yilmaz" not in json.dumps(notice) and "0612345678" not in json.dumps(notice)


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "👍",
        "🤷‍♂️🤷‍♂️",
        "<script>alert(1)</script>",
        "x" * 6000,
        "ik kan geen personeel vinden " * 300,
    ],
    ids=["empty", "spaces", "emoji", "emojis", "html", "huge-gibberish", "huge-worry"],
)
def test_bad_input_gets_a_friendly_answer_and_the_conversation_goes_on(stack, message):
    sender = f"e2e-{uuid.uuid4().hex}"
    replies = stack.talk(sender, message)
    said = texts(replies)
    assert said.strip(), "no answer at all"
    assert "<script>" not in said
    follow = texts(stack.talk(sender, "hoi"))
    assert "aar loop je" in follow or "?" in follow


def test_bad_input_inside_the_intake_keeps_the_question(stack):
    sender = f"e2e-{uuid.uuid4().hex}"
    worry = "nieuwe collega's zijn pas na maanden echt inzetbaar"
    stack.talk(sender, worry)
    assert stack.tracker(sender)["slots"]["requested_slot"] == "company_size"
    for message in ("🙈", "<b>vet</b>", "y" * 3000):
        assert texts(stack.talk(sender, message)).strip()
    slots = stack.tracker(sender)["slots"]
    assert slots["themes"] == ["inwerken"] and slots["challenge"] == worry
    assert slots["company_size"] == "onbekend"  # asked once more, then moved on
    assert slots["requested_slot"] != "company_size"
    assert "<b>" not in str(slots)
