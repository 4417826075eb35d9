"""Dutch wording of configuration problems for region staff.

:mod:`bot.yamlio` describes schema and YAML errors in English (shared with the
framework, which developers edit). Region files are edited by region staff, so
``check`` and start-up errors for them are translated here. A message with no
known form passes through unchanged, so nothing is ever lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.contact import PHONE_PATTERN

Problem = tuple[str, str, str]

_TYPES = {
    "string": "tekst",
    "integer": "een geheel getal",
    "number": "een getal",
    "array": "een lijst (regels die beginnen met '- ')",
    "object": "een blok met 'sleutel: waarde'-regels",
    "boolean": "true of false",
    "null": "niets",
}
_GOT = {
    "str": "tekst",
    "int": "het getal",
    "float": "het getal",
    "list": "een lijst",
    "dict": "een blok",
    "bool": "ja/nee-waarde",
    "NoneType": "niets (lege waarde)",
}
_PATTERN_HINTS = {
    "^[a-z][a-z0-9]*(_[a-z0-9]+)*$": "gebruik alleen kleine letters, cijfers en _ (bijvoorbeeld mijn_regio)",
    PHONE_PATTERN: "schrijf een telefoonnummer, bijvoorbeeld +31 6 12345678",
    "^[A-Z][A-Z0-9_]*$": "de naam van een omgevingsvariabele in hoofdletters, bijvoorbeeld TWENTE_WEBHOOK_SECRET",
    "^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$": "een tekstsleutel zoals summary.intro (kleine letters, punten ertussen)",
    "^[a-z0-9_-]{1,40}$": "kleine letters, cijfers, - of _ (bijvoorbeeld linkedin)",
    "^[^\\s{}]+( [^\\s{}]+)*$": "een woord (of woorden met één spatie ertussen), zonder { }",
}
_MISSING_HINTS = {
    "coaches": "een regio zonder coach kan niemand doorverwijzen; voeg minstens één coach toe",
    "handoff": "vul in waar aanvragen heen gaan: webhook (url en secret_env) en/of email",
    "places": "vul de gemeenten en postcodegebieden van de regio in",
    "secret_env": "de naam van de omgevingsvariabele met de geheime sleutel van de webhook",
    "source": "een echt voorbeeld heeft een bron nodig (link); anders zet je fictional: true",
}
_YAML_PROBLEMS = {
    "mapping values are not allowed here": "hier staat onverwacht een 'sleutel: waarde'",
    "expected <block end>": "een regel springt anders in dan de regels eromheen",
    "found character '\\t' that cannot start any token": "er staat een tab; gebruik spaties",
    "could not find expected ':'": "er ontbreekt een dubbele punt achter een sleutel",
    "found undefined alias": "er staat een * die YAML als verwijzing leest; zet de tekst tussen aanhalingstekens",
}


def _yaml(m: re.Match) -> str:
    problem = m.group(1)
    twice = re.fullmatch(r"key '(.*)' appears twice \(first on line (\d+)\)", problem)
    if twice:
        return (f"de sleutel '{twice.group(1)}' staat er twee keer in (eerst op regel "
                f"{twice.group(2)}); haal er één weg of voeg ze samen")
    indent = " (check the indentation" in problem
    problem = problem.split(" (check the indentation")[0]
    dutch = next((nl for en, nl in _YAML_PROBLEMS.items() if problem.startswith(en)), None)
    out = f"YAML-fout: {dutch} ({problem})" if dutch else f"YAML-fout: {problem}"
    if indent or dutch and "inspring" not in out:
        out += "; controleer het inspringen: onderdelen op hetzelfde niveau hebben evenveel spaties"
    return out


def _pattern(m: re.Match) -> str:
    hint = _PATTERN_HINTS.get(m.group(2), f"verwacht patroon {m.group(2)}")
    return f"{m.group(1)} heeft niet de verwachte vorm: {hint}"


def _missing(m: re.Match) -> str:
    hint = _MISSING_HINTS.get(m.group(1))
    return f"'{m.group(1)}' ontbreekt (verplicht)" + (f": {hint}" if hint else "")


_RULES: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"^YAML syntax error: (.*)$", re.S), _yaml),
    (re.compile(r"^unknown key\(s\) (.*); allowed here: (.*)$"),
     lambda m: f"onbekende sleutel {m.group(1)} (tikfout of verkeerd ingesprongen?); "
               f"toegestaan op deze plek: {m.group(2)}"),
    (re.compile(r"^'(.*)' is missing \(required\)$"), _missing),
    (re.compile(r"^expected (.*), got (\w+) (.*)$", re.S),
     lambda m: f"verwacht {_TYPES.get(m.group(1), m.group(1))}, maar hier staat "
               f"{_GOT.get(m.group(2), m.group(2))} {m.group(3)}"),
    (re.compile(r"^(.*) is not one of (.*)$", re.S),
     lambda m: f"{m.group(1)} is geen toegestane waarde; kies uit: {m.group(2)}"),
    (re.compile(r"^(.*) is not a valid email$", re.S),
     lambda m: f"{m.group(1)} is geen geldig e-mailadres (voorbeeld: naam@organisatie.nl)"),
    (re.compile(r"^(.*) is not a valid uri$", re.S),
     lambda m: f"{m.group(1)} is geen geldig webadres; schrijf het volledig, beginnend met https://"),
    (re.compile(r"^(.*) does not have the expected form \((.*)\)$", re.S), _pattern),
    (re.compile(r"^\[\] is too short$"), lambda m: "de lijst is leeg; er moet minstens één item in staan"),
    (re.compile(r"^(.*) is too short$", re.S), lambda m: f"{m.group(1)} is te kort of leeg"),
    (re.compile(r"^(.*) is too long$", re.S), lambda m: f"{m.group(1)} heeft te veel onderdelen"),
    (re.compile(r"^(.*) is less than the minimum of (.*)$"),
     lambda m: f"{m.group(1)} is kleiner dan het minimum {m.group(2)}"),
    (re.compile(r"^(.*) is greater than the maximum of (.*)$"),
     lambda m: f"{m.group(1)} is groter dan het maximum {m.group(2)}"),
    (re.compile(r"^False schema does not allow .*$", re.S),
     lambda m: "dit onderdeel hoort niet in het landelijke vangnet (is_fallback: true)"),
    (re.compile(r"^(.*) does not have enough properties$", re.S),
     lambda m: "dit blok is leeg; vul minstens één onderdeel in"),
    (re.compile(r"^(.*) is not valid under any of the given schemas$", re.S),
     lambda m: f"{m.group(1)} heeft niet de verwachte vorm: een naam, of een blok met name: "
               "(en eventueel aliases: en places:)"),
    (re.compile(r"^file not found$"), lambda m: "bestand niet gevonden"),
    (re.compile(r"^file is not UTF-8 text$"), lambda m: "het bestand is geen UTF-8-tekst; sla het op als UTF-8"),
]


def dutch_message(message: str) -> str:
    """Translate one problem message; unknown forms come back unchanged."""
    for pattern, render in _RULES:
        m = pattern.match(message)
        if m:
            return render(m)
    return message


def dutch_path(path: str) -> str:
    """'line 3, column 5' -> 'regel 3, kolom 5'; '(top level)' -> '(bovenste niveau)'."""
    m = re.fullmatch(r"line (\d+), column (\d+)", path)
    if m:
        return f"regel {m.group(1)}, kolom {m.group(2)}"
    return "(bovenste niveau)" if path == "(top level)" else path


def dutch_problems(problems: Iterable[Problem]) -> list[Problem]:
    return [(f, dutch_path(p), dutch_message(m)) for f, p, m in problems]
