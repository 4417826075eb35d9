"""The learning-culture framework as data: loader and typed view of ``bot/framework/*.yml``.

``load_framework()`` reads themes, dimensions, levers (with first steps), questions,
stories and (optionally) the lead's ``texts.yml``, validates every file against
``schema.json`` through :mod:`bot.yamlio` and checks the ids across files. Every
problem is reported as (file, path inside the file, what was expected) in one
:class:`~bot.yamlio.ConfigError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.signals import PatternError, compile_pattern
from bot.yamlio import ConfigError, load_yaml, schema_problems

if TYPE_CHECKING:
    from jsonschema import ValidationError

FRAMEWORK_DIR = Path(__file__).resolve().parent
SCHEMA_PATH = FRAMEWORK_DIR / "schema.json"

Problem = tuple[str, str, str]


@dataclass(frozen=True)
class Theme:
    """Something an entrepreneur worries about, with the words they use for it."""

    id: str
    label: str
    button: str
    about: str  # completes "wat u vertelde over ..."
    patterns: tuple[str, ...]
    dimensions: Mapping[str, float]  # how much each dimension matters for this theme


@dataclass(frozen=True)
class Dimension:
    """One aspect of how people learn at work, with free-text signals for and against."""

    id: str
    label: str
    explanation: str
    default_weight: float
    weak_phrase: str  # completes "U gaf aan dat ..."
    strong_text: str  # full sentence shown when this goes well
    positive: tuple[str, ...]
    negative: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    """A concrete first small step, with the size classes it fits (``bot.headcount.SIZE_CLASSES``)."""

    id: str
    text: str
    sizes: tuple[str, ...]


@dataclass(frozen=True)
class Lever:
    """A knob the entrepreneur can turn, with why it helps and first steps."""

    id: str
    label: str
    why: str
    dimensions: Mapping[str, float]
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class AnswerOption:
    """A button answer; ``scores`` maps dimension id to 0..100 (empty: tells nothing)."""

    id: str
    label: str
    scores: Mapping[str, int]
    also: tuple[str, ...] = ()  # free-text replies that mean this option ("ja", "klopt")


@dataclass(frozen=True)
class QuestionVariant:
    """Other wording of a question for firms of these sizes and/or sectors (ids)."""

    text: str
    sizes: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()

    def fits(self, size_class: str | None, sector_id: str | None) -> bool:
        return (not self.sizes or size_class in self.sizes) and (
            not self.sectors or sector_id in self.sectors
        )


@dataclass(frozen=True)
class Question:
    """A question in the entrepreneur's words; ``dimensions`` maps id to how much it tells."""

    id: str
    text: str
    dimensions: Mapping[str, float]
    options: tuple[AnswerOption, ...]
    variants: tuple[QuestionVariant, ...] = ()

    def option(self, option_id: str) -> AnswerOption | None:
        return next((o for o in self.options if o.id == option_id), None)

    def text_for(self, size_class: str | None, sector_id: str | None) -> str:
        """The wording that fits the firm: the first fitting variant, else ``text``
        ("een leidinggevende" means nothing in a firm of four, "een klus" nothing in a salon)."""
        return next((v.text for v in self.variants if v.fits(size_class, sector_id)), self.text)


@dataclass(frozen=True)
class Story:
    """A short example of a firm that took a first step (``fictional`` marks made-up ones)."""

    id: str
    themes: tuple[str, ...]
    fictional: bool
    title: str
    text: str
    sector: str | None = None
    size: str | None = None


@dataclass(frozen=True)
class Framework:
    """The whole framework; dicts are keyed by id in YAML order. Treat as read-only."""

    themes: dict[str, Theme]
    dimensions: dict[str, Dimension]
    levers: dict[str, Lever]
    questions: dict[str, Question]
    stories: list[Story]
    story_label: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    directory: Path | None = None

    def stories_for(self, theme_id: str) -> list[Story]:
        return [s for s in self.stories if theme_id in s.themes]


@lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _schema_for(name: str) -> dict:
    root = _schema()
    return {"definitions": root["definitions"], "$ref": f"#/definitions/{name}"}


