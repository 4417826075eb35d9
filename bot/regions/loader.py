"""Load and check every region file of a directory into a :class:`RegionSet`.

All files are read before anything is reported, so one ``ConfigError`` lists
every problem of every file: schema errors, a file whose ``id`` differs from its
name, duplicate ids, postcode ranges or municipalities claimed twice, not exactly
one national fallback, and (when the framework is available) override keys,
left-out questions and added questions that the framework does not know.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot import settings
from bot.regions.messages import Problem, dutch_load_problems, dutch_schema_problems, schema_message
from bot.regions.model import (
    Coach,
    Handoff,
    Instrument,
    Municipality,
    Organisation,
    PlaceResolution,
    Region,
    RegionStory,
    Webhook,
)
from bot.regions.places import PlaceIndex, place_key
from bot.yamlio import ConfigError, load_yaml

REGIONS_DIR = Path(__file__).resolve().parent
SCHEMA_PATH = REGIONS_DIR / "schema.json"
ENV_DIR = "LEERPUNT_REGIONS_DIR"
_AUTO = object()  # "load the framework if the package is there"


class RegionSet:
    """All regions of a deployment, with the one national fallback and a place index."""

    def __init__(self, regions: list[Region], directory: Path | None = None):
        self._regions = {r.id: r for r in regions}
        self.directory = directory
        fallbacks = [r for r in regions if r.is_fallback]
        if len(fallbacks) != 1:
            raise ValueError("a RegionSet needs exactly one fallback region")
        self._fallback = fallbacks[0]
        # The fallback's places (Dutch municipalities outside every region) come last.
        self.places = PlaceIndex.build(sorted(regions, key=lambda r: r.is_fallback))

    def get(self, region_id: str | None) -> Region | None:
        return self._regions.get(region_id) if region_id else None

    @property
    def fallback(self) -> Region:
        return self._fallback

    def all(self) -> list[Region]:
        return list(self._regions.values())

    @property
    def ids(self) -> list[str]:
        return list(self._regions)

    def __iter__(self) -> Iterator[Region]:
        return iter(self._regions.values())

    def __len__(self) -> int:
        return len(self._regions)

    def resolve(self, text: str) -> PlaceResolution:
        return self.places.resolve(text)

    def region_for(self, resolution: PlaceResolution) -> Region | None:
        """The region to use: the found one, the fallback when unknown, None when ambiguous."""
        if resolution.status == "found":
            return self.get(resolution.region_ids[0])
        return None if resolution.status == "ambiguous" else self.fallback


def default_directory() -> Path:
    """``$LEERPUNT_REGIONS_DIR`` when set, else this package's directory."""
    return settings.get().regions_dir or REGIONS_DIR


def load_regions(directory: Path | str | None = None, *, framework: Any = _AUTO) -> RegionSet:
    """Load, check and return all regions; raise ConfigError listing every problem.

    Without ``directory`` the result is cached per resolved directory (the default or
    ``$LEERPUNT_REGIONS_DIR``). ``framework`` defaults to ``bot.framework.load_framework()``
    when that package exists; pass ``None`` to skip the checks that need it.
    """
    if directory is None and framework is _AUTO:
        return _load_cached(str(default_directory().resolve()))
    fw = _default_framework() if framework is _AUTO else framework
    return _load(Path(directory) if directory is not None else default_directory(), fw)


def clear_cache() -> None:
    """Forget cached region sets (tests, reloads)."""
    _load_cached.cache_clear()


@lru_cache(maxsize=4)
def _load_cached(directory: str) -> RegionSet:
    return _load(Path(directory), _default_framework())


def _default_framework() -> Any:
    try:
        from bot.framework import load_framework
    except ImportError:
        return None
    return load_framework()


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def region_files(directory: Path) -> list[Path]:
    return sorted(p for p in [*directory.glob("*.yml"), *directory.glob("*.yaml")] if p.is_file())


