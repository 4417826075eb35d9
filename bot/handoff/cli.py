"""Command line of the handoff: ``python -m bot handoff ...`` (or ``python -m bot.handoff ...``).

For operators and developers; prints references, states and technical
errors. ``show`` prints a stored profile (personal data) to the terminal only
on request, never to a log.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from bot import settings
from bot.handoff.outbox import HandoffOutbox
from bot.handoff.profile import normalize_reference
from bot.handoff.webhook import verify_signature
from bot.handoff.withdrawal import withdraw_consent


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``handoff`` with its sub-commands to the ``python -m bot`` parser."""
    parser = subparsers.add_parser("handoff", help="handoffs to regional coaches: outbox, worker")
    add_commands(parser)
    parser.set_defaults(func=run)


def add_commands(parser: argparse.ArgumentParser) -> None:
    """The handoff sub-commands, shared by ``python -m bot handoff`` and ``python -m bot.handoff``."""
    sub = parser.add_subparsers(dest="handoff_command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("list", help="references with delivery states")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=_cmd_list)

    p = sub.add_parser("show", help="stored profile and deliveries of one reference")
    p.add_argument("reference")
    p.set_defaults(handler=_cmd_show)

    p = sub.add_parser("resend", help="deliver a handoff again (same idempotency key)")
    p.add_argument("reference")
    p.set_defaults(handler=_cmd_resend)

    p = sub.add_parser("delete", help="delete a handoff here, without telling the coach")
    p.add_argument("reference")
    p.set_defaults(handler=_cmd_delete)

    p = sub.add_parser(
        "withdraw",
        help="entrepreneur withdrew consent: delete handoff and conversation, notify coach",
    )
    p.add_argument("reference", help="reference code or conversation id")
    p.set_defaults(handler=_cmd_withdraw)

    p = sub.add_parser(
        "verify-signature", help="check an X-Leerpunt-Signature header against a saved request body"
    )
    p.add_argument("--secret-env", required=True, help="name of the env var holding the secret")
    p.add_argument("--signature", required=True, help="header value, e.g. sha256=ab12...")
    p.add_argument("body_file", type=Path, help="file with the raw request body")
    p.set_defaults(handler=_cmd_verify)

    p = sub.add_parser("receive", help="run the reference webhook receiver (for development)")
    p.add_argument("--port", type=int, default=8090)
    p.add_argument("--secret-env", required=True, help="name of the env var holding the secret")
    p.set_defaults(handler=_cmd_receive)

    p = sub.add_parser("worker", help="deliver queued handoffs (loops until stopped)")
    p.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls (1.0)")
    p.add_argument(
        "--lease",
        type=float,
        default=120.0,
        help="seconds before a claim of a dead worker is taken over (120)",
    )
    p.add_argument("--timeout", type=float, default=None, help="webhook read timeout in seconds")
    p.set_defaults(handler=_cmd_worker)

    p = sub.add_parser("purge", help="delete handoffs older than the retention period")
    p.add_argument(
        "--days", type=float, default=None, help="override LEERPUNT_RETENTION_DAYS (default 90)"
    )
    p.set_defaults(handler=_cmd_purge)


def run(args: argparse.Namespace) -> int:
    """Dispatch parsed arguments; returns the exit code."""
    return args.handler(args)


def _cmd_list(args: argparse.Namespace) -> int:
    items = HandoffOutbox().list()
    if args.json:
        print(json.dumps(items, indent=2))
        return 0
    if not items:
        print("no handoffs")
    for item in items:
        states = ", ".join(
            f"{d['event']}→{d['kind']}:{d['state']}({d['attempts']})" for d in item["deliveries"]
        )
        stored = "" if item["stored"] else " [profile deleted]"
        print(
            f"{item['reference']}  {item['created_at']}  {item['region_id'] or '-'}{stored}  "
            f"{states}"
        )
    return 0


def _cmd_show(args: argparse.Namespace) -> int:
    outbox = HandoffOutbox()
    reference = normalize_reference(args.reference)
    profile = outbox.get(reference)
    deliveries = outbox.deliveries(reference)
    if profile is None and not deliveries:
        print(f"unknown reference {reference}", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {"reference": reference, "deliveries": deliveries, "profile": profile},
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0


def _cmd_resend(args: argparse.Namespace) -> int:
    reference = normalize_reference(args.reference)
    count = HandoffOutbox().resend(reference)
    if not count:
        print(f"nothing to resend for {reference}", file=sys.stderr)
        return 1
    print(f"{reference}: {count} delivery(ies) queued again")
    return 0


def _cmd_delete(args: argparse.Namespace) -> int:
    reference = normalize_reference(args.reference)
    if not HandoffOutbox().delete(reference):
        print(f"unknown reference {reference}", file=sys.stderr)
        return 1
    print(f"{reference}: deleted")
    return 0


def _cmd_withdraw(args: argparse.Namespace) -> int:
    # The same withdrawal as in the chat; outside a chat turn the conversation goes at once.
    result = withdraw_consent(args.reference, delete_now=True)
    if not result.found and not result.events_deleted:
        print(f"nothing found for {args.reference}", file=sys.stderr)
        return 1
    print(
        f"withdrawn: {', '.join(result.references) or 'no handoff'}; "
        f"{result.notices_queued} notice(s) queued; "
        f"{result.events_deleted} conversation event(s) deleted"
    )
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    secret = settings.secret(args.secret_env)
    if not secret:
        print(f"env var {args.secret_env} is not set", file=sys.stderr)
        return 2
    body = args.body_file.read_bytes()
    if verify_signature(body, secret, args.signature):
        print("signature valid")
        return 0
    print("signature INVALID (wrong secret, or the body was changed: use the raw bytes)")
    return 1


def _cmd_receive(args: argparse.Namespace) -> int:
    from bot.handoff.receiver import serve

    secret = settings.secret(args.secret_env)
    if not secret:
        print(f"env var {args.secret_env} is not set", file=sys.stderr)
        return 2
    serve(args.port, secret)
    return 0


def _cmd_worker(args: argparse.Namespace) -> int:
    from bot.handoff.worker import run_worker

    done = run_worker(
        once=args.once, interval=args.interval, lease_seconds=args.lease, timeout=args.timeout
    )
    if args.once:
        print(f"{done} delivery attempt(s)")
    return 0


def _cmd_purge(args: argparse.Namespace) -> int:
    removed = HandoffOutbox().purge_older_than(args.days)
    print(f"{removed} handoff(s) deleted")
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m bot.handoff``: the same commands without the ``handoff`` level."""
    logging.basicConfig(
        level=settings.get().log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    parser = argparse.ArgumentParser(prog="python -m bot.handoff", description=__doc__)
    add_commands(parser)
    args = parser.parse_args(argv)
    return run(args)
