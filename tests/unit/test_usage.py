"""Anonymous usage figures: counters only, per day, region, source and event."""

from __future__ import annotations

import argparse
import csv
import datetime as dt

import pytest
from sqlalchemy import create_engine, inspect, select

from bot import usage
from bot.web import cli

DAY = dt.date(2026, 11, 2)


@pytest.fixture()
def engine(tmp_path):
    return create_engine(f"sqlite:///{tmp_path / 'u.db'}", future=True)


def test_record_counts_up_per_key(engine):
    for _ in range(3):
        assert usage.record("gesprek_gestart", "twente", "linkedin", DAY, engine=engine)
    usage.record("samenvatting", "twente", "linkedin", DAY, engine=engine)
    usage.record("gesprek_gestart", "twente", "linkedin", DAY + dt.timedelta(days=1), engine=engine)
    usage.record("overdracht_bevestigd", "zeeland", None, DAY, engine=engine)
    rows = usage.totals(engine)
    assert rows == [
        usage.UsageTotals("twente", "linkedin", 4, 1, 0),
        usage.UsageTotals("zeeland", "", 0, 0, 1),
    ]
    with engine.connect() as conn:
        assert len(conn.execute(select(usage.usage_counts)).all()) == 4


def test_only_counters_are_stored(engine):
    usage.record("gesprek_gestart", "twente", "linkedin", DAY, engine=engine)
    columns = {c["name"] for c in inspect(engine).get_columns("usage_counts")}
    assert columns == {"day", "region", "source", "event", "count"}


def test_free_text_never_lands_in_the_counts(engine):
    usage.record(
        "gesprek_gestart", "Jan de Vries, 06-12345678", "jan@example.org", DAY, engine=engine
    )
    with engine.connect() as conn:
        row = conn.execute(select(usage.usage_counts)).one()
    assert (row.region, row.source) == ("", "")


def test_unknown_event_is_a_programming_error(engine):
    with pytest.raises(ValueError, match="expected one of gesprek_gestart"):
        usage.record("bezoek", "twente", None, engine=engine)


def test_a_broken_store_does_not_break_the_conversation(caplog):
    broken = create_engine("sqlite:////nonexistent-dir/x.db", future=True)
    assert usage.record("gesprek_gestart", "twente", None, engine=broken) is False
    assert "not recorded" in caplog.text and "twente" not in caplog.text


def test_totals_filter_by_day(engine):
    usage.record("gesprek_gestart", "twente", "qr", DAY, engine=engine)
    usage.record("gesprek_gestart", "twente", "qr", DAY + dt.timedelta(days=5), engine=engine)
    assert usage.totals(engine, since=DAY + dt.timedelta(days=1))[0].gesprek_gestart == 1
    assert usage.totals(engine, until=DAY)[0].gesprek_gestart == 1


def test_stats_cli_prints_table_and_writes_csv(engine, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(usage, "get_engine", lambda url=None: engine)
    usage.record("gesprek_gestart", "twente", "linkedin", DAY, engine=engine)
    usage.record("gesprek_gestart", "twente", "linkedin", DAY, engine=engine)
    usage.record("overdracht_bevestigd", "twente", "linkedin", DAY, engine=engine)
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command", required=True))
    out_csv = tmp_path / "stats.csv"
    args = parser.parse_args(["stats", "--csv", str(out_csv)])
    assert args.func(args) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["regio", "bron", "gesprekken", "samenvattingen", "overdrachten"]
    assert lines[2].split() == ["twente", "linkedin", "2", "0", "1"]
    assert lines[-1].split() == ["totaal", "2", "0", "1"]
    with out_csv.open() as fh:
        assert list(csv.reader(fh))[1] == ["twente", "linkedin", "2", "0", "1"]
