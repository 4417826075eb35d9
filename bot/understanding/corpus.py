"""The labelled corpora the classifiers learn from (YAML in ``data/understanding/``).

``themes.yml``: ``messages: [{text, themes: [theme ids]}]``, first messages as owners
type them. ``answers.yml``: ``answers: [{asked, text, labels: {dimension: positive|
negative}}]``, free-text answers to intake questions. ``tests/data/labelled_answers.yml``
(the answers the phrase signals were written against) is read as answers too.
``answers_graded*.yml``: ``answers: [{question, asked, level: sterk|op_weg|aandachtspunt,
text}]``, answers graded on the dimension asked (each file by another blind writer).
Held-out sets live in ``tests/heldout/`` and are never read here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from bot import PROJECT_DIR
from bot.yamlio import load_yaml

ROOT = PROJECT_DIR
CORPUS_DIR = ROOT / "data" / "understanding"
THEME_FILES = tuple(sorted(CORPUS_DIR.glob("themes*.yml")))
ANSWER_FILES = (CORPUS_DIR / "answers.yml", ROOT / "tests" / "data" / "labelled_answers.yml")
GRADED_FILES = tuple(sorted(CORPUS_DIR.glob("answers_graded*.yml")))
POLARITIES = ("positive", "negative")
LEVELS = ("sterk", "op_weg", "aandachtspunt")
_LEVEL_POLARITY = {"sterk": "positive", "aandachtspunt": "negative"}


@dataclass(frozen=True)
class ThemeExample:
    text: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class AnswerExample:
    text: str
    asked: str | None
    labels: dict[str, str]  # dimension id -> 'positive' | 'negative'
    level: str | None = None  # graded answers only: the level shown on ``asked``


def _existing(paths: tuple[Path, ...]) -> list[Path]:
    return [p for p in paths if p.is_file()]


def load_theme_examples(
    paths: tuple[Path, ...] = THEME_FILES, known: set[str] | None = None
) -> list[ThemeExample]:
    out: list[ThemeExample] = []
    for path in _existing(paths):
        for item in (load_yaml(path) or {}).get("messages") or []:
            themes = tuple(t for t in item.get("themes") or [] if known is None or t in known)
            out.append(ThemeExample(str(item["text"]), themes))
    return out


def load_answer_examples(
    paths: tuple[Path, ...] = ANSWER_FILES, known: set[str] | None = None
) -> list[AnswerExample]:
    out: list[AnswerExample] = []
    for path in _existing(paths):
        for item in (load_yaml(path) or {}).get("answers") or []:
            labels = {
                d: p
                for d, p in (item.get("labels") or {}).items()
                if p in POLARITIES and (known is None or d in known)
            }
            asked = item.get("asked")
            if asked is None and len(labels) == 1:
                asked = next(iter(labels))
            out.append(AnswerExample(str(item["text"]), asked, labels))
    return out


def load_graded_examples(
    paths: tuple[Path, ...] = GRADED_FILES, known: set[str] | None = None
) -> list[AnswerExample]:
    """Graded answers: ``sterk``/``aandachtspunt`` also label the asked dimension's
    polarity; ``op_weg`` (partly there) labels none."""
    out: list[AnswerExample] = []
    for path in _existing(paths):
        for item in (load_yaml(path) or {}).get("answers") or []:
            asked, level = item.get("asked"), item.get("level")
            if level not in LEVELS or not asked or (known is not None and asked not in known):
                continue
            labels = {asked: _LEVEL_POLARITY[level]} if level in _LEVEL_POLARITY else {}
            out.append(AnswerExample(str(item["text"]), str(asked), labels, str(level)))
    return out


def corpus_hash(*extra: str) -> str:
    """Content hash of every corpus file plus ``extra`` (code version, encoder, ids)."""
    digest = hashlib.sha256()
    for path in (*THEME_FILES, *ANSWER_FILES, *GRADED_FILES):
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    for item in extra:
        digest.update(item.encode())
    return digest.hexdigest()[:16]


# ----------------------------------------------------------------- intent examples

NLU_DIR = ROOT / "data" / "nlu"
INTENTS_BLIND_DIR = ROOT / "data" / "intents_blind"


def norm_line(text: str) -> str:
    """An example line as compared between files: lower case, single spaces."""
    return " ".join(str(text).lower().split())


def nlu_lines(directory: Path = NLU_DIR) -> set[str]:
    """Every example of the Rasa NLU files in ``directory``, normalised."""
    seen: set[str] = set()
    for path in sorted(directory.glob("*.yml")):
        for item in (load_yaml(path) or {}).get("nlu") or []:
            for line in str(item.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    seen.add(norm_line(line.strip()[2:]))
    return seen


def blind_intents_nlu(paths: list[Path], known: set[str] | None = None) -> str:
    """The blind writers' intent examples (``intents: {intent: [text]}``) as Rasa NLU YAML.

    Lines already in ``known`` (data/nlu) are left out, and so is a line two intents claim
    (one writer's "bel mijn vrouw" is off-topic, another's may ask for a person).
    """
    known = nlu_lines() if known is None else known
    intents_of: dict[str, set[str]] = {}
    rows: list[tuple[str, str, str]] = []
    for path in paths:
        for intent, examples in ((load_yaml(path) or {}).get("intents") or {}).items():
            for example in examples or []:
                text = " ".join(str(example).split())
                key = norm_line(text)
                if text and key not in known:
                    intents_of.setdefault(key, set()).add(str(intent))
                    rows.append((str(intent), key, text))
    out, done = ['version: "3.1"', "nlu:"], set()
    for intent in sorted({r[0] for r in rows}):
        lines = []
        for i, key, text in rows:
            if i == intent and len(intents_of[key]) == 1 and key not in done:
                done.add(key)
                lines.append(text)
        out += [f"- intent: {intent}", "  examples: |"] + [f"    - {t}" for t in lines]
    return "\n".join(out) + "\n"
