"""The product's one command line: ``python -m bot <area> ...``.

Each area contributes its sub-commands through ``register(subparsers)`` in its
own ``cli`` module, so this file only lists the areas.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

# (module, human description) — each module has register(subparsers).
_AREAS = (
    "bot.regions.cli",
    "bot.handoff.cli",
    "bot.web.cli",
    "bot.cli_domain",
    "bot.understanding.cli",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in _AREAS:
        module = importlib.import_module(name)
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
