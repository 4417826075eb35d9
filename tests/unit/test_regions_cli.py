"""The region command line: check, resolve, texts, instruments (both entry points)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from bot.regions import cli

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.regions", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_module_entry_point_checks_the_shipped_regions():
    done = run("check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("In orde: ") and len(done.stdout.strip().splitlines()) == 1


def test_check_fails_on_a_broken_directory(tmp_path: Path):
    (tmp_path / "kapot.yml").write_text("id: kapot\nname: [\n", encoding="utf-8")
    done = run("check", "--dir", str(tmp_path))
    assert done.returncode == 1
    assert f"{tmp_path / 'kapot.yml'}: regel " in done.stdout and "YAML-fout" in done.stdout


@pytest.mark.parametrize(
    "text,expected,code",
    [
        (
            "Den Bosch",
            "gevonden: Noordoost-Brabant (noordoost_brabant) — plaats: 's-Hertogenbosch",
            0,
        ),
        ("7511", "gevonden: Twente (twente) — postcode: 7511", 0),
        ("Hengelo", "meerdere regio's mogelijk voor 'Hengelo':", 1),
        ("Den Haag", "gevonden: Nederland (landelijk) — plaats: Den Haag", 0),
        ("Antwerpen", "onbekend: het gesprek valt onder het landelijke vangnet", 1),
    ],
)
def test_resolve(text: str, expected: str, code: int, capsys):
    assert cli.main(["resolve", text]) == code
    assert capsys.readouterr().out.startswith(expected)


def test_texts_shows_the_regions_changes(capsys):
    assert cli.main(["texts", "twente", "--changed"]) == 0
    out = capsys.readouterr().out
    assert (
        "* greeting: Hoi! Ik ben de digitale assistent van {region_name}, namens het Twents" in out
    )
    assert all(line.startswith(("#", "*")) for line in out.splitlines())


def test_texts_of_unknown_region(capsys):
    assert cli.main(["texts", "atlantis"]) == 1
    assert "onbekende regio 'atlantis'" in capsys.readouterr().out


def test_instruments_filters_on_size(capsys):
    assert cli.main(["instruments", "achterhoek", "--theme", "behoud", "--size", "300"]) == 0
    out = capsys.readouterr().out
    assert "HR-voucher" not in out and "Op IJver" in out


def test_register_adds_regions_to_the_product_cli(capsys):
    parser = argparse.ArgumentParser(prog="python -m bot")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["regions", "resolve", "enschede"])
    assert args.func(args) == 0
    assert capsys.readouterr().out.startswith("gevonden: Twente")
