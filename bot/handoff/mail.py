"""E-mail to the coach (and notices) as MIME messages, and sending them over SMTP.

What the coach e-mail says (Dutch text + HTML, rendered from Jinja2 templates)
is :mod:`bot.handoff.mail_content`; ``build_handoff_message`` wraps it in a
MIME message with the chart inline and the profile as JSON attachment, whose
Message-ID is derived from the idempotency key, so a mailbox or ticket system
can drop a repeat; ``send_message`` talks SMTP (settings from ``LEERPUNT_SMTP_*``).
"""

from __future__ import annotations

import json
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from bot import settings
from bot.chart import chart_rows_from_profile, profile_chart_png
from bot.handoff.mail_content import one_line, render_email
from bot.handoff.webhook import Outcome

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
    msg["Subject"] = one_line(subject)
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
    # email stubs: the payload of a multipart EmailMessage is a list of EmailMessage parts.
    html_part = msg.get_payload()[-1]  # type: ignore[index]
    html_part.add_related(  # type: ignore[union-attr]
        profile_chart_png(chart_rows_from_profile(profile)),
        maintype="image",
        subtype="png",
        cid="<profielgrafiek>",
        filename="profielgrafiek.png",
        disposition="inline",
    )
    msg.add_attachment(
        json.dumps(profile, ensure_ascii=False, sort_keys=True, indent=2).encode("utf-8"),
        maintype="application",
        subtype="json",
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
        return Outcome(
            False,
            permanent=all(c >= 500 for c in codes),
            error=f"smtp refused recipient(s) {codes}",
        )
    except smtplib.SMTPDataError as exc:
        return Outcome(
            False, permanent=exc.smtp_code >= 500, error=f"smtp refused message ({exc.smtp_code})"
        )
    except smtplib.SMTPResponseException as exc:
        return Outcome(False, error=f"smtp error {exc.smtp_code}")
    except (smtplib.SMTPException, OSError) as exc:  # includes timeouts
        return Outcome(False, error=f"smtp connection failed ({type(exc).__name__})")
    return Outcome(True)
