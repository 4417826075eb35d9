"""``python -m bot domain sync|check``: keep domain.yml in step with the questions.

Every intake question's answer is kept in a slot named after its id. The
framework and the regions' added questions are data, so the matching part of
domain.yml is generated between marker comments.
Region staff never edit domain.yml: ``make run`` syncs it before training.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot import PROJECT_DIR

DOMAIN_FILE = PROJECT_DIR / "domain.yml"


def question_ids() -> list[str]:
    """All question ids: the framework's, then every region's added ones (no duplicates)."""
    from bot.framework import load_framework
    from bot.regions import load_regions

    ids = list(load_framework().questions)
    for region in load_regions().all():
        for question in region.added_questions:
            if question.id not in ids:
                ids.append(question.id)
    return ids


def _slot_block(qid: str) -> str:
    return (
        f"  {qid}:\n"
        "    type: any\n"
        "    influence_conversation: false\n"
        "    mappings:\n"
        "      - type: custom\n"
    )


def _blocks(ids: list[str]) -> dict[str, str]:
    return {"question slots": "".join(_slot_block(q) for q in ids)}


def render(text: str, ids: list[str]) -> str:
    """Return domain text with every generated block replaced for ``ids``."""
    for name, body in _blocks(ids).items():
        start = text.index(f"# >>> generated {name}")
        start = text.index("\n", start) + 1
        end = text.index(f"# <<< generated {name}")
        end = text.rindex("\n", 0, end) + 1
        text = text[:start] + body + text[end:]
    return text


def sync(domain_file: Path = DOMAIN_FILE, write: bool = True) -> bool:
    """Bring the generated blocks up to date; return True when the file changed (or would)."""
    current = domain_file.read_text(encoding="utf-8")
    wanted = render(current, question_ids())
    if wanted != current and write:
        domain_file.write_text(wanted, encoding="utf-8")
    return wanted != current


def _run(args: argparse.Namespace) -> int:
    if args.action == "check":
        if sync(write=False):
            print("domain.yml loopt achter op de vragen; draai: python -m bot domain sync")
            return 1
        if not args.quiet:
            print("domain.yml is in orde")
        return 0
    changed = sync()
    if not args.quiet or changed:
        print("domain.yml bijgewerkt" if changed else "domain.yml was al actueel")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("domain", help="domain.yml in step with the questions")
    parser.add_argument("action", choices=["sync", "check"])
    parser.add_argument("--quiet", action="store_true")
    parser.set_defaults(func=_run)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_run(argparse.Namespace(action="check", quiet=False)))
