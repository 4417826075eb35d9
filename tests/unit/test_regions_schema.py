"""Every kind of mistake a person makes in a region file gives file, path and a clear problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bot.regions import ConfigError, load_regions
from bot.regions.cli import main as cli_main
from tests.helpers.regions import FALLBACK, write_region


def problems_of(directory: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ConfigError) as info:
        load_regions(directory, framework=None)
    return info.value.problems


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_minimal_files_are_valid(regions_dir: Path):
    regions = load_regions(regions_dir, framework=None)
    assert regions.ids == ["landelijk", "testregio"]
    assert regions.fallback.id == "landelijk"


def test_wrong_indentation_that_breaks_yaml(regions_dir: Path):
    path = regions_dir / "testregio.yml"
    edit(path, '    phone: "+31 6 00000000"', '   phone: "+31 6 00000000"')
    [(file, where, message)] = problems_of(regions_dir)
    assert file == str(path)
    assert where.startswith("regel 18, kolom")
    assert message.startswith("YAML-fout")
    assert "inspringen" in message


def test_wrong_indentation_that_moves_a_key_to_another_level(regions_dir: Path):
    path = regions_dir / "testregio.yml"
    edit(path, "  email: overdracht@example.org", "email: overdracht@example.org")
    [(file, where, message)] = problems_of(regions_dir)
    assert (file, where) == (str(path), "(bovenste niveau)")
    assert "onbekende sleutel 'email'" in message and "verkeerd ingesprongen" in message


def test_unknown_key_names_the_allowed_keys(regions_dir: Path):
    path = regions_dir / "testregio.yml"
    edit(path, "    phone:", "    telefoon:")
    [(file, where, message)] = problems_of(regions_dir)
    assert (file, where) == (str(path), "coaches[0]")
    assert "onbekende sleutel 'telefoon'" in message
    assert "toegestaan op deze plek: " in message and "phone" in message


def test_missing_coach_in_a_regular_region(regions_dir: Path):
    path = regions_dir / "testregio.yml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("coaches:"), text.index("handoff:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    [(file, where, message)] = problems_of(regions_dir)
    assert (file, where) == (str(path), "(bovenste niveau)")
    assert message.startswith("'coaches' ontbreekt (verplicht)")
    assert "minstens één coach" in message


def test_empty_coach_list(regions_dir: Path):
    path = regions_dir / "testregio.yml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("coaches:"), text.index("handoff:")
    path.write_text(text[:start] + "coaches: []\n" + text[end:], encoding="utf-8")
    [(file, where, message)] = problems_of(regions_dir)
    assert (file, where) == (str(path), "coaches")
    assert "lijst is leeg" in message


@pytest.mark.parametrize(
    ("municipality", "postcodes", "path", "says"),
    [
        pytest.param(
            "Hengelo",
            "[7540, 7560]",
            "places.postcodes[0]",
            [
                "[7540, 7560] overlappen met [7500, 7549] van regio 'testregio'",
                "testregio.yml, places.postcodes[0]",
            ],
            id="postcode_range",
        ),
        pytest.param(
            "enschede",
            "[8000, 8049]",
            "places.municipalities[0]",
            [
                "gemeente 'enschede' hoort al bij regio 'testregio'",
                "places:",
            ],  # tells how to model a different place with the same name
            id="municipality",
        ),
    ],
)
def test_place_claimed_by_two_regions(
    regions_dir: Path, municipality: str, postcodes: str, path: str, says: list[str]
):
    # Files are read in name order; the later file (zuid_regio) gets the problem.
    other = write_region(regions_dir, "zuid_regio", municipality=municipality, postcodes=postcodes)
    [(file, where, message)] = problems_of(regions_dir)
    assert (file, where) == (str(other), path)
    for text in says:
        assert text in message


def test_postcode_range_written_backwards(regions_dir: Path):
    edit(regions_dir / "testregio.yml", "[7500, 7549]", "[7549, 7500]")
    [(_, where, message)] = problems_of(regions_dir)
    assert where == "places.postcodes[0]"
    assert "begin 7549 is groter dan het eind 7500" in message


def test_same_village_name_in_two_regions_is_allowed_and_ambiguous(regions_dir: Path):
    write_region(regions_dir, "andere_regio", municipality="Zwolle", postcodes="[8000, 8049]")
    edit(
        regions_dir / "andere_regio.yml",
        "places: [Testdorp andere_regio]",
        "places: [Testdorp testregio]",
    )
    regions = load_regions(regions_dir, framework=None)
    assert regions.resolve("Testdorp testregio").status == "ambiguous"


def test_malformed_url(regions_dir: Path):
    edit(
        regions_dir / "testregio.yml",
        "url: https://handoff.example.org/testregio",
        "url: handoff.example.org/testregio",
    )
    [(_, where, message)] = problems_of(regions_dir)
    assert where == "handoff.webhook.url"
    assert message == (
        "'handoff.example.org/testregio' is geen geldig webadres; "
        "schrijf het volledig, beginnend met https://"
    )


def test_malformed_email(regions_dir: Path):
    edit(regions_dir / "testregio.yml", "email: coach@example.org", "email: coach(at)example.org")
    [(_, where, message)] = problems_of(regions_dir)
    assert where == "coaches[0].email"
    assert "'coach(at)example.org' is geen geldig e-mailadres" in message


def test_duplicate_key(regions_dir: Path):
    edit(
        regions_dir / "testregio.yml",
        "  closing: Dag!",
        "  closing: Dag!\n  greeting: Nog eens hallo",
    )
    [(_, where, message)] = problems_of(regions_dir)
    assert where.startswith("regel ")
    assert "de sleutel 'greeting' staat er twee keer in (eerst op regel" in message


def test_wrong_type(regions_dir: Path):
    edit(regions_dir / "testregio.yml", "    - [7500, 7549]", "    - [7500, zevenduizend]")
    [(_, where, message)] = problems_of(regions_dir)
    assert where == "places.postcodes[0][1]"
    assert message == "verwacht een geheel getal, maar hier staat tekst 'zevenduizend'"


def test_wrong_type_text_instead_of_list(regions_dir: Path):
    edit(
        regions_dir / "testregio.yml",
        "organisations:\n  - name: Testorganisatie",
        "organisations: Testorganisatie",
    )
    [(_, where, message)] = problems_of(regions_dir)
    assert where == "organisations"
    assert message.startswith("verwacht een lijst")


def test_bad_id_and_id_not_matching_file_name(regions_dir: Path):
    edit(regions_dir / "testregio.yml", "id: testregio", "id: Test-Regio")
    [(_, where, message)] = problems_of(regions_dir)
    assert where == "id"
    assert "kleine letters, cijfers en _" in message
    edit(regions_dir / "testregio.yml", "id: Test-Regio", "id: andere")
    [(_, where, message)] = problems_of(regions_dir)
    assert where == "id" and "bestandsnaam" in message and "'testregio'" in message


def test_unknown_kind_and_theme_of_an_instrument(regions_dir: Path):
    path = regions_dir / "testregio.yml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + textwrap.dedent("""\
        instruments:
          - id: cheque
            kind: cadeaubon
            name: Cheque
            description: Een cheque.
            themes: [behoud, vakantie]
        """),
        encoding="utf-8",
    )
    problems = problems_of(regions_dir)
    paths = {p for _, p, _ in problems}
    assert paths == {"instruments[0].kind", "instruments[0].themes[1]"}
    assert all("is geen toegestane waarde; kies uit" in m for _, _, m in problems)


def test_real_story_needs_a_source(regions_dir: Path):
    path = regions_dir / "testregio.yml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + textwrap.dedent("""\
        stories:
          - id: echt_verhaal
            title: Echt gebeurd
            text: Een verhaal.
            fictional: false
        """),
        encoding="utf-8",
    )
    [(_, where, message)] = problems_of(regions_dir)
    assert where == "stories[0]"
    assert "'source' ontbreekt" in message and "fictional: true" in message


def test_exactly_one_fallback(regions_dir: Path):
    (regions_dir / "landelijk.yml").unlink()
    [(file, where, message)] = problems_of(regions_dir)
    assert (file, where) == (str(regions_dir), "is_fallback")
    assert "geen landelijk vangnet" in message
    (regions_dir / "landelijk.yml").write_text(FALLBACK, encoding="utf-8")
    (regions_dir / "nog_een.yml").write_text(
        FALLBACK.replace("id: landelijk", "id: nog_een"), encoding="utf-8"
    )
    [(file, where, message)] = problems_of(regions_dir)
    assert (file, where) == (str(regions_dir / "nog_een.yml"), "is_fallback")
    assert "maar één landelijk vangnet" in message


def test_fallback_may_not_have_places(regions_dir: Path):
    path = regions_dir / "landelijk.yml"
    path.write_text(
        path.read_text(encoding="utf-8") + "places:\n  municipalities: [Utrecht]\n"
        "  postcodes: [[3500, 3599]]\n",
        encoding="utf-8",
    )
    [(file, where, message)] = problems_of(regions_dir)
    assert (file, where) == (str(path), "places")
    assert "landelijke vangnet" in message


def test_problems_of_all_files_are_reported_together(regions_dir: Path):
    edit(regions_dir / "testregio.yml", "email: coach@example.org", "email: coach")
    other = write_region(
        regions_dir, "andere_regio", municipality="Zwolle", postcodes="[8000, 8049]"
    )
    edit(other, "secret_env: TEST_WEBHOOK_SECRET", "secret_env: test-secret")
    problems = problems_of(regions_dir)
    assert {(Path(f).name, p) for f, p, _ in problems} == {
        ("testregio.yml", "coaches[0].email"),
        ("andere_regio.yml", "handoff.webhook.secret_env"),
    }
    assert "omgevingsvariabele" in next(m for _, p, m in problems if p.endswith("secret_env"))


def test_check_command_prints_file_path_problem_and_fails(regions_dir: Path, capsys):
    edit(regions_dir / "testregio.yml", "email: coach@example.org", "email: coach")
    assert cli_main(["check", "--dir", str(regions_dir)]) == 1
    out = capsys.readouterr().out
    assert "testregio.yml: coaches[0].email: 'coach' is geen geldig e-mailadres" in out


def test_check_command_passes_with_a_summary(regions_dir: Path, capsys):
    assert cli_main(["check", "--dir", str(regions_dir)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("In orde: 2 regio's")
