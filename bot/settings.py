"""The product's settings: every environment variable of ``bot/`` read in one place.

``get()`` returns the current :class:`Settings`; ``load(environ)`` parses and
checks every variable and raises one :class:`SettingsError` that lists each bad
variable with its value and what was expected, so an operator fixes them all
at once. An unset or empty variable means its default.

``get()`` keeps the parsed settings and parses again only when one of the
variables below changed in ``os.environ`` (tests set them with monkeypatch);
``reset()`` forgets the kept settings explicitly.

Webhook secrets are not settings: their variable names come from the region
files, and ``secret(name)`` reads one when a delivery needs it, never keeping it.

``docs/configuration.md`` holds the table of these variables; a unit test checks
that it matches this module (``markdown_table()``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.contact import is_email

DEFAULT_RASA_URL = "http://localhost:5005"
DEFAULT_MAIL_FROM = "Leerpunt <leerpunt@example.org>"
# The chat page of `make run` (bot.web on port 8080), under both names of this machine.
DEFAULT_ALLOWED_ORIGINS = ("http://localhost:8080", "http://127.0.0.1:8080")
_TRUE = frozenset({"1", "true", "yes", "ja"})
_FALSE = frozenset({"0", "false", "no", "nee"})
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """One or more environment variables are invalid; ``problems`` lists (name, value, expected)."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        self.problems = list(problems)
        lines = [
            f"  {name}={value!r}: expected {expected}" for name, value, expected in self.problems
        ]
        super().__init__("invalid environment variable(s):\n" + "\n".join(lines))


# -- parsers: raw text (stripped, not empty) -> value; ValueError(what is expected) --------


def _text(raw: str) -> str:
    return raw


