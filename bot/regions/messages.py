"""Dutch wording of configuration problems for region staff.

:mod:`bot.yamlio` describes schema and YAML errors in English (shared with the
framework, which developers edit). Region files are edited by region staff, so
``check`` and start-up errors for them are worded here in Dutch:

- schema problems from jsonschema's structured errors (``error.validator``,
  ``validator_value``, ``instance``, ``schema``, ``absolute_path``): one Dutch
  template per validator keyword in :data:`_SCHEMA_TEMPLATES`, and a generic
  fallback that keeps jsonschema's own text, so nothing is ever lost;
  paths read as in the file (``coaches[0].email``, or the top level);
- YAML and file problems, which PyYAML and :func:`bot.yamlio.load_yaml` give only
  as English text, by their known forms; a message with no known form passes
  through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from jsonschema import ValidationError

from bot.contact import PHONE_PATTERN
from bot.yamlio import format_path, missing_property, schema_errors, unknown_keys

Problem = tuple[str, str, str]

TOP_LEVEL = "(bovenste niveau)"

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
        return (
            f"de sleutel '{twice.group(1)}' staat er twee keer in (eerst op regel "
            f"{twice.group(2)}); haal er één weg of voeg ze samen"
        )
    indent = " (check the indentation" in problem
    problem = problem.split(" (check the indentation")[0]
    dutch = next((nl for en, nl in _YAML_PROBLEMS.items() if problem.startswith(en)), None)
    out = f"YAML-fout: {dutch} ({problem})" if dutch else f"YAML-fout: {problem}"
    if indent or dutch and "inspring" not in out:
        out += "; controleer het inspringen: onderdelen op hetzelfde niveau hebben evenveel spaties"
    return out


def _missing(error: ValidationError) -> str:
    prop = missing_property(error)
    hint = _MISSING_HINTS.get(prop)
    return f"{prop!r} ontbreekt (verplicht)" + (f": {hint}" if hint else "")


def _unknown_keys(error: ValidationError) -> str:
    extra, allowed = unknown_keys(error)
    return (
        f"onbekende sleutel {', '.join(map(repr, extra))} (tikfout of verkeerd ingesprongen?); "
        f"toegestaan op deze plek: {', '.join(allowed)}"
    )


def _type(error: ValidationError) -> str:
    expected = str(error.validator_value)
    got = type(error.instance).__name__
    return (
        f"verwacht {_TYPES.get(expected, expected)}, maar hier staat "
        f"{_GOT.get(got, got)} {error.instance!r}"
    )


def _format(error: ValidationError) -> str:
    if error.validator_value == "email":
        return f"{error.instance!r} is geen geldig e-mailadres (voorbeeld: naam@organisatie.nl)"
    if error.validator_value == "uri":
        return f"{error.instance!r} is geen geldig webadres; schrijf het volledig, beginnend met https://"
    return _generic(error)


def _pattern(error: ValidationError) -> str:
    # jsonschema stubs: validator_value may be Unset; a pattern error has the pattern.
    hint = _PATTERN_HINTS.get(error.validator_value, f"verwacht patroon {error.validator_value}")  # type: ignore[arg-type, unused-ignore]
    return f"{error.instance!r} heeft niet de verwachte vorm: {hint}"


def _too_short(error: ValidationError) -> str:
    if error.instance == []:
        return "de lijst is leeg; er moet minstens één item in staan"
    return f"{error.instance!r} is te kort of leeg"


def _generic(error: ValidationError) -> str:
    """Any keyword without its own template (none in today's schemas): jsonschema's text kept."""
    return f"dit onderdeel klopt niet: {error.message}"


_SCHEMA_TEMPLATES: dict[str | None, Callable[[ValidationError], str]] = {
    "required": _missing,
    "additionalProperties": _unknown_keys,
    "type": _type,
    "enum": lambda e: f"{e.instance!r} is geen toegestane waarde; kies uit: {e.validator_value}",
    "format": _format,
    "pattern": _pattern,
    "minItems": _too_short,
    "minLength": _too_short,
    "maxItems": lambda e: f"{e.instance!r} heeft te veel onderdelen",
    "maxLength": lambda e: f"{e.instance!r} heeft te veel onderdelen",
    "minimum": lambda e: f"{e.instance!r} is kleiner dan het minimum {e.validator_value!r}",
    "maximum": lambda e: f"{e.instance!r} is groter dan het maximum {e.validator_value!r}",
    "minProperties": lambda e: "dit blok is leeg; vul minstens één onderdeel in",
    # The region schema's only anyOf: a municipality (or a place in it).
    "anyOf": lambda e: (
        f"{e.instance!r} heeft niet de verwachte vorm: een naam, of een blok met "
        "name: (en eventueel aliases: en places:)"
    ),
    # A `false` schema (no keyword): the region schema forbids places' postcodes in the fallback.
    None: lambda e: "dit onderdeel hoort niet in het landelijke vangnet (is_fallback: true)",
}


def schema_message(error: ValidationError) -> str:
    """One jsonschema error of a region file (or a question it adds), in Dutch."""
    # jsonschema stubs: validator may be Unset; an error from validation always names it.
    return _SCHEMA_TEMPLATES.get(error.validator, _generic)(error)  # type: ignore[arg-type, unused-ignore]


def dutch_path_of(parts: Iterable[Any]) -> str:
    """Where in a region file, as region staff read it: ``coaches[0].email``, or the top level."""
    parts = list(parts)
    return format_path(parts) if parts else TOP_LEVEL


def dutch_schema_problems(data: Any, schema: dict, file: str | Path) -> list[Problem]:
    """All schema violations of a region file as (file, path, Dutch message), in document order."""
    return [
        (str(file), dutch_path_of(e.absolute_path), schema_message(e))
        for e in schema_errors(data, schema)
    ]


# -- YAML and file problems (English text from bot.yamlio) -----------------------------


_RULES: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"^YAML syntax error: (.*)$", re.S), _yaml),
    (re.compile(r"^file not found$"), lambda m: "bestand niet gevonden"),
    (
        re.compile(r"^file is not UTF-8 text$"),
        lambda m: "het bestand is geen UTF-8-tekst; sla het op als UTF-8",
    ),
]


def dutch_message(message: str) -> str:
    """Translate one YAML or file problem message; unknown forms come back unchanged."""
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
    return TOP_LEVEL if path == "(top level)" else path


def dutch_load_problems(problems: Iterable[Problem]) -> list[Problem]:
    """The problems of :func:`bot.yamlio.load_yaml` (YAML syntax, missing file) in Dutch."""
    return [(f, dutch_path(p), dutch_message(m)) for f, p, m in problems]
