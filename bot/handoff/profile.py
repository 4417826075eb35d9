"""The handoff profile: one versioned JSON document per handoff to a coach.

The document's shape lives in ``profile.schema.json`` next to this module (the
one place that knows it). ``build_profile`` turns plain dicts and lists into a
profile, filling in the reference code, timestamps and any dimension that was
not talked about; ``validate_profile`` checks a profile against the schema.
"""

from __future__ import annotations

import copy
import json
import secrets
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.yamlio import schema_problems

SCHEMA_PATH = Path(__file__).with_name("profile.schema.json")
SCHEMA_VERSION = "1.0"

# Unambiguous on a phone screen and read aloud: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 5

DIMENSION_IDS: tuple[str, ...] = (
    "werk_als_leerbron",
    "ruimte_en_veiligheid",
    "leren_van_elkaar",
    "leidinggevende",
    "ontwikkelbeleid",
    "eigen_regie",
    "verbinding_buiten",
    "leren_zichtbaar",
)
LEVELS = ("sterk", "op weg", "aandachtspunt", "onbekend")


class ProfileError(ValueError):
    """A profile does not match the schema. ``problems`` lists (path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        lines = [f"{path}: {message}" for path, message in problems]
        super().__init__("handoff profile is invalid:\n  " + "\n  ".join(lines))


@lru_cache(maxsize=1)
def profile_schema() -> dict:
    """The published JSON Schema of the profile (parsed once)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def new_reference() -> str:
    """A fresh reference code such as ``LP-7K3Q9``."""
    return "LP-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalize_reference(text: str) -> str:
    """Accept what a person types ("lp 7k3q9", "7K3Q9") and return ``LP-7K3Q9``."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    if cleaned.startswith("LP"):
        cleaned = cleaned[2:]
    return "LP-" + cleaned


def utc_now_iso() -> str:
    """Current time as ISO 8601 in UTC with a ``Z`` suffix, second precision."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def level_for_score(score: int | None) -> str:
    """Fallback level when the caller gave a score without a level (the engine owns the thresholds)."""
    from bot.engine import level_for

    return level_for(score)


def _fallback_label(dimension_id: str) -> str:
    return dimension_id.replace("_", " ").capitalize()


def _complete_dimensions(
    dimensions: list[dict] | dict[str, dict] | None, labels: dict[str, str]
) -> list[dict]:
    """All eight dimensions in the fixed order; unknown ones get ``onbekend``."""
    given: dict[str | None, dict]
    if isinstance(dimensions, dict):
        given = {key: dict(value, id=key) for key, value in dimensions.items()}
    else:
        given = {d.get("id"): dict(d) for d in (dimensions or [])}
    out: list[dict] = []
    for dim_id in DIMENSION_IDS:
        dim = given.pop(dim_id, {"id": dim_id})
        dim.setdefault("label", labels.get(dim_id) or _fallback_label(dim_id))
        dim.setdefault("score", None)
        dim.setdefault("level", level_for_score(dim["score"]))
        dim.setdefault("evidence", [])
        dim.setdefault("confidence", 0.0 if dim["score"] is None else 0.5)
        out.append(dim)
    # Unknown ids are kept so that validation names them instead of silently dropping them.
    out.extend(given.values())
    return out


def build_profile(**fields: Any) -> dict:
    """Assemble a profile from plain dicts and lists.

    Keyword arguments are the top-level fields of the schema (``region``,
    ``contact``, ``company``, ``themes``, ``challenge``, ``dimensions``,
    ``levers``, ``instruments``, ``strengths``, ``consent``, ``transcript``,
    ``source``, optional ``conversation_id``). Added when absent:
    ``schema_version``, ``reference``, ``created_at``, ``confirmed_at`` (the
    consent time), empty lists, and every dimension not mentioned (score None,
    level ``onbekend``). ``dimensions`` may be a list of dicts with ``id`` or a
    dict keyed by id. ``dimension_labels`` (id -> Dutch label, from
    bot.framework) fills labels that are missing. The result is validated.
    """
    labels: dict[str, str] = fields.pop("dimension_labels", None) or {}
    profile = copy.deepcopy(fields)
    now = utc_now_iso()
    profile.setdefault("schema_version", SCHEMA_VERSION)
    profile.setdefault("reference", new_reference())
    profile.setdefault("created_at", now)
    consent = profile.get("consent") or {}
    profile.setdefault("confirmed_at", consent.get("given_at") or now)
    profile.setdefault("source", {"bron": "onbekend", "campagne": None})
    profile["source"].setdefault("campagne", None)
    company = profile.setdefault("company", {})
    for key in ("name", "sector", "size", "place"):
        company.setdefault(key, None)
    contact = profile.get("contact")
    if isinstance(contact, dict):
        contact.setdefault("phone", None)
        contact.setdefault("email", None)
    for key in ("themes", "levers", "instruments", "strengths", "transcript"):
        profile.setdefault(key, [])
    profile.setdefault("challenge", "")
    for lever in profile["levers"]:
        lever.setdefault("first_steps", [])
    for instrument in profile["instruments"]:
        instrument.setdefault("link", None)
    profile["dimensions"] = _complete_dimensions(profile.get("dimensions"), labels)
    validate_profile(profile)
    return profile


def validate_profile(profile: Any) -> None:
    """Raise ProfileError naming every path that does not match the schema."""
    problems = schema_problems(profile, profile_schema(), "profile")
    if problems:
        raise ProfileError([(path, message) for _file, path, message in problems])


def profile_json(profile: dict) -> str:
    """Canonical JSON text of a profile (stable key order, UTF-8 characters kept)."""
    return json.dumps(profile, ensure_ascii=False, sort_keys=True, indent=2)
