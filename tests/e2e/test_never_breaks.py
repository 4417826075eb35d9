"""End-to-end: the ways ordinary replies used to break a conversation (issue 10).

Each test plays the reported case over the REST channel against the real Rasa and
action servers and checks that the reply is used as an answer, that nothing is
lost or deleted on a guess, and that the conversation goes on.
"""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.stack import buttons, texts

pytestmark = pytest.mark.e2e

FACTS = {"hoeveel mensen": "12", "branche": "bouw", "plaats": "Enschede"}


def new_sender() -> str:
    return f"nb-{uuid.uuid4().hex}"


def one_reply_each(replies: list[dict]) -> None:
    said = [r.get("text") for r in replies if r.get("text")]
    assert said, "no reply at all"
    assert len(said) == len(set(said)), f"a message twice in one turn: {said}"


def to_first_question(
    stack,
    sender: str,
    worry: str = "ik kan geen personeel vinden",
    place: str = "Enschede",
    metadata: dict | None = None,
) -> list[dict]:
    """Talk until the first framework question (with option buttons) is asked."""
    replies = stack.talk(sender, worry, metadata)
    answers = {**FACTS, "plaats": place}
    for _ in range(6):
        if any("optie" in b["payload"] for b in buttons(replies)):
            return replies
        said = texts(replies).lower()
        key = next((k for k in answers if k in said), None)
        assert key, f"unexpected question: {said}"
        replies = stack.talk(sender, answers[key])
    raise AssertionError("no framework question after the company facts")


def to_summary(stack, sender: str, **kw) -> list[dict]:
    replies = to_first_question(stack, sender, **kw)
    for _ in range(8):
        if "Eerste stap" in texts(replies):
            return replies
        replies = stack.talk(sender, "/weet_niet")
    raise AssertionError("no summary")


@pytest.mark.parametrize("reply", ["ja", "ok"])
def test_yes_or_ok_at_the_opening_gets_one_answer_and_the_chat_goes_on(stack, reply):
    sender = new_sender()
    stack.talk(sender, "/groeten")
    replies = stack.talk(sender, reply)
    one_reply_each(replies)
    assert "begreep" not in texts(replies).lower() or len(replies) <= 2
    follow = stack.talk(sender, "mijn mensen lopen weg")
    one_reply_each(follow)
    assert stack.tracker(sender)["slots"]["themes"] == ["behoud"]
    assert "Circuit breaker tripped" not in stack.logs()


def test_utrecht_at_the_place_question_is_a_place_not_a_restart(stack):
    sender = new_sender()
    stack.talk(sender, "ik kan geen personeel vinden")
    stack.talk(sender, "12")
    said = texts(stack.talk(sender, "bouw")).lower()
    assert "plaats" in said
    replies = stack.talk(sender, "Utrecht")
    one_reply_each(replies)
    slots = stack.tracker(sender)["slots"]
    assert slots["location"] == "Utrecht"
    assert slots["themes"] == ["personeelstekort"]
    assert "opnieuw" not in texts(replies).lower()


@pytest.mark.parametrize(
    "answer",
    [
        "experimenteren mag, maar het mag niks kosten",
        "een plan voor wie wat moet leren hebben we niet",
    ],
)
def test_an_answer_with_a_detour_word_is_taken_as_the_answer(stack, answer):
    sender = new_sender()
    to_first_question(stack, sender)
    asked = stack.tracker(sender)["slots"]["requested_slot"]
    assert asked.startswith("q_")
    replies = stack.talk(sender, answer)
    one_reply_each(replies)
    slots = stack.tracker(sender)["slots"]
    assert slots[asked] == {"text": answer} or slots[asked].get("text") == answer
    assert slots["requested_slot"] != asked
    assert (
        "gratis" not in texts(replies).lower() and "niet mee helpen" not in texts(replies).lower()
    )


def test_kapper_as_the_sector_is_a_sector(stack):
    sender = new_sender()
    stack.talk(sender, "mijn mensen lopen weg")
    stack.talk(sender, "6")
    replies = stack.talk(sender, "kapper")
    one_reply_each(replies)
    assert "stoppen" not in texts(replies).lower()
    slots = stack.tracker(sender)["slots"]
    assert slots["sector"] == "Kappers en schoonheid"
    assert slots["requested_slot"] == "location"