def check_directory(
    directory: Path | str | None = None, *, framework: Any = _AUTO
) -> tuple[RegionSet | None, list[Problem]]:
    """Like :func:`load_regions` but returns (regions or None, Dutch problems) instead of raising."""
    try:
        return load_regions(
            directory if directory is not None else default_directory(), framework=framework
        ), []
    except ConfigError as exc:
        return None, exc.problems


def _load(directory: Path, framework: Any) -> RegionSet:
    problems: list[Problem] = []
    files = region_files(directory)
    if not files:
        raise ConfigError(
            [(str(directory), "-", "geen regiobestanden (*.yml) gevonden in deze map")]
        )
    loaded: list[tuple[Path, dict]] = []
    for path in files:
        try:
            data = load_yaml(path)
        except ConfigError as exc:
            problems += dutch_load_problems(exc.problems)
            continue
        found = dutch_schema_problems(data, schema(), path)
        if found:
            problems += found
            continue
        loaded.append((path, data))

    problems += _cross_file_problems(loaded, directory, all_valid=len(loaded) == len(files))
    regions = []
    for path, data in loaded:
        region_problems: list[Problem] = []
        region = _build(path, data, framework, region_problems)
        problems += region_problems
        regions.append(region)
    if problems:
        raise ConfigError(problems)
    return RegionSet(regions, directory)


def _where(item: tuple[Path, str]) -> str:
    return f"{item[0].name}, {item[1]}"


def _cross_file_problems(
    loaded: list[tuple[Path, dict]], directory: Path, all_valid: bool
) -> list[Problem]:
    problems: list[Problem] = []
    ids: dict[str, Path] = {}
    munis: dict[str, tuple[Path, str, str]] = {}  # key -> (file, path, region id)
    ranges: list[tuple[int, int, Path, str, str]] = []
    fallbacks: list[Path] = []
    for path, data in loaded:
        rid = data["id"]
        if rid != path.stem:
            problems.append(
                (
                    str(path),
                    "id",
                    f"id '{rid}' moet gelijk zijn aan de bestandsnaam "
                    f"(zonder .yml): '{path.stem}'; hernoem het bestand of pas de id aan",
                )
            )
        if rid in ids:
            problems.append(
                (
                    str(path),
                    "id",
                    f"regio-id '{rid}' wordt ook al gebruikt in "
                    f"{ids[rid].name}; elke regio heeft een eigen id",
                )
            )
        ids.setdefault(rid, path)
        if data.get("is_fallback"):
            fallbacks.append(path)
        places = data.get("places") or {}
        for i, item in enumerate(places.get("municipalities", [])):
            name = item if isinstance(item, str) else item["name"]
            key, where = place_key(name), f"places.municipalities[{i}]"
            if key in munis:
                other_file, other_where, other_id = munis[key]
                if other_id == rid:
                    problems.append(
                        (
                            str(path),
                            where,
                            f"gemeente '{name}' staat twee keer in dit "
                            f"bestand (ook op {other_where})",
                        )
                    )
                else:
                    problems.append(
                        (
                            str(path),
                            where,
                            f"gemeente '{name}' hoort al bij regio "
                            f"'{other_id}' ({_where((other_file, other_where))}); een gemeente "
                            "hoort bij één regio. Gaat het om een andere plaats met dezelfde "
                            "naam, zet die dan onder places: van haar eigen gemeente",
                        )
                    )
            else:
                munis[key] = (path, where, rid)
        for i, pair in enumerate(places.get("postcodes", [])):
            lo, hi = pair
            where = f"places.postcodes[{i}]"
            if lo > hi:
                problems.append(
                    (
                        str(path),
                        where,
                        f"het begin {lo} is groter dan het eind {hi}; schrijf [{hi}, {lo}]",
                    )
                )
                continue
            for olo, ohi, ofile, owhere, orid in ranges:
                if lo <= ohi and olo <= hi:
                    whose = "in dit bestand" if orid == rid else f"van regio '{orid}'"
                    problems.append(
                        (
                            str(path),
                            where,
                            f"postcodes [{lo}, {hi}] overlappen met "
                            f"[{olo}, {ohi}] {whose} ({_where((ofile, owhere))}); "
                            "elke postcode hoort bij precies één regio",
                        )
                    )
            ranges.append((lo, hi, path, where, rid))
    if all_valid and len(fallbacks) == 0:
        problems.append(
            (
                str(directory),
                "is_fallback",
                "er is geen landelijk vangnet: precies één "
                "regio moet is_fallback: true hebben (meestal landelijk.yml)",
            )
        )
    for path in fallbacks[1:]:
        problems.append(
            (
                str(path),
                "is_fallback",
                f"er mag maar één landelijk vangnet zijn; "
                f"{fallbacks[0].name} heeft al is_fallback: true",
            )
        )
    return problems


