"""How many people work in a firm, read from free text, and the firm's size class.

Entrepreneurs answer "hoe groot is je bedrijf?" the way they talk: "een stuk of 12",
"ik en 3 jongens", "met z'n vijven", "2 vennoten en 6 man personeel", "tussen de 10
en 20". :func:`parse_company_size` turns that into one headcount, ignoring numbers that
are clearly something else (years, postcodes, hours, euros, percentages, ages).
:func:`size_class` is the one definition of the size classes (``SIZE_CLASSES``); the
lever steps in ``bot/framework/levers.yml`` are tagged with the same names.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

from bot.language import normalize

__all__ = [
    "MAX_HEADCOUNT",
    "SIZE_CLASSES",
    "dutch_number",
    "parse_company_size",
    "size_class",
]

MAX_HEADCOUNT = 100_000
# EU size classes by headcount, smallest first: micro <10, klein 10-49, middel 50-249, groot 250+.
SIZE_CLASSES = ("micro", "klein", "middel", "groot")

# ---------------------------------------------------------------------------
# Dutch number words
# ---------------------------------------------------------------------------

_UNITS = {
    "een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5,
    "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
}  # fmt: skip
_TEENS = {
    "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "zestien": 16, "zeventien": 17, "achttien": 18, "achtien": 18, "negentien": 19,
}  # fmt: skip
_TENS = {
    "twintig": 20, "dertig": 30, "veertig": 40, "viertig": 40, "vijftig": 50,
    "zestig": 60, "zeventig": 70, "tachtig": 80, "tachentig": 80, "negentig": 90,
}  # fmt: skip
_MULTIPLIERS = ("honderd", "duizend")


def _below_100(word: str) -> int | None:
    """0 < n < 100 from one Dutch word ('drieentwintig' -> 23), else None."""
    for table in (_UNITS, _TEENS, _TENS):
        if word in table:
            return table[word]
    for tens_word, tens in _TENS.items():
        if word.endswith(tens_word):
            head = word[: -len(tens_word)]
            if head.endswith("en") and head[:-2] in _UNITS:
                return _UNITS[head[:-2]] + tens
    return None


def _below_1000(word: str) -> int | None:
    if "honderd" not in word:
        return _below_100(word)
    head, _, tail = word.partition("honderd")
    factor = 1 if not head else _below_100(head)
    if factor is None:
        return None
    if not tail:
        return factor * 100
    rest = _below_100(tail)
    if rest is None and tail.startswith("en"):
        rest = _below_100(tail[2:])
    return None if rest is None else factor * 100 + rest


def dutch_number(word: str) -> int | None:
    """Value of a Dutch number word up to 999 999 ('honderdtwintig' -> 120), else None.

    Accents must already be stripped (``normalize``): 'tweeënveertig' is 'tweeenveertig'.
    The word 'een' parses as 1; callers decide whether an article is meant.
    """
    word = word.replace("-", "")
    if not word or not word.isalpha():
        return None
    if "duizend" in word:
        head, _, tail = word.partition("duizend")
        factor = 1 if not head else _below_1000(head)
        if tail.startswith("en") and _below_1000(tail) is None:
            tail = tail[2:]  # 'duizendenvijftig'
        rest = _below_1000(tail) if tail else 0
        if factor is None or rest is None:
            return None
        return factor * 1000 + rest
    return _below_1000(word)


def _collective_number(word: str) -> int | None:
    """'vijven' -> 5, 'tweeen' -> 2, 'zessen' -> 6, 'twaalven' -> 12 (as in 'met z'n vijven')."""
    if not word.endswith("en") or len(word) < 5:
        return None
    base = word[:-2]
    candidates = [base]
    if base.endswith("v"):
        candidates.append(base[:-1] + "f")
    if len(base) > 2 and base[-1] == base[-2]:
        candidates.append(base[:-1])
    for cand in candidates:
        value = dutch_number(cand)
        if value is not None and cand != "een":
            return value
    return None


# ---------------------------------------------------------------------------
# Word lists for the size parser (normalised: lower case, no accents)
# ---------------------------------------------------------------------------

# Words that say "these are people working here" after (or right before) a number.
_PEOPLE_EXACT = frozenset(
    """
    man mannen mensen mensjes personen persoon medewerker medewerkers medewerksters
    werknemer werknemers werkneemsters personeel personeelsleden teamleden fte ftes
    jongens meiden meisjes dames heren kerels koppen zielen collega collegas
    kracht krachten vakman vakmensen vaklui vaklieden lui lieden monteur monteurs
    mw mdw mdws medew vennoot vennoten eigenaar eigenaren eigenaars partners
    compagnons oprichters directeuren stagiair stagiairs stagiaires zzpers
    chauffeurs timmerlieden timmermannen schilders loodgieters elektriciens
    installateurs kappers kapsters koks obers verpleegkundigen verzorgenden
    begeleiders leidsters docenten leraren programmeurs developers ontwikkelaars
    adviseurs accountants consultants bouwvakkers arbeiders operators schoonmakers
    verkopers verkoopsters bezorgers hoveniers bakkers slagers lassers stukadoors
    metselaars dakdekkers tegelzetters fulltimers parttimers uitzendkrachten
    oproepkrachten flexkrachten flexwerkers invalkrachten
    """.split()
)
# Compound endings that make a word a people word ('cvmonteurs', 'bouwplaatsmedewerkers').
_PEOPLE_SUFFIXES = (
    "medewerker", "medewerkers", "werknemers", "mensen", "personeel", "krachten",
    "monteurs", "monteur", "werkers", "collegas", "vakmensen", "leden", "timmerlieden",
)  # fmt: skip
# Words that may sit between a number and its people word: '12 vaste medewerkers'.
_SKIP_BEFORE_NOUN = frozenset(
    """
    vaste vast fulltime parttime eigen ervaren goede jonge fijne flexibele flex tijdelijke
    echte betaalde losse externe interne technische extra allround hele
    """.split()
)
# A number directly followed by one of these is not a headcount.
_UNIT_WORDS = frozenset(
    """
    jaar jaren jaartje jr jaarr uur uren u euro eur euros procent pct k m mln miljoen
    miljard km kilometer meter m2 vierkante minuten min dagen dag weken week maanden
    maand keer x kg kilo ton liter graden cent cm mm stuks seconden sec kwartier
    vestiging vestigingen locaties filialen winkels
    """.split()
)
# A number right after one of these is not a headcount ('sinds 1998', '€ 50', 'om 9').
_EXCLUDE_AFTER = frozenset(
    "€ $ sinds sedert vanaf nr nummer huisnummer om tel telefoon kvk postcode eur euro".split()
)
# Words that may follow a bare headcount ('we zijn met 12 in totaal').
_FOLLOW_OK = frozenset(
    """
    en of in op bij maar dus nu inmiddels momenteel totaal ongeveer ofzo ofzoiets zo rond
    met man zijn werken hebben lopen rondlopen erbij er die dat wat waarvan waaronder hier
    daar actief werkzaam sterk groot als is bij elkaar al ook inclusief incl exclusief excl
    alles allemaal samen tegenwoordig nog plus ruim ca
    """.split()
)
_CONNECTORS = frozenset({"en", "plus", "+", ",", "&", "nog", "daarnaast", "naast", "ook"})
_SUBSET_WORDS = frozenset("waarvan waaronder daarvan ervan wie inclusief incl daaronder".split())
_ADJECTIVE_ENDINGS = ("e", "isch", "ig", "lijk", "baar", "ren", "den")
# Words shortly before a number that say it is today's figure, a past one or a wish.
_CURRENT_MARKERS = frozenset(
    "nu inmiddels tegenwoordig momenteel gegroeid sindsdien intussen totaal".split()
)
_PAST_MARKERS = frozenset(
    "begonnen gestart startten begon startte vroeger toen destijds ooit waren was had hadden".split()
)
_FUTURE_MARKERS = frozenset(
    """
    willen wil straks doel ambitie volgend groeien uitbreiden verwachten hopen zoeken zoek
    vacature vacatures nodig aannemen werven extra erbij tekort missen kwijt
    """.split()
)
_LOWER_MODIFIERS = ("bijna", "nog geen", "net geen", "minder dan", "onder de", "krap")
_SELF_WORDS = frozenset({"ik", "ikzelf", "mezelf", "mijzelf", "mij"})
_POSSESSIVES = frozenset({"mijn", "mn", "een", "onze", "ons"})
_SINGLE_PERSON_WORDS = frozenset(
    """
    vrouw man echtgenote echtgenoot partner compagnon zakenpartner vennoot zoon dochter
    broer zus zwager vader moeder pa ma schoonzoon schoondochter neef nicht maat collega
    medewerker medewerkster werknemer knecht hulp stagiair stagiaire monteur vakman
    leerling oproepkracht vriendin vriend
    """.split()
)
_UNIT_FOLLOWERS = _CONNECTORS | {"met", "zelf", "samen", "erbij", "of"}
_COLLECTIVE_CONTEXT = frozenset({"zn", "z'n", "zijn", "ons", "onze", "hun", "wij", "we", "m'n"})
_ONE_PERSON = re.compile(
    r"\b(eenmanszaak|eenmansbedrijf|zzp|zzper|zzp'er|zelfstandige zonder personeel|"
    r"alleen ik|ik alleen|alleen mezelf|alleen mijzelf|alleen maar ik|in (mijn|m'n|mn) eentje|"
    r"op (mijn|m'n|mn) eentje|solo|(heb|hebben|heeft) (nog )?geen (personeel|medewerkers|werknemers)\b(?! (te )?(vinden|krijgen))|"
    r"geen (personeel|medewerkers|werknemers|mensen) in dienst|^\s*geen (personeel|medewerkers|werknemers)\s*$|"
    r"niemand in dienst|ik werk alleen|werk ik alleen)\b"
)
_POSTCODE_WORDS = frozenset(
    "en of in op te je we ze al nu zo er is om ik na ja nee tot af uw hij al de het".split()
)

_TOKEN_RE = re.compile(
    r"(?P<num>[0-9]+(?:[.,][0-9]+)*)(?:['-]?(?P<suffix>[a-z]+))?"
    r"|(?P<word>[a-z]+(?:'[a-z]+)*)"
    r"|(?P<sym>[+%€$/:,&\-])"
)


@dataclass
class _Tok:
    text: str
    value: float | None = None  # numeric value when the token is a number
    collective: bool = False  # 'vijven', '5en'
    approx_word: bool = False  # 'dozijn', 'tiental' (a number word that is also a noun)


def _digits_value(raw: str) -> float | None:
    if len(raw.replace(".", "").replace(",", "")) > 7:
        return None  # phone numbers, bank accounts, ids
    if len(raw) > 1 and raw[0] == "0" and raw[1].isdigit():
        return None  # '06', '030': phone or area codes
    if re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})+", raw):
        return float(raw.replace(".", ""))  # Dutch thousands separator: 1.200
    if re.fullmatch(r"[0-9]+(?:[.,][0-9]+)?", raw):
        return float(raw.replace(",", "."))
    return None


