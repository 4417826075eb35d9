"""What a region changes: texts, questions, local offer, coach; plus loading and caching."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from bot.framework import load_framework
from bot.regions import (
    ConfigError,
    Instrument,
    clear_cache,
    coach_for,
    effective_questions,
    effective_texts,
    framework_texts,
    instruments_for,
    load_regions,
    replace_words,
)

FRAMEWORK = load_framework()
SHIPPED = load_regions(framework=FRAMEWORK)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def append(path: Path, yaml_text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + textwrap.dedent(yaml_text), encoding="utf-8")


def set_wording(path: Path, extra: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "  closing: Dag!\n", "  closing: Dag!\n" + textwrap.indent(textwrap.dedent(extra), "  ")
        ),
        encoding="utf-8",
    )


# --- texts -------------------------------------------------------------------------


def test_replace_words_keeps_capitalisation_and_whole_words():
    words = {"medewerkers": "vakmensen", "medewerker": "vakmens"}
    text = "Medewerkers en medewerker. MEDEWERKERS! De medewerkersraad blijft. {medewerkers}"
    assert replace_words(text, words) == (
        "Vakmensen en vakmens. VAKMENSEN! De medewerkersraad blijft. {medewerkers}"
    )


def test_effective_texts_layers_wording_then_overrides_then_words(regions_dir: Path):
    set_wording(
        regions_dir / "testregio.yml",
        """\
          overrides:
            closing: Tot ziens, medewerkers!
            summary.intro: Dit vinden je medewerkers ervan.
          replace_words:
            medewerkers: collega's
        """,
    )
    region = load_regions(regions_dir, framework=None).get("testregio")
    base = {
        "greeting": "Basis",
        "closing": "Basis",
        "summary.intro": "Basis",
        "other": "Onze medewerkers",
    }
    texts = effective_texts(region, base)
    assert texts == {
        "greeting": "Hallo!",  # region wording replaces the base
        "coach_offer": "Wil je een coach?",  # and is there even where the base has none
        "closing": "Tot ziens, collega's!",  # an override beats the region wording
        "summary.intro": "Dit vinden je collega's ervan.",
        "other": "Onze collega's",  # word swaps reach untouched base texts too
    }
    assert effective_texts(None, base) == base


def test_shipped_twente_texts_after_overrides():
    twente = SHIPPED.get("twente")
    base = framework_texts(FRAMEWORK)
    texts = effective_texts(twente, base)
    assert texts["greeting"] == twente.greeting != base["greeting"]
    changed = [k for k in texts if texts[k] != base[k]]
    assert "medewerker" not in " ".join(texts[k] for k in changed).lower()
    assert set(texts) == set(base)


@pytest.mark.parametrize("region_id", SHIPPED.ids)
def test_shipped_texts_only_use_placeholders_the_base_text_has(region_id: str):
    base = framework_texts(FRAMEWORK)
    texts = effective_texts(SHIPPED.get(region_id), base)
    for key, text in texts.items():
        allowed = set(PLACEHOLDER.findall(base.get(key, ""))) | {"region_name"}
        assert set(PLACEHOLDER.findall(text)) <= allowed, (region_id, key)


def test_unknown_override_key_is_reported_with_a_suggestion(regions_dir: Path):
    set_wording(
        regions_dir / "testregio.yml",
        """\
          overrides:
            summary.intr: Hoi
        """,
    )
    with pytest.raises(ConfigError) as info:
        load_regions(regions_dir, framework=FRAMEWORK)
    [(_, where, message)] = info.value.problems
    assert where == "wording.overrides.summary.intr"
    assert "onbekende tekstsleutel 'summary.intr' (bedoel je 'summary.intro'?)" in message


# --- questions ---------------------------------------------------------------------

NEW_QUESTION = """\
questions:
  exclude: [q_fouten]
  add:
    - id: q_seizoen
      text: Hoe werk je seizoenskrachten in?
      dimensions: {ontwikkelbeleid: 1.0}
      options:
        - id: lijst
          label: Met een vaste lijst
          scores: {ontwikkelbeleid: 80}
        - id: niet
          label: Dat doen we niet echt
          scores: {ontwikkelbeleid: 20}