def _municipality(item: str | Mapping[str, Any]) -> Municipality:
    if isinstance(item, str):
        return Municipality(item.strip())
    places = []
    for p in item.get("places", []):
        if isinstance(p, str):
            places.append((p.strip(), ()))
        else:
            places.append((p["name"].strip(), tuple(a.strip() for a in p.get("aliases", []))))
    return Municipality(
        item["name"].strip(), tuple(a.strip() for a in item.get("aliases", [])), tuple(places)
    )


def _duplicate_ids(items: list[Mapping[str, Any]], file: Path, path: str) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(items):
        if item["id"] in seen:
            out.append(
                (
                    str(file),
                    f"{path}[{i}].id",
                    f"id '{item['id']}' komt al voor bij "
                    f"{path}[{seen[item['id']]}]; elke id mag maar één keer voorkomen",
                )
            )
        seen.setdefault(item["id"], i)
    return out


def _build(path: Path, data: dict, framework: Any, problems: list[Problem]) -> Region:
    wording = data["wording"]
    places = data.get("places") or {}
    handoff = data.get("handoff") or {}
    questions = data.get("questions") or {}
    instruments_d = data.get("instruments", [])
    stories_d = data.get("stories", [])
    problems += _duplicate_ids(instruments_d, path, "instruments")
    problems += _duplicate_ids(stories_d, path, "stories")
    for i, ins in enumerate(instruments_d):
        lo, hi = ins.get("min_employees"), ins.get("max_employees")
        if lo is not None and hi is not None and lo > hi:
            problems.append(
                (
                    str(path),
                    f"instruments[{i}]",
                    f"min_employees ({lo}) is groter dan max_employees ({hi})",
                )
            )
    added_raw = tuple(questions.get("add", []))
    added: tuple[Any, ...] = ()
    if framework is not None:
        added = _check_questions(path, questions, framework, problems)
        _check_overrides(path, wording.get("overrides", {}), framework, added, problems)
        _check_sectors(path, data.get("coaches", []), problems)
    webhook = handoff.get("webhook")
    return Region(
        id=data["id"],
        name=data["name"].strip(),
        file=path,
        organisations=tuple(
            Organisation(o["name"], o.get("role"), o.get("website")) for o in data["organisations"]
        ),
        is_fallback=bool(data.get("is_fallback", False)),
        description=(data.get("description") or "").strip() or None,
        website=data.get("website"),
        areas=tuple(a.strip() for a in places.get("areas", [])),
        municipalities=tuple(_municipality(m) for m in places.get("municipalities", [])),
        postcodes=tuple((lo, hi) for lo, hi in places.get("postcodes", [])),
        coaches=tuple(
            Coach(
                c["role"],
                c["name"],
                c["organisation"],
                c["email"],
                c.get("phone"),
                tuple(c.get("sectors", [])),
                c.get("office_hours"),
            )
            for c in data.get("coaches", [])
        ),
        handoff=Handoff(
            Webhook(webhook["url"], webhook["secret_env"]) if webhook else None,
            handoff.get("email"),
        ),
        office_hours=(data.get("office_hours") or "").strip() or None,
        greeting=wording["greeting"].strip(),
        coach_offer=wording["coach_offer"].strip(),
        closing=wording["closing"].strip(),
        overrides={k: v.strip() for k, v in wording.get("overrides", {}).items()},
        replace_words=dict(wording.get("replace_words", {})),
        excluded_questions=tuple(questions.get("exclude", [])),
        added_questions=added,
        added_questions_raw=added_raw,
        instruments=tuple(
            Instrument(
                i["id"],
                i["kind"],
                i["name"].strip(),
                i["description"].strip(),
                (i.get("conditions") or "").strip() or None,
                i.get("link"),
                tuple(i.get("themes", [])),
                i.get("min_employees"),
                i.get("max_employees"),
            )
            for i in instruments_d
        ),
        stories=tuple(
            RegionStory(
                s["id"],
                s["title"].strip(),
                s["text"].strip(),
                s["fictional"],
                s.get("source"),
                tuple(s.get("themes", [])),
            )
            for s in stories_d
        ),
        campaign_sources=tuple(data.get("campaign_sources", [])),
    )