def _check_weights(
    weights: Mapping[str, Any], known: Mapping[str, Any], file: str, path: str, what: str
) -> list[Problem]:
    return [
        (file, f"{path}.{key}", f"unknown {what} {key!r}; known: {', '.join(known)}")
        for key in weights
        if key not in known
    ]


def _duplicates(items: list[dict], file: str, path: str) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(items):
        ident = item.get("id") if isinstance(item, dict) else None
        if ident is None:
            continue
        if ident in seen:
            out.append(
                (
                    file,
                    f"{path}[{i}].id",
                    f"duplicate id {ident!r} (first at {path}[{seen[ident]}])",
                )
            )
        else:
            seen[ident] = i
    return out


def _check_patterns(patterns: list[str], file: str, path: str) -> list[Problem]:
    out = []
    for i, raw in enumerate(patterns):
        try:
            compile_pattern(raw)
        except PatternError as exc:
            out.append((file, f"{path}[{i}]", str(exc)))
    return out


def _question_problems(
    data: list, file: str, dimensions: Mapping[str, Any], path: str
) -> list[Problem]:
    problems = _duplicates(data, file, path)
    for qi, q in enumerate(data):
        qpath = f"{path}[{qi}]"
        problems += _check_weights(
            q["dimensions"], dimensions, file, f"{qpath}.dimensions", "dimension"
        )
        problems += _duplicates(q["options"], file, f"{qpath}.options")
        for oi, opt in enumerate(q["options"]):
            for dim in opt["scores"]:
                if dim not in q["dimensions"]:
                    problems.append(
                        (
                            file,
                            f"{qpath}.options[{oi}].scores.{dim}",
                            f"dimension {dim!r} is not listed in this question's dimensions "
                            f"({', '.join(q['dimensions'])})",
                        )
                    )
        if not any(opt["scores"] for opt in q["options"]):
            problems.append((file, f"{qpath}.options", "at least one option needs scores"))
    return problems


def _build_questions(data: list) -> list[Question]:
    return [
        Question(
            id=q["id"],
            text=q["text"].strip(),
            dimensions=dict(q["dimensions"]),
            options=tuple(
                AnswerOption(
                    o["id"], o["label"].strip(), dict(o["scores"]), tuple(o.get("also", ()))
                )
                for o in q["options"]
            ),
            variants=tuple(
                QuestionVariant(
                    v["text"].strip(), tuple(v.get("sizes", ())), tuple(v.get("sectors", ()))
                )
                for v in q.get("variants", ())
            ),
        )
        for q in data
    ]


def parse_questions(
    data: list,
    file: str,
    framework: Framework,
    path: str = "questions",
    describe: Callable[[ValidationError], str] | None = None,
) -> list[Question]:
    """Validate and build questions in the framework's format (e.g. a region's extra questions).

    Raises ConfigError naming ``file`` and the path (``questions[2].options[0].scores.x``);
    ``describe`` words a schema error (see :func:`bot.yamlio.schema_problems`).
    """
    problems = schema_problems(data, _schema_for("question_list"), file, describe)
    problems = [
        (f, f"{path}{p}" if p.startswith("[") else f"{path}.{p}" if p != "(top level)" else path, m)
        for f, p, m in problems
    ]
    if not problems:
        problems = _question_problems(data, file, framework.dimensions, path)
    if problems:
        raise ConfigError(problems)
    return _build_questions(data)


def _load_file(
    directory: Path, name: str, schema_name: str, problems: list[Problem], required: bool = True
) -> Any:
    path = directory / name
    if not path.exists() and not required:
        return None
    try:
        data = load_yaml(path)
    except ConfigError as exc:
        problems.extend(exc.problems)
        return None
    found = schema_problems(data, _schema_for(schema_name), path)
    problems.extend(found)
    return None if found else data


def load_framework(directory: Path | str | None = None) -> Framework:
    """Load and check the framework in ``directory`` (default: this package; cached)."""
    if directory is None:
        return _load_default()
    return _load(Path(directory))


@lru_cache(maxsize=1)
def _load_default() -> Framework:
    return _load(FRAMEWORK_DIR)


def clear_cache() -> None:
    """Forget the cached default framework (for tests and reloads)."""
    _load_default.cache_clear()