"""


def test_effective_questions_leave_out_and_add(regions_dir: Path):
    append(regions_dir / "testregio.yml", NEW_QUESTION)
    region = load_regions(regions_dir, framework=FRAMEWORK).get("testregio")
    ids = [q.id for q in effective_questions(region, FRAMEWORK)]
    expected = [q for q in FRAMEWORK.questions if q != "q_fouten"] + ["q_seizoen"]
    assert ids == expected
    assert [q.id for q in region.added_questions] == ["q_seizoen"]


def test_added_questions_are_validated_even_when_loaded_without_framework(regions_dir: Path):
    append(regions_dir / "testregio.yml", NEW_QUESTION)
    region = load_regions(regions_dir, framework=None).get("testregio")
    assert [q.id for q in effective_questions(region, FRAMEWORK)][-1] == "q_seizoen"


def test_broken_added_question_names_file_and_path(regions_dir: Path):
    append(
        regions_dir / "testregio.yml",
        NEW_QUESTION.replace("{ontwikkelbeleid: 80}", "{onbekend: 80}"),
    )
    with pytest.raises(ConfigError) as info:
        load_regions(regions_dir, framework=FRAMEWORK)
    [(file, where, _)] = info.value.problems
    assert file.endswith("testregio.yml")
    assert where.startswith("questions.add[0].options[0].scores")


def test_excluding_an_unknown_question_is_reported(regions_dir: Path):
    append(regions_dir / "testregio.yml", "questions:\n  exclude: [q_foutenn]\n")
    with pytest.raises(ConfigError) as info:
        load_regions(regions_dir, framework=FRAMEWORK)
    [(_, where, message)] = info.value.problems
    assert where == "questions.exclude[0]"
    assert "vraag 'q_foutenn' bestaat niet" in message and "'q_fouten'" in message


def test_adding_a_question_that_already_exists_is_reported(regions_dir: Path):
    append(regions_dir / "testregio.yml", NEW_QUESTION.replace("q_seizoen", "q_fouten"))
    with pytest.raises(ConfigError) as info:
        load_regions(regions_dir, framework=FRAMEWORK)
    assert [p for _, p, _ in info.value.problems] == ["questions.add[0].id"]


# --- local offer and coach -----------------------------------------------------------


def test_instruments_best_fitting_first_and_size_filtered(regions_dir: Path):
    append(
        regions_dir / "testregio.yml",
        """\
        instruments:
          - {id: algemeen, kind: platform, name: Algemeen, description: Voor iedereen.}
          - {id: een_thema, kind: scan, name: Scan, description: Eén thema., themes: [behoud]}
          - {id: twee_themas, kind: voucher, name: Voucher, description: Twee thema's.,
             themes: [behoud, inwerken], max_employees: 49}
          - {id: ander_thema, kind: fonds, name: Fonds, description: Iets anders., themes: [groei]}
          - {id: groot, kind: coaching, name: Groot, description: Groot., themes: [behoud],
             min_employees: 100}
        """,
    )
    region = load_regions(regions_dir, framework=None).get("testregio")

    def ids(themes: list[str], size: int | None) -> list[str]:
        return [i.id for i in instruments_for(region, themes, size)]

    assert ids(["behoud", "inwerken"], 10) == [
        "twee_themas",
        "een_thema",
        "algemeen",
        "ander_thema",
    ]
    assert ids(["behoud"], 150) == ["groot", "een_thema", "algemeen", "ander_thema"]
    assert ids(["behoud"], None)[:2] == ["een_thema", "twee_themas"]
    assert ids([], None) == ["algemeen", "een_thema", "twee_themas", "ander_thema", "groot"]


def test_instrument_size_bounds_are_inclusive():
    ins = Instrument("x", "scan", "X", "X", min_employees=5, max_employees=50)
    assert [ins.fits_size(n) for n in (4, 5, 50, 51, None)] == [False, True, True, False, True]


def test_coach_for_sector_generalist_and_none():
    amsterdam = SHIPPED.get("groot_amsterdam")
    assert "installatietechniek" in coach_for(amsterdam, "installatietechniek").sectors
    assert coach_for(amsterdam, "horeca").sectors == ()
    assert coach_for(amsterdam).sectors == ()
    assert coach_for(SHIPPED.fallback) is None


# --- loading -----------------------------------------------------------------------


def test_default_load_is_cached_and_env_overrides_directory(regions_dir: Path, monkeypatch):
    monkeypatch.setenv("LEERPUNT_REGIONS_DIR", str(regions_dir))
    clear_cache()
    try:
        first = load_regions()
        assert first.ids == ["landelijk", "testregio"]
        assert load_regions() is first
    finally:
        monkeypatch.delenv("LEERPUNT_REGIONS_DIR")
        clear_cache()
    assert "twente" in load_regions().ids


def test_shipped_contacts_are_marked_placeholders():
    for region in SHIPPED:
        for coach in region.coaches:
            assert coach.email.endswith("@example.org") and "(voorbeeld)" in coach.name
        if region.handoff.webhook:
            assert region.handoff.webhook.url.startswith("https://handoff.example.org/")
        if region.handoff.email:
            assert region.handoff.email.endswith("@example.org")
        for story in region.stories:
            assert story.fictional or story.source


def test_shipped_regions_have_the_required_network():
    required = {
        "twente",
        "regio_zwolle",
        "achterhoek",
        "helmond_de_peel",
        "zuidoost_brabant",
        "noord_holland_noord",
        "limburg",
        "groot_amsterdam",
        "rotterdam_rijnmond",
        "groningen",
        "landelijk",
    }
    assert required <= set(SHIPPED.ids)
    assert SHIPPED.fallback.id == "landelijk" and not SHIPPED.fallback.coaches
    assert all(r.instruments for r in SHIPPED)
