"""The default framework loads, keeps the contract ids and reports broken files precisely."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot import PROJECT_DIR
from bot.framework import FRAMEWORK_DIR, ConfigError, load_framework, parse_questions
from bot.headcount import SIZE_CLASSES

THEMES = [
    "personeelstekort",
    "behoud",
    "inwerken",
    "zij_instroom",
    "kennisbehoud",
    "innovatie",
    "werkdruk",
    "leiderschap",
    "groei",
]
DIMENSIONS = [
    "werk_als_leerbron",
    "ruimte_en_veiligheid",
    "leren_van_elkaar",
    "leidinggevende",
    "ontwikkelbeleid",
    "eigen_regie",
    "verbinding_buiten",
    "leren_zichtbaar",
]
LEVERS = [
    "heldere_focus",
    "mix_leermogelijkheden",
    "meerjarig_beleid",
    "inspirerend_leiderschap",
    "medewerker_centraal",
    "leervoorzieningen",
    "gezonde_werkomgeving",
    "meetbare_leereffecten",
]
FILES = ["themes.yml", "dimensions.yml", "levers.yml", "questions.yml", "stories.yml"]


@pytest.fixture()
def fw_dir(tmp_path: Path) -> Path:
    """A writable copy of the framework files (without texts.yml)."""
    for name in FILES + ["schema.json"]:
        shutil.copy(FRAMEWORK_DIR / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(directory: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ConfigError) as info:
        load_framework(directory)
    return info.value.problems


def test_contract_ids_are_exactly_the_fixed_ones():
    fw = load_framework()
    assert list(fw.themes) == THEMES
    assert list(fw.dimensions) == DIMENSIONS
    assert list(fw.levers) == LEVERS


def test_questions_fit_the_form_and_phone_buttons():
    fw = load_framework()
    assert 10 <= len(fw.questions) <= 16
    for q in fw.questions.values():
        assert q.id.startswith("q_") and q.id.isidentifier()
        assert 3 <= len(q.options) <= 4, q.id
        assert len({o.id for o in q.options}) == len(q.options)
        assert all(len(o.label) <= 40 for o in q.options)


def test_every_lever_has_three_to_five_steps_and_one_for_each_size():
    for lever in load_framework().levers.values():
        assert 3 <= len(lever.steps) <= 5, lever.id
        for size in SIZE_CLASSES:
            assert any(size in s.sizes for s in lever.steps), (lever.id, size)


def test_every_theme_has_a_story_and_shipped_stories_are_marked_fictional():
    fw = load_framework()
    for theme in fw.themes:
        assert fw.stories_for(theme), theme
    assert all(s.fictional for s in fw.stories)
    assert "verzonnen" in fw.story_label


def test_default_framework_is_cached():
    assert load_framework() is load_framework()


def test_texts_are_optional_and_loaded_when_present(fw_dir: Path):
    assert load_framework(fw_dir).texts == {}
    (fw_dir / "texts.yml").write_text("greeting: Hoi!\n", encoding="utf-8")
    assert load_framework(fw_dir).texts == {"greeting": "Hoi!"}


def test_question_with_unknown_dimension_names_file_and_path(fw_dir: Path):
    _edit(
        fw_dir / "questions.yml", lambda d: d["questions"][0]["dimensions"].update({"sfeer": 0.5})
    )
    problems = _problems(fw_dir)
    assert any(
        f.endswith("questions.yml")
        and p == "questions[0].dimensions.sfeer"
        and "unknown dimension" in m
        for f, p, m in problems
    )


def test_theme_with_unknown_dimension_is_reported(fw_dir: Path):
    _edit(fw_dir / "themes.yml", lambda d: d["themes"][2]["dimensions"].update({"geluk": 1.0}))
    problems = _problems(fw_dir)
    assert "themes[2].dimensions.geluk" in {p for _, p, _ in problems}


def test_lever_step_without_text_is_reported(fw_dir: Path):
    _edit(fw_dir / "levers.yml", lambda d: d["levers"][1]["steps"][0].pop("text"))
    problems = _problems(fw_dir)
    assert any(
        f.endswith("levers.yml") and p == "levers[1].steps[0]" and "'text'" in m
        for f, p, m in problems
    )


def test_duplicate_ids_are_reported(fw_dir: Path):
    def dup(d):
        d["questions"][1]["id"] = d["questions"][0]["id"]

    _edit(fw_dir / "questions.yml", dup)
    problems = _problems(fw_dir)
    assert any(p == "questions[1].id" and "duplicate" in m for _, p, m in problems)


@pytest.mark.parametrize(
    ("dimension", "score"),
    [
        pytest.param("leren_van_elkaar", 150, id="score_out_of_range"),
        pytest.param("eigen_regie", 50, id="a_dimension_the_question_does_not_list"),
    ],
)
def test_bad_option_score_is_reported(fw_dir: Path, dimension: str, score: int):
    def bad(d):
        d["questions"][0]["options"][0]["scores"][dimension] = score

    _edit(fw_dir / "questions.yml", bad)
    problems = _problems(fw_dir)
    assert any(p == f"questions[0].options[0].scores.{dimension}" for _, p, _ in problems)


def test_story_with_unknown_theme_is_reported(fw_dir: Path):
    _edit(fw_dir / "stories.yml", lambda d: d["stories"][0]["themes"].append("vakantie"))
    problems = _problems(fw_dir)
    assert any(
        f.endswith("stories.yml") and p.startswith("stories[0].themes") for f, p, _ in problems
    )


def test_malformed_signal_pattern_is_reported(fw_dir: Path):
    _edit(
        fw_dir / "dimensions.yml",
        lambda d: d["dimensions"][0]["signals"]["positive"].append("fo*ut"),
    )
    problems = _problems(fw_dir)
    assert any(p.startswith("dimensions[0].signals.positive[") for _, p, _ in problems)


def test_yaml_syntax_error_names_file_and_line(fw_dir: Path):
    (fw_dir / "levers.yml").write_text("levers:\n  - id: x\n   label: y\n", encoding="utf-8")
    problems = _problems(fw_dir)
    assert problems[0][0].endswith("levers.yml") and problems[0][1].startswith("line ")


def test_missing_file_is_reported(fw_dir: Path):
    (fw_dir / "stories.yml").unlink()
    problems = _problems(fw_dir)
    assert any(f.endswith("stories.yml") and "not found" in m for f, _, m in problems)


EXTRA = [
    {
        "id": "q_regio_voucher",
        "text": "Heb je weleens een opleidingsvoucher van de regio gebruikt?",
        "dimensions": {"verbinding_buiten": 1.0},
        "options": [
            {"id": "ja", "label": "Ja", "scores": {"verbinding_buiten": 80}},
            {"id": "nee", "label": "Nee", "scores": {"verbinding_buiten": 30}},
        ],
    }
]


def test_parse_questions_builds_region_questions():
    questions = parse_questions(EXTRA, "twente.yml", load_framework())
    assert [q.id for q in questions] == ["q_regio_voucher"]
    assert questions[0].option("ja").scores == {"verbinding_buiten": 80}


def test_parse_questions_errors_name_the_region_file_and_path():
    broken = [dict(EXTRA[0], dimensions={"onzin": 1.0})]
    with pytest.raises(ConfigError) as info:
        parse_questions(broken, "twente.yml", load_framework(), path="extra_questions")
    assert info.value.problems[0][:2] == ("twente.yml", "extra_questions[0].dimensions.onzin")
    broken = [dict(EXTRA[0], id="Voucher")]
    with pytest.raises(ConfigError) as info:
        parse_questions(broken, "twente.yml", load_framework(), path="extra_questions")
    assert info.value.problems[0][:2] == ("twente.yml", "extra_questions[0].id")


def test_docs_questions_md_is_up_to_date():
    result = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "scripts" / "gen_question_table.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_question_variants_fit_size_and_sector():
    q = load_framework().questions["q_gesprekken"]
    assert "leidinggevende" in q.text
    assert "leidinggevende" not in q.text_for("micro", None)
    assert q.text_for("klein", None) == q.text_for(None, None) == q.text


def test_a_variant_with_an_unknown_size_or_without_a_condition_is_reported(fw_dir: Path):
    def bad_size(data):
        data["questions"][0]["variants"] = [{"text": "Hoe gaat dat?", "sizes": ["piepklein"]}]

    _edit(fw_dir / "questions.yml", bad_size)
    assert any("variants" in path for _, path, _ in _problems(fw_dir))

    def no_condition(data):
        data["questions"][0]["variants"] = [{"text": "Hoe gaat dat?"}]

    _edit(fw_dir / "questions.yml", no_condition)
    assert any("variants" in path for _, path, _ in _problems(fw_dir))
