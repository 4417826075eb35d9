"""The conversation as a state machine: one message in, one sensible answer out.

Rules a patient receptionist would keep, and that the fuzzer checks:
- A reply to a question is first tried as its answer (number, place, option,
  free text). A side question interrupts only when the NLU is confident *and*
  the text does not answer; afterwards the question is asked once more.
- After two replies that cannot be used, the question is skipped (the text is
  kept) and the conversation goes on: no question is asked a third time in a row.
- Start over, stop and withdraw never act on a guess: typed, they first get a
  yes/no confirmation; only their own buttons act at once.
- Every phase has a next step for every message; after the advice, questions are
  answered without replaying the summary.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot import engine, headcount, sectors
from bot.framework import Question
from bot.handoff.outbox import HandoffLimitReached
from bot.regions import resolve_place
from bot.understanding import service as understanding

from . import advice, content, handoff, limits
from . import replies as words
from .state import (
    ADVISED,
    CONSENT,
    CONTACT,
    HANDED_OFF,
    INTAKE,
    LINK_SLOTS,
    MAX_MESSAGE_CHARS,
    PERSONAL_SLOTS,
    READBACK,
    START,
    STATE_SLOTS,
    STOPPED,
    UNKNOWN,
    Conversation,
    Message,
    Reply,
    button,
)

CONFIDENT = 0.7  # an NLU intent below this is a guess
DETOURS = {
    "vraag_uitleg",
    "vraag_privacy",
    "vraag_wie",
    "vraag_kosten",
    "hulp",
    "buiten_scope",
    "belediging",
    "andere_taal",
    "groeten",
    "bedanken",
}
# A message phrased as a question: a question mark, a question word first, or a word or two.
_ASKS = re.compile(
    r"\?|^\s*(?:\S+(?:\s+\S+)?\s*$|(?:wat|hoeveel|hoe|wie|waar|wanneer|waarom|welke|is|zijn|"
    r"kost|kosten|kan|kun|mag|moet|krijg|betaal|betalen|komen|zit|zitten|en|maar|dus|ok|oke)\b)",
    re.IGNORECASE,
)
QUESTIONS_BACK = {"vraag_uitleg", "vraag_privacy", "vraag_wie", "vraag_kosten", "hulp"}
LEAVING = {
    "opnieuw": "restart",
    "stoppen": "stop",
    "afscheid": "stop",
    "gegevens_intrekken": "withdraw",
}
OPENING = "_opening"
FACTS = ["themes", "company_size", "sector", "location", "region"]
CONTACT_QUESTIONS = ("contact_name", "company_name", "contact_email")
_SUMMARY_AGAIN = re.compile(
    r"\b(samenvatting|tips|advies|overzicht|stappen)\b.*\b(nog ?eens|weer|opnieuw|terug)\b|"
    r"\b(nog ?eens|opnieuw)\b.*\b(samenvatting|tips|advies|overzicht)\b",
    re.I,
)
_COACH_WORDS = re.compile(r"\b(coach|adviseur|iemand spreken|mens spreken|contact)\b", re.I)
_SEND_WORDS = re.compile(r"\b(versturen|verstuur|doorsturen|stuur( het| maar)? (door|op))\b", re.I)


@dataclass
class Env:
    """What the dialogue needs from outside: who is talking, the transcript, the link."""

    conversation_id: str
    transcript: Callable[[], list[dict]] = list
    link: dict = field(default_factory=dict)  # checked region/source/campaign from the chat link
    now: Callable[[], float] = time.time  # the clock of the message limits


def respond(conv: Conversation, msg: Message, env: Env) -> list[Reply]:
    """Handle one message: change ``conv`` and return what the assistant says.

    A message over a limit of ``bot.app.limits`` gets one line and changes nothing.
    """
    refused = limits.message_refused(conv, env.now())
    if refused:
        return [Reply(content.say(conv, refused, contact=handoff.region_contact(conv)))]
    turn = _Turn(conv, msg, env)
    turn.run()
    return turn.out


class _Turn:
    def __init__(self, conv: Conversation, msg: Message, env: Env):
        self.conv, self.msg, self.env = conv, msg, env
        self.out: list[Reply] = []

    # ------------------------------------------------------------------ helpers
    def say(self, key: str, buttons: list[dict] | None = None, **values) -> None:
        text = content.say(self.conv, key, **values)
        if text and not any(
            r.text == text for r in self.out
        ):  # never the same message twice in a turn
            self.out.append(Reply(text, buttons or []))

    @property
    def text(self) -> str:
        return self.msg.words

    def intent(self) -> str | None:
        """The intent when it is certain: a button's, or a confident NLU guess."""
        if self.msg.from_button:
            return self.msg.button_intent
        return self.msg.intent if self.msg.confidence >= CONFIDENT else None

    def is_yes(self) -> bool:
        """A yes that may be acted upon: the button, or the words themselves (never the NLU's guess:
        a yes gives consent, sends details or confirms a deletion)."""
        if self.msg.from_button:
            return self.msg.button_intent == "bevestigen"
        return words.is_yes(self.text)

    def is_no(self) -> bool:
        if self.msg.from_button:
            return self.msg.button_intent == "ontkennen"
        return words.is_no(self.text) or (
            self.intent() == "ontkennen" and not words.is_yes(self.text)
        )

    def leaving(self) -> str | None:
        intent = self.intent()
        return LEAVING.get(intent or "")

    def detour(self) -> str | None:
        intent = self.intent()
        if intent == "vraag_kosten" and not self.msg.from_button and not _ASKS.search(self.text):
            return None  # "een cursus mag niks kosten" tells; it does not ask what this costs
        if intent in DETOURS:
            return intent
        # A question back that the NLU half recognised is still a question back.
        if (
            not self.msg.from_button
            and self.text.rstrip().endswith("?")
            and self.msg.intent in QUESTIONS_BACK
            and self.msg.confidence >= 0.45
        ):
            return self.msg.intent
        return None

    def is_skip(self) -> bool:
        return (
            (self.msg.from_button and self.msg.button_intent == "weet_niet")
            or words.is_skip(self.text)
            or (self.intent() == "weet_niet" and len(self.text.split()) <= 6)
        )

    # ------------------------------------------------------------------ the turn
    def run(self) -> None:
        conv = self.conv
        if len(self.msg.text) >= MAX_MESSAGE_CHARS:
            self.say("faq.too_long")
        if conv.dialogue.get("confirm"):
            if self.on_confirm():
                return
        if self.msg.from_button and self.msg.button_intent in LEAVING:
            self.do(LEAVING[self.msg.button_intent])
            return
        if conv.phase == STOPPED:
            self.resume()
            return
        if not self.msg.text:
            self.say("faq.empty")
            self.reask_or_skip() if conv.pending else self.after()
            return
        handler = {
            START: self.on_question,
            INTAKE: self.on_question,
            CONTACT: self.on_question,
            CONSENT: self.on_consent,
            READBACK: self.on_readback,
            ADVISED: self.after,
            HANDED_OFF: self.after,
        }.get(conv.phase, self.on_question)
        handler()

    # ------------------------------------------------------------------ questions
    def on_question(self) -> None:
        conv = self.conv
        pending = conv.pending
        first_contact = conv.phase == START and pending is None
        if first_contact:  # nothing asked yet: the greeting is the question
            conv.dialogue.update(pending=OPENING, attempts=0)
            pending = OPENING
        if pending is None:
            self.advance()
            return
        if pending == "_contact_retry":
            typed = self.extract("contact_email")
            if typed is not None:
                conv.asking("contact_email")
                self.accept("contact_email", typed[0])
            elif self.is_yes():
                self.ask("contact_email")
            elif self.is_no():
                self.drop_handoff()
            else:
                self.reask_or_skip("answer.yes_no")
            return
        got = self.extract(pending)
        if conv.phase == CONTACT and (
            self.is_no() or (self.intent() == "ontkennen" and got is None)
        ):
            self.drop_handoff()  # "nee, laat maar" while giving details: nothing is sent, details go
            return
        asks_back = self.text.rstrip().endswith("?") and self.intent() in DETOURS
        if (
            got is not None and got[1] and not asks_back
        ):  # a question back is no answer ("ben je een robot?")
            self.accept(pending, got[0])
            return
        leaving = self.leaving()
        if leaving:
            if conv.phase == START and leaving in ("restart", "stop") and not conv.get("challenge"):
                # Nothing said yet, so nothing to lose: just say hello again / goodbye.
                if leaving == "stop":
                    self.say("faq.afscheid")
                else:
                    self.ask(OPENING)
                return
            self.confirm(leaving)
            return
        if self.is_skip():
            self.skip(pending, ack=True)
            return
        if self.intent() == "wil_mens" and conv.phase in (START, INTAKE):
            if conv.phase == START:
                self.say("intake.to_coach_first")
                self.start_intake()
            else:
                self.say("intake.to_coach")
                self.finish_intake()
            return
        detour = self.detour()
        if detour:
            if not (first_contact and detour == "groeten"):
                self.answer_detour(detour, pending)
            self.reask_or_skip()
            return
        if got is not None and not asks_back:
            self.accept(pending, got[0])
            return
        if conv.phase == INTAKE and self.answers_another_fact():
            self.say("answer.other_fact")
            self.reask_or_skip()
            return
        self.reask_or_skip(self.retry_key(pending))

    def answers_another_fact(self) -> bool:
        """'12' at the themes question, 'Goes' at the size question: keep what was said."""
        before = {slot: self.conv.get(slot) for slot in ("company_size", "sector", "location")}
        self.facts_in_passing(self.text)
        if not self.conv.themes and self.text:  # a worry told late is still the worry
            themes = understanding.detect_themes(content.framework(), self.text)
            if themes:
                self.conv.set("themes", themes)
                self.conv.add_challenge(self.text)
                self.conv.dialogue["themes_done"] = True
                return True
        return any(self.conv.get(slot) != value for slot, value in before.items())

    def retry_key(self, pending: str) -> str | None:
        if pending == OPENING:
            return None  # the re-asked opening explains itself
        if pending == "company_size":
            return "ask.company_size_retry"
        if pending == "location" or pending == "_new_place":
            place = self.place_text()
            return "ask.location_unknown" if place else "ask.location_again"
        if pending == "contact_email":
            return "contact.invalid_email"
        if pending == "contact_name":
            return "contact.invalid_name"
        if pending == "company_name":
            return "contact.invalid_company"
        return "answer.not_understood"

    def place_text(self) -> str:
        cleaned = handoff.clean(self.text, 60)
        if not cleaned or len(cleaned.split()) > 4 or "?" in cleaned or words.says_nothing(cleaned):
            return ""
        return cleaned

    def reask_or_skip(self, retry_key: str | None = None) -> None:
        """Ask the pending question once more; if it was asked twice already, skip it."""
        pending = self.conv.pending
        if pending is None:
            self.after()
            return
        if self.conv.attempts >= 2:
            self.skip(pending, ack=True, asked_for=False)
            return
        if retry_key:
            extra: dict[str, Any] = {}  # values for the message template
            if pending in ("location", "_new_place"):
                extra["place"] = self.place_text()
            if pending == "contact_email":
                suggestion = handoff.parse_contact(self.text).get("error")
                if suggestion:
                    self.out.append(
                        Reply(
                            content.say(self.conv, retry_key)
                            + f" Bedoel je misschien {suggestion}?"
                        )
                    )
                    retry_key = None
            if retry_key:
                self.say(retry_key, **extra)
        self.ask(pending, again=self.conv.attempts > 0)

    # ---- reading an answer ----------------------------------------------------------
    def extract(self, pending: str) -> tuple[dict, bool] | None:
        """What this message says as the answer to ``pending``: (slot values, strong) or None."""
        msg, text = self.msg, self.text
        fw = content.framework()
        if pending == OPENING or pending == "themes":
            theme = msg.entities.get("thema")
            if theme in fw.themes:
                return {"themes": [theme], "_label": fw.themes[theme].label}, True
            if theme == "anders" and pending == OPENING:
                return {"_other": True}, True
            if not text or words.is_noise(text):
                return None
            themes = understanding.detect_themes(fw, text)
            if themes:
                return {"themes": themes, "_text": text}, True
            if (
                len(text.split()) >= 3
                and not words.is_yes(text)
                and not words.is_no(text)
                and not words.is_skip(text)
            ):
                return {"_text": text}, False
            return None
        if pending == "company_size":
            size = headcount.parse_company_size(text) if text else None
            return ({"company_size": size}, True) if size else None
        if pending == "sector":
            if not text or words.says_nothing(text):
                return None
            sector = sectors.detect_sector(text)
            if sector:
                return {"sector": sector.label}, True
            cleaned = handoff.clean(text, 60)
            if (
                1 <= len(cleaned.split()) <= 4
                and re.search(r"[a-zà-ÿ]{3}", cleaned.lower())
                and "?" not in cleaned
            ):
                return {"sector": cleaned[:1].upper() + cleaned[1:]}, False
            return None
        if pending in ("location", "_new_place"):
            place = place_values(text)
            return (place, True) if place else None
        if pending == "region":
            options = self.conv.get("region_options") or []
            chosen = msg.entities.get("regio")
            if chosen in content.regions().ids:
                return {"region": chosen}, True
            lowered = text.lower()
            for region_id in options:
                region = content.regions().get(region_id)
                if region and lowered and (region.id in lowered or region.name.lower() in lowered):
                    return {"region": region.id}, True
            found = resolve_place(text, content.regions()) if text else None
            if found is not None and found.status == "found":
                return {"region": found.region_ids[0]}, True
            return None
        if pending.startswith("q_"):
            return self.extract_answer(pending)
        if pending == "contact_name":
            if words.says_nothing(text):
                return None
            if len(text.split()) > 4 or self.intent() in DETOURS | set(LEAVING) | {"wil_mens"}:
                return None  # "ik wil toch geen coach" is no name
            name = handoff.parse_name(text)
            return ({"contact_name": name}, True) if name else None
        if pending == "company_name":
            if words.says_nothing(text):
                return None
            name = handoff.clean(text, 120)
            return ({"company_name": name}, True) if len(name) >= 2 else None
        if pending == "contact_email":
            contact = handoff.parse_contact(text)
            if "email" in contact:
                return {"contact_email": contact["email"], "contact_phone": None}, True
            if "phone" in contact:
                return {"contact_email": "", "contact_phone": contact["phone"]}, True
            return None
        return None

    def extract_answer(self, question_id: str) -> tuple[dict, bool] | None:
        question = content.questions_for(self.conv).get(question_id)
        if question is None:
            return {"_answer": {"skipped": True}}, True
        option = (
            question.option(self.msg.entities["optie"]) if self.msg.entities.get("optie") else None
        )
        if option is not None:
            return {"_answer": {"option": option.id, "label": option.label}}, True
        text = self.text
        if not text or words.is_noise(text):
            return None
        said = words.normalize(text)
        matched = engine.match_option(question, text) or (
            engine.match_option(question, said) if said else None
        )
        if not matched and said and len(said.split()) <= 4:
            # "ja hoor", "hmm soms": a short reply that contains exactly one option's own words
            hits = {
                o.id
                for o in question.options
                for a in [o.label, *o.also]
                if re.search(rf"\b{re.escape(words.normalize(a))}\b", said)
            }
            matched = hits.pop() if len(hits) == 1 else None
        if not matched and (words.plain_yes(text) or words.plain_no(text)):
            matched = yes_no_option(question, yes=words.plain_yes(text))
        signals = engine.score_text(content.framework(), text) or understanding.speaks_about(
            text, engine.main_dimension(question)
        )
        if matched or signals:
            answer = {"text": text}
            if matched:
                answer["option"] = matched
            return {"_answer": answer}, True
        n_words = len(text.split())
        # "Nee, hebben we niet. We zijn maar met zes." is an answer with content; a short
        # "nee hoor" or "ja dat" is not (it gets the yes/no buttons again).
        if n_words >= 5 or (n_words >= 3 and not words.is_yes(text) and not words.is_no(text)):
            return {"_answer": {"text": text}}, False
        return None

    def accept(self, pending: str, values: dict) -> None:
        conv = self.conv
        if pending in (OPENING, "themes"):
            self.capture(values, pending)
            return
        if pending.startswith("q_"):
            conv.answer(pending, values["_answer"])
        elif pending in CONTACT_QUESTIONS:
            conv.dialogue.setdefault("contact_done", []).append(pending)
            for slot, value in values.items():
                conv.set(slot, value)
        else:
            for slot, value in values.items():
                conv.set(slot, value)
            if pending in ("company_size", "sector", "location"):
                guessed = conv.dialogue.get("guessed") or []
                if pending in guessed:
                    guessed.remove(pending)
                self.facts_in_passing(self.text, about_firm=True)
        if pending == "_new_place":
            conv.clear_pending()
            self.offer_coach()
            return
        self.advance()

    def capture(self, values: dict, pending: str) -> None:
        """The first worry: themes, the words themselves, and facts said in passing."""
        conv = self.conv
        conv.dialogue["themes_done"] = bool(values.get("themes")) or pending == "themes"
        if values.get("_other"):
            conv.dialogue["themes_done"] = False
            conv.phase = INTAKE
            self.ask("themes")
            return
        themes = values.get("themes") or []
        if themes:
            fw = content.framework()
            merged = [t for t in fw.themes if t in set(conv.themes) | set(themes)]
            conv.set("themes", merged)
        if values.get("_text"):
            conv.add_challenge(values["_text"])
            self.facts_in_passing(values["_text"], tentative=True)
        elif values.get("_label") and not conv.get("challenge"):
            conv.set("challenge", values["_label"])
        if themes:
            labels = ", ".join(content.framework().themes[t].label.lower() for t in conv.themes)
            self.out.append(
                Reply(
                    content.say(conv, "capture.ack")
                    + " "
                    + content.say(conv, "capture.ack_themes", themes=labels)
                )
            )
        elif pending == "themes" and values.get("_text"):
            self.say("capture.ack_own_words")
        if conv.phase == START:
            self.say("capture.plan")
            conv.phase = INTAKE
        self.advance()

    def facts_in_passing(
        self, text: str, tentative: bool = False, about_firm: bool = False
    ) -> None:
        """Company facts mentioned along the way ("12 man in Enschede"), for facts not yet known.

        ``about_firm``: the text answers a question about the company ("transport in Zwolle
        met 30 man" to the size question), so a sector word names the firm's own sector.

        Facts read from the first worry are ``tentative`` (``dialogue["guessed"]``): told
        about a worry, "ik ben 61" or "om mensen op te leiden" are easily misread. Facts
        told later, while answering about the company, replace such a guess.
        """
        conv = self.conv
        if not text:
            return
        guessed: list[str] = conv.dialogue.setdefault("guessed", [])

        def open_for(slot: str) -> bool:
            return conv.get(slot) is None or slot in guessed

        def guess(slot: str, value: Any) -> None:
            conv.set(slot, value)
            if tentative and slot not in guessed:
                guessed.append(slot)
            elif not tentative and slot in guessed:
                guessed.remove(slot)

        if open_for("company_size"):
            size = headcount.parse_company_size(text)
            if size:
                guess("company_size", size)
        if open_for("sector"):
            sector = (
                sectors.detect_sector(text)
                if about_firm
                else sectors.detect_sector_in_passing(text)
            )
            if sector:
                guess("sector", sector.label)
        if open_for("location"):
            place = place_values(text, in_passing=True)
            for slot, value in (place or {}).items():
                conv.set(slot, value)
            if place:
                guess("location", place["location"])

    def skip(self, pending: str, ack: bool, asked_for: bool = True) -> None:
        """Record ``pending`` as skipped, keeping what was said, and go on."""
        conv = self.conv
        kept = self.text if self.text and not words.is_skip(self.text) else None
        if ack and (pending in FACTS or pending in (OPENING, "themes") or pending.startswith("q_")):
            self.say("answer.skip_ack" if asked_for else "answer.skip_auto")
        if pending == OPENING:
            if kept:
                conv.add_challenge(kept)
            conv.phase = INTAKE
            self.ask("themes") if not conv.dialogue.get("themes_done") else self.advance()
            return
        if pending == "themes":
            conv.dialogue["themes_done"] = True
            if kept and len(kept.split()) >= 2:
                conv.add_challenge(kept)
        elif pending in ("company_size", "sector"):
            conv.set(pending, UNKNOWN)
        elif pending == "location":
            conv.set("location", self.place_text() or UNKNOWN)
            conv.set(
                "region",
                conv.get("region") or self.env.link.get("region") or content.regions().fallback.id,
            )
        elif pending == "region":
            options = conv.get("region_options") or []
            conv.set("region", options[0] if options else content.regions().fallback.id)
        elif pending.startswith("q_"):
            value: dict[str, bool | str] = {"skipped": True}
            if kept:
                value["text"] = kept
            conv.answer(pending, value)
        elif pending == "_new_place":
            conv.clear_pending()
            self.say("closing")
            conv.phase = ADVISED
            return
        elif pending in ("contact_name", "company_name"):
            conv.set(pending, None)
            conv.dialogue.setdefault("contact_done", []).append(pending)
        elif pending == "contact_email":
            self.ask("_contact_retry")
            return
        elif pending in ("consent", "other_place"):
            self.on_consent_no(quiet=pending == "consent")
            return
        elif pending == "_contact_retry":
            self.drop_handoff()
            return
        elif pending == "readback":
            conv.clear_pending()
            conv.dialogue["held"] = True
            conv.phase = ADVISED
            self.say("readback.held")
            return
        self.advance()

    # ---- what comes next ------------------------------------------------------------
    def start_intake(self) -> None:
        self.conv.phase = INTAKE
        self.advance()

    def advance(self) -> None:
        conv = self.conv
        if conv.phase in (START, INTAKE):
            conv.phase = INTAKE
            nxt = self.next_intake_question()
            if nxt is None:
                self.finish_intake()
            else:
                self.ask(nxt)
            return
        if conv.phase == CONTACT:
            done = conv.dialogue.setdefault("contact_done", [])
            for slot in CONTACT_QUESTIONS:
                if slot not in done:
                    self.ask(slot)
                    return
            self.read_back()
            return
        self.after()

    def next_intake_question(self) -> str | None:
        conv = self.conv
        if not conv.themes and not conv.dialogue.get("themes_done"):
            return "themes"
        for slot in ("company_size", "sector", "location"):
            if conv.get(slot) is None:
                return slot
        if conv.get("region") is None and conv.get("region_options"):
            return "region"
        questions = content.questions_for(conv)
        return engine.next_question(
            content.framework(),
            conv.themes,
            advice.evidence_answers(conv),
            max_questions=content.max_questions(),
            questions=list(questions.values()),
            read_text=understanding.score_answer,
        )

    def finish_intake(self) -> None:
        conv = self.conv
        conv.clear_pending()
        if not conv.get("region"):
            conv.set("region", self.env.link.get("region") or content.regions().fallback.id)
        self.out.extend(advice.summary(conv))
        conv.set("summary_shown", True)
        handoff.record_usage("samenvatting", conv.get("region"), conv.get("source"))
        self.offer_coach()

    def offer_coach(self) -> None:
        conv = self.conv
        earlier = handoff.earlier_handoff(conv, self.env.conversation_id)
        if earlier:  # one handoff per conversation: no consent asked, no details collected
            conv.clear_pending()
            conv.phase = ADVISED
            self.say("limit.one_handoff", reference=earlier)
            return
        conv.phase = CONSENT
        if content.coach_of(conv) is None:
            if conv.dialogue.get(
                "other_place_tried"
            ):  # asked once: point to the desk, do not ask again
                conv.clear_pending()
                conv.phase = ADVISED
                self.say("coach_offer.no_coach_again")
                return
            conv.dialogue["other_place_tried"] = True
            self.say("coach_offer.no_coach")
            self.ask("other_place")
            return
        self.ask("consent")

    # ---- asking -----------------------------------------------------------------------
    def ask(self, pending: str, again: bool = False) -> None:
        """Put the question ``pending`` to the entrepreneur (and remember it is open)."""
        conv = self.conv
        if conv.asking(pending) > 2:  # a question is never asked a third time in a row
            conv.dialogue["attempts"] = 2
            self.skip(pending, ack=True, asked_for=False)
            return
        say = lambda key, **kw: content.say(conv, key, **kw)  # noqa: E731
        skip_button = button(say("button.skip"), "/weet_niet")
        yes_no = [button(say("button.yes"), "/bevestigen"), button(say("button.no"), "/ontkennen")]
        if pending == OPENING:
            if again:
                self.out.append(Reply(say("opening.again"), content_theme_buttons(conv)))
            else:
                self.out.append(Reply(say("greeting")))
                self.out.append(Reply(say("greeting.hint"), content_theme_buttons(conv)))
        elif pending == "themes":
            self.out.append(
                Reply(say("ask.themes"), content_theme_buttons(conv, include_other=False))
            )
        elif pending in ("company_size", "sector", "location"):
            self.out.append(Reply(say(f"ask.{pending}"), [skip_button]))
        elif pending == "region":
            options = [
                r for r in (content.regions().get(i) for i in conv.get("region_options") or []) if r
            ]
            buttons = [button(r.name, f'/vertellen{{"regio":"{r.id}"}}') for r in options] + [
                skip_button
            ]
            self.out.append(Reply(say("ask.region", place=conv.get("location") or ""), buttons))
        elif pending.startswith("q_"):
            question = content.questions_for(conv).get(pending)
            if question is None:  # the region dropped it meanwhile
                conv.answer(pending, {"skipped": True})
                self.advance()
                return
            buttons = [button(o.label, f'/vertellen{{"optie":"{o.id}"}}') for o in question.options]
            if not any(o.id == "weet_niet" or "weet" in o.label.lower() for o in question.options):
                buttons.append(button(say("button.dont_know"), "/weet_niet"))
            self.out.append(Reply(content.question_text(conv, question), buttons))
        elif pending == "consent":
            coach = content.coach_of(conv)
            if coach is None:  # offer_coach asks for consent only when the region has a coach
                raise RuntimeError(f"consent asked without a coach (region {conv.get('region')!r})")
            if not again:
                self.out.append(
                    Reply(
                        say(
                            "coach_offer",
                            coach_role=content.coach_role(coach),
                            coach_name=coach.name,
                            coach_org=coach.organisation,
                        )
                    )
                )
                self.out.append(
                    Reply(
                        handoff.consent_question(conv),
                        [
                            button(say("button.yes_coach"), "/bevestigen"),
                            button(say("button.no_coach"), "/ontkennen"),
                            button(say("button.consent_details"), "/vraag_privacy"),
                        ],
                    )
                )
            else:
                self.out.append(
                    Reply(
                        say("consent.again", coach_name=coach.name),
                        [
                            button(say("button.yes_coach"), "/bevestigen"),
                            button(say("button.no_coach"), "/ontkennen"),
                        ],
                    )
                )
        elif pending == "other_place":
            self.out.append(Reply(say("coach_offer.other_place"), yes_no))
        elif pending == "_new_place":
            self.out.append(Reply(say("ask.location"), [skip_button]))
        elif pending in CONTACT_QUESTIONS:
            self.out.append(Reply(say(f"ask.{pending}")))
        elif pending == "_contact_retry":
            self.out.append(Reply(say("contact.retry"), yes_no))
        elif pending == "readback":
            coach = content.coach_of(conv)
            intro = say(
                "readback.intro",
                coach_name=coach.name if coach else "",
                coach_org=coach.organisation if coach else "",
            )
            self.out.append(
                Reply(
                    intro
                    + "\n"
                    + "\n".join(handoff.contact_lines(conv))
                    + "\n\n"
                    + say("readback.question"),
                    [
                        button(say("button.send"), "/bevestigen"),
                        button(say("button.change"), "/ontkennen"),
                    ],
                )
            )

    # ------------------------------------------------------------------ side questions
    def answer_detour(self, intent: str, pending: str | None) -> None:
        conv = self.conv
        question = content.questions_for(conv).get(pending) if pending else None
        if intent == "vraag_uitleg" and question is not None:
            dim_id = max(question.dimensions, key=question.dimensions.__getitem__)
            dim = content.framework().dimensions[dim_id]
            self.say(
                "faq.vraag_uitleg_question",
                dimension=dim.label.lower(),
                explanation=dim.explanation,
            )
        else:
            self.say(f"faq.{intent}")

    # ------------------------------------------------------------------ consent and contact
    def on_consent(self) -> None:
        conv = self.conv
        pending = conv.pending or "consent"
        if pending == "_new_place":
            if self.is_no() or (self.is_skip() and not self.msg.from_button):
                self.skip("_new_place", ack=False)
            else:
                self.on_question()
            return
        # Consent is only ever an explicit yes; for "look elsewhere?" wanting a coach will do.
        yes = self.is_yes() or (
            pending == "other_place"
            and not self.detour()
            and (self.intent() == "wil_mens" or bool(_COACH_WORDS.search(self.text)))
        )
        if yes and pending == "consent":
            if content.coach_of(conv) is None:  # never collect details nobody would receive
                self.offer_coach()
                return
            handoff.record_consent(conv)
            self.say("consent.yes_ack")
            conv.phase = CONTACT
            conv.dialogue["contact_done"] = []
            self.ask("contact_name")
            return
        if yes and pending == "other_place":
            self.ask("_new_place")
            return
        if self.is_no():
            self.on_consent_no()
            return
        if (
            pending == "consent"
            and self.detour() == "vraag_privacy"
            and not conv.dialogue.get("consent_details")
        ):
            # "wat geef je door?": the details, then the question again (no attempt used up)
            conv.dialogue["consent_details"] = True
            coach = content.coach_of(conv)
            self.out.append(Reply(handoff.consent_details_of(conv)))
            self.say(
                "consent.again",
                [
                    button(content.say(conv, "button.yes_coach"), "/bevestigen"),
                    button(content.say(conv, "button.no_coach"), "/ontkennen"),
                ],
                coach_name=coach.name if coach else "",
            )
            return
        if pending == "other_place":  # a place typed straight away
            got = self.extract("_new_place")
            if got is not None:
                conv.asking("_new_place")
                self.accept("_new_place", got[0])
                return
        self.neither_yes_nor_no("answer.yes_no")

    def neither_yes_nor_no(self, hint_key: str) -> None:
        """A reply to a yes/no question that is neither: leave (confirmed), a side question, or once more."""
        leaving = self.leaving()
        if leaving:
            self.confirm(leaving)
            return
        detour = self.detour()
        if detour:
            self.answer_detour(detour, None)
        elif self.conv.attempts < 2:
            self.say(hint_key)
        self.reask_or_skip()

    def on_consent_no(self, quiet: bool = False) -> None:
        conv = self.conv
        if conv.pending == "consent" or quiet:
            handoff.refuse_consent(conv)
            self.say("consent.no" if not quiet else "consent.not_now")
        conv.clear_pending()
        conv.phase = ADVISED
        self.say("closing")

    def drop_handoff(self) -> None:
        conv = self.conv
        handoff.refuse_consent(conv)
        conv.clear_pending()
        conv.phase = ADVISED
        self.say("contact.dropped")

    def read_back(self) -> None:
        self.conv.phase = READBACK
        self.ask("readback")

    def on_readback(self) -> None:
        conv = self.conv
        if self.is_yes():
            self.submit()
            return
        if self.is_no():
            self.say("correct.ack")
            for slot in PERSONAL_SLOTS:  # the consent itself stays
                conv.set(slot, None)
            conv.phase = CONTACT
            conv.dialogue["contact_done"] = []
            self.ask("contact_name")
            return
        self.neither_yes_nor_no("readback.unclear")

    def submit(self) -> None:
        conv = self.conv
        coach = content.coach_of(conv)
        try:
            reference = handoff.submit(conv, self.env.conversation_id, self.env.transcript)
        except HandoffLimitReached as refused:
            conv.clear_pending()
            handoff.refuse_consent(conv)  # nothing was queued: their details go
            conv.phase = ADVISED
            if refused.reason == "conversation":
                self.say("limit.one_handoff", reference=refused.reference)
            else:
                self.say("limit.contact", contact=handoff.region_contact(conv))
            return
        conv.clear_pending()
        if reference is None or coach is None:
            handoff.refuse_consent(conv)
            conv.phase = ADVISED
            self.say("consent.no")
            return
        region = content.region_of(conv)
        conv.phase = HANDED_OFF
        conv.dialogue.pop("held", None)
        self.say(
            "submit.done",
            reference=reference,
            coach_name=coach.name,
            office_hours=coach.office_hours or region.office_hours or "op werkdagen",
        )

    # ------------------------------------------------------------------ after the advice
    def after(self) -> None:
        """Advice given (and maybe handed off): answer, offer the coach again, never replay unasked."""
        conv = self.conv
        intent = self.intent()
        handed_off = conv.phase == HANDED_OFF
        if conv.dialogue.get("offer_again") and self.is_yes():
            conv.dialogue.pop("offer_again", None)
            self.offer_coach()
            return
        conv.dialogue.pop("offer_again", None)
        leaving = self.leaving()
        if leaving in ("restart", "withdraw"):
            self.confirm(leaving)
            return
        if leaving == "stop":
            self.say("faq.afscheid")
            return
        if _SUMMARY_AGAIN.search(self.text) or self.msg.entities.get("actie") == "samenvatting":
            self.out.extend(advice.summary(conv))
            return
        if conv.dialogue.get("held") and (_SEND_WORDS.search(self.text) or self.is_yes()):
            conv.dialogue.pop("held", None)
            self.read_back()
            return
        detour = self.detour()
        wants_coach = intent == "wil_mens" or (bool(_COACH_WORDS.search(self.text)) and not detour)
        if wants_coach:
            if handed_off:
                coach = content.coach_of(conv)
                self.say(
                    "after.already_sent",
                    reference=conv.get("handoff_reference") or "",
                    coach_name=coach.name if coach else "de coach",
                )
            else:
                self.offer_coach()
            return
        if detour:
            self.answer_detour(detour, None)
            return
        noted = bool(self.text) and bool(
            understanding.detect_themes(content.framework(), self.text)
        )
        if noted and not handed_off:
            conv.add_challenge(self.text)
        n = int(conv.dialogue.get("after_n") or 0)
        conv.dialogue["after_n"] = n + 1
        say = lambda key, **kw: content.say(conv, key, **kw)  # noqa: E731
        if handed_off:
            text = content.say_variant(
                conv, "after.handed_off", n, reference=conv.get("handoff_reference") or ""
            )
            buttons = [
                button(say("button.tips_again"), '/vertellen{"actie":"samenvatting"}'),
                button(say("button.restart"), "/opnieuw"),
            ]
        else:
            text = content.say_variant(conv, "after.noted" if noted else "after.advised", n)
            buttons = [
                button(say("button.coach"), "/bevestigen"),
                button(say("button.restart"), "/opnieuw"),
            ]
            conv.dialogue["offer_again"] = True
        self.out.append(Reply(text, buttons))

    # ------------------------------------------------------------------ leaving, safely
    def confirm(self, what: str) -> None:
        conv = self.conv
        conv.dialogue["confirm"] = what
        say = lambda key: content.say(conv, key)  # noqa: E731
        self.out.append(
            Reply(
                say(f"confirm.{what}"),
                [
                    button(say(f"button.confirm_{what}"), "/bevestigen"),
                    button(say("button.go_on"), "/ontkennen"),
                ],
            )
        )

    def on_confirm(self) -> bool:
        """Handle the reply to a confirmation; False when the message is something else entirely."""
        conv = self.conv
        what = conv.dialogue.pop("confirm")
        if self.is_yes():
            self.do(what)
            return True
        if self.is_no():
            self.say("confirm.cancelled")
            self.continue_where_we_were()
            return True
        return False  # not an answer to the confirmation: take it as a normal message

    def continue_where_we_were(self) -> None:
        conv = self.conv
        if conv.pending:
            self.reask_or_skip()
        elif conv.phase in (START, INTAKE, CONTACT):
            self.advance()

    def do(self, what: str) -> None:
        conv = self.conv
        if what == "restart":
            self.forget_everything()
            self.say("restart")
            self.ask(OPENING)
        elif what == "stop":
            conv.dialogue["resume"] = {"phase": conv.phase, "pending": conv.pending}
            if conv.phase != HANDED_OFF:  # nothing personal is kept for a coach after a stop
                conv.forget_personal()
                conv.set("handoff_consent", None)
            conv.clear_pending()
            conv.phase = STOPPED
            self.say("stop")
        elif what == "withdraw":
            result = handoff.withdraw_all(conv, self.env.conversation_id)
            self.forget_everything()
            if result.found:
                self.say("withdraw.done", reference=", ".join(result.references))
            else:
                self.say("withdraw.nothing")
            conv.phase = START
            conv.asking(OPENING)

    def forget_everything(self) -> None:
        """Everything said in the chat goes; what came with the link (checked) stays."""
        conv = self.conv
        counted = conv.dialogue.get("limits")
        for slot in STATE_SLOTS:
            if slot not in LINK_SLOTS:
                conv.slots[slot] = None
        conv.answers.clear()
        conv.slots["dialogue"] = {"phase": START}
        if counted:  # starting over does not reset the message limits
            conv.dialogue["limits"] = counted
        if self.env.link.get("region"):
            conv.set("region", self.env.link["region"])

    def resume(self) -> None:
        conv = self.conv
        if self.leaving() == "stop":  # still stopped: nothing to confirm
            self.say("faq.afscheid")
            return
        state = conv.dialogue.pop("resume", None) or {}
        conv.phase = state.get("phase") or START
        if conv.phase in (CONTACT, READBACK):  # their details were forgotten at the stop
            conv.phase = ADVISED if conv.get("summary_shown") else INTAKE
            state["pending"] = None
        self.say("resume")
        conv.dialogue.update(pending=state.get("pending"), attempts=0)
        if (
            self.is_yes()
            or words.is_noise(self.text)
            or self.intent() == "groeten"
            or not self.msg.text
        ):
            if conv.pending:
                self.ask(conv.pending)
            elif conv.phase in (START, INTAKE):
                self.advance()
            elif conv.phase == ADVISED:  # stopped while giving details: offer the coach again
                self.offer_coach()
            else:
                self.after()
            return
        self.run()


