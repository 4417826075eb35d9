"""``python -m bot links make ...``, ``python -m bot stats`` and ``python -m bot origins``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from bot import settings
from bot.web.links import DEFAULT_BASE_URL, LinkError, known_regions, make_link, write_qr


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date like 2026-11-01, got {value!r}"
        ) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``links`` and ``stats`` commands."""
    links = subparsers.add_parser("links", help="campaign links and QR codes for the chat page")
    links_sub = links.add_subparsers(dest="links_command", required=True)
    make = links_sub.add_parser("make", help="print a chat link (and write a QR code)")
    make.add_argument("--regio", required=True, help="region id, e.g. twente")
    make.add_argument("--bron", required=True, help="source, e.g. linkedin or website")
    make.add_argument("--campagne", help="campaign name: a-z, 0-9, '-' and '_' (max 40)")
    make.add_argument(
        "--base-url",
        help=f"public address of the chat page (default: $LEERPUNT_PUBLIC_URL or {DEFAULT_BASE_URL})",
    )
    make.add_argument("--qr", metavar="FILE.png", help="also write a QR code PNG of the link")
    make.set_defaults(func=cmd_links_make)

    stats = subparsers.add_parser("stats", help="anonymous usage figures per region and source")
    stats.add_argument("--csv", metavar="FILE", help="also write the figures as CSV")
    stats.add_argument("--since", type=_date, help="first day (YYYY-MM-DD), inclusive")
    stats.add_argument("--until", type=_date, help="last day (YYYY-MM-DD), inclusive")
    stats.set_defaults(func=cmd_stats)

    origins = subparsers.add_parser(
        "origins", help="the sites allowed to talk to the Rasa server (CORS), one a line"
    )
    origins.set_defaults(func=cmd_origins)


def cmd_links_make(args: argparse.Namespace) -> int:
    """Print the link; write the QR code when asked."""
    base_url = args.base_url or settings.get().public_url or DEFAULT_BASE_URL
    try:
        link = make_link(known_regions(), args.regio, args.bron, args.campagne, base_url)
    except LinkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(link)
    if args.qr:
        path = write_qr(link, args.qr)
        print(f"QR code written to {path}", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Print the totals; write them as CSV when asked."""
    from bot.usage import format_table, totals, write_csv

    rows = totals(since=args.since, until=args.until)
    print(format_table(rows))
    if args.csv:
        path = write_csv(rows, args.csv)
        print(f"CSV written to {path}", file=sys.stderr)
    return 0


def cmd_origins(args: argparse.Namespace) -> int:
    """Print the allowed CORS origins, one a line (``scripts/run.sh`` passes them to Rasa)."""
    from bot.web.origins import configured_origins

    for origin in configured_origins():
        print(origin)
    return 0
