"""Anonymous usage figures: how many conversations start, reach a summary, end in a handoff.

Only counters per day, region, source and event are kept: no conversation ids,
no text, nothing that points to a person. Rasa actions call ``record``; region
staff read the totals with ``python -m bot stats``.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Column, Date, Integer, String, Table, UniqueConstraint, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.store import ensure_tables, get_engine, metadata

log = logging.getLogger(__name__)

EVENTS: tuple[str, ...] = ("gesprek_gestart", "samenvatting", "overdracht_bevestigd")
_ID = re.compile(r"^[a-z0-9_-]{1,40}$")
UNKNOWN = ""  # stored for a missing region or source (NULL would defeat the unique key)

usage_counts = Table(
    "usage_counts",
    metadata,
    Column("day", Date, nullable=False),
    Column("region", String(40), nullable=False),
    Column("source", String(40), nullable=False),
    Column("event", String(40), nullable=False),
    Column("count", Integer, nullable=False),
    UniqueConstraint("day", "region", "source", "event", name="uq_usage_counts_key"),
)

_ready: set[str] = set()


def _engine(engine: Engine | None) -> Engine:
    engine = engine or get_engine()
    key = str(engine.url)
    if key not in _ready:
        ensure_tables(engine)
        _ready.add(key)
    return engine


def _label(value: str | None) -> str:
    """An id-shaped value or UNKNOWN: free text can never end up in the counts."""
    if isinstance(value, str) and _ID.match(value):
        return value
    return UNKNOWN


def _upsert(conn, key: dict) -> None:
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(usage_counts).values(**key, count=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["day", "region", "source", "event"],
            set_={"count": usage_counts.c.count + 1},
        )
        conn.execute(stmt)
        return
    where = [usage_counts.c[k] == v for k, v in key.items()]
    result = conn.execute(update(usage_counts).where(*where).values(count=usage_counts.c.count + 1))
    if result.rowcount == 0:
        conn.execute(usage_counts.insert().values(**key, count=1))


def record(
    event: str,
    region: str | None,
    source: str | None,
    day: dt.date | None = None,
    engine: Engine | None = None,
) -> bool:
    """Add one to the counter of ``event``; False (and a warning) if the store failed.

    A failing counter must never break a conversation, so database errors are
    logged, not raised. An unknown ``event`` is a programming error and raises.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown usage event {event!r}; expected one of {', '.join(EVENTS)}")
    key = {
        "day": day or dt.date.today(),
        "region": _label(region),
        "source": _label(source),
        "event": event,
    }
    try:
        eng = _engine(engine)
        for attempt in (1, 2):
            try:
                with eng.begin() as conn:
                    _upsert(conn, key)
                return True
            except IntegrityError:  # two first inserts raced (generic path); retry once
                if attempt == 2:
                    raise
    except SQLAlchemyError as exc:
        log.warning("usage figure %s not recorded: %s", event, type(exc).__name__)
    return False


@dataclass(frozen=True)
class UsageTotals:
    """Totals of one region and source over a period."""

    region: str
    source: str
    gesprek_gestart: int = 0
    samenvatting: int = 0
    overdracht_bevestigd: int = 0


def totals(
    engine: Engine | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[UsageTotals]:
    """Totals per region and source, sorted by region then source; dates inclusive."""
    eng = _engine(engine)
    stmt = select(
        usage_counts.c.region,
        usage_counts.c.source,
        usage_counts.c.event,
        func.sum(usage_counts.c.count),
    ).group_by(usage_counts.c.region, usage_counts.c.source, usage_counts.c.event)
    if since:
        stmt = stmt.where(usage_counts.c.day >= since)
    if until:
        stmt = stmt.where(usage_counts.c.day <= until)
    grouped: dict[tuple[str, str], dict[str, int]] = {}
    with eng.connect() as conn:
        for region, source, event, count in conn.execute(stmt):
            if event in EVENTS:
                grouped.setdefault((region, source), {})[event] = int(count or 0)
    return [
        UsageTotals(region, source, **counts)
        for (region, source), counts in sorted(grouped.items())
    ]


COLUMNS = ("regio", "bron", "gesprekken", "samenvattingen", "overdrachten")


def _row(t: UsageTotals) -> tuple:
    return (
        t.region or "(onbekend)",
        t.source or "(onbekend)",
        t.gesprek_gestart,
        t.samenvatting,
        t.overdracht_bevestigd,
    )


def format_table(rows: list[UsageTotals]) -> str:
    """A plain-text table with a total line, for the terminal."""
    body = [_row(t) for t in rows]
    total = (
        "totaal",
        "",
        sum(t.gesprek_gestart for t in rows),
        sum(t.samenvatting for t in rows),
        sum(t.overdracht_bevestigd for t in rows),
    )
    lines = [COLUMNS, *body, total]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(COLUMNS))]

    def fmt(line: tuple) -> str:
        cells = [
            str(v).ljust(w) if i < 2 else str(v).rjust(w)
            for i, (v, w) in enumerate(zip(line, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(COLUMNS), rule, *(fmt(b) for b in body), rule, fmt(total)])


def write_csv(rows: list[UsageTotals], path: str | Path) -> Path:
    """Write the totals as CSV (UTF-8, comma separated, header row)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(_row(t) for t in rows)
    return path
