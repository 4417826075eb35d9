"""What short replies mean: yes, no, "skip", noise. One owner for these word lists.

Intent classification of one- or two-word messages is unreliable ("Utrecht" once
came out as 'start over'), so short replies are read by these lists first.
"""

from __future__ import annotations

import re
import unicodedata

_FILLERS = {
    "hmm",
    "hm",
    "hmmm",
    "eh",
    "ehm",
    "euh",
    "uh",
    "uhm",
    "nou",
    "tja",
    "mwah",
    "mja",
    "nja",
    "ehh",
    "hmmmm",
}

YES = {
    "ja",
    "jaa",
    "jaaa",
    "jah",
    "jep",
    "jup",
    "jawel",
    "yes",
    "yep",
    "ok",
    "oke",
    "okee",
    "okay",
    "okey",
    "oké",
    "prima",
    "goed",
    "zeker",
    "klopt",
    "graag",
    "akkoord",
    "top",
    "prima hoor",
    "ja hoor",
    "ja graag",
    "ja prima",
    "ja zeker",
    "doe maar",
    "ja doe maar",
    "is goed",
    "dat is goed",
    "ja klopt",
    "klopt helemaal",
    "zeker weten",
    "ja is goed",
    "sure",
    "ok prima",
    "oke prima",
    "ja natuurlijk",
    "natuurlijk",
    "ja dat mag",
    "mag",
    "dat mag",
    "mag wel",
    "jazeker",
    "ja zeker weten",
    "ja hoor prima",
    "yes please",
    "versturen",
    "ja versturen",
    "verstuur maar",
    "stuur maar",
    "ja stuur maar",
    "👍",
    "👌",
}
NO = {
    "nee",
    "neen",
    "neee",
    "neeee",
    "nope",
    "no",
    "nah",
    "nee hoor",
    "nee dank je",
    "nee dank u",
    "nee bedankt",
    "nee dankje",
    "nee dankjewel",
    "liever niet",
    "hoeft niet",
    "niet nodig",
    "nee hoeft niet",
    "no thanks",
    "nee liever niet",
    "niet doen",
    "nee niet doen",
    "nog niet",
    "nee nog niet",
    "nee joh",
    "👎",
}
# Said instead of an answer: the question is skipped, politely and at once.
SKIP = {
    "sla over",
    "sla maar over",
    "sla het over",
    "sla die over",
    "sla deze over",
    "skip",
    "overslaan",
    "pas",
    "weet niet",
    "weet ik niet",
    "ik weet het niet",
    "weet ik eigenlijk niet",
    "geen idee",
    "geen flauw idee",
    "volgende",
    "volgende vraag",
    "door",
    "ga door",
    "ga maar door",
    "liever niet",
    "dat zeg ik liever niet",
    "zeg ik liever niet",
    "gaat je niks aan",
    "gaat je niets aan",
    "geen antwoord",
    "geen zin",
    "laat maar",
    "weet ik veel",
    "geen commentaar",
    "i don't know",
    "dont know",
    "don't know",
    "no idea",
    "idk",
    "wn",
    "lastig te zeggen",
    "moeilijk te zeggen",
    "nooit over nagedacht",
    "daar heb ik nooit over nagedacht",
    "dat weet ik niet",
    "dat weet ik niet precies",
    "geen idee eigenlijk",
    "weet ik niet precies",
    "nvt",
    "n.v.t.",
}
# Words that never answer anything on their own.
NOISE = {
    "test",
    "testen",
    "lol",
    "haha",
    "hahaha",
    "x",
    "xx",
    "xxx",
    "hoi",
    "hallo",
    "hey",
    "hee",
    "hi",
    "hello",
    "?",
    "asdf",
    "asdfgh",
    "qwerty",
    "ok?",
    "huh",
    "wat",
    "what",
    "bla",
    "blabla",
    "aha",
    "ah",
    "oh",
    "oja",
}


def normalize(text: str) -> str:
    """Lower case, accents kept, punctuation and fillers dropped, spaces collapsed."""
    text = unicodedata.normalize("NFC", text or "").lower()
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"[^\w\s'@+👍👌👎-]", " ", text)
    words = [w for w in text.split() if w not in _FILLERS]
    return " ".join(words).strip(" '-")


def _starts_with(said: str, phrases: set[str], max_words: int) -> bool:
    words = said.split()
    if len(words) > max_words:
        return False
    return any(said == p or said.startswith(p + " ") for p in phrases)


def is_yes(text: str) -> bool:
    said = normalize(text)
    if not said or is_no(text):
        return False
    return said in YES or _starts_with(
        said,
        {
            "ja",
            "jawel",
            "ok",
            "oke",
            "prima",
            "graag",
            "zeker",
            "goed",
            "yes",
            "jep",
            "klopt",
            "doe maar",
            "akkoord",
        },
        6,
    )


_NO_PHRASE = re.compile(
    r"\b(geen coach|toch niet|toch maar niet|hoeft (toch )?niet|laat (maar )?zitten|"
    r"geen contact|niet meer nodig|geen behoefte|niet nodig)\b"
)


def is_no(text: str) -> bool:
    said = normalize(text)
    if not said:
        return False
    if len(said.split()) <= 8 and _NO_PHRASE.search(said):
        return True
    return said in NO or _starts_with(
        said,
        {
            "nee",
            "neen",
            "neee",
            "nope",
            "no",
            "liever niet",
            "hoeft niet",
            "niet nodig",
            "nee dank",
            "nee bedankt",
            "nog niet",
        },
        14,
    )


def is_skip(text: str) -> bool:
    said = normalize(text)
    return (
        said in SKIP
        or bool(re.match(r"^(sla|skip|weet (ik )?(het )?niet|geen idee)\b", said))
        and len(said.split()) <= 6
    )


def says_nothing(text: str) -> bool:
    """No answer to an open question: noise, a bare yes or no, or a skip."""
    return is_noise(text) or is_yes(text) or is_no(text) or is_skip(text)


def is_noise(text: str) -> bool:
    """No usable words at all: emoji, punctuation, a greeting, a test."""
    said = normalize(text)
    if not re.search(r"[a-z0-9à-ÿ]", said):
        return True
    return said in NOISE


_PLAIN_YES = {
    "ja",
    "jaa",
    "jaaa",
    "jawel",
    "jazeker",
    "zeker",
    "jep",
    "jup",
    "yes",
    "ja hoor",
    "ja zeker",
    "ja eigenlijk wel",
    "eigenlijk wel",
    "ja wel",
    "jazeker wel",
    "ja best wel",
    "klopt",
    "jawel hoor",
    "jazeker hoor",
    "ja zeker wel",
    "zeker wel",
    "zeker weten",
    "absoluut",
    "tuurlijk",
    "natuurlijk",
    "ja tuurlijk",
    "ja natuurlijk",
}
_PLAIN_NO = {
    "nee",
    "neen",
    "neee",
    "nope",
    "no",
    "nee hoor",
    "nee eigenlijk niet",
    "eigenlijk niet",
    "niet echt",
    "nauwelijks",
    "nee niet echt",
    "nee nooit",
    "nooit",
    "nee helaas",
    "helaas niet",
    "nou nee",
    "nou nee niet echt",
    "welnee",
    "nee joh",
    "zeker niet",
    "absoluut niet",
    "niet bepaald",
}


def plain_yes(text: str) -> bool:
    """A bare "ja" as the answer to a yes/no-shaped question (not "ok", which only acknowledges)."""
    return normalize(text).strip(" !.") in _PLAIN_YES


def plain_no(text: str) -> bool:
    return normalize(text).strip(" !.") in _PLAIN_NO
