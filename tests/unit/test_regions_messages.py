"""Dutch schema messages for region files come from jsonschema's structured errors."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.framework import load_framework, parse_questions
from bot.regions.loader import REGIONS_DIR, schema
from bot.regions.messages import (
    TOP_LEVEL,
    dutch_load_problems,
    dutch_path_of,
    dutch_schema_problems,
    schema_message,
)
from bot.yamlio import ConfigError, load_yaml

TWENTE = yaml.safe_load((REGIONS_DIR / "twente.yml").read_text(encoding="utf-8"))


def problems_with(change) -> list[tuple[str, str]]:
    data = copy.deepcopy(TWENTE)
    change(data)
    return [
        (path, message) for _, path, message in dutch_schema_problems(data, schema(), "twente.yml")
    ]


def test_every_missing_property_is_named_with_its_own_hint():
    def drop(data):
        for key in ("places", "coaches", "handoff"):
            del data[key]

    assert problems_with(drop) == [
        (
            TOP_LEVEL,
            "'places' ontbreekt (verplicht): vul de gemeenten en postcodegebieden van de regio in",
        ),
        (
            TOP_LEVEL,
            "'coaches' ontbreekt (verplicht): een regio zonder coach kan niemand "
            "doorverwijzen; voeg minstens één coach toe",
        ),
        (
            TOP_LEVEL,
            "'handoff' ontbreekt (verplicht): vul in waar aanvragen heen gaan: webhook "
            "(url en secret_env) en/of email",
        ),
    ]


def test_the_typed_value_never_confuses_the_wording():
    # A value that reads like jsonschema's own English does not change the Dutch sentence.
    def odd_values(data):
        data["coaches"][0]["phone"] = "12 does not have the expected form (x)"
        data["places"]["postcodes"][0][1] = "7549, got str 7600"
        data["instruments"] = [
            {"id": "x", "kind": "a is not one of b", "name": "n", "description": "d"}
        ]

    assert problems_with(odd_values) == [
        (
            "coaches[0].phone",
            "'12 does not have the expected form (x)' heeft niet de verwachte vorm: "
            "schrijf een telefoonnummer, bijvoorbeeld +31 6 12345678",
        ),
        (
            "instruments[0].kind",
            "'a is not one of b' is geen toegestane waarde; kies uit: "
            "['voucher', 'opleidingscheque', 'hr_voucher', 'leergemeenschap', "
            "'ontbijtsessie', 'hr_netwerk', 'loopbaangesprek', 'scan', 'coaching', "
            "'platform', 'fonds']",
        ),
        (
            "places.postcodes[0][1]",
            "verwacht een geheel getal, maar hier staat tekst '7549, got str 7600'",
        ),
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["places"]["postcodes"].__setitem__(0, [7500, 7549, 7600]),
            ("places.postcodes[0]", "[7500, 7549, 7600] heeft te veel onderdelen"),
        ),
        (
            lambda d: d["places"]["postcodes"].__setitem__(0, [7500, 99999]),
            ("places.postcodes[0][1]", "99999 is groter dan het maximum 9999"),
        ),
        (
            lambda d: d["places"]["postcodes"].__setitem__(0, [999, 7549]),
            ("places.postcodes[0][0]", "999 is kleiner dan het minimum 1000"),
        ),
        (
            lambda d: d.__setitem__("handoff", {}),
            ("handoff", "dit blok is leeg; vul minstens één onderdeel in"),
        ),
        (lambda d: d.__setitem__("name", ""), ("name", "'' is te kort of leeg")),
        (
            lambda d: d["wording"].__setitem__("overrides", {"Summary.Intro": "x"}),
            (
                "wording.overrides",
                "'Summary.Intro' heeft niet de verwachte vorm: een tekstsleutel zoals "
                "summary.intro (kleine letters, punten ertussen)",
            ),
        ),
        (
            lambda d: d["places"]["municipalities"].__setitem__(0, 5),
            (
                "places.municipalities[0]",
                "5 heeft niet de verwachte vorm: een naam, of een blok met name: "
                "(en eventueel aliases: en places:)",
            ),
        ),
    ],
)
def test_one_dutch_template_per_keyword(change, expected):
    assert problems_with(change) == [expected]


def test_fallback_may_not_list_postcodes():
    fallback = yaml.safe_load((REGIONS_DIR / "landelijk.yml").read_text(encoding="utf-8"))
    fallback["places"] = {"municipalities": ["Utrecht"], "postcodes": [[3500, 3599]]}
    [(_, path, message)] = dutch_schema_problems(fallback, schema(), "landelijk.yml")
    assert (path, message) == (
        "places",
        "dit onderdeel hoort niet in het landelijke vangnet (is_fallback: true)",
    )


def test_a_keyword_without_template_keeps_jsonschemas_text():
    [error] = jsonschema.Draft7Validator({"uniqueItems": True}).iter_errors([1, 1])
    assert schema_message(error) == f"dit onderdeel klopt niet: {error.message}"


def test_paths_read_as_in_the_file():
    assert dutch_path_of([]) == TOP_LEVEL
    assert dutch_path_of(["coaches", 2, "email"]) == "coaches[2].email"


def test_added_questions_get_the_dutch_wording():
    question = {
        "id": "seizoen",
        "text": "Hoe?",
        "dimensions": {"ontwikkelbeleid": 1.0},
        "options": [
            {"id": "a", "label": "x" * 41, "scores": {"ontwikkelbeleid": 80}},
            {"id": "b", "label": "Nee", "scores": {"ontwikkelbeleid": 20}},
        ],
    }
    with pytest.raises(ConfigError) as info:
        parse_questions(
            [question],
            "twente.yml",
            load_framework(),
            path="questions.add",
            describe=schema_message,
        )
    assert [(p, m) for _, p, m in info.value.problems] == [
        (
            "questions.add[0].id",
            "'seizoen' heeft niet de verwachte vorm: verwacht patroon ^q_[a-z0-9_]+$",
        ),
        ("questions.add[0].options[0].label", f"'{'x' * 41}' heeft te veel onderdelen"),
    ]


def test_yaml_problems_are_still_translated(tmp_path: Path):
    broken = tmp_path / "kapot.yml"
    broken.write_text("a:\t1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_yaml(broken)
    [(_, where, message)] = dutch_load_problems(info.value.problems)
    assert where.startswith("regel 1, kolom")
    assert message.startswith("YAML-fout: er staat een tab; gebruik spaties")
