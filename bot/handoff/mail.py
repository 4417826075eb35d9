"""E-mail to the coach (and notices): Dutch text + HTML with the chart inline, JSON attached.

``render_email`` produces what a coach reads in a minute before calling;
``build_handoff_message`` wraps it in a MIME message whose Message-ID is
derived from the idempotency key, so a mailbox or ticket system can drop a
repeat; ``send_message`` talks SMTP (settings from ``LEERPUNT_SMTP_*``).
Every text that came from the entrepreneur is HTML-escaped in the HTML part.
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from html import escape

from bot import settings
from bot.chart import chart_rows_from_profile, profile_chart_png
from bot.handoff.webhook import Outcome

try:
    from zoneinfo import ZoneInfo

    _TZ = ZoneInfo("Europe/Amsterdam")
except Exception:  # pragma: no cover - no tz database on the host
    _TZ = None

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


def _one_line(value: object) -> str:
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
    return (f"{_WEEKDAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} "
            f"{moment.year} {moment:%H:%M}")


def _size_text(size: object) -> str | None:
    if size is None or size == "":
        return None
    if isinstance(size, int):
        return f"{size} medewerker" + ("s" if size != 1 else "")
    return f"{size} medewerkers"


def _company_line(company: dict) -> str:
    parts = [company.get("name"), company.get("sector"), _size_text(company.get("size")),
             company.get("place")]
    return " · ".join(_one_line(p) for p in parts if p) or "(niet genoemd)"


def _contact_lines(contact: dict) -> list[str]:
    way = contact.get("preferred_contact", "email")
    lines = [f"Naam: {_one_line(contact.get('name'))}"]
    reach = f"Bij voorkeur per {_CONTACT_WAY.get(way, way)}"
    if contact.get("best_time"):
        reach += f", het liefst {_one_line(contact['best_time'])}"
    lines.append(reach)
    if contact.get("phone"):
        lines.append(f"Telefoon: {_one_line(contact['phone'])}")
    if contact.get("email"):
        lines.append(f"E-mail: {_one_line(contact['email'])}")
    return lines


def _grouped_dimensions(profile: dict) -> list[tuple[str, list[dict]]]:
    groups = []
    for level, title in _LEVEL_ORDER:
        dims = [d for d in profile["dimensions"] if d.get("level") == level]
        if dims:
            groups.append((title, dims))
    return groups


def _subject(profile: dict) -> str:
    company = profile.get("company", {})
    who = company.get("name") or profile.get("contact", {}).get("name") or "ondernemer"
    place = company.get("place")
    where = f", {place}" if place else ""
    return _one_line(f"Nieuwe aanmelding via de chat: {who}{where} ({profile['reference']})")[:200]


# -- the coach e-mail -----------------------------------------------------------------


def render_email(profile: dict) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of the handoff e-mail for the coach.

    The HTML refers to the chart as ``cid:profielgrafiek``; ``build_handoff_message``
    attaches it.
    """
    return _subject(profile), _render_text(profile), _render_html(profile)


def _render_text(p: dict) -> str:
    src = p.get("source", {})
    campaign = f" (campagne: {_one_line(src['campagne'])})" if src.get("campagne") else ""
    out: list[str] = [
        f"Nieuwe aanmelding voor een gesprek – referentie {p['reference']}",
        f"Regio: {p['region']['name']} · bevestigd: {format_time(p.get('confirmed_at'))} "
        f"· via: {_one_line(src.get('bron', '-'))}{campaign}",
        "",
        "WIE",
        *_contact_lines(p["contact"]),
        "",
        "BEDRIJF",
        _company_line(p.get("company", {})),
        "",
        "WAAR MAAKT DE ONDERNEMER ZICH ZORGEN OVER",
    ]
    if p.get("themes"):
        out.append("Thema's: " + ", ".join(t["label"] for t in p["themes"]))
    out.append("In eigen woorden:")
    out.append(f"  \"{p.get('challenge') or '-'}\"")
    out += ["", "LEERCULTUUR IN HET KORT (score 0–100)"]
    for title, dims in _grouped_dimensions(p):
        out.append(f"{title}:")
        for d in dims:
            score = f" ({d['score']})" if d.get("score") is not None else ""
            out.append(f"  - {d['label']}{score}")
            for quote in d.get("evidence", []):
                out.append(f"      \"{quote}\"")
    if p.get("strengths"):
        out += ["", "WAT HET BEDRIJF AL DOET"]
        out += [f"  - {s}" for s in p["strengths"]]
    if p.get("levers"):
        out += ["", "VOORGESTELDE HEFBOMEN EN EERSTE STAPPEN"]
        for n, lever in enumerate(p["levers"], 1):
            out.append(f"  {n}. {lever['label']} – {lever['reason']}")
            out += [f"     • {step}" for step in lever.get("first_steps", [])]
    if p.get("instruments"):
        out += ["", "GETOONDE REGELINGEN EN INSTRUMENTEN"]
        for inst in p["instruments"]:
            link = f" – {inst['link']}" if inst.get("link") else ""
            out.append(f"  - {inst['name']}{link}")
    consent = p["consent"]
    out += [
        "",
        f"Toestemming gegeven op {format_time(consent['given_at'])} "
        f"(tekstversie {consent['text_version']}).",
        f"Het volledige profiel zit als JSON-bijlage bij deze mail. Referentie: {p['reference']}.",
        "",
        "VOLLEDIG GESPREK",
    ]
    for turn in p.get("transcript", []):
        speaker = "Ondernemer" if turn["speaker"] == "ondernemer" else "Assistent"
        out.append(f"[{format_time(turn.get('at'), with_date=False)}] {speaker}: {turn['text']}")
    if not p.get("transcript"):
        out.append("(geen gesprek opgeslagen)")
    return "\n".join(out) + "\n"