def _preprocess(text: str) -> str:
    # 'één' with accents is the number one; plain 'een' is almost always the article.
    text = re.sub(r"(?i)(?<!\w)(?:één|eén|éen)(?!\w)", " 1 ", html.unescape(text or ""))
    text = normalize(text)
    text = text.replace("±", " ongeveer ").replace("+/-", " ongeveer ").replace("+-", " ongeveer ")
    text = text.replace("–", "-").replace("—", "-")
    text = re.sub(r"\b24/7\b", " ", text)
    text = re.sub(r"\b[0-9]{1,2}[-/][0-9]{1,2}[-/][0-9]{2,4}\b", " ", text)  # dates
    text = re.sub(r"\b[0-9]{1,2}:[0-9]{2}\b", " ", text)  # clock times
    text = re.sub(r"\b[0-9]{4}[a-z]{2}\b", " ", text)  # postcode 7511ab

    def _postcode(match: re.Match[str]) -> str:
        return match.group(0) if match.group(2) in _POSTCODE_WORDS else " "

    text = re.sub(r"\b([0-9]{4}) ([a-z]{2})\b", _postcode, text)
    text = re.sub(r"([a-z])-(?=[a-z])", r"\1", text)  # 'cv-monteurs' -> 'cvmonteurs'
    text = re.sub(r"\bzo'?n\b", "zon", text)
    text = re.sub(r"\bz'?n\b", "zn", text)
    text = re.sub(r"\bm'?n\b", "mn", text)
    text = re.sub(r"(\w)'s\b", r"\1s", text)  # collega's -> collegas
    return text


