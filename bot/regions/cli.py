"""``python -m bot regions ...`` (and ``python -m bot.regions ...``): check and inspect region files.

Commands (output in Dutch, for region staff):
  check [--dir DIR]                 every problem as "file: path: problem"; exit 1 when any
  resolve TEXT [--dir DIR]          which region a place, postcode or sentence points to
  texts REGION [--dir DIR] [--changed]   the region's effective dialogue texts
  instruments REGION [--theme T ...] [--size N]   the local offer, best fitting first
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.regions.content import effective_texts, framework_texts, instruments_for
from bot.regions.loader import RegionSet, check_directory, default_directory, load_regions
from bot.yamlio import ConfigError, load_yaml


def _show_file(file: str) -> str:
    try:
        relative = os.path.relpath(file)
    except ValueError:
        return file
    return file if relative.startswith("..") else relative


def _framework() -> Any:
    try:
        from bot.framework import load_framework
    except ImportError:
        return None
    return load_framework()


def _regions(args: argparse.Namespace) -> RegionSet:
    return load_regions(Path(args.dir) if args.dir else None)


def cmd_check(args: argparse.Namespace) -> int:
    directory = Path(args.dir) if args.dir else default_directory()
    regions, problems = check_directory(directory)
    if problems:
        for file, path, message in problems:
            print(f"{_show_file(file)}: {path}: {message}")
        count = "1 probleem" if len(problems) == 1 else f"{len(problems)} problemen"
        print(
            f"{count} gevonden in {_show_file(str(directory))}. Los ze op en draai de controle opnieuw."
        )
        return 1
    assert regions is not None
    with_coach = [r for r in regions if r.coaches]
    print(
        f"In orde: {len(regions)} regio's ({len(with_coach)} met coach, landelijk vangnet: "
        f"{regions.fallback.id}), {sum(len(r.municipalities) for r in regions)} gemeenten, "
        f"{sum(len(r.postcodes) for r in regions)} postcodegebieden, "
        f"{sum(len(r.instruments) for r in regions)} instrumenten."
    )
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    regions = _regions(args)
    res = regions.resolve(args.text)
    if res.status == "found":
        region = regions.get(res.region_ids[0])
        assert region is not None
        where = []
        if res.place:
            where.append(f"plaats: {res.place}")
        if res.municipality and res.municipality != res.place:
            where.append(f"gemeente: {res.municipality}")
        if res.postcode:
            where.append(f"postcode: {res.postcode}")
        print(
            f"gevonden: {region.name} ({region.id})" + (f" — {', '.join(where)}" if where else "")
        )
        return 0
    if res.status == "ambiguous":
        print(f"meerdere regio's mogelijk voor '{res.place}':")
        for m in res.matches:
            region = regions.get(m.region_id)
            muni = (
                f", gemeente {m.municipality}"
                if m.municipality and m.municipality != m.place
                else ""
            )
            print(f"  - {m.place}{muni}: {region.name if region else m.region_id} ({m.region_id})")
        return 1
    extra = f" (postcode {res.postcode} valt in geen enkele regio)" if res.postcode else ""
    print(
        f"onbekend{extra}: het gesprek valt onder het landelijke vangnet "
        f"({regions.fallback.name}, {regions.fallback.id})"
    )
    return 1


def base_texts() -> dict[str, str]:
    """The framework's texts (and question texts); read texts.yml directly if needed."""
    try:
        framework = _framework()
    except ConfigError:
        framework = None
    if framework is not None:
        return framework_texts(framework)
    from bot import PACKAGE_DIR

    data = load_yaml(PACKAGE_DIR / "framework" / "texts.yml") or {}
    return framework_texts(type("Texts", (), {"texts": data, "questions": {}})())


def cmd_texts(args: argparse.Namespace) -> int:
    regions = _regions(args)
    region = regions.get(args.region)
    if region is None:
        print(f"onbekende regio '{args.region}'; bekend: {', '.join(regions.ids)}")
        return 1
    base = base_texts()
    texts = effective_texts(region, base)
    print(f"# Teksten van {region.name} ({region.id}); * = anders dan de standaardtekst")
    for key, text in texts.items():
        changed = text != base.get(key)
        if args.changed and not changed:
            continue
        print(f"{'*' if changed else ' '} {key}: {' '.join(text.split())}")
    return 0


def cmd_instruments(args: argparse.Namespace) -> int:
    regions = _regions(args)
    region = regions.get(args.region)
    if region is None:
        print(f"onbekende regio '{args.region}'; bekend: {', '.join(regions.ids)}")
        return 1
    found = instruments_for(region, args.theme or [], args.size)
    if not found:
        print(f"{region.name} heeft geen instrumenten die hierbij passen.")
    for ins in found:
        print(f"- {ins.name} [{ins.kind}] thema's: {', '.join(ins.themes) or 'alle'}")
        print(f"    {' '.join(ins.description.split())}")
        if ins.link:
            print(f"    {ins.link}")
    return 0


def _reporting(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Print a broken region set as 'file: path: problem' lines instead of a traceback."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args)
        except ConfigError as exc:
            for file, path, message in exc.problems:
                print(f"{_show_file(file)}: {path}: {message}", file=sys.stderr)
            return 1

    return run


def add_commands(parser: argparse.ArgumentParser) -> None:
    """Add the region sub-commands to ``parser`` (shared by both entry points)."""
    sub = parser.add_subparsers(dest="regions_command", required=True)

    def with_dir(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument(
            "--dir", help="map met regiobestanden (standaard: bot/regions of $LEERPUNT_REGIONS_DIR)"
        )
        return p

    p = with_dir(sub.add_parser("check", help="controleer alle regiobestanden"))
    p.set_defaults(func=_reporting(cmd_check))
    p = with_dir(sub.add_parser("resolve", help="bij welke regio hoort een plaats of postcode"))
    p.add_argument("text", help='plaatsnaam, postcode of zin, bijvoorbeeld "Den Bosch" of 7511')
    p.set_defaults(func=_reporting(cmd_resolve))
    p = with_dir(sub.add_parser("texts", help="de teksten van een regio na aanpassingen"))
    p.add_argument("region", help="regio-id, bijvoorbeeld twente")
    p.add_argument("--changed", action="store_true", help="alleen teksten die de regio aanpast")
    p.set_defaults(func=_reporting(cmd_texts))
    p = with_dir(sub.add_parser("instruments", help="het lokale aanbod van een regio"))
    p.add_argument("region", help="regio-id, bijvoorbeeld twente")
    p.add_argument("--theme", action="append", help="thema-id, bijvoorbeeld behoud (mag vaker)")
    p.add_argument("--size", type=int, help="aantal medewerkers")
    p.set_defaults(func=_reporting(cmd_instruments))


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``regions`` to the product's ``python -m bot`` command line."""
    add_commands(subparsers.add_parser("regions", help="regiobestanden controleren en bekijken"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.regions", description=__doc__.splitlines()[0]
    )
    add_commands(parser)
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)
