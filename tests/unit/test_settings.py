"""The one settings module: parsing, one error for every bad variable, caching, the docs table."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from bot import PROJECT_DIR, settings
from bot.settings import Settings, SettingsError, load


def test_an_empty_environment_gives_the_defaults():
    assert load({}) == Settings()
    assert load({}).retention_days == 90 and load({}).max_questions == 6
    assert load({}).smtp_port == 25 and load({}).smtp_starttls is False


def test_empty_values_mean_the_default():
    env = {name: "" for name in settings.ENV_NAMES} | {"LEERPUNT_SMTP_HOST": "  "}
    assert load(env) == Settings()


def test_values_are_parsed_into_their_types(tmp_path):
    loaded = load(
        {
            "LEERPUNT_DATABASE_URL": " postgresql+psycopg2://u:pw@db/leerpunt ",
            "LEERPUNT_TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
            "LEERPUNT_RETENTION_DAYS": "30",
            "LEERPUNT_RETENTION_PURGE_HOURS": "0.5",
            "LEERPUNT_MAX_QUESTIONS": "7",
            "LEERPUNT_REGIONS_DIR": str(tmp_path),
            "LEERPUNT_OPERATOR_EMAIL": "ops@example.org",
            "LEERPUNT_SMTP_PORT": "587",
            "LEERPUNT_SMTP_PASSWORD": " geheim ",
            "LEERPUNT_SMTP_STARTTLS": "Ja",
            "LEERPUNT_DELIVERY_GIVE_UP_HOURS": "1.5",
            "LEERPUNT_DELIVERY_BACKOFF_SECONDS": "0",
            "LEERPUNT_PUBLIC_URL": "https://chat.example.org",
            "LEERPUNT_LOG_LEVEL": "debug",
        }
    )
    assert loaded.database_url == "postgresql+psycopg2://u:pw@db/leerpunt"
    assert loaded.retention_days == 30 and loaded.retention_purge_hours == 0.5
    assert loaded.max_questions == 7
    assert loaded.regions_dir == Path(tmp_path)
    assert loaded.smtp_port == 587 and loaded.smtp_starttls is True
    assert loaded.smtp_password == " geheim "  # a password is taken as given
    assert loaded.delivery_give_up_hours == 1.5 and loaded.delivery_backoff_seconds == 0.0
    assert loaded.public_url == "https://chat.example.org"
    assert loaded.log_level == "DEBUG"


@pytest.mark.parametrize(
    "word, value",
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("ja", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("nee", False),
    ],
)
def test_booleans(word, value):
    assert load({"LEERPUNT_SMTP_STARTTLS": word}).smtp_starttls is value


def test_one_error_lists_every_bad_variable_with_its_value_and_what_is_expected(tmp_path):
    bad = {
        "LEERPUNT_DATABASE_URL": "not a url",
        "LEERPUNT_RETENTION_DAYS": "drie",
        "LEERPUNT_RETENTION_PURGE_HOURS": "0",
        "LEERPUNT_MAX_QUESTIONS": "0",
        "LEERPUNT_REGIONS_DIR": str(tmp_path / "missing"),
        "LEERPUNT_OPERATOR_EMAIL": "ops(at)example.org",
        "LEERPUNT_SMTP_PORT": "70000",
        "LEERPUNT_SMTP_STARTTLS": "misschien",
        "LEERPUNT_DELIVERY_GIVE_UP_HOURS": "-1",
        "LEERPUNT_DELIVERY_BACKOFF_SECONDS": "snel",
        "LEERPUNT_RASA_URL": "localhost:5005",
        "LEERPUNT_PUBLIC_URL": "ftp://chat.example.org",
        "LEERPUNT_LOG_LEVEL": "loud",
    }
    with pytest.raises(SettingsError) as caught:
        load(bad | {"LEERPUNT_SMTP_HOST": "mail.example.org"})
    problems = {name: (value, expected) for name, value, expected in caught.value.problems}
    assert set(problems) == set(bad)
    assert problems["LEERPUNT_RETENTION_DAYS"] == ("drie", "a whole number of at least 1")
    assert problems["LEERPUNT_SMTP_PORT"] == ("70000", "a port number from 1 to 65535")
    assert problems["LEERPUNT_REGIONS_DIR"][1] == "an existing directory"
    message = str(caught.value)
    for name, value in bad.items():
        assert f"{name}={value!r}: expected " in message


def test_the_error_is_a_value_error():
    with pytest.raises(ValueError, match="LEERPUNT_RETENTION_DAYS"):
        load({"LEERPUNT_RETENTION_DAYS": "0"})


def test_the_password_is_not_in_the_repr():
    assert "geheim" not in repr(load({"LEERPUNT_SMTP_PASSWORD": "geheim"}))


def test_get_parses_again_only_when_a_variable_changed(monkeypatch):
    monkeypatch.setenv("LEERPUNT_MAX_QUESTIONS", "3")
    first = settings.get()
    assert first.max_questions == 3
    assert settings.get() is first
    monkeypatch.setenv("SOMETHING_ELSE", "x")
    assert settings.get() is first
    monkeypatch.setenv("LEERPUNT_MAX_QUESTIONS", "4")
    assert settings.get().max_questions == 4
    monkeypatch.delenv("LEERPUNT_MAX_QUESTIONS")
    assert settings.get().max_questions == 6


def test_reset_forgets_the_kept_settings():
    first = settings.get()
    settings.reset()
    second = settings.get()
    assert second == first and second is not first


def test_get_raises_for_a_bad_environment(monkeypatch):
    monkeypatch.setenv("LEERPUNT_SMTP_PORT", "smtp")
    with pytest.raises(SettingsError, match="LEERPUNT_SMTP_PORT='smtp': expected a port number"):
        settings.get()


def test_secrets_named_in_region_files_are_read_when_needed(monkeypatch):
    monkeypatch.setenv("SOME_REGION_WEBHOOK_SECRET", "s3")
    assert settings.secret("SOME_REGION_WEBHOOK_SECRET") == "s3"
    monkeypatch.delenv("SOME_REGION_WEBHOOK_SECRET")
    assert settings.secret("SOME_REGION_WEBHOOK_SECRET") == ""


def test_every_field_has_a_variable_and_a_doc():
    names = [f.metadata["env"] for f in dataclasses.fields(Settings)]
    assert len(set(names)) == len(names)
    for f in dataclasses.fields(Settings):
        assert f.metadata["env"].startswith("LEERPUNT_"), f.name
        assert f.metadata["doc"] and "\n" not in f.metadata["doc"], f.name
        assert "|" not in f.metadata["doc"], f.name  # it goes into a markdown table


def test_the_docs_table_matches_the_settings():
    doc = (PROJECT_DIR / "docs" / "configuration.md").read_text(encoding="utf-8")
    table = re.search(
        r"<!-- settings table: start -->\n(.*?)\n<!-- settings table: end -->", doc, re.S
    )
    assert table, "docs/configuration.md lost its settings table markers"
    assert table.group(1) == settings.markdown_table(), (
        "docs/configuration.md is out of date; paste the output of "
        '`.venv/bin/python -c "from bot import settings; print(settings.markdown_table())"`'
    )


def test_only_the_settings_module_reads_the_environment():
    readers = []
    for folder in ("bot", "actions", "channels", "components"):
        for path in sorted((PROJECT_DIR / folder).rglob("*.py")):
            if path == PROJECT_DIR / "bot" / "settings.py":
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"os\.environ|getenv\(", text):
                readers.append(str(path.relative_to(PROJECT_DIR)))
    assert readers == []


def test_the_abuse_limits_and_their_defaults():
    assert (
        settings.load({}).messages_per_conversation,
        settings.load({}).messages_per_minute,
        settings.load({}).handoffs_per_contact_hour,
        settings.load({}).contact_hash_key,
    ) == (300, 30, 3, None)
    given = settings.load(
        {
            "LEERPUNT_MESSAGES_PER_CONVERSATION": "50",
            "LEERPUNT_MESSAGES_PER_MINUTE": "10",
            "LEERPUNT_HANDOFFS_PER_CONTACT_HOUR": "1",
            "LEERPUNT_CONTACT_HASH_KEY": "k" * 32,
        }
    )
    assert (given.messages_per_conversation, given.messages_per_minute) == (50, 10)
    assert given.handoffs_per_contact_hour == 1
    assert "k" * 32 not in repr(given)  # a secret
    with pytest.raises(SettingsError) as bad:
        settings.load(
            {
                "LEERPUNT_MESSAGES_PER_MINUTE": "0",
                "LEERPUNT_HANDOFFS_PER_CONTACT_HOUR": "veel",
                "LEERPUNT_CONTACT_HASH_KEY": "kort",
            }
        )
    assert [name for name, _value, _expected in bad.value.problems] == [
        "LEERPUNT_MESSAGES_PER_MINUTE",
        "LEERPUNT_HANDOFFS_PER_CONTACT_HOUR",
        "LEERPUNT_CONTACT_HASH_KEY",
    ]
