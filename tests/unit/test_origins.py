"""The CORS origins passed to ``rasa run --cors``: the chat page and the region sites only."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot import PROJECT_DIR, settings
from bot.web.origins import allowed_origins, origin_of


def test_the_default_is_the_chat_page_of_make_run():
    assert allowed_origins(settings.load({})) == ["http://localhost:8080", "http://127.0.0.1:8080"]
    assert "*" not in allowed_origins(settings.load({}))


def test_the_setting_the_public_url_and_the_region_sites_are_allowed_once_each():
    config = settings.load(
        {
            "LEERPUNT_ALLOWED_ORIGINS": "https://www.ikbindr.nl, https://Chat.Example.org/",
            "LEERPUNT_PUBLIC_URL": "https://chat.example.org/chat?regio=twente",
        }
    )
    websites = ["https://www.ikbindr.nl/werkgevers", "http://regio.example.nl:8443/x", None, ""]

    assert allowed_origins(config, websites) == [
        "https://www.ikbindr.nl",
        "https://chat.example.org",
        "http://regio.example.nl:8443",
    ]


@pytest.mark.parametrize(
    "value", ["*", "https://*.example.org", "chat.example.org", "https://a.nl/chat", "ftp://a.nl"]
)
def test_a_wildcard_a_path_or_no_scheme_is_refused(value):
    with pytest.raises(settings.SettingsError, match="LEERPUNT_ALLOWED_ORIGINS"):
        settings.load({"LEERPUNT_ALLOWED_ORIGINS": value})


def test_origin_of():
    assert origin_of("https://www.Example.org/a/b?c=1") == "https://www.example.org"
    assert origin_of("mailto:a@b.nl") is None


def test_the_command_prints_one_origin_a_line():
    env = {"PATH": "/usr/bin:/bin", "LEERPUNT_ALLOWED_ORIGINS": "https://a.example.org"}
    out = subprocess.run(
        [sys.executable, "-m", "bot", "origins"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.splitlines() == ["https://a.example.org"]
