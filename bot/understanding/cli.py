"""``python -m bot understanding train|check``: the theme and answer classifiers."""

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


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("understanding", help="theme and answer classifiers")
    sub = parser.add_subparsers(dest="understanding_command", required=True)
    train = sub.add_parser("train", help="train when the corpora changed (deterministic)")
    train.add_argument("--force", action="store_true", help="train even when up to date")
    train.set_defaults(func=_train)
    sub.add_parser("check", help="fail when the classifiers are missing or stale").set_defaults(
        func=_check
    )