def _tokenize(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN_RE.finditer(_preprocess(text)):
        if m.group("num"):
            value = _digits_value(m.group("num"))
            suffix = m.group("suffix") or ""
            if suffix in {"e", "de", "ste", "x"}:
                continue  # ordinals and multipliers: '2e', '3x'
            if suffix in {"tal"}:
                out.append(_Tok(m.group(0), value, approx_word=True))
                continue
            if suffix == "en":
                out.append(_Tok(m.group(0), value, collective=True))
                continue
            out.append(_Tok(m.group("num"), value))
            if suffix:
                out.append(_Tok(suffix))
        elif m.group("word"):
            out.append(_word_token(m.group("word")))
        else:
            out.append(_Tok(m.group("sym")))
    return _join_number_words(out)


def _word_token(word: str) -> _Tok:
    if word == "een":
        return _Tok(word)  # the article; never a headcount on its own
    if word == "dozijn":
        return _Tok(word, 12.0, approx_word=True)
    if word.endswith("tal") and (value := dutch_number(word[:-3])) is not None:
        return _Tok(word, float(value), approx_word=True)  # 'tiental', 'twintigtal'
    value = dutch_number(word)
    if value is not None:
        return _Tok(word, float(value))
    collective = _collective_number(word)
    if collective is not None:
        return _Tok(word, float(collective), collective=True)
    return _Tok(word)


def _join_number_words(toks: list[_Tok]) -> list[_Tok]:
    """Join 'twee honderd' and 'honderd vijftig' into one number token."""
    out: list[_Tok] = []
    for tok in toks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and tok.value is not None
            and prev.value is not None
            and prev.text.isalpha()
            and tok.text.isalpha()
            and not prev.collective
            and (prev.text.endswith(_MULTIPLIERS) or tok.text.startswith(_MULTIPLIERS))
        ):
            joined = dutch_number(prev.text + tok.text)
            if joined is not None:
                out[-1] = _Tok(prev.text + tok.text, float(joined))
                continue
        out.append(tok)
    return out