def test_polite_no_at_the_consent_does_not_replay_the_summary(stack):
    sender = new_sender()
    to_summary(stack, sender, metadata={"regio": "twente"})
    replies = stack.talk(sender, "nee hoeft niet, ik ga t eerst zelf proberen")
    one_reply_each(replies)
    said = texts(replies)
    assert "Eerste stap" not in said and "Mag ik je gegevens" not in said
    assert "geen gegevens" in said.lower()
    assert stack.tracker(sender)["slots"]["handoff_consent"] is False
    follow = texts(stack.talk(sender, "wat kost zo'n coach eigenlijk?"))
    assert "gratis" in follow.lower() and "Eerste stap" not in follow
    assert "Mag ik je gegevens" not in follow  # a question about the coach is no request for one


def test_follow_up_after_the_handoff_gets_an_answer_not_a_new_summary(stack):
    sender = new_sender()
    to_summary(stack, sender, metadata={"regio": "twente"})
    stack.talk(sender, "/bevestigen")
    stack.talk(sender, "Sanne de Wit")
    stack.talk(sender, "De Wit Bouw")
    stack.talk(sender, "sanne@dewitbouw.example.org")
    assert "LP-" in texts(stack.talk(sender, "/bevestigen"))
    for question in ("wanneer belt de coach?", "wat kost dat?", "hmm"):
        replies = stack.talk(sender, question)
        one_reply_each(replies)
        said = texts(replies)
        assert "Eerste stap" not in said and "nog onbekend" not in said


def test_withdrawal_asks_first_and_deletes_nothing_on_a_guess(stack):
    import sqlalchemy as sa

    sender = new_sender()
    stack.talk(sender, "ik kan geen personeel vinden")
    replies = stack.talk(sender, "ik wil mijn gegevens intrekken")
    said = texts(replies).lower()
    assert "wil je dat ik je gegevens" in said
    assert "/bevestigen" in [b["payload"] for b in buttons(replies)]
    db = sa.create_engine(stack.env["LEERPUNT_DATABASE_URL"])

    def deletion_requested() -> bool:
        with db.connect() as conn:
            exists = conn.execute(
                sa.text(
                    "SELECT name FROM sqlite_master WHERE name = 'conversation_deletion_requests'"
                )
            ).first()
            if not exists:
                return False
            return (
                conn.execute(
                    sa.text(
                        "SELECT COUNT(*) FROM conversation_deletion_requests WHERE conversation_id = :s"
                    ),
                    {"s": sender},
                ).scalar()
                > 0
            )

    assert not deletion_requested()
    assert stack.tracker(sender)["slots"]["themes"] == ["personeelstekort"]
    stack.talk(sender, "nee")  # changed their mind: everything stays
    assert not deletion_requested()
    assert stack.tracker(sender)["slots"]["themes"] == ["personeelstekort"]
    stack.talk(sender, "verwijder mijn gegevens")
    done = texts(stack.talk(sender, "ja"))
    assert "verwijder" in done.lower() or "wis" in done.lower()
    assert deletion_requested()


def test_restart_typed_is_confirmed_first(stack):
    sender = new_sender()
    stack.talk(sender, "ik kan geen personeel vinden")
    said = texts(stack.talk(sender, "opnieuw beginnen"))
    assert "opnieuw beginnen" in said.lower() and "?" in said
    assert stack.tracker(sender)["slots"]["themes"] == ["personeelstekort"]


def test_no_coach_for_the_place_asks_nothing_personal(stack):
    sender = new_sender()
    replies = to_summary(stack, sender, place="Utrecht")
    said = texts(replies)
    assert "Leerwerkloket" in said
    assert "naam" not in said.lower()
    replies = stack.talk(sender, "ja")
    assert "plaats" in texts(replies).lower()
    replies = stack.talk(sender, "Leeuwarden")  # also without a coach: no details are asked
    said = texts(replies)
    assert "naam" not in said.lower() and "Dit stuur ik naar" not in said
    assert stack.tracker(sender)["slots"]["contact_name"] is None


def test_small_wording_faults_are_gone(stack):
    sender = new_sender()
    replies = stack.talk(sender, "ik kan geen personeel vinden")
    replies = stack.talk(sender, "met mij erbij een man of twintig")
    assert stack.tracker(sender)["slots"]["company_size"] == 20
    stack.talk(sender, "bouw")
    replies = stack.talk(sender, "Enschede")
    for _ in range(6):
        titles = [b["title"] for b in buttons(replies)]
        assert sum(t.lower().startswith("weet ik") for t in titles) <= 1, (
            titles
        )  # one "don't know" button
        if "Eerste stap" in texts(replies):
            break
        replies = stack.talk(sender, "hmm soms")
        assert "Kies een van de knoppen" not in texts(replies)
    said = (
        texts(replies)
        if "Eerste stap" in texts(replies)
        else texts(stack.talk(sender, "/weet_niet"))
    )
    for role in ("Loopbaanadviseur", "Ondernemerscoach"):
        assert f"{role} {role}" not in said
