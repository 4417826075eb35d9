"""Durable outbox of handoffs: what must reach which coach, and how far it got.

SQLAlchemy Core on the shared ``bot.store`` engine (SQLite by default,
PostgreSQL in production). One row per handoff (the profile, personal data,
kept for the retention period) and one row per delivery (a target and an
event: ``handoff.created``, ``handoff.withdrawn`` or ``operator.given_up``).

A worker claims due deliveries with a lease; when a worker dies its lease runs
out and another claim picks the delivery up again. Each delivery carries a
stable idempotency key, so a receiver that honours it sees every handoff once.
Delivery rows never hold personal data: ``last_error`` is a short technical
reason and notices carry the reference only.

Two abuse limits are kept here, where every handoff passes: a conversation
that has a handoff gets no second one, and one contact address (e-mail or
phone) gets at most ``LEERPUNT_HANDOFFS_PER_CONTACT_HOUR`` handoffs an hour.
The address is counted as a keyed hash (HMAC-SHA256 with
``LEERPUNT_CONTACT_HASH_KEY``) in its own table, rows an hour old are dropped;
the address itself is never stored there.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot import settings
from bot.contact import normalise_address
from bot.handoff.consent import has_consent, retention_days
from bot.handoff.profile import new_reference, validate_profile
from bot.store import ensure_tables, get_engine, metadata

log = logging.getLogger("bot.handoff.outbox")

EVENT_CREATED = "handoff.created"
EVENT_WITHDRAWN = "handoff.withdrawn"
EVENT_GIVEN_UP = "operator.given_up"

PENDING, DELIVERING, DELIVERED, FAILED, GIVEN_UP = (
    "pending",
    "delivering",
    "delivered",
    "failed",
    "given_up",
)
STATES = (PENDING, DELIVERING, DELIVERED, FAILED, GIVEN_UP)

DEFAULT_BACKOFF_SECONDS = settings.Settings().delivery_backoff_seconds
DEFAULT_BACKOFF_CAP_SECONDS = 3600.0
CONTACT_WINDOW_SECONDS = 3600.0
# Without LEERPUNT_CONTACT_HASH_KEY the counts are kept per process (the key is gone with it).
_PROCESS_KEY = secrets.token_hex(32)

handoff_table = sa.Table(
    "handoff",
    metadata,
    sa.Column("reference", sa.String(16), primary_key=True),
    sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
    sa.Column("conversation_id", sa.String(200), nullable=True, index=True),
    sa.Column("region_id", sa.String(100), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False, index=True),
    sa.Column("profile", sa.Text, nullable=False),
)

delivery_table = sa.Table(
    "handoff_delivery",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("reference", sa.String(16), nullable=False, index=True),
    sa.Column("event", sa.String(32), nullable=False),
    sa.Column("idempotency_key", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("address", sa.String(2000), nullable=False),
    sa.Column("secret_env", sa.String(100), nullable=True),
    sa.Column("payload", sa.Text, nullable=True),
    sa.Column("state", sa.String(16), nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("next_attempt_at", sa.Float, nullable=False, index=True),
    sa.Column("lease_owner", sa.String(100), nullable=True),
    sa.Column("lease_until", sa.Float, nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("delivered_at", sa.Float, nullable=True),
    sa.UniqueConstraint("idempotency_key", "kind", "address", name="uq_delivery_key_target"),
)

# One row per queued handoff and contact address: the keyed hash and when, nothing else.
contact_use_table = sa.Table(
    "handoff_contact_use",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("contact_hash", sa.String(64), nullable=False, index=True),
    sa.Column("created_at", sa.Float, nullable=False, index=True),
)


class ConsentMissing(ValueError):
    """A handoff was offered without a recorded yes; nothing was stored."""


class HandoffLimitReached(Exception):
    """An abuse limit refused a handoff; nothing was stored.

    ``reason`` is ``"conversation"`` (this conversation has handoff ``reference``
    already) or ``"contact"`` (too many handoffs for this address this hour).
    """

    def __init__(self, reason: str, reference: str | None = None):
        self.reason = reason
        self.reference = reference
        super().__init__(
            f"handoff refused: this conversation has handoff {reference} already"
            if reason == "conversation"
            else "handoff refused: too many handoffs for this contact address this hour"
        )


def contact_hash(address: str, key: str | None = None) -> str:
    """The keyed hash of a contact address as the limit counts it (never the address)."""
    key = key or settings.get().contact_hash_key or _PROCESS_KEY
    return hmac.new(
        key.encode("utf-8"), normalise_address(address).encode("utf-8"), hashlib.sha256
    ).hexdigest()


def contact_hashes(profile: dict) -> list[str]:
    """The hashes of the e-mail address and phone number in a profile (those it has)."""
    contact = profile.get("contact") or {}
    addresses = [contact.get(k) for k in ("email", "phone")]
    return list(dict.fromkeys(contact_hash(a) for a in addresses if isinstance(a, str) and a))


@dataclass(frozen=True)
class Target:
    """Where a handoff goes: a webhook (URL + name of the env var with its secret) or an e-mail address."""

    kind: str
    address: str
    secret_env: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("webhook", "email"):
            raise ValueError(f"target kind must be 'webhook' or 'email', got {self.kind!r}")
        if self.kind == "webhook" and not self.secret_env:
            raise ValueError(
                f"webhook target {self.address} needs secret_env (name of the env var)"
            )

    @classmethod
    def webhook(cls, url: str, secret_env: str) -> Target:
        return cls("webhook", url, secret_env)

    @classmethod
    def email(cls, address: str) -> Target:
        return cls("email", address)


def targets_from_region(handoff: dict | None) -> list[Target]:
    """Targets from a region file's ``handoff`` block.

    Shape: ``{webhook: {url, secret_env}, email: address}``; either may be
    absent, ``email`` may also be a list of addresses.
    """
    handoff = handoff or {}
    targets: list[Target] = []
    hook = handoff.get("webhook")
    if hook:
        targets.append(Target.webhook(hook["url"], hook["secret_env"]))
    emails = handoff.get("email") or []
    for address in [emails] if isinstance(emails, str) else emails:
        targets.append(Target.email(address))
    return targets


@dataclass
class Delivery:
    """One claimed delivery, as the worker sees it."""

    id: int
    reference: str
    event: str
    idempotency_key: str
    target: Target
    attempts: int
    created_at: float
    payload: dict | None = field(default=None)


def idempotency_key(conversation_id: str, consent: dict) -> str:
    """Stable key of one handoff: the same conversation and the same yes give the same key."""
    basis = f"{conversation_id}\n{consent.get('given_at')}\n{consent.get('text_version')}"
    return "lp-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:40]


def backoff_seconds(
    attempts: int,
    base: float = DEFAULT_BACKOFF_SECONDS,
    cap: float = DEFAULT_BACKOFF_CAP_SECONDS,
    rng: random.Random | None = None,
) -> float:
    """Delay before the next try after ``attempts`` failed ones: exponential, capped, jittered.

    The delay lies in [d/2, d] with d = min(cap, base * 2**(attempts-1)); the
    jitter spreads retries of many handoffs after an outage of one receiver.
    """
    exp = min(cap, base * (2 ** max(0, attempts - 1)))
    return exp / 2 + (rng or random).random() * exp / 2


def iso(ts: float | None) -> str | None:
    """Epoch seconds as ISO 8601 UTC (for listings and error messages)."""
    if ts is None:
        return None
    return (
        datetime.fromtimestamp(ts, timezone.utc)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z")
    )


class HandoffOutbox:
    """The outbox API used by the chat action, the worker and the CLI."""

    def __init__(
        self,
        url: str | None = None,
        *,
        give_up_hours: float | None = None,
        backoff_base: float | None = None,
        backoff_cap: float | None = None,
        operator_email: str | None = None,
        handoffs_per_contact_hour: int | None = None,
    ):
        self.engine: Engine = get_engine(url)
        ensure_tables(self.engine)
        config = settings.get()
        self.give_up_seconds = 3600.0 * (
            give_up_hours if give_up_hours is not None else config.delivery_give_up_hours
        )
        self.backoff_base = (
            backoff_base if backoff_base is not None else config.delivery_backoff_seconds
        )
        self.backoff_cap = backoff_cap if backoff_cap is not None else DEFAULT_BACKOFF_CAP_SECONDS
        self._operator_email = operator_email
        self.handoffs_per_contact_hour = (
            handoffs_per_contact_hour
            if handoffs_per_contact_hour is not None
            else config.handoffs_per_contact_hour
        )

    @property
    def operator_email(self) -> str | None:
        return self._operator_email or settings.get().operator_email

    # -- writing -----------------------------------------------------------------

    def enqueue(
        self, profile: dict, targets: Iterable[Target], conversation_id: str | None = None
    ) -> str:
        """Store a consented handoff and one delivery per target; return its reference.

        Idempotent: the same conversation id and consent record give the
        same handoff; a second call returns the first call's reference and
        adds nothing. Show the *returned* reference to the entrepreneur.
        Raises ConsentMissing without a consent record, ProfileError for an
        invalid profile, ValueError without targets, HandoffLimitReached when
        the conversation has another handoff or the address had too many.
        """
        if not has_consent(profile):
            raise ConsentMissing("no recorded consent in the profile; nothing was stored")
        validate_profile(profile)
        targets = list(targets)
        if not targets:
            raise ValueError("a handoff needs at least one target (webhook or e-mail)")
        conv = conversation_id or profile.get("conversation_id") or profile["reference"]
        key = idempotency_key(conv, profile["consent"])
        hashes = contact_hashes(profile)
        now = time.time()
        for _ in range(5):
            existing = self._reference_for_key(key)
            if existing:
                log.info("handoff %s already queued (same conversation and consent)", existing)
                return existing
            self._check_limits(conv, hashes, now)
            reference = profile["reference"]
            if self._exists(reference):
                reference = new_reference()
                profile = dict(profile, reference=reference)
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        handoff_table.insert().values(
                            reference=reference,
                            idempotency_key=key,
                            conversation_id=conv,
                            region_id=profile["region"]["id"],
                            created_at=now,
                            profile=json.dumps(profile, ensure_ascii=False, sort_keys=True),
                        )
                    )
                    for target in dict.fromkeys(targets):
                        conn.execute(
                            delivery_table.insert().values(
                                **self._delivery_values(reference, EVENT_CREATED, key, target, now)
                            )
                        )
                    self._count_contacts(conn, hashes, now)
            except IntegrityError:
                # A concurrent enqueue of the same handoff, or a reference clash: look again.
                continue
            log.info("handoff %s queued for %d target(s)", reference, len(targets))
            return reference
        raise RuntimeError("could not store the handoff after 5 tries (reference clashes)")

    def _check_limits(self, conversation_id: str, hashes: list[str], now: float) -> None:
        """Raise HandoffLimitReached when this handoff would break an abuse limit."""
        earlier = self.references_for_conversation(conversation_id)
        if earlier:
            log.info("handoff refused: conversation has handoff %s already", earlier[0])
            raise HandoffLimitReached("conversation", earlier[0])
        if not hashes:
            return
        c = contact_use_table.c
        since = now - CONTACT_WINDOW_SECONDS
        with self.engine.connect() as conn:
            used = conn.execute(
                sa.select(sa.func.count())
                .select_from(contact_use_table)
                .where(sa.and_(c.contact_hash.in_(hashes), c.created_at > since))
                .group_by(c.contact_hash)
            ).scalars()
            most = max(used, default=0)
        if most >= self.handoffs_per_contact_hour:
            log.info("handoff refused: contact address at its limit for this hour")
            raise HandoffLimitReached("contact")

    @staticmethod
    def _count_contacts(conn: sa.Connection, hashes: list[str], now: float) -> None:
        c = contact_use_table.c
        conn.execute(contact_use_table.delete().where(c.created_at <= now - CONTACT_WINDOW_SECONDS))
        for digest in hashes:
            conn.execute(contact_use_table.insert().values(contact_hash=digest, created_at=now))

    @staticmethod
    def _delivery_values(
        reference: str,
        event: str,
        key: str,
        target: Target,
        now: float,
        payload: dict | None = None,
    ) -> dict:
        return {
            "reference": reference,
            "event": event,
            "idempotency_key": key,
            "kind": target.kind,
            "address": target.address,
            "secret_env": target.secret_env,
            "payload": json.dumps(payload) if payload is not None else None,
            "state": PENDING,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }

    def claim_due(
        self, worker_id: str, now: float | None = None, lease_seconds: float = 60.0, limit: int = 10
    ) -> list[Delivery]:
        """Claim up to ``limit`` deliveries that are due, or whose lease ran out.

        Each claim is a conditional UPDATE, so two workers never hold the same
        delivery; a claim counts as an attempt.
        """
        now = time.time() if now is None else now
        d = delivery_table.c
        due = sa.or_(
            sa.and_(d.state.in_([PENDING, FAILED]), d.next_attempt_at <= now),
            sa.and_(d.state == DELIVERING, d.lease_until <= now),
        )
        claimed: list[Delivery] = []
        with self.engine.begin() as conn:
            ids = [
                row.id
                for row in conn.execute(
                    sa.select(d.id).where(due).order_by(d.next_attempt_at, d.id).limit(limit)
                )
            ]
            for delivery_id in ids:
                result = conn.execute(
                    delivery_table.update()
                    .where(sa.and_(d.id == delivery_id, due))
                    .values(
                        state=DELIVERING,
                        lease_owner=worker_id,
                        lease_until=now + lease_seconds,
                        attempts=d.attempts + 1,
                    )
                )
                if result.rowcount != 1:
                    continue
                row = conn.execute(sa.select(delivery_table).where(d.id == delivery_id)).one()
                claimed.append(
                    Delivery(
                        id=row.id,
                        reference=row.reference,
                        event=row.event,
                        idempotency_key=row.idempotency_key,
                        target=Target(row.kind, row.address, row.secret_env),
                        attempts=row.attempts,
                        created_at=row.created_at,
                        payload=json.loads(row.payload) if row.payload else None,
                    )
                )
        return claimed

    def mark_delivered(self, delivery_id: int, now: float | None = None) -> None:
        """Record a successful delivery (a no-op when the handoff was deleted meanwhile)."""
        now = time.time() if now is None else now
        with self.engine.begin() as conn:
            conn.execute(
                delivery_table.update()
                .where(delivery_table.c.id == delivery_id)
                .values(
                    state=DELIVERED,
                    delivered_at=now,
                    lease_owner=None,
                    lease_until=None,
                    last_error=None,
                )
            )

    def mark_failed(
        self,
        delivery_id: int,
        error: str,
        now: float | None = None,
        permanent: bool = False,
        worker_id: str | None = None,
    ) -> str | None:
        """Record a failed attempt; return the new state (``failed`` or ``given_up``).

        ``error`` must be a short technical reason without personal data. A
        delivery is given up when ``permanent`` or when it has been failing
        for longer than the give-up window; then the operator is told (the
        reference and the error only). Returns None when the row is gone or
        another worker holds it.
        """
        now = time.time() if now is None else now
        d = delivery_table.c
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(delivery_table).where(d.id == delivery_id)).one_or_none()
            if row is None or row.state == DELIVERED:
                return None
            if worker_id is not None and row.lease_owner not in (None, worker_id):
                return None
            give_up = permanent or (now - row.created_at) >= self.give_up_seconds
            values: dict[str, Any]
            if give_up:
                values = {"state": GIVEN_UP, "last_error": error[:500]}
            else:
                retry_at = now + backoff_seconds(row.attempts, self.backoff_base, self.backoff_cap)
                values = {
                    "state": FAILED,
                    "next_attempt_at": retry_at,
                    "last_error": f"{error[:440]}; retry at {iso(retry_at)}",
                }
            conn.execute(
                delivery_table.update()
                .where(d.id == delivery_id)
                .values(lease_owner=None, lease_until=None, **values)
            )
            if give_up and row.event != EVENT_GIVEN_UP:
                self._report_to_operator(conn, row, error, now)
        log.warning(
            "delivery %s of %s (%s, %s) %s: %s",
            delivery_id,
            row.reference,
            row.event,
            row.kind,
            values["state"],
            values["last_error"],
        )
        return values["state"]

    def _report_to_operator(self, conn, row, error: str, now: float) -> None:
        address = self.operator_email
        if not address:
            log.error(
                "delivery %s of %s given up; LEERPUNT_OPERATOR_EMAIL not set, nobody told",
                row.id,
                row.reference,
            )
            return
        payload = {
            "reference": row.reference,
            "event": row.event,
            "channel": row.kind,
            "error": error[:300],
        }
        key = f"{row.idempotency_key}:given-up:{row.id}"
        conn.execute(
            delivery_table.insert().values(
                **self._delivery_values(
                    row.reference, EVENT_GIVEN_UP, key, Target.email(address), now, payload
                )
            )
        )

    def resend(self, reference: str, now: float | None = None) -> int:
        """Queue the handoff's deliveries again, with the same idempotency key; return how many."""
        now = time.time() if now is None else now
        d = delivery_table.c
        with self.engine.begin() as conn:
            result = conn.execute(
                delivery_table.update()
                .where(sa.and_(d.reference == reference, d.event == EVENT_CREATED))
                .values(
                    state=PENDING,
                    attempts=0,
                    created_at=now,
                    next_attempt_at=now,
                    lease_owner=None,
                    lease_until=None,
                    last_error=None,
                    delivered_at=None,
                )
            )
        return result.rowcount

    def withdraw(self, reference: str, now: float | None = None) -> int:
        """Delete a handoff after the entrepreneur withdrew consent; return notices queued.

        Deliveries not yet attempted are cancelled. Every target that may
        already have the profile gets a ``handoff.withdrawn`` notice that
        carries the reference only.
        """
        now = time.time() if now is None else now
        d = delivery_table.c
        with self.engine.begin() as conn:
            rows = conn.execute(
                sa.select(delivery_table).where(
                    sa.and_(d.reference == reference, d.event == EVENT_CREATED)
                )
            ).all()
            conn.execute(handoff_table.delete().where(handoff_table.c.reference == reference))
            conn.execute(
                delivery_table.delete().where(
                    sa.and_(d.reference == reference, d.event == EVENT_CREATED)
                )
            )
            notices = 0
            for row in rows:
                if row.state != DELIVERED and row.attempts == 0:
                    continue
                payload = {"event": EVENT_WITHDRAWN, "reference": reference}
                conn.execute(
                    delivery_table.insert().values(
                        **self._delivery_values(
                            reference,
                            EVENT_WITHDRAWN,
                            f"{row.idempotency_key}:withdrawn",
                            Target(row.kind, row.address, row.secret_env),
                            now,
                            payload,
                        )
                    )
                )
                notices += 1
        log.info("handoff %s withdrawn; %d notice(s) queued", reference, notices)
        return notices

    def delete(self, reference: str) -> bool:
        """Delete a handoff and all its deliveries, without telling anyone; True if it existed."""
        with self.engine.begin() as conn:
            gone = conn.execute(
                handoff_table.delete().where(handoff_table.c.reference == reference)
            ).rowcount
            gone += conn.execute(
                delivery_table.delete().where(delivery_table.c.reference == reference)
            ).rowcount
        return gone > 0

    def delete_conversation(self, conversation_id: str) -> int:
        """Delete every handoff of a conversation (and its deliveries); return how many."""
        refs = self.references_for_conversation(conversation_id)
        for ref in refs:
            self.delete(ref)
        return len(refs)

    def purge_older_than(self, days: float | None = None, now: float | None = None) -> int:
        """Retention: delete handoffs and delivery records older than ``days``; return handoffs deleted.

        ``days`` defaults to ``LEERPUNT_RETENTION_DAYS`` (90).
        """
        days = retention_days() if days is None else days
        now = time.time() if now is None else now
        cutoff = now - days * 86400.0
        with self.engine.begin() as conn:
            removed = conn.execute(
                handoff_table.delete().where(handoff_table.c.created_at < cutoff)
            ).rowcount
            conn.execute(delivery_table.delete().where(delivery_table.c.created_at < cutoff))
        log.info("retention: %d handoff(s) older than %s days deleted", removed, days)
        return removed

    # -- reading -----------------------------------------------------------------

    def get(self, reference: str) -> dict | None:
        """The stored profile of a handoff, or None."""
        with self.engine.connect() as conn:
            text = conn.execute(
                sa.select(handoff_table.c.profile).where(handoff_table.c.reference == reference)
            ).scalar_one_or_none()
        return json.loads(text) if text else None

    def conversation_of(self, reference: str) -> str | None:
        """The conversation id a stored handoff came from, or None."""
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(handoff_table.c.conversation_id).where(
                    handoff_table.c.reference == reference
                )
            ).scalar_one_or_none()

    def references_for_conversation(self, conversation_id: str) -> list[str]:
        with self.engine.connect() as conn:
            return list(
                conn.execute(
                    sa.select(handoff_table.c.reference)
                    .where(handoff_table.c.conversation_id == conversation_id)
                    .order_by(handoff_table.c.created_at)
                ).scalars()
            )

    def deliveries(self, reference: str | None = None) -> list[dict]:
        """Delivery records (no personal data), optionally of one reference."""
        d = delivery_table.c
        query = sa.select(
            d.id,
            d.reference,
            d.event,
            d.kind,
            d.address,
            d.state,
            d.attempts,
            d.created_at,
            d.next_attempt_at,
            d.delivered_at,
            d.last_error,
        ).order_by(d.id)
        if reference:
            query = query.where(d.reference == reference)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        out = []
        for row in rows:
            item = dict(row._mapping)
            for key in ("created_at", "next_attempt_at", "delivered_at"):
                item[key] = iso(item[key])
            out.append(item)
        return out

    def list(self) -> list[dict]:
        """Every reference known to the outbox with its deliveries, newest first."""
        with self.engine.connect() as conn:
            handoffs = {
                row.reference: {
                    "reference": row.reference,
                    "region_id": row.region_id,
                    "created_at": iso(row.created_at),
                    "stored": True,
                    "deliveries": [],
                }
                for row in conn.execute(
                    sa.select(
                        handoff_table.c.reference,
                        handoff_table.c.region_id,
                        handoff_table.c.created_at,
                    )
                )
            }
        for item in self.deliveries():
            entry = handoffs.setdefault(
                item["reference"],
                {
                    "reference": item["reference"],
                    "region_id": None,
                    "created_at": item["created_at"],
                    "stored": False,
                    "deliveries": [],
                },
            )
            entry["deliveries"].append(item)
        return sorted(handoffs.values(), key=lambda h: h["created_at"] or "", reverse=True)

    def _reference_for_key(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(handoff_table.c.reference).where(handoff_table.c.idempotency_key == key)
            ).scalar_one_or_none()

    def _exists(self, reference: str) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    sa.select(handoff_table.c.reference).where(
                        handoff_table.c.reference == reference
                    )
                ).first()
                is not None
            )

    def counts(self) -> dict[str, int]:
        """Number of deliveries per state (for monitoring)."""
        d = delivery_table.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(d.state, sa.func.count()).group_by(d.state)).all()
        return {state: 0 for state in STATES} | {row[0]: row[1] for row in rows}
