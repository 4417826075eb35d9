"""What the coach e-mail says: one view model, laid out by two Jinja2 templates.

``coach_mail_view`` prepares everything the e-mail shows once (Dutch times,
contact and company lines, dimensions grouped by level, ...);
``templates/coach_mail.txt.j2`` and ``templates/coach_mail.html.j2`` only lay
that out. The HTML template is rendered with autoescaping on, so every text that
came from the entrepreneur is HTML-escaped; ``render_email`` returns
(subject, text, HTML). MIME and SMTP live in :mod:`bot.handoff.mail`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from html import escape
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

try:
    from zoneinfo import ZoneInfo

    _TZ: ZoneInfo | None = ZoneInfo("Europe/Amsterdam")
except Exception:  # pragma: no cover - no tz database on the host
    _TZ = None

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEXT_TEMPLATE = "coach_mail.txt.j2"
HTML_TEMPLATE = "coach_mail.html.j2"

_WEEKDAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
_MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
_LEVEL_ORDER = (
    ("sterk", "Sterk"),
    ("aandachtspunt", "Aandachtspunten"),
    ("op weg", "Op weg"),
    ("onbekend", "Nog onbekend"),
)
_CONTACT_WAY = {"email": "e-mail", "telefoon": "telefoon"}


# -- formatting helpers ------------------------------------------------------------


def one_line(value: object) -> str:
    """A value safe for a header or a single line: no line breaks."""
    return " ".join(str(value).split()) if value is not None else ""


def format_time(iso_text: str | None, with_date: bool = True) -> str:
    """ISO timestamp as Dutch local time, e.g. ``di 15 okt 2024 14:03``."""
    if not iso_text:
        return "-"
    try:
        moment = datetime.fromisoformat(iso_text.replace("Z", "+00:00"))
    except ValueError:
        return iso_text
    if _TZ is not None:
        moment = moment.astimezone(_TZ)
    if not with_date:
        return moment.strftime("%H:%M")
    return (
        f"{_WEEKDAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} "
        f"{moment.year} {moment:%H:%M}"
    )


def _size_text(size: object) -> str | None:
    if size is None or size == "":
        return None
    if isinstance(size, int):
        return f"{size} medewerker" + ("s" if size != 1 else "")
    return f"{size} medewerkers"


def _company_line(company: dict) -> str:
    parts = [
        company.get("name"),
        company.get("sector"),
        _size_text(company.get("size")),
        company.get("place"),
    ]
    return " · ".join(one_line(p) for p in parts if p) or "(niet genoemd)"


def _contact_lines(contact: dict) -> list[str]:
    way = contact.get("preferred_contact", "email")
    lines = [f"Naam: {one_line(contact.get('name'))}"]
    reach = f"Bij voorkeur per {_CONTACT_WAY.get(way, way)}"
    if contact.get("best_time"):
        reach += f", het liefst {one_line(contact['best_time'])}"
    lines.append(reach)
    if contact.get("phone"):
        lines.append(f"Telefoon: {one_line(contact['phone'])}")
    if contact.get("email"):
        lines.append(f"E-mail: {one_line(contact['email'])}")
    return lines


def _subject(profile: dict) -> str:
    company = profile.get("company", {})
    who = company.get("name") or profile.get("contact", {}).get("name") or "ondernemer"
    place = company.get("place")
    where = f", {place}" if place else ""
    return one_line(f"Nieuwe aanmelding via de chat: {who}{where} ({profile['reference']})")[:200]


# -- the view model ------------------------------------------------------------------


@dataclass(frozen=True)
class DimensionLine:
    label: str
    score: object  # None when unknown
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class DimensionGroup:
    title: str
    dimensions: tuple[DimensionLine, ...]


@dataclass(frozen=True)
class LeverLine:
    label: str
    reason: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class InstrumentLine:
    name: str
    link: str | None


@dataclass(frozen=True)
class TranscriptLine:
    time: str
    speaker: str
    by_entrepreneur: bool
    text: str


@dataclass(frozen=True)
class CoachMailView:
    """Everything the coach e-mail shows, formatted once for both templates."""

    subject: str
    reference: str
    region: str
    confirmed: str
    via: str
    campaign: str | None
    contact_lines: tuple[str, ...]
    company: str
    themes: str  # labels joined with ", "; empty when there are none
    challenge: str
    dimension_groups: tuple[DimensionGroup, ...]
    strengths: tuple[str, ...]
    levers: tuple[LeverLine, ...]
    instruments: tuple[InstrumentLine, ...]
    consent_given: str
    consent_version: str
    transcript: tuple[TranscriptLine, ...]


def _dimension_groups(profile: dict) -> tuple[DimensionGroup, ...]:
    groups = []
    for level, title in _LEVEL_ORDER:
        dims = tuple(
            DimensionLine(d["label"], d.get("score"), tuple(d.get("evidence", [])))
            for d in profile["dimensions"]
            if d.get("level") == level
        )
        if dims:
            groups.append(DimensionGroup(title, dims))
    return tuple(groups)


def coach_mail_view(p: dict) -> CoachMailView:
    """The data of the coach e-mail for ``profile``; the templates only lay it out."""
    src = p.get("source", {})
    consent = p["consent"]
    return CoachMailView(
        subject=_subject(p),
        reference=p["reference"],
        region=p["region"]["name"],
        confirmed=format_time(p.get("confirmed_at")),
        via=one_line(src.get("bron", "-")),
        campaign=one_line(src["campagne"]) if src.get("campagne") else None,
        contact_lines=tuple(_contact_lines(p["contact"])),
        company=_company_line(p.get("company", {})),
        themes=", ".join(t["label"] for t in p.get("themes") or []),
        challenge=p.get("challenge") or "-",
        dimension_groups=_dimension_groups(p),
        strengths=tuple(p.get("strengths") or ()),
        levers=tuple(
            LeverLine(lever["label"], lever["reason"], tuple(lever.get("first_steps", [])))
            for lever in p.get("levers") or ()
        ),
        instruments=tuple(
            InstrumentLine(inst["name"], inst.get("link") or None)
            for inst in p.get("instruments") or ()
        ),
        consent_given=format_time(consent["given_at"]),
        consent_version=consent["text_version"],
        transcript=tuple(
            TranscriptLine(
                time=format_time(turn.get("at"), with_date=False),
                speaker="Ondernemer" if turn["speaker"] == "ondernemer" else "Assistent",
                by_entrepreneur=turn["speaker"] == "ondernemer",
                text=turn["text"],
            )
            for turn in p.get("transcript") or ()
        ),
    )


# -- the templates --------------------------------------------------------------------


def _html_value(value: object) -> Markup:
    """Escape every value the HTML template prints (None prints as nothing).

    Autoescaping is on for the HTML template; this finalizer escapes the way
    :func:`html.escape` does (``&quot;``, ``&#x27;``), so the output stays the
    same as before the templates. Values that are already ``Markup`` pass unchanged.
    """
    if isinstance(value, Markup):
        return value
    return Markup(escape("" if value is None else str(value), quote=True))


def _environment(autoescape: bool) -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=autoescape,
        finalize=_html_value if autoescape else None,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


@cache
def _template(name: str) -> Template:
    return _environment(autoescape=name.endswith(".html.j2")).get_template(name)


def render_email(profile: dict) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the handoff e-mail for the coach.

    The HTML refers to the chart as ``cid:profielgrafiek``;
    :func:`bot.handoff.mail.build_handoff_message` attaches it.
    """
    view = coach_mail_view(profile)
    return (
        view.subject,
        _template(TEXT_TEMPLATE).render(mail=view),
        _template(HTML_TEMPLATE).render(mail=view),
    )