def _load(directory: Path) -> Framework:
    problems: list[Problem] = []
    themes_d = _load_file(directory, "themes.yml", "themes_file", problems)
    dims_d = _load_file(directory, "dimensions.yml", "dimensions_file", problems)
    levers_d = _load_file(directory, "levers.yml", "levers_file", problems)
    questions_d = _load_file(directory, "questions.yml", "questions_file", problems)
    stories_d = _load_file(directory, "stories.yml", "stories_file", problems)
    texts_d = _load_file(directory, "texts.yml", "texts_file", problems, required=False)
    if problems:
        raise ConfigError(problems)

    f_th, f_dim, f_lev, f_q, f_st = (
        str(directory / n)
        for n in ("themes.yml", "dimensions.yml", "levers.yml", "questions.yml", "stories.yml")
    )
    problems += _duplicates(dims_d["dimensions"], f_dim, "dimensions")
    dimensions = {
        d["id"]: Dimension(
            id=d["id"],
            label=d["label"].strip(),
            explanation=d["explanation"].strip(),
            default_weight=float(d["default_weight"]),
            weak_phrase=d["weak_phrase"].strip(),
            strong_text=d["strong_text"].strip(),
            positive=tuple(d["signals"]["positive"]),
            negative=tuple(d["signals"]["negative"]),
        )
        for d in dims_d["dimensions"]
    }
    for i, d in enumerate(dims_d["dimensions"]):
        problems += _check_patterns(
            d["signals"]["positive"], f_dim, f"dimensions[{i}].signals.positive"
        )
        problems += _check_patterns(
            d["signals"]["negative"], f_dim, f"dimensions[{i}].signals.negative"
        )

    problems += _duplicates(themes_d["themes"], f_th, "themes")
    for i, t in enumerate(themes_d["themes"]):
        problems += _check_weights(
            t["dimensions"], dimensions, f_th, f"themes[{i}].dimensions", "dimension"
        )
        problems += _check_patterns(t["patterns"], f_th, f"themes[{i}].patterns")
    themes = {
        t["id"]: Theme(
            t["id"],
            t["label"].strip(),
            t["button"].strip(),
            t["about"].strip(),
            tuple(t["patterns"]),
            dict(t["dimensions"]),
        )
        for t in themes_d["themes"]
    }

    problems += _duplicates(levers_d["levers"], f_lev, "levers")
    for i, lev in enumerate(levers_d["levers"]):
        problems += _check_weights(
            lev["dimensions"], dimensions, f_lev, f"levers[{i}].dimensions", "dimension"
        )
        problems += _duplicates(lev["steps"], f_lev, f"levers[{i}].steps")
    levers = {
        lev["id"]: Lever(
            lev["id"],
            lev["label"].strip(),
            lev["why"].strip(),
            dict(lev["dimensions"]),
            tuple(Step(s["id"], s["text"].strip(), tuple(s["sizes"])) for s in lev["steps"]),
        )
        for lev in levers_d["levers"]
    }

    problems += _question_problems(questions_d["questions"], f_q, dimensions, "questions")

    problems += _duplicates(stories_d["stories"], f_st, "stories")
    for i, s in enumerate(stories_d["stories"]):
        for j, theme in enumerate(s["themes"]):
            if theme not in themes:
                problems.append(
                    (
                        f_st,
                        f"stories[{i}].themes[{j}]",
                        f"unknown theme {theme!r}; known: {', '.join(themes)}",
                    )
                )
    if problems:
        raise ConfigError(problems)

    stories = [
        Story(
            s["id"],
            tuple(s["themes"]),
            s["fictional"],
            s["title"].strip(),
            s["text"].strip(),
            s.get("sector"),
            s.get("size"),
        )
        for s in stories_d["stories"]
    ]
    questions = {q.id: q for q in _build_questions(questions_d["questions"])}
    return Framework(
        themes=themes,
        dimensions=dimensions,
        levers=levers,
        questions=questions,
        stories=stories,
        story_label=stories_d["label"].strip(),
        texts=dict(texts_d or {}),
        directory=directory,
    )


__all__ = [
    "AnswerOption",
    "ConfigError",
    "Dimension",
    "Framework",
    "Lever",
    "Question",
    "Step",
    "Story",
    "Theme",
    "clear_cache",
    "load_framework",
    "parse_questions",
]
