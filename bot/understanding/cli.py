"""``python -m bot understanding train|check|intents``: the theme and answer classifiers, and
the blind writers' intent examples as Rasa training data."""

from __future__ import annotations

import argparse
import sys
import time


def _train(args: argparse.Namespace) -> int:
    from bot.understanding import service

    key = service.model_key()
    path = service.model_path(key)
    if path.is_file() and not args.force:
        print(f"Classifiers are up to date ({path.name}), not trained again")
        return 0
    start = time.perf_counter()
    service.train()
    print(f"Classifiers trained in {time.perf_counter() - start:.1f} s: {path}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from bot.understanding import service

    path = service.model_path(service.model_key())
    if path.is_file():
        print(f"Classifiers are up to date: {path}")
        return 0
    print(
        f"Classifiers missing or stale (expected {path}); run: python -m bot understanding train",
        file=sys.stderr,
    )
    return 1


def _intents(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.understanding import corpus

    paths = sorted(corpus.INTENTS_BLIND_DIR.glob("*.yml"))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = corpus.blind_intents_nlu(paths)
    if not out.is_file() or out.read_text(encoding="utf-8") != text:  # keeps mtime when same
        out.write_text(text, encoding="utf-8")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("understanding", help="theme and answer classifiers")
    sub = parser.add_subparsers(dest="understanding_command", required=True)
    train = sub.add_parser("train", help="train when the corpora changed (deterministic)")
    train.add_argument("--force", action="store_true", help="train even when up to date")
    train.set_defaults(func=_train)
    sub.add_parser("check", help="fail when the classifiers are missing or stale").set_defaults(
        func=_check
    )
    intents = sub.add_parser(
        "intents", help="write the blind writers' intent examples (data/intents_blind/) as Rasa NLU"
    )
    intents.add_argument("out", help="the file to write, e.g. var/nlu/blind.yml")
    intents.set_defaults(func=_intents)