def place_values(text: str, in_passing: bool = False) -> dict | None:
    """Slot values for the place in ``text``, or None. An ambiguous place leaves the region to
    ask; said in passing, it counts only when a place name (not just the words) was found."""
    found = resolve_place(text, content.regions()) if text else None
    if found is None:
        return None
    if found.status == "found":
        return {
            "location": found.place or found.postcode,
            "region": found.region_ids[0],
            "region_options": None,
        }
    if found.status == "ambiguous" and (found.place or not in_passing):
        return {
            "location": found.place or text[:60],
            "region": None,
            "region_options": found.region_ids,
        }
    return None


def yes_no_option(question: Question, yes: bool) -> str | None:
    """For a question whose first answer starts with "Ja": a bare yes is that answer, a bare
    no the last real one (answers run from most to least, see bot/framework/questions.yml)."""
    real = [o for o in question.options if o.scores]
    if not real or not real[0].label.lower().startswith("ja"):
        return None
    return real[0].id if yes else real[-1].id


def content_theme_buttons(conv: Conversation, include_other: bool = True) -> list[dict]:
    buttons = [
        button(t.button, f'/vertellen{{"thema":"{t.id}"}}')
        for t in content.framework().themes.values()
    ]
    if include_other:
        buttons.append(button(content.say(conv, "button.other"), '/vertellen{"thema":"anders"}'))
    return buttons