def _is_people_word(word: str) -> bool:
    return word in _PEOPLE_EXACT or (len(word) > 6 and word.endswith(_PEOPLE_SUFFIXES))


def _is_number(tok: _Tok | None) -> bool:
    return tok is not None and tok.value is not None and tok.text != "een"


# ---------------------------------------------------------------------------
# Headcount candidates
# ---------------------------------------------------------------------------

_STRONG = 3.0
_BARE = 1.5
_MIN_SCORE = 1.0


@dataclass
class _Candidate:
    start: int  # first token of the number (or range)
    end: int  # last token belonging to it (number, range end or people word)
    value: float
    score: float
    kind: str  # 'people', 'fte', 'bare' or 'unit' (a single named person such as 'ik')


def _range_end(toks: list[_Tok], i: int) -> int | None:
    """Index of the second number in '10-15', '10 tot 15', '5 a 6', '10 of 12', else None."""
    j = i + 1
    if j < len(toks) and toks[j].text in {"-", "tot", "a", "of", "/"}:
        k = j + 1
        if k < len(toks) and toks[k].text == "en" and toks[j].text == "tot":
            k += 1  # 'tot en met'
        if k < len(toks) and _is_number(toks[k]):
            low, high = toks[i].value, toks[k].value
            if low is not None and high is not None and 0 < low < high <= 10 * low:
                return k
    return None


def _tussen_range(toks: list[_Tok], i: int) -> int | None:
    """'tussen (de) 10 en 20' with the first number at i."""
    back = [t.text for t in toks[max(0, i - 2) : i]]
    if "tussen" not in back:
        return None
    j = i + 1
    if j + 1 < len(toks) and toks[j].text == "en" and _is_number(toks[j + 1]):
        low, high = toks[i].value, toks[j + 1].value
        if low is not None and high is not None and 0 < low < high <= 10 * low:
            return j + 1
    return None


def _words_before(toks: list[_Tok], i: int, n: int) -> list[str]:
    return [t.text for t in toks[max(0, i - n) : i]]


def _number_candidates(toks: list[_Tok]) -> list[_Candidate]:
    cands: list[_Candidate] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if not _is_number(tok):
            i += 1
            continue
        cand = _score_number(toks, i)
        if cand is not None:
            cands.append(cand)
            i = cand.end + 1
        else:
            i += 1
    return cands