def _check_questions(
    path: Path, questions: Mapping[str, Any], framework: Any, problems: list[Problem]
) -> tuple[Any, ...]:
    known = list(getattr(framework, "questions", {}) or {})
    for i, qid in enumerate(questions.get("exclude", [])):
        if qid not in known:
            problems.append(
                (
                    str(path),
                    f"questions.exclude[{i}]",
                    f"vraag '{qid}' bestaat niet in het "
                    f"framework{_suggest(qid, known)}; bekende vragen: {', '.join(known)}",
                )
            )
    raw = questions.get("add", [])
    if not raw:
        return ()
    from bot.framework import parse_questions

    try:
        added = tuple(
            parse_questions(
                list(raw), str(path), framework, path="questions.add", describe=schema_message
            )
        )
    except ConfigError as exc:
        problems += exc.problems
        return ()
    for i, q in enumerate(added):
        if q.id in known:
            problems.append(
                (
                    str(path),
                    f"questions.add[{i}].id",
                    f"vraag '{q.id}' bestaat al in het "
                    "framework; kies een nieuwe id, of pas de tekst aan met "
                    f"wording.overrides: questions.{q.id}.text",
                )
            )
    return added


def _check_overrides(
    path: Path,
    overrides: Mapping[str, str],
    framework: Any,
    added: tuple[Any, ...],
    problems: list[Problem],
) -> None:
    from bot.regions.content import framework_texts

    known = set(framework_texts(framework)) | {"greeting", "coach_offer", "closing"}
    for q in added:
        known.add(f"questions.{q.id}.text")
    for key in overrides:
        if key not in known:
            problems.append(
                (
                    str(path),
                    f"wording.overrides.{key}",
                    f"onbekende tekstsleutel '{key}'"
                    f"{_suggest(key, sorted(known))}; zie python -m bot.regions texts "
                    "<regio> voor alle sleutels",
                )
            )


def _check_sectors(path: Path, coaches: list[Mapping[str, Any]], problems: list[Problem]) -> None:
    from bot.sectors import load_sectors  # late: sectors load their own file

    known = [s.id for s in load_sectors()]
    for ci, coach in enumerate(coaches):
        for si, sector in enumerate(coach.get("sectors", [])):
            if sector not in known:
                problems.append(
                    (
                        str(path),
                        f"coaches[{ci}].sectors[{si}]",
                        f"onbekende branche "
                        f"'{sector}'{_suggest(sector, known)}; bekende branches: {', '.join(known)}",
                    )
                )


def _suggest(word: str, known: list[str]) -> str:
    close = difflib.get_close_matches(word, known, n=1)
    return f" (bedoel je '{close[0]}'?)" if close else ""