def _h(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _render_html(p: dict) -> str:
    src = p.get("source", {})
    campaign = f" (campagne: {_h(src['campagne'])})" if src.get("campagne") else ""
    contact_items = "".join(f"<li>{_h(line)}</li>" for line in _contact_lines(p["contact"]))
    themes = ", ".join(_h(t["label"]) for t in p.get("themes", []))
    parts: list[str] = [
        "<!doctype html><html lang=\"nl\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{_h(_subject(p))}</title></head>",
        "<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.45;"
        "color:#212121;max-width:680px;margin:0 auto;padding:12px\">",
        f"<h1 style=\"font-size:22px\">Nieuwe aanmelding – {_h(p['reference'])}</h1>",
        f"<p>Regio: {_h(p['region']['name'])} · bevestigd: {_h(format_time(p.get('confirmed_at')))}"
        f" · via: {_h(src.get('bron', '-'))}{campaign}</p>",
        "<h2 style=\"font-size:18px\">Wie</h2>",
        f"<ul>{contact_items}</ul>",
        "<h2 style=\"font-size:18px\">Bedrijf</h2>",
        f"<p>{_h(_company_line(p.get('company', {})))}</p>",
        "<h2 style=\"font-size:18px\">Waar maakt de ondernemer zich zorgen over</h2>",
    ]
    if themes:
        parts.append(f"<p>Thema's: {themes}</p>")
    parts.append(
        "<blockquote style=\"margin:0;padding:8px 12px;border-left:4px solid #1565c0;"
        f"background:#f5f8fc;white-space:pre-wrap\">{_h(p.get('challenge') or '-')}</blockquote>"
    )
    parts += [
        "<h2 style=\"font-size:18px\">Leercultuur in het kort</h2>",
        "<p><img src=\"cid:profielgrafiek\" alt=\"Grafiek van de acht dimensies van de "
        "leercultuur, score 0 tot 100\" style=\"max-width:100%;height:auto\" width=\"640\"></p>",
    ]
    for title, dims in _grouped_dimensions(p):
        parts.append(f"<h3 style=\"font-size:16px\">{_h(title)}</h3><ul>")
        for d in dims:
            score = f" ({_h(d['score'])})" if d.get("score") is not None else ""
            quotes = "".join(f"<br><q>{_h(q)}</q>" for q in d.get("evidence", []))
            parts.append(f"<li><strong>{_h(d['label'])}</strong>{score}{quotes}</li>")
        parts.append("</ul>")
    if p.get("strengths"):
        parts.append("<h2 style=\"font-size:18px\">Wat het bedrijf al doet</h2><ul>")
        parts += [f"<li>{_h(s)}</li>" for s in p["strengths"]]
        parts.append("</ul>")
    if p.get("levers"):
        parts.append("<h2 style=\"font-size:18px\">Voorgestelde hefbomen en eerste stappen</h2><ol>")
        for lever in p["levers"]:
            steps = "".join(f"<li>{_h(s)}</li>" for s in lever.get("first_steps", []))
            parts.append(f"<li><strong>{_h(lever['label'])}</strong> – {_h(lever['reason'])}"
                         + (f"<ul>{steps}</ul>" if steps else "") + "</li>")
        parts.append("</ol>")
    if p.get("instruments"):
        parts.append("<h2 style=\"font-size:18px\">Getoonde regelingen en instrumenten</h2><ul>")
        for inst in p["instruments"]:
            if inst.get("link"):
                parts.append(f"<li><a href=\"{_h(inst['link'])}\">{_h(inst['name'])}</a></li>")
            else:
                parts.append(f"<li>{_h(inst['name'])}</li>")
        parts.append("</ul>")
    consent = p["consent"]
    parts += [
        f"<p style=\"color:#616161\">Toestemming gegeven op {_h(format_time(consent['given_at']))}"
        f" (tekstversie {_h(consent['text_version'])}). Het volledige profiel zit als JSON-bijlage "
        f"bij deze mail. Referentie: <strong>{_h(p['reference'])}</strong>.</p>",
        "<h2 style=\"font-size:18px\">Volledig gesprek</h2>",
        "<table style=\"border-collapse:collapse;width:100%\">",
    ]
    for turn in p.get("transcript", []):
        who = "Ondernemer" if turn["speaker"] == "ondernemer" else "Assistent"
        colour = "#e3f2fd" if turn["speaker"] == "ondernemer" else "#ffffff"
        parts.append(
            f"<tr style=\"background:{colour}\"><td style=\"padding:4px 8px;vertical-align:top;"
            f"white-space:nowrap;color:#616161\">{_h(format_time(turn.get('at'), with_date=False))}"
            f"</td><td style=\"padding:4px 8px;vertical-align:top\"><strong>{who}:</strong> "
            f"<span style=\"white-space:pre-wrap\">{_h(turn['text'])}</span></td></tr>"
        )
    parts.append("</table></body></html>")
    return "\n".join(parts)


# -- MIME messages -------------------------------------------------------------------------


def mail_from() -> str:
    """Sender address (env ``LEERPUNT_MAIL_FROM``)."""
    return settings.get().mail_from


def message_id_for(idempotency_key: str, sender: str | None = None) -> str:
    """Message-ID derived from the idempotency key: the same delivery gives the same id."""
    sender = sender or mail_from()
    domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "leerpunt.invalid"
    safe_key = "".join(ch for ch in idempotency_key if ch.isalnum() or ch in "-.:_")
    return f"<{safe_key}@{domain}>"


def _base_message(to: str, subject: str, idempotency_key: str, sender: str | None) -> EmailMessage:
    sender = sender or mail_from()
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = _one_line(subject)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id_for(idempotency_key, sender)
    msg["X-Leerpunt-Idempotency-Key"] = idempotency_key
    msg["Auto-Submitted"] = "auto-generated"
    return msg


def build_handoff_message(
    profile: dict, to: str, idempotency_key: str, sender: str | None = None
) -> EmailMessage:
    """The coach e-mail: text + HTML with the chart (CID) + the profile as JSON attachment."""
    subject, text, html = render_email(profile)
    msg = _base_message(to, subject, idempotency_key, sender)
    msg["X-Leerpunt-Reference"] = profile["reference"]
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    html_part = msg.get_payload()[-1]
    html_part.add_related(
        profile_chart_png(chart_rows_from_profile(profile)),
        maintype="image", subtype="png", cid="<profielgrafiek>",
        filename="profielgrafiek.png", disposition="inline",
    )
    msg.add_attachment(
        json.dumps(profile, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8"),
        maintype="application", subtype="json",
        filename=f"profiel-{profile['reference']}.json",
    )
    return msg


def build_withdrawn_message(
    reference: str, to: str, idempotency_key: str, sender: str | None = None
) -> EmailMessage:
    """The "please delete" notice after a withdrawal: the reference only."""
    msg = _base_message(to, f"Verzoek om gegevens te wissen ({reference})", idempotency_key, sender)
    msg["X-Leerpunt-Reference"] = reference
    msg.set_content(
        f"De ondernemer met referentie {reference} heeft de toestemming ingetrokken.\n"
        "Wilt u alle gegevens van deze aanmelding wissen (ook uit uw mailbox, agenda en "
        "CRM) en geen contact opnemen?\n"
        "Leerpunt heeft de gegevens aan zijn kant al gewist.\n"
    )
    return msg


def build_operator_message(
    payload: dict, to: str, idempotency_key: str, sender: str | None = None
) -> EmailMessage:
    """Report to the operator about a delivery that was given up: reference and error only."""
    reference = payload.get("reference", "?")
    msg = _base_message(to, f"Levering opgegeven: {reference}", idempotency_key, sender)
    msg.set_content(
        f"Een levering van Leerpunt is opgegeven.\n"
        f"Referentie: {reference}\n"
        f"Soort: {payload.get('event', '-')} via {payload.get('channel', '-')}\n"
        f"Laatste fout: {payload.get('error', '-')}\n\n"
        f"Bekijk de status met: python -m bot handoff show {reference}\n"
        f"Opnieuw versturen na herstel: python -m bot handoff resend {reference}\n"
    )
    return msg


# -- SMTP ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server (from ``LEERPUNT_SMTP_*``)."""

    host: str = "localhost"
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 20.0

    @classmethod
    def from_env(cls) -> SmtpSettings:
        config = settings.get()
        return cls(
            host=config.smtp_host,
            port=config.smtp_port,
            user=config.smtp_user,
            password=config.smtp_password,
            starttls=config.smtp_starttls,
        )


def send_message(msg: EmailMessage, settings: SmtpSettings | None = None) -> Outcome:
    """Send one message; classify failures (never raises for SMTP or network trouble).

    A 5xx refusal of the recipients or the message is permanent; anything else
    (connection trouble, 4xx, authentication) is retried.
    """
    settings = settings or SmtpSettings.from_env()
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(msg)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        return Outcome(False, permanent=all(c >= 500 for c in codes),
                       error=f"smtp refused recipient(s) {codes}")
    except smtplib.SMTPDataError as exc:
        return Outcome(False, permanent=exc.smtp_code >= 500,
                       error=f"smtp refused message ({exc.smtp_code})")
    except smtplib.SMTPResponseException as exc:
        return Outcome(False, error=f"smtp error {exc.smtp_code}")
    except (smtplib.SMTPException, OSError) as exc:  # includes timeouts
        return Outcome(False, error=f"smtp connection failed ({type(exc).__name__})")
    return Outcome(True)
