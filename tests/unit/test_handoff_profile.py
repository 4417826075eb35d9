"""The handoff profile: schema, builder, reference codes and consent texts."""

from __future__ import annotations

import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.handoff.consent import CONSENT_TEXT_VERSION, consent_record, consent_text, has_consent
from bot.handoff.profile import (
    DIMENSION_IDS,
    REFERENCE_ALPHABET,
    SCHEMA_PATH,
    ProfileError,
    build_profile,
    new_reference,
    normalize_reference,
    validate_profile,
)
from bot.handoff.sample import sample_profile


def test_schema_file_is_a_valid_draft7_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)


def test_built_profile_validates_and_has_all_eight_dimensions_in_order():
    profile = sample_profile()
    validate_profile(profile)
    assert [d["id"] for d in profile["dimensions"]] == list(DIMENSION_IDS)
    unknown = [d for d in profile["dimensions"] if d["score"] is None]
    assert unknown and all(d["level"] == "onbekend" and d["confidence"] == 0.0 for d in unknown)
    assert profile["schema_version"] == "1.0"
    assert profile["confirmed_at"] == profile["consent"]["given_at"]


def test_build_profile_accepts_dimensions_keyed_by_id():
    profile = sample_profile(dimensions={"eigen_regie": {"score": 80, "evidence": ["x"]}})
    dim = next(d for d in profile["dimensions"] if d["id"] == "eigen_regie")
    assert dim["level"] == "sterk" and dim["score"] == 80


@pytest.mark.parametrize(
    ("change", "path_fragment"),
    [
        (lambda p: p["themes"].append({"id": "geld", "label": "Geld"}), "themes[2].id"),
        (lambda p: p["dimensions"].pop(), "dimensions"),
        (lambda p: p["dimensions"].__setitem__(7, dict(p["dimensions"][0])), "dimensions"),
        (lambda p: p["dimensions"][0].update(score=None, level="sterk"), "dimensions[0]"),
        (lambda p: p["dimensions"][0].update(score=101), "dimensions[0].score"),
        (lambda p: p["contact"].update(preferred_contact="fax"), "contact.preferred_contact"),
        (lambda p: p["contact"].update(email="geen-adres"), "contact.email"),
        (lambda p: p["contact"].update(phone=None), "contact.phone"),  # preferred: telefoon
        (lambda p: p.pop("consent"), "(top level)"),
        (lambda p: p["transcript"][0].update(speaker="coach"), "transcript[0].speaker"),
        (lambda p: p.update(reference="LP-0O1IL"), "reference"),
        (lambda p: p.update(created_at="gisteren"), "created_at"),
        (lambda p: p.update(extra="x"), "(top level)"),
    ],
)
def test_invalid_profiles_are_refused_with_the_path_named(change, path_fragment):
    profile = sample_profile()
    change(profile)
    with pytest.raises(ProfileError) as info:
        validate_profile(profile)
    assert any(path_fragment in path for path, _ in info.value.problems), info.value


def test_build_profile_refuses_unknown_dimension_id():
    with pytest.raises(ProfileError, match="dimensions"):
        sample_profile(dimensions=[{"id": "geluk", "score": 50}])


@settings(max_examples=200)
@given(st.integers())
def test_reference_codes_use_unambiguous_characters_only(_seed):
    ref = new_reference()
    assert ref.startswith("LP-") and len(ref) == 8
    assert set(ref[3:]) <= set(REFERENCE_ALPHABET)
    assert not set(ref[3:]) & set("01OIL")


@pytest.mark.parametrize("typed", ["lp-7k3q9", "LP 7K3Q9", "7k3q9", " Lp7K3Q9 "])
def test_normalize_reference_accepts_how_people_type_it(typed):
    assert normalize_reference(typed) == "LP-7K3Q9"


def test_consent_text_says_who_what_why_how_long_and_how_to_withdraw(monkeypatch):
    monkeypatch.setenv("LEERPUNT_RETENTION_DAYS", "60")
    text = consent_text("Twente", "privacy@example.org")
    assert "coach van Twente" in text
    for word in (
        "naam",
        "e-mailadres",
        "telefoonnummer",
        "bedrijf",
        "het hele gesprek",
        "contact met je opneemt",
        "60 dagen",
        "intrekken",
        "privacy@example.org",
    ):
        assert word in text, word


def test_consent_record_holds_the_exact_text_and_version():
    record = consent_record("Twente", "privacy@example.org", given_at="2024-10-15T12:03:00Z")
    assert record["text_version"] == CONSENT_TEXT_VERSION
    assert record["text"] == consent_text("Twente", "privacy@example.org")
    assert has_consent({"consent": record})
    assert not has_consent({"consent": dict(record, text_version="onbekend")})
    assert not has_consent({})


def test_build_profile_fills_reference_and_timestamps_when_absent():
    profile = build_profile(
        region={"id": "twente", "name": "Twente"},
        contact={"name": "A", "email": "a@example.org", "preferred_contact": "email"},
        consent=consent_record("Twente", "privacy@example.org"),
    )
    assert profile["reference"].startswith("LP-")
    assert profile["created_at"].endswith("Z")
    assert profile["source"] == {"bron": "onbekend", "campagne": None}


def test_profile_levels_follow_the_engines_thresholds():
    from bot import engine
    from bot.handoff.profile import level_for_score

    for score in (None, 0, 39, 40, 44, 45, 69, 70, 100):
        assert level_for_score(score) == engine.level_for(score)