def _score_number(toks: list[_Tok], i: int) -> _Candidate | None:
    tok = toks[i]
    assert tok.value is not None
    prev = toks[i - 1].text if i > 0 else ""
    if prev in _EXCLUDE_AFTER or (prev == "-" and i > 1 and _is_number(toks[i - 2])):
        return None
    last = _range_end(toks, i) or _tussen_range(toks, i) or i
    value = tok.value if last == i else (tok.value + (toks[last].value or 0)) / 2
    is_year = tok.text.isdigit() and len(tok.text) == 4 and 1900 <= tok.value <= 2100

    # Look forward: skip adjectives and a '+' ('50+ man'), then classify the next word.
    j = last + 1
    skipped = 0
    while (
        j < len(toks)
        and skipped < 2
        and (
            toks[j].text in _SKIP_BEFORE_NOUN
            or (toks[j].text == "+" and not _is_number(toks[j + 1] if j + 1 < len(toks) else None))
        )
    ):
        j += 1
        skipped += 1
    if (
        j + 1 < len(toks)
        and not _is_people_word(toks[j].text)
        and toks[j].text.endswith(_ADJECTIVE_ENDINGS)
        and _is_people_word(toks[j + 1].text)
    ):
        j += 1  # '12 pedagogisch medewerkers', '8 ervaren monteurs'
    nxt = toks[j].text if j < len(toks) else ""
    after = " ".join(t.text for t in toks[j : j + 3])

    kind = "bare"
    score = _BARE
    end = last
    if tok.collective:
        if prev not in _COLLECTIVE_CONTEXT:
            return None
        kind, score = "people", _STRONG
    elif _is_people_word(nxt):
        kind = "fte" if nxt.startswith("fte") else "people"
        score, end = _STRONG, j
    elif re.match(r"(in (loon)?dienst|op de (loonlijst|payroll))", after):
        kind, score = "people", _STRONG
    elif nxt in _UNIT_WORDS or nxt == "%" or is_year:
        return None
    elif nxt and nxt[0].isalpha() and nxt not in _FOLLOW_OK and not _is_number(toks[j]):
        return None  # '20 vrachtwagens', '3 zaken': counts something else
    elif tok.approx_word and nxt != "man":
        kind = "bare"

    back = _words_before(toks, i, 3)
    back_phrase = " ".join(back)
    if kind == "bare" and _is_age(back, toks[i + 1].text if i + 1 < len(toks) else ""):
        return None
    if kind == "bare":
        if any(_is_people_word(w) for w in back[-2:]) or back_phrase.endswith(("man of",)):
            kind, score = "people", _STRONG  # 'personeel: 12', 'een man of 8'
        elif re.search(r"\b(met|zijn we|we zijn)$", back_phrase):
            score += 0.5
    if tok.approx_word and back and back[-1] == "half":
        value /= 2
    if back_phrase.endswith(_LOWER_MODIFIERS):
        value -= 1

    window = _words_before(toks, i, 5)
    # 'met mij erbij een man of twintig': 'erbij' after the owner includes them, it is no plan.
    window = [
        w
        for k, w in enumerate(window)
        if not (w == "erbij" and k > 0 and window[k - 1] in _SELF_WORDS)
    ]
    if any(w in _CURRENT_MARKERS for w in window):
        score += 2
    if any(w in _PAST_MARKERS for w in window):
        score -= 2.5
    ahead = {t.text for t in toks[last + 1 : end + 3]}
    if any(w in _FUTURE_MARKERS for w in window) or ahead & {"extra", "erbij", "nodig", "tekort"}:
        score -= 2.5
    if any(w in _SUBSET_WORDS for w in _words_before(toks, i, 3)):
        score -= 2.5
    if j + 1 < len(toks) and toks[j].text == "naar" and _is_number(toks[j + 1]):
        score -= 2.5  # 'van 5 naar 12': the first number is the past
    return _Candidate(i, end, value, score, kind)


_AGE_VERBS = frozenset({"ben", "word", "werd", "wordt"})
_AGE_HOLDERS = frozenset({"hij", "zij", "ze", "die", "vader", "moeder", "oudste", "jongste"})
_AGE_WORDS = frozenset({"leeftijd", "oudste", "jongste", "gemiddeld", "gemiddelde", "oud"})
_AGE_PERSONS = frozenset({"jongen", "jongeman", "meid", "meisje", "kerel", "vent", "dame", "heer"})
_AGE_APPROACH = ("boven de", "over de", "richting de", "tegen de", "in de", "voorbij de")


def _is_age(back: list[str], nxt: str) -> bool:
    """A bare number that is someone's age: 'ik ben 61', 'hij is 63', 'een man van 35',
    'de meesten zijn boven de 60', 'gemiddelde leeftijd 52' (a headcount is 'we zijn 12')."""
    if not back:
        return False
    if back[-1] in _AGE_VERBS or any(w in _AGE_WORDS for w in back) or nxt in {"oud", "jarig"}:
        return True
    if back[-1] == "is" and len(back) > 1 and back[-2] in _AGE_HOLDERS:
        return True
    if (
        back[-1] == "van"
        and len(back) > 1
        and (
            back[-2] in _SINGLE_PERSON_WORDS
            or back[-2] in _AGE_PERSONS
            or _is_people_word(back[-2])
        )
    ):
        return True
    return " ".join(back).endswith(_AGE_APPROACH)