def _int_at_least(minimum: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise ValueError(f"a whole number of at least {minimum}")
        return value

    return parse


def _port(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise ValueError("a port number from 1 to 65535")
    return value


def _number_at_least_zero(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise ValueError("a number of at least 0")
    return value


def _positive_number(raw: str) -> float:
    try:
        value = _number_at_least_zero(raw)
    except ValueError:
        value = 0.0
    if value == 0:
        raise ValueError("a number greater than 0")
    return value


def _boolean(raw: str) -> bool:
    word = raw.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"one of {', '.join(sorted(_TRUE | _FALSE))}")


def _http_url(raw: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or " " in raw:
        raise ValueError("an http:// or https:// URL")
    return raw


def _database_url(raw: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(raw)
    except ArgumentError:
        raise ValueError(
            "an SQLAlchemy URL such as postgresql+psycopg2://user:pw@host/db "
            "or sqlite:////path/file.db"
        ) from None
    return raw


def _directory(raw: str) -> Path:
    path = Path(raw)
    if not path.is_dir():
        raise ValueError("an existing directory")
    return path


def _email(raw: str) -> str:
    if not is_email(raw):
        raise ValueError("an e-mail address such as privacy@example.org")
    return raw


def _secret_key(raw: str) -> str:
    if len(raw) < 16:
        raise ValueError("a random text of at least 16 characters")
    return raw


def _origins(raw: str) -> tuple[str, ...]:
    found = []
    for item in re.split(r"[\s,]+", raw):
        if not item:
            continue
        parsed = urlparse(item)
        if (
            parsed.scheme not in ("http", "https")
            or not parsed.netloc
            or parsed.path not in ("", "/")
            or parsed.query
            or parsed.fragment
            or any(c in item for c in "*?\\]")
        ):
            raise ValueError(
                "origins such as https://www.example.org or http://localhost:8080 "
                "(scheme, host and port only), separated by commas or spaces"
            )
        found.append(item.rstrip("/").lower())
    return tuple(dict.fromkeys(found))


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in _LOG_LEVELS:
        raise ValueError(f"one of {', '.join(_LOG_LEVELS)}")
    return level


def _var(
    env: str, default: Any, doc: str, parse: Callable[[str], Any] = _text, *, secret: bool = False
) -> Any:
    """A settings field: its variable, default, one-line doc and parser.

    A ``secret`` is taken as given (not stripped) and left out of the repr.
    """
    return field(
        default=default,
        repr=not secret,
        metadata={"env": env, "doc": doc, "parse": parse, "strip": not secret},
    )


@dataclass(frozen=True)
class Settings:
    """Every setting of the product, parsed and checked. Build with ``load()``; use ``get()``."""

    database_url: str | None = _var(
        "LEERPUNT_DATABASE_URL",
        None,
        "SQLAlchemy URL of the product database (outbox, usage figures); unset: SQLite `var/leerpunt.db`",
        _database_url,
    )
    tracker_db_url: str | None = _var(
        "LEERPUNT_TRACKER_DB_URL",
        None,
        "SQLAlchemy URL of Rasa's SQL tracker store, for deleting conversations; "
        "unset: SQLite `var/tracker.db`",
        _database_url,
    )
    retention_days: int = _var(
        "LEERPUNT_RETENTION_DAYS",
        90,
        "days that handoffs and conversations are kept",
        _int_at_least(1),
    )
    retention_purge_hours: float = _var(
        "LEERPUNT_RETENTION_PURGE_HOURS",
        24.0,
        "hours between two retention purges of the handoff worker (it also purges at start)",
        _positive_number,
    )
    max_questions: int = _var(
        "LEERPUNT_MAX_QUESTIONS", 6, "framework questions the intake asks at most", _int_at_least(1)
    )
    regions_dir: Path | None = _var(
        "LEERPUNT_REGIONS_DIR",
        None,
        "directory with the region files; unset: `bot/regions/`",
        _directory,
    )
    operator_email: str | None = _var(
        "LEERPUNT_OPERATOR_EMAIL",
        None,
        "operator's address: told about given-up deliveries, offered for withdrawals",
        _email,
    )
    mail_from: str = _var("LEERPUNT_MAIL_FROM", DEFAULT_MAIL_FROM, "sender of the e-mails")
    smtp_host: str = _var("LEERPUNT_SMTP_HOST", "localhost", "SMTP server")
    smtp_port: int = _var("LEERPUNT_SMTP_PORT", 25, "SMTP port", _port)
    smtp_user: str | None = _var("LEERPUNT_SMTP_USER", None, "SMTP login; unset: no login")
    smtp_password: str | None = _var("LEERPUNT_SMTP_PASSWORD", None, "SMTP password", secret=True)
    smtp_starttls: bool = _var(
        "LEERPUNT_SMTP_STARTTLS", False, "use STARTTLS (1/true/yes/ja or 0/false/no/nee)", _boolean
    )
    delivery_give_up_hours: float = _var(
        "LEERPUNT_DELIVERY_GIVE_UP_HOURS",
        48.0,
        "hours a failing delivery is retried before the operator is told",
        _number_at_least_zero,
    )
    delivery_backoff_seconds: float = _var(
        "LEERPUNT_DELIVERY_BACKOFF_SECONDS",
        30.0,
        "first retry delay of a failed delivery (doubles per attempt)",
        _number_at_least_zero,
    )
    rasa_url: str = _var(
        "LEERPUNT_RASA_URL", DEFAULT_RASA_URL, "Rasa server as the browser reaches it", _http_url
    )
    public_url: str | None = _var(
        "LEERPUNT_PUBLIC_URL",
        None,
        "public address of the chat page, for links and share cards",
        _http_url,
    )
    allowed_origins: tuple[str, ...] = _var(
        "LEERPUNT_ALLOWED_ORIGINS",
        DEFAULT_ALLOWED_ORIGINS,
        "sites whose pages may talk to the Rasa server (CORS), besides `LEERPUNT_PUBLIC_URL` "
        "and each region's `website`; comma-separated origins",
        _origins,
    )
    messages_per_conversation: int = _var(
        "LEERPUNT_MESSAGES_PER_CONVERSATION",
        300,
        "messages one conversation gets answered; after that one friendly line only",
        _int_at_least(1),
    )
    messages_per_minute: int = _var(
        "LEERPUNT_MESSAGES_PER_MINUTE",
        30,
        "messages one conversation gets answered within a minute; faster ones get one line",
        _int_at_least(1),
    )
    handoffs_per_contact_hour: int = _var(
        "LEERPUNT_HANDOFFS_PER_CONTACT_HOUR",
        3,
        "handoffs queued for one e-mail address or phone number within an hour",
        _int_at_least(1),
    )
    contact_hash_key: str | None = _var(
        "LEERPUNT_CONTACT_HASH_KEY",
        None,
        "secret key of the hashed contact addresses that the handoff limit counts; "
        "unset: a random key per process (set it when several action servers share a database)",
        _secret_key,
        secret=True,
    )
    log_level: str = _var(
        "LEERPUNT_LOG_LEVEL", "INFO", "log level of `python -m bot.handoff`", _log_level
    )
    rasa_speedups: bool = _var(
        "LEERPUNT_RASA_SPEEDUPS",
        True,
        "the Rasa server checks action answers with a validator built once "
        "(`channels/speedups.py`); false: Rasa as it is, to measure the difference",
        _boolean,
    )


ENV_NAMES: tuple[str, ...] = tuple(f.metadata["env"] for f in fields(Settings))


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Parse and check every variable of ``environ`` (default ``os.environ``).

    Raises SettingsError listing every bad variable, its value and what is expected.
    """
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    problems: list[tuple[str, str, str]] = []
    for f in fields(Settings):
        name = f.metadata["env"]
        raw = environ.get(name)
        if raw is None or not raw.strip():
            continue
        try:
            values[f.name] = f.metadata["parse"](raw.strip() if f.metadata["strip"] else raw)
        except ValueError as exc:
            problems.append((name, raw, str(exc)))
    if problems:
        raise SettingsError(problems)
    return Settings(**values)


_current: tuple[tuple[str | None, ...], Settings] | None = None


def get() -> Settings:
    """The settings of this process; parsed again only when one of their variables changed."""
    global _current
    snapshot = tuple(os.environ.get(name) for name in ENV_NAMES)
    if _current is None or _current[0] != snapshot:
        _current = (snapshot, load())
    return _current[1]


def reset() -> None:
    """Forget the kept settings; the next ``get()`` parses the environment again."""
    global _current
    _current = None


def only(*names: str) -> dict[str, str]:
    """These variables of the environment alone, for ``load`` in a process that needs
    just them (the Rasa server)."""
    return {name: os.environ[name] for name in names if name in os.environ}


def secret(name: str) -> str:
    """The value of the secret variable ``name`` (named in a region file), or ''; never kept."""
    return os.environ.get(name, "")


def markdown_table() -> str:
    """The table of variables in ``docs/configuration.md``."""
    rows = ["| variable | default | what it is |", "|---|---|---|"]
    for f in fields(Settings):
        if f.default is None:
            default = "(unset)"
        elif isinstance(f.default, tuple):
            default = ", ".join(f"`{item}`" for item in f.default)
        elif isinstance(f.default, bool):
            default = f"`{str(f.default).lower()}`"
        else:
            default = f"`{f.default:g}`" if isinstance(f.default, float) else f"`{f.default}`"
        rows.append(f"| `{f.metadata['env']}` | {default} | {f.metadata['doc']} |")
    return "\n".join(rows)