def _unit_candidates(toks: list[_Tok]) -> list[_Candidate]:
    """Single named people: 'ik', 'mijn vrouw', 'een collega', 'mijn compagnon'."""
    out: list[_Candidate] = []
    for i, tok in enumerate(toks):
        follower = toks[i + 1] if i + 1 < len(toks) else None
        if not (follower is None or follower.text in _UNIT_FOLLOWERS or _is_number(follower)):
            continue  # 'ik heb 5 man': a subject of a clause, not one of a list of people
        if tok.text in _SELF_WORDS:
            out.append(_Candidate(i, i, 1, _STRONG, "unit"))
        elif (
            tok.text in _SINGLE_PERSON_WORDS
            and i > 0
            and toks[i - 1].text in _POSSESSIVES
            and not (i + 1 < len(toks) and toks[i + 1].text == "of")  # 'een man of 8'
        ):
            out.append(_Candidate(i - 1, i, 1, _STRONG, "unit"))
    return out


def _joined(toks: list[_Tok], left: _Candidate, right: _Candidate) -> bool:
    """Whether two mentions add up: '2 vennoten en 6 man', 'ik en 3 jongens'."""
    between = [t.text for t in toks[left.end + 1 : right.start]]
    if len(between) > 5 or any(w in _SUBSET_WORDS or w == "totaal" for w in between):
        return False
    if {left.kind, right.kind} == {"people", "fte"}:
        return False
    has_unit = "unit" in (left.kind, right.kind)
    if has_unit:
        allowed = _CONNECTORS | {"met", "samen", "mijn", "mn", "zelf"}
        return (
            bool(between)
            and all(w in allowed for w in between)
            and any(w in _CONNECTORS or w == "met" for w in between)
        )
    if not any(w in _CONNECTORS for w in between):
        return False
    if right.kind == "bare":
        # '4 man op kantoor en 12 op de bouw': a bare number continues a list of people.
        nxt = toks[right.end + 1].text if right.end + 1 < len(toks) else ""
        return left.kind == "people" and nxt in {"op", "in", "bij", "buiten", "binnen"}
    return left.kind != "bare"


def parse_company_size(text: str) -> int | None:
    """Number of people working in the firm, read from free Dutch text, or None.

    Understands digits and Dutch number words (up to 999 999), approximations ("een
    stuk of 12", "ruim 30", "bijna 50" -> 49), ranges ("10-15", "tussen de 10 en 20" ->
    midpoint), collective forms ("met z'n vijven"), sums ("ik en 3 jongens" -> 4, "2
    vennoten en 6 man personeel" -> 8) and one-person firms ("eenmanszaak" -> 1).
    Numbers next to people words win over bare numbers; years, postcodes, hours,
    euros, percentages and ages are ignored. The owner is only added when named.
    """
    toks = _tokenize(text)
    numbers = [c for c in _number_candidates(toks) if c.score >= _MIN_SCORE]
    if any(c.kind == "people" for c in numbers):
        numbers = [c for c in numbers if c.kind != "fte" or c.score > _STRONG]
    mentions = sorted(numbers + _unit_candidates(toks), key=lambda c: c.start)

    groups: list[list[_Candidate]] = []
    for cand in mentions:
        if groups and _joined(toks, groups[-1][-1], cand):
            groups[-1].append(cand)
        else:
            groups.append([cand])
    # A lone 'ik' or 'mijn vrouw' is not a headcount; joined units are ('ik en mijn vrouw').
    scored = [
        (max(c.score for c in g) + 0.1 * (len(g) > 1), -g[0].start, g)
        for g in groups
        if len(g) > 1 or g[0].kind != "unit"
    ]
    if scored:
        _, _, best = max(scored, key=lambda s: (s[0], s[1]))
        total = math.floor(sum(c.value for c in best) + 0.5)  # halves round up: 12.5 -> 13
        return total if 1 <= total <= MAX_HEADCOUNT else None
    if _ONE_PERSON.search(_preprocess(text)):
        return 1
    return None


def size_class(n: int | None) -> str | None:
    """EU size class of a headcount (one of ``SIZE_CLASSES``), or None without a headcount.

    micro (<10), klein (10-49), middel (50-249), groot (250+).
    """
    if n is None or n < 1:
        return None
    if n < 10:
        return "micro"
    if n < 50:
        return "klein"
    if n < 250:
        return "middel"
    return "groot"
